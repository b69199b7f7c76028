"""The styles by name, for ``--style`` and the detector."""

from __future__ import annotations

from tilbase.errors import ImportFailed
from tilbase.parse import daily, dated, daylog, export, jekyll, json_export, page, questions
from tilbase.parse.base import Style

__all__ = ["STYLES", "get_style", "style_names"]

STYLES: dict[str, Style] = {
    style.name: style
    for style in (
        export.STYLE,
        dated.STYLE,
        daylog.STYLE,
        questions.STYLE,
        page.STYLE,
        daily.STYLE,
        jekyll.STYLE,
        json_export.STYLE,
    )
}


def style_names() -> list[str]:
    """Every style name, in the order the detector considers them."""
    return list(STYLES)


def get_style(name: str) -> Style:
    """The style called ``name``; raises ``ImportFailed`` naming the known ones."""
    style = STYLES.get(name.strip().lower())
    if style is None:
        raise ImportFailed(
            f"unknown style '{name}'; known styles: {', '.join(STYLES)}",
            "leave --style out to let tilbase detect each file's style",
        )
    return style
