"""A notes file prepared for the styles: its lines, frontmatter and Markdown block structure.

Lines are cut exactly where markdown-it-py cuts them (``\\r\\n``, ``\\r`` or
``\\n``), so a token's ``map`` indexes straight into ``lines`` and an entry's
body can be sliced out of the original text byte for byte. Only the block
level is tokenised (inline parsing is switched off): that is all the styles
need, and it keeps a 10 MB file to about a second.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from tilbase.notefile import load_frontmatter, split_frontmatter

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["Document", "Fence", "Heading", "split_lines"]

_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")
_EXPORT_MARKER = re.compile(r"^<!-- til \{.*\} -->\s*$", re.M)
# The introduction line of a Markdown export of zero notes (it has no markers to find).
_EMPTY_EXPORT = re.compile(
    r"^0 notes, (?:grouped by \w+|newest first)\. Exported by tilbase; "
    r"`til import` reads this file back into notes\.\s*$",
    re.M,
)


def split_lines(text: str) -> list[str]:
    """Cut ``text`` into lines that keep their endings, the way markdown-it counts lines."""
    return _LINE.findall(text)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.disable(["inline", "text_join"])
    return md


@dataclass(frozen=True)
class Heading:
    """A heading at the top level of the document (not inside a list or quote).

    ``start`` and ``end`` are 0-based line indexes, ``end`` exclusive: a setext
    heading spans its text line(s) and the underline. ``text`` is the heading's
    raw inline text, without ``#`` markers.
    """

    level: int
    start: int
    end: int
    text: str

    @property
    def line(self) -> int:
        """The 1-based line where the heading starts."""
        return self.start + 1


@dataclass(frozen=True)
class Fence:
    """A fenced code block; ``closed`` is false when it runs to the end of the file unclosed."""

    start: int
    end: int
    closed: bool


class Document:
    """One file's text, ready for the styles to cut into entries."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text)
        self.offsets = [0]
        for line in self.lines:
            self.offsets.append(self.offsets[-1] + len(line))
        #: Results the styles work out once per document (detection, then parsing, reuse them).
        self.memo: dict[str, Any] = {}
        self.metadata: dict[str, Any] | None = None
        self.frontmatter_error: str | None = None
        self.body_line = 0
        split = split_frontmatter(text)
        if split.frontmatter is not None:
            try:
                self.metadata = load_frontmatter(split)
            except (ValueError, RecursionError) as exc:
                self.frontmatter_error = str(exc) or type(exc).__name__
            else:
                self.body_line = bisect.bisect_left(self.offsets, split.body_offset)

    @property
    def has_frontmatter(self) -> bool:
        """True when the file opens with a YAML mapping that has at least one key."""
        return bool(self.metadata)

    def slice(self, start: int, end: int | None = None) -> str:
        """The exact text of lines ``start`` to ``end`` (exclusive; default: to the end)."""
        stop = len(self.lines) if end is None else end
        return self.text[self.offsets[start] : self.offsets[stop]]

    @cached_property
    def tokens(self) -> list[Token]:
        """markdown-it block tokens of the text after the frontmatter, maps in file lines."""
        tokens = _markdown().parse(self.slice(self.body_line))
        if self.body_line:
            for token in tokens:
                if token.map:
                    token.map = [token.map[0] + self.body_line, token.map[1] + self.body_line]
        return tokens

    @cached_property
    def headings(self) -> list[Heading]:
        """The top-level headings, in order."""
        found: list[Heading] = []
        tokens = self.tokens
        for index, token in enumerate(tokens):
            if token.type != "heading_open" or token.level != 0 or not token.map:
                continue
            inline = tokens[index + 1] if index + 1 < len(tokens) else None
            text = inline.content if inline is not None and inline.type == "inline" else ""
            found.append(Heading(int(token.tag[1:]), token.map[0], token.map[1], text))
        return found

    @cached_property
    def fences(self) -> list[Fence]:
        """Every fenced code block, at any depth."""
        found = []
        for token in self.tokens:
            if token.type != "fence" or not token.map:
                continue
            start, end = token.map
            found.append(Fence(start, end, self._closes_fence(end - 1, token.markup, start)))
        return found

    def _closes_fence(self, index: int, markup: str, start: int) -> bool:
        if index <= start or index >= len(self.lines):
            return False
        line = self.lines[index].strip()
        return bool(markup) and line.startswith(markup) and not line.strip(markup[0])

    def unclosed_fence(self) -> Fence | None:
        """A code fence that is never closed and so swallows the rest of the file, if any."""
        for fence in self.fences:
            if not fence.closed and fence.end >= len(self.lines):
                return fence
        return None

    def first_block(self) -> Token | None:
        """The first top-level block token after the frontmatter, if any."""
        for token in self.tokens:
            if token.level == 0 and token.nesting >= 0:
                return token
        return None

    @cached_property
    def fenced_lines(self) -> frozenset[int]:
        """The 0-based indexes of lines inside fenced code blocks (fence lines included)."""
        return frozenset(i for fence in self.fences for i in range(fence.start, fence.end))

    @cached_property
    def html_lines(self) -> frozenset[int]:
        """The 0-based indexes of lines inside HTML blocks (comments included), at any depth."""
        return frozenset(
            i
            for token in self.tokens
            if token.type == "html_block" and token.map
            for i in range(token.map[0], token.map[1])
        )

    @cached_property
    def has_export_marker(self) -> bool:
        """True when a line outside code fences is a tilbase export start marker
        (``<!-- til {...} -->``), or the file is an export of no notes at all."""
        if "<!-- til {" in self.text:
            for match in _EXPORT_MARKER.finditer(self.text):
                line = bisect.bisect_right(self.offsets, match.start()) - 1
                if line not in self.fenced_lines:
                    return True
        return bool(_EMPTY_EXPORT.search(self.text))

    def is_blank(self, index: int) -> bool:
        """True when line ``index`` holds only white space (NBSP counts as white space)."""
        return not self.lines[index].strip()
