"""Question headings: a file of ``## How to ...?`` sections with no dates.

One undated entry per heading of the file's shallowest heading level; deeper
headings stay inside their entry. The heading text is the title as written
(``Topic:`` prefixes are not split off here: in such files a colon is as often
part of the question as a topic marker); a trailing ``(Word)`` is a tag.
"""

from __future__ import annotations

from tilbase.model import Note
from tilbase.parse.base import ParseContext, Style
from tilbase.parse.document import Document, Heading
from tilbase.parse.headings import (
    EntryHeading,
    notes_from_entries,
    read_heading,
)

__all__ = ["STYLE", "section_headings"]


def section_headings(doc: Document) -> list[Heading]:
    """The top-level headings of the shallowest level used in the file."""
    if not doc.headings:
        return []
    level = min(h.level for h in doc.headings)
    return [h for h in doc.headings if h.level == level]


def parse(doc: Document, ctx: ParseContext) -> list[Note]:
    """Split a file at its shallowest headings, one undated entry each."""
    order = ctx.options.date_order
    chosen = section_headings(doc)
    if not chosen:
        return []
    entries = [
        EntryHeading(h.start, h.end, read_heading(h.text, order, dated=False, topics=False), h.text)
        for h in chosen
    ]
    return notes_from_entries(doc, ctx, entries)


STYLE = Style(
    name="questions",
    summary="one undated note per heading of the shallowest level ('## How to ...?')",
    parse=parse,
)
