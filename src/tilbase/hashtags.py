"""Inline ``#hashtags`` in Markdown prose, with their exact positions.

A hashtag counts only in prose: never inside fenced or indented code, inline
code spans, raw HTML blocks, URLs, link destinations or e-mail addresses,
never a heading's ``#`` marker, and never a number such as ``#1``. Positions
are character offsets into the text given, so a rename can rewrite exactly
those characters and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from tilbase.model import normalize_tag

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["Hashtag", "can_write_as_hashtag", "find_hashtags", "hashtag_tags", "replace_hashtags"]

# A tag starts with a letter; it may hold letters, digits, "-", "_" and "/"-separated levels.
_HASHTAG = re.compile(r"(?<![\w&#/\\:@.])#(?P<tag>[^\W\d_][\w-]*(?:/[\w-]+)*)")
_QUICK_CHECK = re.compile(r"#[^\W\d_]")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.S)
_URLISH = re.compile(
    r"<[^<>\s]+>"  # autolinks and inline HTML tags
    r"|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # link destinations: ](url "title")
    r"|\b[a-z][a-z0-9+.-]*://\S+"  # bare URLs
    r"|\bwww\.\S+"
    r"|\S+@\S+",  # e-mail addresses and the like
    re.I,
)
_CODE_BLOCKS = {"fence", "code_block", "html_block"}
_LINE_BREAK = re.compile(r"\r\n?|\n")


@dataclass(frozen=True)
class Hashtag:
    """One ``#tag`` in a text: ``start`` is the offset of ``#``, ``end`` just past the tag."""

    start: int
    end: int
    raw: str

    @property
    def tag(self) -> str:
        """The normalised tag."""
        return normalize_tag(self.raw)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Only block tokens (code blocks, HTML blocks) are used, so inline parsing is skipped.
    return MarkdownIt("commonmark").disable(["inline", "text_join"])


def _mask(text: str, start: int, end: int, chars: list[str]) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _prose_only(text: str) -> str:
    """Return ``text`` with everything that is not prose blanked out (same length)."""
    chars = list(text)
    # Lines end where markdown-it ends them (\r\n, \r or \n), so its token maps index here.
    line_starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]
    line_starts.append(len(text))
    for token in _markdown().parse(text):
        if token.type in _CODE_BLOCKS and token.map:
            first, last = token.map
            _mask(text, line_starts[first], line_starts[min(last, len(line_starts) - 1)], chars)
    masked = "".join(chars)
    for pattern in (_CODE_SPAN, _URLISH):
        for match in pattern.finditer(masked):
            _mask(masked, match.start(), match.end(), chars)
        masked = "".join(chars)
    return masked


def find_hashtags(text: str) -> list[Hashtag]:
    """Find the hashtags in the prose of a Markdown text."""
    if not _QUICK_CHECK.search(text):
        return []
    prose = _prose_only(text)
    found = []
    for match in _HASHTAG.finditer(prose):
        raw = match.group("tag").rstrip("-/")
        found.append(Hashtag(match.start(), match.start() + 1 + len(raw), raw))
    return found


@lru_cache(maxsize=64)
def hashtag_tags(text: str) -> tuple[str, ...]:
    """The normalised tags of a text's hashtags, in order, without duplicates."""
    seen: dict[str, None] = {}
    for hashtag in find_hashtags(text):
        if hashtag.tag:
            seen.setdefault(hashtag.tag, None)
    return tuple(seen)


@lru_cache(maxsize=256)
def can_write_as_hashtag(tag: str) -> bool:
    """True when ``#tag`` in prose reads back as exactly this (normalised) tag.

    ``c++``, ``node.js`` and ``2024`` are usable tags but not hashtags: written
    as ``#c++`` they would read back as ``c`` (or as nothing).
    """
    found = find_hashtags(f"#{tag}")
    return len(found) == 1 and found[0].raw == tag and found[0].end == len(tag) + 1


def replace_hashtags(
    text: str, rename: dict[str, str], found: list[Hashtag] | None = None
) -> tuple[str, int]:
    """Rewrite hashtags whose normalised tag is a key of ``rename``.

    A hashtag ``#lang/python`` is renamed by a ``lang`` entry too (its parent).
    Returns the new text and the number of hashtags changed; everything else
    in ``text`` is kept byte for byte. ``found`` may pass in what
    ``find_hashtags(text)`` already gave, to save parsing the text again.
    """
    pieces: list[str] = []
    last = 0
    changed = 0
    for hashtag in find_hashtags(text) if found is None else found:
        new_tag = _renamed(hashtag.tag, rename)
        if new_tag is None:
            continue
        pieces.append(text[last : hashtag.start])
        pieces.append("#" + new_tag)
        last = hashtag.end
        changed += 1
    pieces.append(text[last:])
    return "".join(pieces), changed


def _renamed(tag: str, rename: dict[str, str]) -> str | None:
    for old, new in rename.items():
        if tag == old:
            return new
        if tag.startswith(old + "/"):
            return new + tag[len(old) :]
    return None
