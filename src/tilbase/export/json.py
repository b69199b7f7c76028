"""Notes as one JSON array of the DESIGN record shape (``tilbase.serialize.note_record``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from tilbase.export.base import ExportOptions, ExportResult
from tilbase.model import Note
from tilbase.ordering import sort_newest_first
from tilbase.serialize import note_record

__all__ = ["render_json"]


def render_json(notes: Sequence[Note], options: ExportOptions) -> ExportResult:
    """A JSON array of note records, newest first (undated last); grouping does not apply."""
    records = [note_record(note) for note in sort_newest_first(notes)]
    return ExportResult(text=json.dumps(records, ensure_ascii=False, indent=2) + "\n")
