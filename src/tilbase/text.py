"""Small text helpers shared by the store and the parser: decoding and titles."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DecodedText", "clean_title", "decode_bytes", "derive_title"]

_BOM = "\ufeff"
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"!?\[([^\]]*)\]\[[^\]]*\]")
_BRACKETS = re.compile(r"\[\[([^\]]*)\]\]|\[([^\]]*)\]")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_DOUBLE_MARKS = re.compile(r"\*\*|__|~~|==")
_SINGLE_EMPHASIS = re.compile(r"(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
_HEADING_MARKS = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)|\s+#+\s*$")
_BLOCK_MARKS = re.compile(r"^\s*(?:>\s*)+|^\s*(?:[-+*•]|\d{1,9}[.)])\s+")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_MAX_TITLE = 100


@dataclass(frozen=True)
class DecodedText:
    """A file's text and how it was read. ``warning`` is set when it needed a fallback."""

    text: str
    encoding: str
    warning: str | None = None

    @property
    def has_bom(self) -> bool:
        """True when the file started with a UTF-8 byte order mark (dropped from ``text``)."""
        return self.encoding == "utf-8-sig"

    @property
    def is_exact(self) -> bool:
        """True when ``text`` holds the file's characters exactly (no fallback decoding).

        Writing a fallback-decoded text back would change bytes the person never
        touched, so such a file must not be rewritten.
        """
        return self.warning is None


def decode_bytes(data: bytes) -> DecodedText | None:
    """Decode a notes file: UTF-8 (with or without BOM), else cp1252 with a warning.

    Returns ``None`` for what looks like a binary file (NUL bytes), which has
    no text to import. A leading BOM is dropped; line endings are kept.
    """
    if b"\x00" in data[:8192]:
        return None
    # The BOM goes first: decoded as cp1252 it would become the text "ï»¿" and hide the
    # file's first line (its first heading) from the parser.
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        offset = exc.start + (3 if bom else 0)
        return DecodedText(text, "cp1252", f"not valid UTF-8 (byte {offset}); read as cp1252")
    return DecodedText(text, "utf-8-sig" if bom else encoding)


def clean_title(text: str) -> str:
    """Turn a heading or first line into a plain one-line title.

    Drops heading and list markers, emphasis, code backticks, link targets,
    HTML tags, backslash escapes, BOMs and carriage returns, and collapses
    white space. ``C#`` and ``snake_case`` survive.
    """
    title = text.replace(_BOM, "").replace("\r", " ")
    title = _HEADING_MARKS.sub("", title.strip())
    title = _BLOCK_MARKS.sub("", title)
    title = _ESCAPE.sub(r"\1", title)
    title = _LINK.sub(r"\1", title)
    title = _REF_LINK.sub(r"\1", title)
    title = _BRACKETS.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), title)
    title = _HTML_TAG.sub("", title)
    title = title.replace("`", "")
    title = _DOUBLE_MARKS.sub("", title)
    title = _SINGLE_EMPHASIS.sub("", title)
    return _SPACES.sub(" ", title).strip()


def derive_title(text: str, max_length: int = _MAX_TITLE) -> str:
    """A title for text that has none: its first non-empty line, up to the first sentence end.

    Long titles are cut at a word boundary and end with an ellipsis.
    """
    for line in text.replace(_BOM, "").splitlines():
        candidate = clean_title(line)
        if candidate and not set(candidate) <= set("-=*_~`|:"):
            break
    else:
        return ""
    first_sentence = _SENTENCE_END.split(candidate, maxsplit=1)[0]
    if len(first_sentence) <= max_length:
        return first_sentence
    cut = first_sentence[:max_length].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"
