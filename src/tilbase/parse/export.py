"""Re-reading tilbase's own Markdown export (see the export format contract).

An entry is a heading line, then a start marker ``<!-- til {JSON} -->``, the
body, and an end marker ``<!-- /til -->``. The marker's JSON is authoritative
for id, title, date, topic and tags; the heading is only read (as a dated
heading) when the JSON is broken. Everything outside entries is ignored. This
style is tried first, so headings and dates inside bodies never split entries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from tilbase.hashtags import hashtag_tags
from tilbase.model import Note, Source
from tilbase.notemeta import coerce_tags
from tilbase.parse.base import ParseContext, Style
from tilbase.parse.document import Document
from tilbase.parse.headings import HeadingText, KeyMaker, entry_key, final_title, read_heading

__all__ = ["STYLE"]

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|\r?\n|\r|$)")
_START = re.compile(r"^<!-- til (?P<json>\{.*\}) -->\s*$")
_END = re.compile(r"^<!-- /til -->\s*$")
_FURNITURE = re.compile(
    r"^(?:#{1,2}[ \t].*"  # the title and group headings
    r"|\d+ notes?, .*Exported by tilbase; .*"  # the introduction
    r"|- \[.*\]\(#[^)]*\)(?: \(\d+\))?"  # table of contents and "Also tagged" items
    r"|Also tagged .*:"
    r"|(?:`{3,}|~{3,}))\s*$"  # a fence closed after an entry's end marker
)


def _is_entry_start(doc: Document, index: int) -> bool:
    lines = doc.lines
    return (
        index + 1 < len(lines)
        and bool(_HEADING.match(lines[index]))
        and bool(_START.match(lines[index + 1]))
        and index not in doc.fenced_lines
    )


def _marker_data(doc: Document, ctx: ParseContext, index: int) -> dict[str, Any] | None:
    match = _START.match(doc.lines[index])
    assert match is not None
    try:
        data = json.loads(match["json"])
    except ValueError as exc:
        ctx.warn(index + 1, f"export marker JSON does not parse ({exc}); read the heading instead")
        return None
    # The marker pattern only matches "{...}", so JSON that parses here is an object.
    return data if isinstance(data, dict) else None


def _marker_date(data: dict[str, Any], ctx: ParseContext, line: int) -> dt.date | None:
    value = data.get("date")
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        ctx.warn(line, f"export marker date '{value}' is not an ISO date; the note is kept undated")
        return None


def _note_from(doc: Document, ctx: ParseContext, heading: int, body: str, keys: KeyMaker) -> Note:
    data = _marker_data(doc, ctx, heading + 1)
    raw_heading = doc.lines[heading]
    info: HeadingText = read_heading(raw_heading, ctx.options.date_order, dated=True, topics=True)
    if data is None:
        if info.date_error:
            ctx.warn(heading + 1, f"{info.date_error}; the entry is kept undated")
        title, date, topic, tags, note_id = info.title, info.date, info.topic, info.tags, ""
    else:
        if data.get("nl") is False and body.endswith("\n"):
            body = body[:-1]
        title = final_title(str(data.get("title") or "")) or info.title
        date = _marker_date(data, ctx, heading + 2)
        topic = str(data["topic"]) if data.get("topic") not in (None, "") else None
        tags = coerce_tags(data.get("tags"))
        note_id = str(data.get("id") or "").strip()
    key = keys(note_id if note_id else entry_key(raw_heading))
    return Note(
        id=note_id,
        title=title or "Untitled",
        date=date,
        topic=topic,
        tags=(*tags, *hashtag_tags(body)),
        body=body,
        source=Source(path=ctx.rel_path, line=heading + 1, key=key),
    )


def parse(doc: Document, ctx: ParseContext) -> list[Note]:
    """Read every entry of an export document."""
    lines = doc.lines
    notes: list[Note] = []
    keys = KeyMaker()
    index = doc.body_line
    outside: list[int] = []
    while index < len(lines):
        if not _is_entry_start(doc, index):
            if lines[index].strip() and not _FURNITURE.match(lines[index]):
                outside.append(index)
            index += 1
            continue
        heading = index
        cursor = heading + 2
        end: int | None = None
        while cursor < len(lines):
            if _END.match(lines[cursor]):
                end = cursor
                break
            if _is_entry_start(doc, cursor):
                break
            cursor += 1
        if end is None:
            ctx.warn(heading + 1, "export entry has no end marker")
        body = doc.slice(heading + 2, cursor)
        notes.append(_note_from(doc, ctx, heading, body, keys))
        index = cursor + 1 if end is not None else cursor
    _warn_outside(ctx, outside)
    return notes


def _warn_outside(ctx: ParseContext, outside: list[int]) -> None:
    """Name every run of lines outside the entries that is not the export's own furniture."""
    runs: list[list[int]] = []
    for index in outside:
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    for start, end in runs:
        where = f"line {start + 1}" if start == end else f"lines {start + 1}-{end + 1}"
        ctx.warn(start + 1, f"{where}: text outside the export's entries is not imported")


STYLE = Style(
    name="export",
    summary="a tilbase Markdown export: '<!-- til {...} -->' marked entries",
    parse=parse,
)
