"""Choosing the notes to export: metadata filters plus a free-text query.

The query is matched by ONE function, ``QueryMatcher``: it takes the KB and
the filter and returns the ids of the notes the query matches. Export uses
``fallback_query_ids`` until the search index is wired in; swapping in the
index-backed search means passing another matcher (or changing
``DEFAULT_QUERY_MATCHER``), nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tilbase.filters import NoteFilter
from tilbase.kb import sort_newest_first
from tilbase.model import Note

if TYPE_CHECKING:
    from tilbase.kb import KnowledgeBase

__all__ = ["DEFAULT_QUERY_MATCHER", "QueryMatcher", "fallback_query_ids", "select_notes"]

#: ``(kb, note_filter) -> ids of the notes matching note_filter.query``.
QueryMatcher = Callable[["KnowledgeBase", NoteFilter], set[str]]


def fallback_query_ids(kb: KnowledgeBase, note_filter: NoteFilter) -> set[str]:
    """FALLBACK query matching, used until the search index is available.

    A note matches when every word of the query occurs (case-insensitively,
    as a substring) in its title, body, topic or tags. No query syntax, no
    stemming, no ranking: the index-backed search replaces this.
    """
    words = (note_filter.query or "").casefold().split()
    matched = set()
    for note in kb.notes():
        haystack = "\n".join((note.title, note.body, note.topic or "", " ".join(note.tags)))
        folded = haystack.casefold()
        if all(word in folded for word in words):
            matched.add(note.id)
    return matched


DEFAULT_QUERY_MATCHER: QueryMatcher = fallback_query_ids


def select_notes(
    kb: KnowledgeBase,
    note_filter: NoteFilter,
    query_matcher: QueryMatcher | None = None,
) -> list[Note]:
    """The notes passing every filter, newest first (undated last)."""
    notes = [note for note in kb.notes() if note_filter.matches_metadata(note)]
    if note_filter.query and note_filter.query.strip():
        matcher = query_matcher or DEFAULT_QUERY_MATCHER
        wanted = matcher(kb, note_filter)
        notes = [note for note in notes if note.id in wanted]
    return sort_newest_first(notes)
