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
    """Dated notes newest first (ties by id), then undated notes by id.

    ``notes`` may be any iterable, a generator too: it is read once.
    """
    dated: list[Note] = []
    undated: list[Note] = []
    for note in notes:
        (dated if note.date else undated).append(note)
    dated.sort(key=lambda n: n.id)
    dated.sort(key=lambda n: n.date or dt.date.min, reverse=True)
    undated.sort(key=lambda n: n.id)
    return dated + undated


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
