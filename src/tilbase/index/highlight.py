"""Highlighting: the matched words of a query, and snippets split into (text, is_match) pieces."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from typing import Any

from whoosh import highlight
from whoosh import query as wq

from tilbase.index.analysis import text_analyzer
from tilbase.query.weighting import SEARCH_FIELD

#: A short text split into (text, is_match) pieces, for highlighting.
Snippet = tuple[tuple[str, bool], ...]


def highlight_terms(query: wq.Query, reader: Any) -> frozenset[str]:
    """The analysed words a query matches in the text fields (prefixes expanded).

    Whoosh's ``Query.existing_terms`` cannot be used: its loop variable
    overwrites its ``fieldname`` argument, so after the first leaf it skips
    every leaf of another field (only title words were ever highlighted).
    """
    schema = reader.schema
    terms: set[str] = set()
    for leaf in query.leaves():
        try:
            pairs = list(leaf.expanded_terms(reader, phrases=True))
        except Exception:  # an odd leaf (a date range, a NullQuery) has nothing to highlight
            continue
        for name, text in pairs:
            if name not in ("title", "body", "topic", SEARCH_FIELD):
                continue
            word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            with contextlib.suppress(ValueError):
                if (name, schema[name].to_bytes(word)) in reader:
                    terms.add(word)
    return frozenset(terms)


class _Pieces(highlight.Formatter):  # type: ignore[misc]  # Whoosh is untyped
    """A Whoosh formatter that returns (text, is_match) pieces instead of markup."""

    def format_fragment(self, fragment: Any, replace: bool = False) -> list[tuple[str, bool]]:
        pieces: list[tuple[str, bool]] = []
        text, position = fragment.text, fragment.startchar
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
            if token.startchar is None or token.startchar < position:
                continue
            pieces.append((text[position : token.startchar], False))
            pieces.append((text[token.startchar : token.endchar], True))
            position = token.endchar
        pieces.append((text[position : fragment.endchar], False))
        if fragment.startchar > 0:
            pieces.insert(0, ("…", False))
        if fragment.endchar < len(text):
            pieces.append(("…", False))
        return pieces

    def format(self, fragments: Iterable[Any], replace: bool = False) -> list[tuple[str, bool]]:
        pieces: list[tuple[str, bool]] = []
        for fragment in fragments:
            if pieces:
                pieces.append((" ", False))
            pieces.extend(self.format_fragment(fragment))
        return pieces


_ANALYZER = text_analyzer()
_WHITESPACE = re.compile(r"\s+")
# Markdown that only gets in the way of a one-line snippet: fences, bullets, heading marks.
_LINE_MARKUP = re.compile(r"^[ \t]*(?:```.*|~~~.*|#{1,6}[ \t]+|[-*+•][ \t]+|\d+[.)][ \t]+)", re.M)


def flatten_markdown(text: str) -> str:
    """``text`` on one line, without fence lines, bullets or heading marks."""
    return _WHITESPACE.sub(" ", _LINE_MARKUP.sub(" ", text)).strip()


def highlight_text(
    text: str, terms: Iterable[str], *, maxchars: int = 100, whole: bool = False
) -> Snippet:
    """The best passage(s) of ``text`` with the matched words marked.

    ``whole=True`` keeps all of ``text`` (for titles). Without a match the
    start of the text is returned, unmarked.
    """
    flat = flatten_markdown(text)
    termset = frozenset(terms)
    pieces: list[tuple[str, bool]] = []
    if termset and flat:
        fragmenter = (
            highlight.WholeFragmenter()
            if whole
            else highlight.ContextFragmenter(maxchars=maxchars, surround=maxchars // 4)
        )
        pieces = (
            highlight.highlight(flat, termset, _ANALYZER, fragmenter, _Pieces(), top=2, minscore=1)
            or []
        )
    if not any(is_match for _text, is_match in pieces):
        if whole or len(flat) <= 2 * maxchars:
            return ((flat, False),) if flat else ()
        cut = flat[: 2 * maxchars].rsplit(" ", 1)[0]
        return ((cut, False), ("…", False))
    return tuple((piece, is_match) for piece, is_match in pieces if piece)
