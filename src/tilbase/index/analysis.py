"""How note text becomes index terms: words in any language, code names, accents folded.

One Whoosh analyzer chain, used at index time and at query time so both agree:

* a word is a run of letters and digits (``\\w+``); a code name made of words
  joined by ``.``, ``-``, ``::`` or written with ``+``/``#`` (``os.replace``,
  ``markdown-it-py``, ``c++``, ``--dry-run``) is kept whole as well as split;
  ``snake_case`` and ``camelCase`` words are also split into their parts;
* a run of CJK characters (Han, kana, Hangul) becomes its overlapping
  character pairs (``検索を試す`` -> ``検索 索を を試 試す``), a lone character
  itself, so words inside a run match without a dictionary;
* words are lower-cased, then folded to plain letters (``café`` -> ``cafe``,
  ``Straße`` -> ``strasse``, ``naïve`` -> ``naive``); a word that changes is
  indexed in both forms, so typing the accented form ranks the notes that
  have exactly that form first while the plain form finds both;
* English stop words are dropped and words are stemmed (``trees`` -> ``tree``).

Emoji and other symbols are not word characters: they make no terms.
``weighted`` text (see ``tilbase.query.weighting``) carries field markers that set
each token's boost, so one field can hold a note's title, topic, tags and
body with their weights.

Whoosh is imported here (this module is only imported by the index package).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import (
    STOP_WORDS,
    Filter,
    LowercaseFilter,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.lang.porter import stem as porter_stem

from tilbase.query.weighting import FIELD_MARK

__all__ = [
    "FIELD_MARK",
    "MAX_TOKEN",
    "fold",
    "text_analyzer",
    "tokens_of",
]

#: Longer words are cut to this many characters (nobody types them; they bloat the index).
MAX_TOKEN = 64

_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
#: A code name: words joined by . - :: (or led by dashes, or ending in ++ / #), else a word.
_TOKEN = re.compile(
    r"(?:-{1,2}(?=\w))?\w+(?:(?:\.|-|::)\w+)*(?:\+\+|#(?!\w))?"
    rf"|{re.escape(FIELD_MARK)}[\d.]+{re.escape(FIELD_MARK)}"
)
_WORD = re.compile(r"\w+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_a-zA-Z]+")
#: Letters NFKD does not take apart, folded by hand.
_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)


def fold(word: str) -> str:
    """``word`` lower-cased without accents: ``Straße`` -> ``strasse``, ``Café`` -> ``cafe``.

    Letters of scripts without accents (CJK, Cyrillic, Greek base letters) stay.
    """
    lowered = word.lower()
    if lowered.isascii() or _CJK_RUN.search(lowered):
        return lowered
    lowered = lowered.translate(_FOLDS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(_FOLDS)


def _word_parts(word: str) -> list[str]:
    """The parts of one ``\\w+`` word: ``snake_case`` -> snake, case; ``getHTTPValue`` -> 3."""
    parts = [p for p in word.split("_") if p] or [word]
    split: list[str] = []
    for part in parts:
        pieces = _CAMEL.findall(part) if any(c.isupper() for c in part[1:]) else [part]
        split.extend(pieces or [part])
    return split


def _pieces(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """(text, start, end, new_position) of every term of ``text`` before filtering.

    ``new_position`` is False for a term that shares the position of the one
    before it (the whole form of a code name and its first part).
    """
    for match in _TOKEN.finditer(text):
        whole, start = match.group(), match.start()
        if whole.isascii() and whole.isalnum() and (whole.islower() or whole[1:].islower()):
            yield whole, start, match.end(), True  # the common case: a plain word
            continue
        if whole.startswith(FIELD_MARK):
            yield whole, start, match.end(), False
            continue
        words = list(_WORD.finditer(whole))
        compound = len(words) > 1 or len(words[0].group()) != len(whole)
        if compound:
            yield whole, start, match.end(), True
        for i, word in enumerate(words):
            yield from _word_pieces(word.group(), start + word.start(), not compound or i > 0)


def _word_pieces(word: str, start: int, new: bool) -> Iterator[tuple[str, int, int, bool]]:
    if _CJK_RUN.search(word):
        yield from _cjk_pieces(word, start, new)
        return
    parts = _word_parts(word)
    if len(parts) > 1:
        yield word, start, start + len(word), new
        offset = start
        for i, part in enumerate(parts):
            at = word.find(part, offset - start) + start
            yield part, at, at + len(part), i > 0
            offset = at + len(part)
        return
    yield word, start, start + len(word), new


def _cjk_pieces(word: str, start: int, new: bool) -> Iterator[tuple[str, int, int, bool]]:
    """Latin parts of a mixed word as words, CJK runs as overlapping pairs of characters."""
    position = 0
    for match in _CJK_RUN.finditer(word):
        if match.start() > position:
            yield word[position : match.start()], start + position, start + match.start(), new
            new = True
        run, at = match.group(), start + match.start()
        if len(run) == 1:
            yield run, at, at + 1, new
        for i in range(len(run) - 1):
            yield run[i : i + 2], at + i, at + i + 2, new or i > 0
        new = True
        position = match.end()
    if position < len(word):
        yield word[position:], start + position, start + len(word), new


class CodeAwareTokenizer(Tokenizer):  # type: ignore[misc]  # Whoosh is untyped
    """Words, code names (whole and split) and CJK character pairs; see the module docstring.

    Field markers (``FIELD_MARK weight FIELD_MARK``) are not tokens: they set
    the boost of the tokens after them.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodeAwareTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Any]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        boost = 1.0
        pos = start_pos - 1
        for text, start, end, new in _pieces(value):
            if text.startswith(FIELD_MARK):
                boost = float(text.strip(FIELD_MARK) or 1)
                continue
            if new or pos < start_pos:
                pos += 1
            token.text = text[:MAX_TOKEN]
            token.boost = boost
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class FoldFilter(Filter):  # type: ignore[misc]  # Whoosh is untyped
    """Folds accents; a word that changes is passed on in both forms (same position)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldFilter)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            text = token.text
            if text.isascii():
                yield token
                continue
            folded = fold(text)
            if folded != text:
                boost = token.boost
                token.text = folded
                yield token
                token.text = text
                token.boost = boost
            yield token


#: Whoosh's English stop words. Adding question words (how, do, does, why, what, which, my)
#: was measured and dropped: BM25's IDF already keeps them from dominating, and "which" or
#: "do" are sometimes the word a note is about (the ``which`` command).
_STOP_WORDS = frozenset(STOP_WORDS)


#: The stemmer of every text field (changing it needs a reindex: bump SCHEMA_VERSION).
STEM: Any = porter_stem


def text_analyzer() -> Any:
    """The analyzer of every full-text field (and of query words searched in them)."""
    return (
        CodeAwareTokenizer()
        | LowercaseFilter()
        | FoldFilter()
        | StopFilter(stoplist=_STOP_WORDS, minsize=1)
        | StemFilter(stemfn=STEM, cachesize=50000)
    )


def tokens_of(text: str) -> list[str]:
    """The index terms of ``text`` (for tests and tools)."""
    return [token.text for token in text_analyzer()(text)]
