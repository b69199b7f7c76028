"""Cutting a note file at its frontmatter, exactly, and reading YAML with dates as text.

The low level of the note file codec (``tilbase.notefile``): where the
frontmatter is (``split_frontmatter``: YAML ``---``, TOML ``+++``, JSON
``{...}``) and tilbase's YAML loader. python-frontmatter's handlers
(``tilbase.frontmatter_handlers``) split with this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = [
    "FrontmatterSplit",
    "YamlLoader",
    "load_yaml_mapping",
    "split_frontmatter",
    "yaml_problem",
]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe (C) loader, except that timestamps stay strings.

    PyYAML turns ``date: 2023-02-30`` into an exception that would lose the
    whole frontmatter; as a string, ``coerce_date`` reports just that date.
    """


YamlLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)

YAML_OPEN = re.compile(r"\A---[ \t]*\r?\n")
YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.M)


@dataclass(frozen=True)
class FrontmatterSplit:
    """A file cut at its frontmatter, exactly: ``text == text[:body_offset] + body``.

    ``body_line`` is the 1-based line where the body starts; ``format`` is
    ``yaml`` (``---``), ``toml`` (``+++``, Hugo and Zola) or ``json`` (a
    ``{...}`` block, Hugo), ``None`` without frontmatter; ``frontmatter_offset``
    is where the frontmatter text starts in the file.
    """

    frontmatter: str | None
    body: str
    body_offset: int
    body_line: int
    format: str | None = None
    frontmatter_offset: int = 0


_FENCES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "yaml": (YAML_OPEN, YAML_CLOSE),
    "toml": (re.compile(r"\A\+\+\+[ \t]*\r?\n"), re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.M)),
    "json": (re.compile(r"\A(?=\{[ \t]*\r?\n)"), re.compile(r"^\}[ \t]*(?:\r?\n|\Z)", re.M)),
}
_FIRST_CHARS = {"-": "yaml", "+": "toml", "{": "json"}


def split_frontmatter(text: str) -> FrontmatterSplit:
    """Split ``text`` into its frontmatter block (YAML, TOML or JSON, if any) and the body.

    Slices only: the body is the file's text after the closing fence, byte
    for byte (python-frontmatter's ``loads`` strips it, so it is not used).
    """
    fmt = _FIRST_CHARS.get(text[:1])
    if fmt is None:
        return FrontmatterSplit(None, text, 0, 1)
    opening_re, closing_re = _FENCES[fmt]
    opening = opening_re.match(text)
    if opening:
        closing = closing_re.search(text, opening.end())
        if closing:
            body_offset = closing.end()
            # JSON's braces belong to the object: the block is everything up to the "}".
            end = closing.start() + 1 if fmt == "json" else closing.start()
            return FrontmatterSplit(
                text[opening.end() : end],
                text[body_offset:],
                body_offset,
                text.count("\n", 0, body_offset) + 1,
                fmt,
                opening.end(),
            )
    return FrontmatterSplit(None, text, 0, 1)


def load_yaml_mapping(fm_text: str) -> dict[str, Any]:
    """Parse a frontmatter block; raises ``ValueError`` when it is not a YAML mapping."""
    try:
        data = yaml.load(fm_text, Loader=YamlLoader)  # a safe loader
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise ValueError(yaml_problem(exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("frontmatter is not a mapping of keys to values")
    return {str(k): v for k, v in data.items()}


def yaml_problem(exc: Exception) -> str:
    """One line saying what is wrong with some YAML, and where."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["invalid YAML"])[0]
    return f"{where}{problem}"
