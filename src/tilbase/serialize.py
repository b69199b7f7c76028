"""Every JSON shape of a note: the ones scripts rely on (DESIGN, "Command contracts"),
the ``til import --json`` record, and the scan cache's.

One place, so the shapes share their fields (``_basics``) and cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tilbase.model import Note, Source

__all__ = [
    "import_record",
    "log_listing",
    "note_from_json",
    "note_listing",
    "note_record",
    "note_to_json",
    "source_record",
]


def _basics(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "title": note.title,
        "date": note.date.isoformat() if note.date else None,
        "topic": note.topic,
        "tags": list(note.tags),
    }


def _created(note: Note) -> str | None:
    return note.created.isoformat() if note.created else None


def _path(note: Note) -> str | None:
    return str(note.path) if note.path else None


def source_record(note: Note) -> dict[str, Any] | None:
    """A note's source as ``{"path", "line"}``, or ``None`` for notes written in the KB."""
    if note.source is None:
        return None
    return {"path": note.source.path, "line": note.source.line}


def note_listing(note: Note) -> dict[str, Any]:
    """The short shape used by ``log``: id, title, date (ISO or null), topic, tags, path."""
    return {**_basics(note), "path": _path(note)}


def log_listing(note: Note) -> dict[str, Any]:
    """The shape of ``log --json`` and ``today --json``: the listing plus ``created`` (or null)."""
    return {**_basics(note), "created": _created(note), "path": _path(note)}


def note_record(note: Note) -> dict[str, Any]:
    """The full shape used by ``show --json`` and ``export --format json``."""
    return {
        **_basics(note),
        "body": note.body,
        "links": list(note.links),
        "source": source_record(note),
        "created": _created(note),
        "path": _path(note),
    }


def import_record(note: Note, action: str, file: str) -> dict[str, Any]:
    """One note of ``til import --json``: the listing fields, the action and the source file."""
    source = note.source
    return {
        **_basics(note),
        "action": action,
        "file": file,
        "source": None
        if source is None
        else {"path": source.path, "line": source.line, "key": source.key},
        "path": _path(note),
    }


def note_to_json(note: Note) -> dict[str, Any]:
    """A note as the scan cache stores it (no path: the cache is keyed by it)."""
    return {
        **_basics(note),
        "body": note.body,
        "source": None
        if note.source is None
        else [
            note.source.path,
            note.source.line,
            note.source.key,
            note.source.digest,
            note.source.root,
        ],
        "created": _created(note),
    }


def note_from_json(data: dict[str, Any], path: Path) -> Note:
    """The note ``note_to_json`` stored, at ``path``."""
    source = data.get("source")
    return Note(
        id=data["id"],
        title=data["title"],
        date=dt.date.fromisoformat(data["date"]) if data.get("date") else None,
        topic=data.get("topic"),
        tags=tuple(data.get("tags", ())),
        body=data.get("body", ""),
        source=Source(*source) if source else None,
        path=path,
        created=dt.datetime.fromisoformat(data["created"]) if data.get("created") else None,
    )
