"""Re-reading tilbase's own repository export (``til export --format repo``).

A repository export is a folder of ``<topic>/<slug>.md`` files (``# Title``, a
blank line, the body), a ``README.md`` index and a notes index,
``.til-notes.json``, that records for each file the note it holds: id, title,
date, topic, tags, and how the file was made from the body (the heading line
put in front, blank lines taken off the start, a final newline added), with a
digest of the file as written. With it an import gives back the same notes:

- a file unchanged since the export gives back the exact body, with the
  recorded id, title, date, topic and tags;
- a file edited since is read as a page (its ``# Title`` and the text under it)
  and keeps the recorded id, date, topic and tags;
- ``README.md`` is the export's table of contents, not a note: it is skipped;
- a file the index does not list (one added by hand) is read like any page.

``find_repo_export(folder)`` reads the index (``None`` when there is none);
``RepoExport.parse`` reads one of its files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tilbase.hashtags import hashtag_tags
from tilbase.model import Note, Source, is_safe_id
from tilbase.notemeta import coerce_tags
from tilbase.parse.base import ParseContext, ParseOptions, ParseResult
from tilbase.parse.document import Document
from tilbase.parse.headings import final_title
from tilbase.parse.page import build_page

__all__ = [
    "NOTES_INDEX",
    "RepoExport",
    "find_repo_export",
    "index_record",
    "index_text",
    "read_index",
    "text_digest",
]

NOTES_INDEX = ".til-notes.json"
INDEX_VERSION = 1
_FORMAT = "tilbase-repo"
_MAX_INDEX_BYTES = 64 * 1024 * 1024


def text_digest(text: str) -> str:
    """The digest recorded for a file's text (sha256 of its UTF-8)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def index_record(
    note: Note, file_text: str, *, heading: str, lead: str, newline: bool
) -> dict[str, Any]:
    """What the index records about one exported note file.

    ``heading`` is the text put in front of the body (``"# Title\\n\\n"``, or
    ``""`` when the body already opened with that title), ``lead`` the blank
    lines taken off the body's start, ``newline`` whether a final newline was added.
    """
    return {
        "id": note.id,
        "title": note.title,
        "date": note.date.isoformat() if note.date else None,
        "topic": note.topic,
        "tags": list(note.tags),
        "heading": heading,
        "lead": lead,
        "newline": newline,
        "digest": text_digest(file_text),
    }


def index_text(records: dict[str, dict[str, Any]], readme: str) -> str:
    """The notes index file for ``records`` (relative path -> ``index_record``)."""
    payload = {
        "tool": "tilbase",
        "format": _FORMAT,
        "version": INDEX_VERSION,
        "readme": readme,
        "notes": dict(sorted(records.items())),
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


@dataclass(frozen=True)
class RepoExport:
    """A repository export found on disk: its folder, README name and note records."""

    folder: Path
    readme: str
    notes: dict[str, dict[str, Any]]

    def relative(self, path: Path) -> str | None:
        """``path`` relative to the export folder (``/``-separated), or ``None`` outside it."""
        try:
            return path.relative_to(self.folder).as_posix()
        except ValueError:
            return None

    def is_readme(self, path: Path) -> bool:
        """True for the export's README (its table of contents)."""
        return self.relative(path) == self.readme

    def record(self, path: Path) -> dict[str, Any] | None:
        """The index record of the file at ``path``, if the export wrote it."""
        rel = self.relative(path)
        return None if rel is None else self.notes.get(rel)

    def parse(
        self, text: str, path: Path, rel_path: str, options: ParseOptions | None = None
    ) -> ParseResult | None:
        """Read one exported note file (``None`` when the index does not list it)."""
        record = self.record(path)
        if record is None:
            return None
        ctx = ParseContext(rel_path, options or ParseOptions())
        note = _note_from(record, text, ctx)
        # One note per file, like a page (the importer treats it as one).
        return ParseResult([note], ctx.warnings, "page")


def _note_from(record: dict[str, Any], text: str, ctx: ParseContext) -> Note:
    body = _exact_body(record, text)
    raw_id = str(record.get("id") or "").strip()
    note_id = raw_id if is_safe_id(raw_id) else ""
    date = _date(record.get("date"))
    topic = str(record["topic"]) if record.get("topic") not in (None, "") else None
    tags = coerce_tags(record.get("tags"))
    if body is None:
        # Edited since the export: the file's own title and text, the recorded metadata.
        page = build_page(Document(text), ctx, lambda _path: str(record.get("title") or ""))[0]
        ctx.warn(1, "changed since it was exported; read as a page with the exported id and tags")
        return page.with_changes(
            id=note_id,
            date=date,
            topic=topic,
            tags=(*tags, *hashtag_tags(page.body)),
            source=Source(path=ctx.rel_path, line=1, key=note_id or "page"),
        )
    return Note(
        id=note_id,
        title=final_title(str(record.get("title") or "")) or "Untitled",
        date=date,
        topic=topic,
        tags=(*tags, *hashtag_tags(body)),
        body=body,
        source=Source(path=ctx.rel_path, line=1, key=note_id or "page"),
    )


def _exact_body(record: dict[str, Any], text: str) -> str | None:
    """The body the file was made from, or ``None`` when the file changed since."""
    if record.get("digest") != text_digest(text):
        return None
    heading = str(record.get("heading") or "")
    if not text.startswith(heading):
        return None
    body = text[len(heading) :]
    if record.get("newline") is True:
        if not body.endswith("\n"):
            return None
        body = body[:-1]
    return str(record.get("lead") or "") + body


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def read_index(text: str) -> tuple[str, dict[str, dict[str, Any]]] | None:
    """The README name and note records of an index file's text; ``None`` if it is not one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    notes = data.get("notes")
    if not isinstance(notes, dict):
        return None
    records = {str(k): v for k, v in notes.items() if isinstance(v, dict)}
    return str(data.get("readme") or "README.md"), records


def find_repo_export(folder: Path) -> RepoExport | None:
    """The repository export whose index sits in ``folder``, or ``None``."""
    path = folder / NOTES_INDEX
    try:
        if not path.is_file() or path.stat().st_size > _MAX_INDEX_BYTES:
            return None
        found = read_index(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    if found is None:
        return None
    readme, notes = found
    return RepoExport(folder.resolve(), readme, notes)
