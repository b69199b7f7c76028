"""Small text helpers shared by the store and the parser: decoding and titles."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ABBREVIATIONS",
    "DecodedText",
    "clean_title",
    "decode_bytes",
    "derive_title",
    "first_sentence",
]

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
# A place where a sentence may end: end punctuation (closing quotes or brackets may follow),
# white space, then the next sentence's first character.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=\S)")
# The word just before a full stop: letters, possibly dotted inside (``e.g``, ``U.S``).
_WORD_BEFORE_DOT = re.compile(r"([^\W\d_]+(?:\.[^\W\d_]+)*)\.+$")
_INITIAL_AHEAD = re.compile(r"[^\W\d_]\.\s")
_INITIAL_BEHIND = re.compile(r"(?:^|\s)[^\W\d_]\.\s+$")
#: Words that end with a full stop without ending the sentence (compared case-insensitively).
ABBREVIATIONS = frozenset(
    {
        *("dr", "mr", "mrs", "ms", "mx", "prof", "sr", "jr", "st", "mt", "rev", "gen", "lt"),
        *("sgt", "capt", "hon", "e.g", "eg", "i.e", "ie", "etc", "vs", "v", "cf", "al", "ca"),
        *("approx", "incl", "excl", "esp", "resp", "viz", "fig", "figs", "vol", "vols", "pp"),
        *("ch", "eq", "eqs", "inc", "ltd", "corp", "dept", "avg", "jan", "feb", "apr", "jun"),
        *("jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "u.s", "u.k"),
    }
)
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
    white space. ``C#`` and ``snake_case`` survive. Cleaning a clean title
    changes nothing (``[>]`` is ``>`` and then nothing, not ``>``), so a title
    written out and read back stays what it was.
    """
    title = text
    while True:
        cleaned = _clean_once(title)
        if cleaned == title:
            return cleaned
        title = cleaned


def _clean_once(text: str) -> str:
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


def first_sentence(line: str) -> str:
    """The first sentence of one line of plain text.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by white space,
    except after a known abbreviation (``Dr.``, ``e.g.``, ``i.e.``, ``etc.``,
    ``vs.``: see ``ABBREVIATIONS``) or an initial next to another one, and
    except where the next word starts in lower case. Dots inside a word or
    number (``v1.2.3``, ``Python 3.11``, ``3.5``, ``node.js``) never end one.
    """
    for match in _SENTENCE_END.finditer(line):
        if _continues_sentence(line[: match.start() + 1], line[match.end() :]):
            continue
        return line[: match.end()].rstrip()
    return line


def _continues_sentence(before: str, after: str) -> bool:
    """True when the punctuation ending ``before`` does not end a sentence."""
    if after[0].islower():
        return True
    if not before.endswith("."):
        return False
    word = _WORD_BEFORE_DOT.search(before)
    if word is None:
        return False
    start = word.start(1)
    if start > 0 and not (before[start - 1].isspace() or before[start - 1] in "([{\"'“‘"):
        return False  # the tail of something longer, like "node.js." or "3.x."
    text = word.group(1)
    if len(text) == 1:  # an initial among initials ("J. R. R. Tolkien"), not "Learned X."
        return bool(_INITIAL_AHEAD.match(after) or _INITIAL_BEHIND.search(before[:start]))
    return text.casefold() in ABBREVIATIONS


def derive_title(text: str, max_length: int = _MAX_TITLE) -> str:
    """A title for text that has none: the first sentence of its first non-empty line.

    Titles longer than ``max_length`` are cut at a word boundary and end with
    an ellipsis, which counts toward ``max_length``. The result is empty only
    when the text has no line with a usable title (blank, or rules like ``---``).
    """
    for line in text.replace(_BOM, "").splitlines():
        candidate = clean_title(line)
        if candidate and not set(candidate) <= set("-=*_~`|:"):
            break
    else:
        return ""
    sentence = first_sentence(candidate)
    if len(sentence) <= max_length:
        return sentence
    limit = max_length - 1  # room for the ellipsis
    if limit < 1:
        return sentence[:max_length]
    cut = sentence[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    if not cut or len(cut) > limit:
        cut = sentence[:limit].rstrip() or sentence[:limit]
    return cut + "…"
