"""Small helpers shared by the parser tests."""

from __future__ import annotations

from tilbase.parse import ParseOptions, ParseResult, parse_file


def parse(
    text: str, name: str = "notes.md", style: str | None = None, order: str = "dmy"
) -> ParseResult:
    """Parse ``text`` as the file ``name``."""
    return parse_file(text, name, ParseOptions(style=style, date_order=order))  # type: ignore[arg-type]


def messages(result: ParseResult) -> list[str]:
    """The result's warnings as ``file:line: message`` strings."""
    return [str(w) for w in result.warnings]
