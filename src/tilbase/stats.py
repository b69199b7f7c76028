"""Numbers about a knowledge base for ``til stats``: totals, months, tags, streaks, a calendar.

Everything here is pure: notes and today's date in, a ``Stats`` value out
(``Stats.to_json()`` is the ``til stats --json`` shape). Drawing it is
``tilbase.render.stats``'s job.

A *streak* is a run of consecutive days that each have at least one note.
The current streak is still alive on a day without a note so far: it counts
back from today when today has a note, else from yesterday (there is still
time to write one today); it is zero when neither has one. Undated notes
count in the totals and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tilbase.model import Note

__all__ = [
    "CALENDAR_WEEKS",
    "LEVELS",
    "Stats",
    "Streak",
    "calendar_start",
    "calendar_weeks",
    "compute_stats",
    "current_streak",
    "intensity",
    "longest_streak",
]

#: Weeks drawn in the calendar: a year, and the part of a week it starts in.
CALENDAR_WEEKS = 53
LEVELS = 4


@dataclass(frozen=True)
class Streak:
    """Consecutive days with notes: ``days`` long, from ``start`` to ``end`` (both included)."""

    days: int = 0
    start: dt.date | None = None
    end: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"days", "start", "end"}`` with ISO dates (or null for no streak)."""
        return {
            "days": self.days,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True)
class Stats:
    """What ``til stats`` reports. ``per_day`` covers ``calendar_start``..``today`` only."""

    today: dt.date
    total: int
    dated: int
    undated: int
    days_with_notes: int
    first_date: dt.date | None
    last_date: dt.date | None
    per_month: tuple[tuple[str, int], ...]
    top_tags: tuple[tuple[str, int], ...]
    top_topics: tuple[tuple[str, int], ...]
    current_streak: Streak
    longest_streak: Streak
    wrote_today: bool
    calendar_start: dt.date
    per_day: dict[dt.date, int] = field(default_factory=dict)

    @property
    def busiest_day(self) -> int:
        """The most notes on one day of the calendar (0 when it is empty)."""
        return max(self.per_day.values(), default=0)

    def to_json(self) -> dict[str, Any]:
        """The ``til stats --json`` document (calendar days with no note are left out)."""
        return {
            "today": self.today.isoformat(),
            "total": self.total,
            "dated": self.dated,
            "undated": self.undated,
            "days_with_notes": self.days_with_notes,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "per_month": [{"month": month, "count": count} for month, count in self.per_month],
            "top_tags": [{"tag": tag, "count": count} for tag, count in self.top_tags],
            "top_topics": [{"topic": topic, "count": count} for topic, count in self.top_topics],
            "streak": {
                "current": self.current_streak.to_json(),
                "longest": self.longest_streak.to_json(),
                "wrote_today": self.wrote_today,
            },
            "calendar": {
                "start": self.calendar_start.isoformat(),
                "end": self.today.isoformat(),
                "days": {day.isoformat(): count for day, count in sorted(self.per_day.items())},
            },
        }


def _run_back_from(day: dt.date, days: set[dt.date]) -> Streak:
    if day not in days:
        return Streak()
    start = day
    while (start - dt.timedelta(days=1)) in days:
        start -= dt.timedelta(days=1)
    return Streak((day - start).days + 1, start, day)


def current_streak(days: Iterable[dt.date], today: dt.date) -> Streak:
    """The streak that is still alive today: ending today, or yesterday when today has no note."""
    day_set = set(days)
    if today in day_set:
        return _run_back_from(today, day_set)
    return _run_back_from(today - dt.timedelta(days=1), day_set)


def longest_streak(days: Iterable[dt.date]) -> Streak:
    """The longest run of consecutive days (the earliest one among equals)."""
    best = Streak()
    run_start: dt.date | None = None
    previous: dt.date | None = None
    for day in sorted(set(days)):
        if previous is None or day - previous != dt.timedelta(days=1):
            run_start = day
        assert run_start is not None
        length = (day - run_start).days + 1
        if length > best.days:
            best = Streak(length, run_start, day)
        previous = day
    return best


def _months_between(first: dt.date, last: dt.date) -> Iterator[str]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _top(counter: Counter[str], limit: int) -> tuple[tuple[str, int], ...]:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:limit])


def calendar_start(today: dt.date, weeks: int = CALENDAR_WEEKS) -> dt.date:
    """The Monday that starts a calendar of ``weeks`` week columns ending with today's week."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return this_monday - dt.timedelta(weeks=weeks - 1)


def compute_stats(
    notes: Iterable[Note], today: dt.date, *, top: int = 10, weeks: int = CALENDAR_WEEKS
) -> Stats:
    """Count ``notes`` as of ``today``: see the module docstring for what a streak is.

    ``top`` caps the tag and topic lists; ``weeks`` sets the calendar's span.
    ``per_month`` runs from the first dated note's month to the last one's,
    months without notes included (count 0).
    """
    total = 0
    per_date: Counter[dt.date] = Counter()
    tags: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    for note in notes:
        total += 1
        if note.date is not None:
            per_date[note.date] += 1
        tags.update(set(note.tags))
        if note.topic:
            topics[note.topic] += 1
    dated = sum(per_date.values())
    first = min(per_date, default=None)
    last = max(per_date, default=None)
    per_month: Counter[str] = Counter()
    for day, count in per_date.items():
        per_month[f"{day.year:04d}-{day.month:02d}"] += count
    months = (
        tuple((month, per_month[month]) for month in _months_between(first, last))
        if first and last
        else ()
    )
    start = calendar_start(today, weeks)
    return Stats(
        today=today,
        total=total,
        dated=dated,
        undated=total - dated,
        days_with_notes=len(per_date),
        first_date=first,
        last_date=last,
        per_month=months,
        top_tags=_top(tags, top),
        top_topics=_top(topics, top),
        current_streak=current_streak(per_date, today),
        longest_streak=longest_streak(per_date),
        wrote_today=today in per_date,
        calendar_start=start,
        per_day={day: count for day, count in per_date.items() if start <= day <= today},
    )


def calendar_weeks(stats: Stats, weeks: int | None = None) -> list[list[dt.date | None]]:
    """The calendar as week columns of seven days (Monday first), oldest week first.

    ``weeks`` keeps only the most recent columns (for a narrow terminal).
    Days after today are ``None``.
    """
    columns: list[list[dt.date | None]] = []
    monday = stats.calendar_start
    while monday <= stats.today:
        column: list[dt.date | None] = []
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            column.append(day if day <= stats.today else None)
        columns.append(column)
        monday += dt.timedelta(weeks=1)
    if weeks is not None:
        columns = columns[-weeks:] if weeks > 0 else []
    return columns


def intensity(count: int, busiest: int) -> int:
    """The heatmap level of a day, 0 (no note) to 4.

    With at most four notes on the busiest day the level is the count itself;
    beyond that the counts are scaled to the busiest day, so one note is
    always visible.
    """
    if count <= 0:
        return 0
    if busiest <= LEVELS:
        return min(count, LEVELS)
    return max(1, min(LEVELS, -(-count * LEVELS // busiest)))
