"""BM25F weighted text and the proximity re-ranking of the best notes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.index.analysis import text_analyzer
from tilbase.query.proximity import WINDOW, closeness
from tilbase.query.scoring import RERANK_DEPTH, rerank
from tilbase.query.weighting import CODE_WEIGHT, FIELD_MARK, split_code, weighted_text


def test_weighted_text_marks_each_part_and_skips_empty_ones() -> None:
    # A one-word title: 2 / (0.5 + 0.5 * 1/6); a one-word body gains the most there is (x2).
    text = weighted_text("Title", None, [], "body")
    assert text == f"{FIELD_MARK}3.42857{FIELD_MARK} Title\n{FIELD_MARK}2{FIELD_MARK} body"


def test_rerank_moves_notes_up_by_their_bonus_within_the_depth() -> None:
    ranked = [(10.0, 1), (9.0, 2), (8.0, 3)]
    assert rerank(ranked, {3: 2.5}) == [(10.5, 3), (10.0, 1), (9.0, 2)]


def test_rerank_leaves_notes_below_the_depth_in_place() -> None:
    ranked = [(float(100 - i), i) for i in range(RERANK_DEPTH + 5)]
    reranked = rerank(ranked, {RERANK_DEPTH + 2: 1000.0})
    assert reranked[RERANK_DEPTH:] == ranked[RERANK_DEPTH:]
    assert reranked[:RERANK_DEPTH] == ranked[:RERANK_DEPTH]


def test_a_long_body_counts_less_per_word_and_a_short_one_at_most_twice() -> None:
    long_body = weighted_text("T", None, [], "word " * 400)
    assert f"{FIELD_MARK}0.571429{FIELD_MARK} word" in long_body
    typical = weighted_text("T", None, [], "word " * 200)
    assert f"{FIELD_MARK}1{FIELD_MARK} word" in typical
    assert f"{FIELD_MARK}2{FIELD_MARK} two words" in weighted_text("T", None, [], "two words")


def test_a_short_title_still_outweighs_a_two_word_body() -> None:
    text = weighted_text("Kedro pipelines explained", None, [], "two words")
    title_mark, body_mark = (float(part.split(FIELD_MARK)[1]) for part in text.split("\n"))
    assert title_mark > body_mark


def _marks(text: str) -> list[tuple[float, str]]:
    """(weight, text) of each marked part of a weighted text."""
    pieces = text.split(FIELD_MARK)[1:]
    return [
        (float(weight), part.strip())
        for weight, part in zip(pieces[::2], pieces[1::2], strict=True)
    ]


def test_a_fenced_code_block_gets_the_body_weight_times_code_weight() -> None:
    body = "prose words here\n```python\nimport os\n```\nmore prose\n"
    marks = _marks(weighted_text("T", None, [], body))
    assert [part for _, part in marks] == [
        "T",
        "prose words here",
        "```python\nimport os\n```",
        "more prose",
    ]
    prose, code, after = (weight for weight, _ in marks[1:])
    assert prose == after
    assert code == pytest.approx(prose * CODE_WEIGHT, rel=1e-4)
    # The code's words count toward the body's length: the prose weighs what it would
    # in a body of as many words without a fence.
    (_, (same_length, _)) = _marks(
        weighted_text("T", None, [], "prose words here\npython\nimport os\nmore prose\n")
    )
    assert prose == same_length


def test_a_body_without_a_fence_keeps_one_marker() -> None:
    text = weighted_text("T", None, [], "inline ```code``` is not a block\n")
    assert len(_marks(text)) == 2


def test_a_tiny_weight_is_written_without_an_exponent(monkeypatch: pytest.MonkeyPatch) -> None:
    import tilbase.query.weighting

    monkeypatch.setattr(tilbase.query.weighting, "CODE_WEIGHT", 1e-6)
    text = weighted_text("T", None, [], "a b\n~~~\nsecret\n~~~\n")
    boosts = {t.text: t.boost for t in text_analyzer()(text, boosts=True)}
    assert boosts["secret"] == pytest.approx(boosts["b"] * 1e-6, rel=1e-3)
    assert "e-" not in text


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("no code\n", [("no code\n", False)]),
        ("a\n~~~\nx\n~~~\nb\n", [("a\n", False), ("~~~\nx\n~~~\n", True), ("b\n", False)]),
        # An unclosed block runs to the end, as in CommonMark.
        ("a\n```\nx\ny", [("a\n", False), ("```\nx\ny", True)]),
        # The closing fence: the same character, at least as long, nothing after it.
        (
            "````\n```\n~~~~\n```` x\n````\nb",
            [("````\n```\n~~~~\n```` x\n````\n", True), ("b", False)],
        ),
        # Inside a bullet (Logseq, Obsidian) or a quote.
        ("- x\n\t- ```\n\t  y\n\t  ```\n", [("- x\n", False), ("\t- ```\n\t  y\n\t  ```\n", True)]),
        ("> ```\n> y\n> ```\n", [("> ```\n> y\n> ```\n", True)]),
        # A backtick fence's info string holds no backtick: inline code, not a block.
        ("```inline``` code\n", [("```inline``` code\n", False)]),
    ],
)
def test_split_code_finds_fenced_blocks(text: str, runs: list[tuple[str, bool]]) -> None:
    assert split_code(text) == runs


@given(st.text(alphabet="`~ \n>-ax", max_size=80))
def test_split_code_gives_the_text_back(text: str) -> None:
    runs = split_code(text)
    assert "".join(part for part, _ in runs) == text
    assert all(part for part, _ in runs)


def test_closeness_sums_inverse_squared_distances_within_the_window() -> None:
    assert closeness([1], [2]) == 1.0
    # 1-3: 2 apart, 10-11: side by side, 3-10 and 1-11: out of the window.
    assert closeness([1, 10], [3, 11]) == pytest.approx(1 / 4 + 1)
    assert closeness([0], [WINDOW]) == pytest.approx(1 / WINDOW**2)
    assert closeness([0], [WINDOW + 1]) == 0.0
    assert closeness([4], [4]) == 0.0  # the same position (a word and its own expansion)
