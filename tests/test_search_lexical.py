"""The lexical stage: candidates with BM25F scores for a re-ranker, and typo correction."""

from __future__ import annotations

from tilbase.filters import NoteFilter
from tilbase.kb import KnowledgeBase


def _kb(kb: KnowledgeBase) -> KnowledgeBase:
    kb.add("Rebase onto main, then force-push with lease.", title="Git rebase", tags=["git"])
    kb.add("A rebase rewrites history; rebase often.", title="Rebase again", tags=["git"])
    kb.add("Sourdough needs a starter.", title="Bread", tags=["food"])
    return kb


def test_candidates_match_search_order_and_scores(kb: KnowledgeBase) -> None:
    _kb(kb)
    note_filter = NoteFilter(query="rebase main")
    found = kb._searcher().candidates(note_filter, depth=10)
    shown = kb.search(note_filter, limit=10).hits
    assert [note.id for note, _score in found] == [hit.note.id for hit in shown]
    assert [score for _note, score in found] == [hit.score for hit in shown]
    scores = [score for _note, score in found]
    assert scores == sorted(scores, reverse=True)


def test_candidates_keep_the_filters_and_the_depth(kb: KnowledgeBase) -> None:
    _kb(kb)
    assert kb._searcher().candidates(NoteFilter(query="rebase", tags=("food",))) == []
    assert len(kb._searcher().candidates(NoteFilter(query="rebase"), depth=1)) == 1
    assert kb._searcher().candidates(NoteFilter(query="  ")) == []


def test_a_word_in_no_note_is_searched_as_its_closest_word(kb: KnowledgeBase) -> None:
    _kb(kb)
    result = kb.search(NoteFilter(query="sourdogh starter"))
    assert result.suggestion == "sourdough starter"
    assert result.corrected
    assert [hit.note.title for hit in result.hits] == ["Bread"]


def test_known_words_are_searched_as_typed(kb: KnowledgeBase) -> None:
    _kb(kb)
    result = kb.search(NoteFilter(query="rebase"))
    assert result.suggestion is None
    assert not result.corrected
