"""Choosing the notes to export: the same filters and query as ``til search``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tilbase.filters import NoteFilter
from tilbase.model import Note
from tilbase.ordering import sort_newest_first

if TYPE_CHECKING:
    from tilbase.kb import KnowledgeBase

__all__ = ["select_notes"]


def select_notes(kb: KnowledgeBase, note_filter: NoteFilter) -> list[Note]:
    """The notes passing every filter, newest first (undated last).

    A free-text query is answered by the search index, exactly as
    ``til search`` reads it (OR-ed words, fields, dates) but without a limit;
    without one, the index is not needed at all and the catalog picks the notes
    (only their files are read).
    """
    return sort_newest_first(kb.search_notes(note_filter))
