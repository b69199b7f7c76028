"""Re-reading tilbase's own JSON export (``til export --format json``).

The file is one JSON array of note records ``{"id","title","date","topic",
"tags","body","links","source","path"}``. Each record becomes one note with
its id, title, date, topic, tags and body as exported (``links``, ``source``
and ``path`` describe the exporting KB and are not carried over). An empty
array is an export of no notes: nothing to import.

A JSON file of any other shape is not notes: the style refuses it with one
reason (``ParseResult.refused``) rather than import it as one blob of text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tilbase.hashtags import hashtag_tags
from tilbase.model import Note, Source, is_safe_id
from tilbase.notemeta import coerce_tags
from tilbase.parse.base import ParseContext, Style
from tilbase.parse.document import Document
from tilbase.parse.headings import KeyMaker, final_title

__all__ = ["RECORD_KEYS", "STYLE", "is_json_export", "looks_like_json", "read_records"]

#: The keys every record of a tilbase JSON export has.
RECORD_KEYS = frozenset({"id", "title", "date", "topic", "tags", "body"})
_WHITESPACE = " \t\r\n"


class NotNotes(ValueError):
    """The JSON is not a tilbase export; the message says why, in a few words."""


def looks_like_json(text: str, rel_path: str) -> bool:
    """True for a ``.json`` file, or a text that opens like a JSON array of records."""
    if rel_path.lower().endswith(".json"):
        return True
    return text.lstrip(_WHITESPACE + "\ufeff").startswith("[") and '"body"' in text[:100_000]


def read_records(text: str) -> list[tuple[int, dict[str, Any]]]:
    """The records of a JSON export with the 0-based line each starts on.

    Raises ``NotNotes`` when the text is not a JSON array of note records.
    """
    decoder = json.JSONDecoder()
    try:
        whole = json.loads(text)
    except ValueError as exc:
        raise NotNotes(f"not valid JSON ({exc})") from None
    except RecursionError:
        raise NotNotes("JSON nested too deeply") from None
    if not isinstance(whole, list):
        raise NotNotes(f"JSON holding {type(whole).__name__}, not a list of notes")
    records: list[tuple[int, dict[str, Any]]] = []
    position = text.index("[") + 1
    for number, item in enumerate(whole, start=1):
        if not isinstance(item, dict) or not item.keys() >= RECORD_KEYS:
            missing = sorted(RECORD_KEYS - item.keys()) if isinstance(item, dict) else []
            what = f"lacks {', '.join(missing)}" if missing else "is not an object"
            raise NotNotes(f"JSON item {number} {what}; not a tilbase JSON export")
        while text[position] in _WHITESPACE + ",":
            position += 1
        line = text.count("\n", 0, position)
        _, position = decoder.raw_decode(text, position)
        records.append((line, item))
    return records


def is_json_export(text: str) -> bool:
    """True when ``text`` is a JSON array of tilbase note records (possibly empty)."""
    try:
        read_records(text)
    except NotNotes:
        return False
    return True


def _date(value: Any, ctx: ParseContext, line: int) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        ctx.warn(line, f"date '{value}' is not an ISO date; the note is kept undated")
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def parse_records(text: str, ctx: ParseContext) -> list[Note]:
    """One note per record; raises ``NotNotes`` for JSON that is not a tilbase export."""
    notes: list[Note] = []
    keys = KeyMaker()
    for line, record in read_records(text):
        body = _text(record.get("body"))
        raw_id = _text(record.get("id")).strip()
        note_id = raw_id if is_safe_id(raw_id) else ""
        if raw_id and not note_id:
            ctx.warn(line + 1, f"id '{raw_id[:80]}' cannot name a note file; a new id is given")
        topic = _text(record.get("topic")).strip() or None
        notes.append(
            Note(
                id=note_id,
                title=final_title(_text(record.get("title"))) or "Untitled",
                date=_date(record.get("date"), ctx, line + 1),
                topic=topic,
                tags=(*coerce_tags(record.get("tags")), *hashtag_tags(body)),
                body=body,
                source=Source(path=ctx.rel_path, line=line + 1, key=keys(note_id or "record")),
            )
        )
    return notes


def parse(doc: Document, ctx: ParseContext) -> list[Note]:
    """Read a JSON export; a JSON file of another shape gives no notes and a refusal."""
    try:
        return parse_records(doc.text, ctx)
    except NotNotes as exc:
        ctx.refused = str(exc)
        return []


STYLE = Style(
    name="json",
    summary="a tilbase JSON export: one note per record of the array",
    parse=parse,
)
