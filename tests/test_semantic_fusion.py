"""Score fusion: min-max normalisation, single hits, ties, disjoint candidates, alpha."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.semantic.fusion import fuse, minmax


def test_minmax_scales_to_unit_interval() -> None:
    assert minmax({"a": 2.0, "b": 4.0, "c": 3.0}) == {"a": 0.0, "b": 1.0, "c": 0.5}


@pytest.mark.parametrize("scores", [{"only": 7.5}, {"a": 0.3, "b": 0.3}, {"a": -1.0, "b": -1.0}])
def test_minmax_of_single_or_equal_scores_is_one(scores: dict[str, float]) -> None:
    assert minmax(scores) == dict.fromkeys(scores, 1.0)


def test_minmax_drops_nan_and_handles_empty() -> None:
    assert minmax({}) == {}
    assert minmax({"a": math.nan, "b": 1.0, "c": 3.0}) == {"b": 0.0, "c": 1.0}


def test_fuse_mixes_both_sides_with_alpha() -> None:
    bm25 = {"exact": 10.0, "para": 2.0, "noise": 1.0}
    cosine = {"exact": 0.40, "para": 0.80, "noise": 0.30}
    lexical_first = fuse(bm25, cosine, alpha=0.9)
    dense_first = fuse(bm25, cosine, alpha=0.1)
    assert lexical_first[0][0] == "exact"
    assert dense_first[0][0] == "para"
    scores = dict(fuse(bm25, cosine, alpha=0.5))
    assert scores["exact"] == pytest.approx(0.5 * 1.0 + 0.5 * 0.2)
    assert scores["para"] == pytest.approx(0.5 * (1 / 9) + 0.5 * 1.0)
    assert scores["noise"] == pytest.approx(0.0)


def test_alpha_one_is_bm25_order_and_zero_is_cosine_order() -> None:
    bm25 = {"a": 3.0, "b": 2.0, "c": 1.0}
    cosine = {"a": 0.1, "b": 0.5, "c": 0.9}
    assert [k for k, _ in fuse(bm25, cosine, 1.0)] == ["a", "b", "c"]
    assert [k for k, _ in fuse(bm25, cosine, 0.0)] == ["c", "b", "a"]


def test_candidate_found_by_one_side_only_gets_zero_from_the_other() -> None:
    fused = dict(fuse({"lex": 5.0, "both": 1.0}, {"both": 0.9, "dense": 0.2}, alpha=0.5))
    assert fused == {"lex": 0.5, "both": 0.5, "dense": 0.0}


def test_single_lexical_hit_does_not_dominate_the_dense_side() -> None:
    ranked = fuse({"a": 12.0}, {"a": 0.1, "b": 0.9, "c": 0.5}, alpha=0.5)
    assert ranked[0] == ("a", 0.5)
    assert ranked[1] == ("b", 0.5)  # a tie at 0.5: the lexical hit comes first
    assert ranked[2][0] == "c"


def test_equal_fused_scores_follow_lexical_then_dense_order() -> None:
    ranked = fuse({"x": 1.0, "y": 1.0}, {"x": 0.5, "y": 0.5}, alpha=0.5)
    assert [score for _, score in ranked] == [1.0, 1.0]
    assert fuse({}, {}, 0.5) == []


@pytest.mark.parametrize("alpha", [-0.1, 1.5, math.nan])
def test_alpha_out_of_range_is_refused(alpha: float) -> None:
    with pytest.raises(ValueError, match="alpha"):
        fuse({"a": 1.0}, {"a": 1.0}, alpha)


scores = st.dictionaries(
    st.sampled_from("abcdefgh"), st.floats(-50, 50, allow_nan=False), max_size=8
)


@given(bm25=scores, cosine=scores, alpha=st.floats(0, 1))
def test_fused_scores_are_in_unit_interval_and_cover_every_candidate(
    bm25: dict[str, float], cosine: dict[str, float], alpha: float
) -> None:
    ranked = fuse(bm25, cosine, alpha)
    assert {key for key, _ in ranked} == set(bm25) | set(cosine)
    values = [score for _, score in ranked]
    assert values == sorted(values, reverse=True)
    assert all(-1e-9 <= value <= 1 + 1e-9 for value in values)
