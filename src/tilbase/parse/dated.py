"""Dated headings: ``# 14.02.2023 Neural Networks: How to enable lifelong learning? (Theory)``.

One entry per heading that starts with a date, at whichever level the dated
headings use (the shallowest one that has any). After the first entry, every
heading of that level starts an entry, so a heading whose date is missing or
impossible (``14.111.2022``) still gets its own, undated, note. Text before the
first entry (a document title, a blurb) is not part of any note.
"""

from __future__ import annotations

from tilbase.dates import DateOrder, match_date_prefix
from tilbase.model import Note
from tilbase.parse.base import ParseContext, Style
from tilbase.parse.document import Document, Heading
from tilbase.parse.headings import (
    EntryHeading,
    final_title,
    notes_from_entries,
    read_heading,
)

__all__ = ["STYLE", "dated_headings", "entry_level"]


def dated_headings(doc: Document, order: DateOrder) -> list[Heading]:
    """The top-level headings whose text starts with something shaped like a date."""
    key = f"dated-headings:{order}"
    if key not in doc.memo:
        doc.memo[key] = [
            h for h in doc.headings if match_date_prefix(final_title(h.text), order) is not None
        ]
    found: list[Heading] = doc.memo[key]
    return found


def entry_level(doc: Document, order: DateOrder) -> int | None:
    """The heading level of the entries: the shallowest level holding a dated heading."""
    dated = dated_headings(doc, order)
    return min(h.level for h in dated) if dated else None


def parse(doc: Document, ctx: ParseContext) -> list[Note]:
    """Split a file of dated headings into entries."""
    order = ctx.options.date_order
    level = entry_level(doc, order)
    if level is None:
        return []
    first_dated = next(h for h in dated_headings(doc, order) if h.level == level)
    chosen = [h for h in doc.headings if h.level == level and h.start >= first_dated.start]
    entries = [
        EntryHeading(h.start, h.end, read_heading(h.text, order, dated=True, topics=True), h.text)
        for h in chosen
    ]
    return notes_from_entries(doc, ctx, entries)


STYLE = Style(
    name="dated-headings",
    summary="one note per heading that starts with a date: '# 14.02.2023 Topic: Title (Tag)'",
    parse=parse,
)
