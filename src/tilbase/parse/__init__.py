"""Ingest: turn a notes file of any common shape into notes.

``parse_file(text, rel_path, options)`` picks a style (or takes
``options.style``) and returns a ``ParseResult``: the notes in file order,
each with ``source`` (path, 1-based line, a stable key) and an empty ``id``
(the importer allocates ids; only the export style carries one), plus
warnings naming file and line. It never raises for odd input.

Styles (``--style``): ``json``, ``export``, ``dated-headings``, ``day-log``,
``questions``, ``page``, ``daily``, ``jekyll`` — see each module. A
repository export (a folder with ``.til-notes.json``) is read through
``tilbase.parse.repo.find_repo_export``.

Bodies of source files come with their line endings made ``\n`` (the note
file's); the styles that read tilbase's own exports keep bodies exactly as the
exporting KB held them.
"""

from __future__ import annotations

import re

from tilbase.model import Note
from tilbase.parse.base import ParseContext, ParseOptions, ParseResult, ParseWarning, Style
from tilbase.parse.detect import detect_style
from tilbase.parse.document import Document, split_lines
from tilbase.parse.registry import STYLES, get_style, style_names

__all__ = [
    "STYLES",
    "Document",
    "ParseOptions",
    "ParseResult",
    "ParseWarning",
    "Style",
    "detect_style",
    "get_style",
    "parse_file",
    "split_lines",
    "style_names",
]

_FALLBACK = "page"
#: Styles whose bodies are a KB's notes as exported: kept byte for byte.
_VERBATIM_STYLES = frozenset({"export", "json"})
_LINE_END = re.compile(r"\r\n?")


def parse_file(text: str, rel_path: str, options: ParseOptions | None = None) -> ParseResult:
    """Split one file's text into notes. ``rel_path`` names the file in sources and warnings.

    Raises ``ImportFailed`` only for an unknown ``options.style``.
    """
    options = options or ParseOptions()
    style = get_style(options.style) if options.style else None
    ctx = ParseContext(rel_path, options)
    text = text.removeprefix("\ufeff")  # a BOM is no text: a file of only a BOM is empty
    if not text.strip():
        ctx.warn(1, "empty file; nothing to import")
        return ParseResult([], ctx.warnings, "empty")
    doc = Document(text)
    if style is None:
        style = STYLES[detect_style(doc, rel_path, options.date_order)]
    notes = style.parse(doc, ctx)
    if ctx.refused:
        return ParseResult([], ctx.warnings, style.name, refused=ctx.refused)
    if not notes and style.name in _VERBATIM_STYLES:
        ctx.warn(1, "an export of no notes; nothing to import")
        return ParseResult([], ctx.warnings, style.name)
    if not notes:
        ctx.warn(1, f"no entries in the '{style.name}' style; read as one page")
        style = STYLES[_FALLBACK]
        notes = style.parse(doc, ctx)
    if style.name not in _VERBATIM_STYLES:
        notes = [_lf_body(note) for note in notes]
    return ParseResult(notes, ctx.warnings, style.name, ctx.extra)


def _lf_body(note: Note) -> Note:
    """The note with its body's line endings made ``\n``, as in the note file it goes to."""
    if "\r" not in note.body:
        return note
    return note.with_changes(body=_LINE_END.sub("\n", note.body))
