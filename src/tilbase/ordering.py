"""How lists of notes are ordered: the one ``SortOrder`` and newest-first sorting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from tilbase.model import Note

__all__ = ["SortOrder", "filter_by_date", "sort_newest_first"]

#: How search results are ordered: by relevance, or by date (newest first).
SortOrder = Literal["relevance", "date"]


def sort_newest_first(notes: Iterable[Note]) -> list[Note]:
    """Dated notes newest first, then undated notes by id.

    Notes of the same day: the most recently created first (``created``),
    those without a creation time after them, then by id.

    ``notes`` may be any iterable, a generator too: it is read once.
    """
    dated: list[Note] = []
    undated: list[Note] = []
    for note in notes:
        (dated if note.date else undated).append(note)
    dated.sort(key=lambda n: n.id)
    dated.sort(key=lambda n: (n.date or dt.date.min, _created_key(n)), reverse=True)
    undated.sort(key=lambda n: n.id)
    return dated + undated


def _created_key(note: Note) -> float:
    return note.created.timestamp() if note.created is not None else float("-inf")


def filter_by_date(
    notes: Iterable[Note], since: dt.date | None = None, until: dt.date | None = None
) -> list[Note]:
    """Keep notes dated within [since, until]; with either bound, undated notes are left out."""
    if since is None and until is None:
        return list(notes)
    return [
        n
        for n in notes
        if n.date is not None
        and (since is None or n.date >= since)
        and (until is None or n.date <= until)
    ]
