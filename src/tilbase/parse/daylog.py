"""The day log: ``## Day 1: 31 Aug 2022`` headings, or plain ``Day 87: Nov 25, 2022`` lines.

A log kept as Markdown has ``Day N: <date>`` headings; a copy of its rendered
page (a browser "save as text") has lost the ``#`` markers and shows list items
as ``•`` bullets, so there the entries start at lines that hold only
``Day N: <date>``. Either way each such line starts its own entry: day numbers
and dates repeat in real logs, and an entry is never split inside a fenced code
block or an HTML block (a comment). The entry key is the date
(``day-2022-11-30``, then ``day-2022-11-30~2``), not the day number, which
real logs get wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tilbase.dates import DateOrder, match_date_prefix
from tilbase.model import Note
from tilbase.parse.base import ParseContext, Style
from tilbase.parse.document import Document
from tilbase.parse.headings import (
    EntryHeading,
    HeadingText,
    final_title,
    notes_from_entries,
)

__all__ = ["STYLE", "day_heading", "day_lines"]

_DAY = re.compile(r"Day\s+(?P<n>\d{1,6})\s*[:.,–—-]?\s+", re.I)
_PLAIN_INDENT = re.compile(r"^[ \t\u00a0]{0,3}\S")
_SEPARATORS = " \t:–—-|,."


@dataclass(frozen=True)
class DayHeading:
    """A ``Day N: <date>`` heading read: its text fields and whether anything follows the date."""

    text: HeadingText
    key: str
    trailing: str


def day_heading(raw: str, order: DateOrder) -> DayHeading | None:
    """Read ``Day N: <date> [rest]``; ``None`` when the text is not shaped like that."""
    text = final_title(raw)
    match = _DAY.match(text)
    if not match:
        return None
    found = match_date_prefix(text[match.end() :], order)
    if found is None:
        return None
    trailing = text[match.end() + found.end :].strip(_SEPARATORS)
    title = f"Day {int(match['n'])}" + (f": {trailing}" if trailing else "")
    key = f"day-{found.value.isoformat()}" if found.value else f"day-{match['n']}-{found.raw}"
    return DayHeading(
        HeadingText(title=title, date=found.value, date_raw=found.raw, date_error=found.error),
        key,
        trailing,
    )


def day_lines(doc: Document, order: DateOrder) -> list[tuple[int, DayHeading]]:
    """Plain-text ``Day N: <date>`` lines (nothing else on the line), outside code fences."""
    key = f"day-lines:{order}"
    if key not in doc.memo:
        doc.memo[key] = _find_day_lines(doc, order)
    found: list[tuple[int, DayHeading]] = doc.memo[key]
    return found


def _find_day_lines(doc: Document, order: DateOrder) -> list[tuple[int, DayHeading]]:
    # A line inside a code fence or an HTML block (a comment) is never an entry's start.
    hidden = doc.fenced_lines | doc.html_lines
    found = []
    for index in range(doc.body_line, len(doc.lines)):
        line = doc.lines[index]
        stripped = line.strip()
        if stripped[:3].casefold() != "day" or index in hidden or not _PLAIN_INDENT.match(line):
            continue
        heading = day_heading(stripped, order)
        if heading is not None and not heading.trailing:
            found.append((index, heading))
    return found


def _markdown_days(doc: Document, order: DateOrder) -> list[EntryHeading]:
    key = f"day-headings:{order}"
    if key not in doc.memo:
        entries = []
        for heading in doc.headings:
            day = day_heading(heading.text, order)
            if day is not None:
                entries.append(EntryHeading(heading.start, heading.end, day.text, day.key))
        doc.memo[key] = entries
    found: list[EntryHeading] = doc.memo[key]
    return found


def has_day_entries(doc: Document, order: DateOrder) -> bool:
    """True when the file has ``Day N: <date>`` headings or plain lines."""
    return bool(_markdown_days(doc, order)) or bool(day_lines(doc, order))


def parse(doc: Document, ctx: ParseContext) -> list[Note]:
    """Split a day log into one entry per ``Day N: <date>``."""
    order = ctx.options.date_order
    entries = _markdown_days(doc, order)
    if not entries:
        entries = [
            EntryHeading(index, index + 1, day.text, day.key)
            for index, day in day_lines(doc, order)
        ]
    return notes_from_entries(doc, ctx, entries)


STYLE = Style(
    name="day-log",
    summary="one note per 'Day N: <date>' heading or plain-text line (a rendered day log)",
    parse=parse,
)
