"""Ingest: turn a notes file of any common shape into notes.

``parse_file(text, rel_path, options)`` picks a style (or takes
``options.style``) and returns a ``ParseResult``: the notes in file order,
each with ``source`` (path, 1-based line, a stable key) and an empty ``id``
(the importer allocates ids; only the export style carries one), plus
warnings naming file and line. It never raises for odd input.

Styles (``--style``): ``export``, ``dated-headings``, ``day-log``,
``questions``, ``page``, ``daily``, ``jekyll`` — see each module.
"""

from __future__ import annotations

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


def parse_file(text: str, rel_path: str, options: ParseOptions | None = None) -> ParseResult:
    """Split one file's text into notes. ``rel_path`` names the file in sources and warnings.

    Raises ``ImportFailed`` only for an unknown ``options.style``.
    """
    options = options or ParseOptions()
    style = get_style(options.style) if options.style else None
    ctx = ParseContext(rel_path, options)
    if not text.strip():
        ctx.warn(1, "empty file; nothing to import")
        return ParseResult([], ctx.warnings, "empty")
    doc = Document(text.removeprefix("\ufeff"))
    if style is None:
        style = STYLES[detect_style(doc, rel_path, options.date_order)]
    notes = style.parse(doc, ctx)
    if not notes:
        ctx.warn(1, f"no entries in the '{style.name}' style; read as one page")
        style = STYLES[_FALLBACK]
        notes = style.parse(doc, ctx)
    return ParseResult(notes, ctx.warnings, style.name, ctx.extra)
