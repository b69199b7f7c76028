"""BM25F weighted text and the proximity re-ranking of the best notes."""

from __future__ import annotations

from tilbase.query.scoring import RERANK_DEPTH, rerank
from tilbase.query.weighting import FIELD_MARK, weighted_text


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
