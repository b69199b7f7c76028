"""Heading anchors as GitHub makes them, so a table of contents links to the right place.

GitHub gives every heading an id: its text in lower case, with punctuation
dropped and each space turned into ``-``; a repeated id gets ``-1``, ``-2``...
in document order. Headings inside note bodies take part in that numbering,
so anchors are worked out on the finished document with markdown-it (which
knows that a ``#`` line inside a code fence is not a heading).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from tilbase.text import clean_title

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["AnchorSet", "document_anchors", "github_slug", "unclosed_fence"]

_NOT_SLUG = re.compile(r"[^\w\- ]")


def github_slug(text: str) -> str:
    """The anchor GitHub derives from a heading's text (before de-duplication).

    Markup is stripped the way ``clean_title`` does it, which also folds a
    run of spaces into one (GitHub would keep ``--``); headings tilbase
    writes never hold such runs.
    """
    return _NOT_SLUG.sub("", clean_title(text).lower()).replace(" ", "-")


class AnchorSet:
    """Hands out anchors in document order, numbering repeats as GitHub does."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def take(self, text: str) -> str:
        """The anchor of the next heading whose text is ``text``."""
        base = github_slug(text)
        slug = base
        n = 0
        while slug in self._seen:
            n += 1
            slug = f"{base}-{n}"
        self._seen.add(slug)
        return slug


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.core.ruler.disable("inline")  # block structure is all that is needed: much faster
    return md


def document_anchors(text: str) -> dict[int, str]:
    """The anchor of every heading in a Markdown document, keyed by 0-based line number."""
    anchors = AnchorSet()
    found: dict[int, str] = {}
    tokens = _block_parser().parse(text)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            found[token.map[0]] = anchors.take(tokens[index + 1].content)
    return found


_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^\n]*)$", re.M)


def _maybe_open(body: str) -> bool:
    """A quick line scan: False when every top-level fence is plainly closed.

    Only bodies this scan cannot vouch for are parsed with markdown-it, which
    keeps a large export fast.
    """
    open_fence: str | None = None
    for match in _FENCE_LINE.finditer(body):
        fence, rest = match.group(1), match.group(2)
        if open_fence is None:
            if fence[0] == "`" and "`" in rest:
                return True  # not a fence opener after all: let the parser decide
            open_fence = fence
        elif fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not rest.strip():
            open_fence = None
    return open_fence is not None


def unclosed_fence(body: str) -> str | None:
    """The closing fence a body needs when it leaves a top-level code fence open, else None.

    Such a body would turn the rest of an export document into code when the
    document is rendered.
    """
    if "```" not in body and "~~~" not in body:
        return None
    if not _maybe_open(body):
        return None
    tokens = _block_parser().parse(body)
    fences = [t for t in tokens if t.type == "fence" and t.level == 0 and t.map is not None]
    if not fences:
        return None
    last = fences[-1]
    assert last.map is not None
    start, end = last.map
    normalized = body.replace("\r\n", "\n").replace("\r", "\n")
    lines = normalized.removesuffix("\n").split("\n")
    if end < len(lines):
        return None  # something follows the fence, so it was closed
    marker = last.markup
    closing = lines[end - 1] if end - 1 > start else ""
    indent = len(closing) - len(closing.lstrip(" "))
    fence = closing.strip()
    closed = indent <= 3 and bool(fence) and set(fence) == {marker[0]} and len(fence) >= len(marker)
    return None if closed else marker
