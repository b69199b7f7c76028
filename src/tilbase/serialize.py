"""The JSON shapes of notes that scripts rely on (DESIGN, "Command contracts")."""

from __future__ import annotations

from typing import Any

from tilbase.model import Note

__all__ = ["note_listing", "note_record", "source_record"]


def source_record(note: Note) -> dict[str, Any] | None:
    """A note's source as ``{"path", "line"}``, or ``None`` for notes written in the KB."""
    if note.source is None:
        return None
    return {"path": note.source.path, "line": note.source.line}


def note_listing(note: Note) -> dict[str, Any]:
    """The short shape used by ``log``: id, title, date (ISO or null), topic, tags, path."""
    return {
        "id": note.id,
        "title": note.title,
        "date": note.date.isoformat() if note.date else None,
        "topic": note.topic,
        "tags": list(note.tags),
        "path": str(note.path) if note.path else None,
    }


def note_record(note: Note) -> dict[str, Any]:
    """The full shape used by ``show --json`` and ``export --format json``."""
    return {
        "id": note.id,
        "title": note.title,
        "date": note.date.isoformat() if note.date else None,
        "topic": note.topic,
        "tags": list(note.tags),
        "body": note.body,
        "links": list(note.links),
        "source": source_record(note),
        "path": str(note.path) if note.path else None,
    }
