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
from collections.abc import Callable, Iterator
from typing import Any

from whoosh.analysis import STOP_WORDS, Analyzer, Token
from whoosh.lang.porter import stem as porter_stem

from tilbase.query.weighting import FIELD_MARK

__all__ = [
    "CONTRACTIONS",
    "FIELD_MARK",
    "MAX_TOKEN",
    "fold",
    "text_analyzer",
    "tokens_of",
]

#: Longer words are cut to this many characters (nobody types them; they bloat the index).
MAX_TOKEN = 64
#: How much a part of a ``camelCase`` or ``snake_case`` word counts next to a word written
#: on its own (``unhealthy`` in ``UnhealthyThresholdCount``, a JSON key in command output).
#: The parts of a dotted or hyphenated name (``os.replace``, ``--dry-run``) count in full.
#: Measured in docs/search.md: 0.5 lost no query on any set; 0.3 cost docvault a top-1.
WORD_PART_WEIGHT = 0.5

_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0002fa1f"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
#: An English possessive or contraction (``what's``, ``user’s``, ``doesn't``, ``we've``);
#: a code name: words joined by . - :: (or led by dashes, or ending in ++ / #); else a word.
_TOKEN = re.compile(
    r"[^\W\d_]+['’](?i:s|t|m|re|ve|ll|d)(?![\w'’])"
    r"|(?:-{1,2}(?=\w))?\w+(?:(?:\.|-|::)\w+)*(?:\+\+|#(?!\w))?"
    rf"|{re.escape(FIELD_MARK)}[\d.]+{re.escape(FIELD_MARK)}"
)
_APOSTROPHE = re.compile("['’]")
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
        if whole.startswith(FIELD_MARK):
            yield whole, start, match.end(), False
            continue
        for piece, piece_start, piece_end, new in _match_pieces(whole):
            yield piece, start + piece_start, start + piece_end, new


def _match_pieces(whole: str) -> list[tuple[str, int, int, bool]]:
    """The pieces of one token match, with spans relative to it (see ``_pieces``)."""
    if whole.isascii() and whole.isalnum() and (whole.islower() or whole[1:].islower()):
        return [(whole, 0, len(whole), True)]  # the common case: a plain word
    apostrophe = _APOSTROPHE.search(whole)
    if apostrophe is not None:
        # A possessive is its word (``user's`` -> user); another contraction is one
        # word, a stop word when it is a common one (``doesn't``, ``we've``), instead of
        # the stray pieces ``doesn`` and ``t`` that matched notes on their own.
        base = whole[: apostrophe.start()]
        if whole[apostrophe.end() :].lower() == "s":
            return _match_pieces(base)
        return [(f"{base}'{whole[apostrophe.end() :]}", 0, len(whole), True)]
    words = list(_WORD.finditer(whole))
    compound = len(words) > 1 or len(words[0].group()) != len(whole)
    pieces = [(whole, 0, len(whole), True)] if compound else []
    for i, word in enumerate(words):
        pieces.extend(_word_pieces(word.group(), word.start(), not compound or i > 0))
    return pieces


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


def _terms_of(raw: str, stem: Callable[[str], str]) -> tuple[tuple[str, bool], ...]:
    """The terms one tokenizer piece becomes, each with whether it is a stop word.

    Lower-cased; an accented word gives its folded form, then the form as
    written; stop words are not stemmed, other words are.
    """
    lowered = raw.lower()
    forms = [lowered]
    if not lowered.isascii():
        folded = fold(lowered)
        if folded != lowered:
            forms = [folded, lowered]
    terms = []
    for form in forms:
        if not form or form in _STOP_WORDS:
            terms.append((form, True))
            continue
        terms.append((stem(form), False))
    return tuple(terms)


class TextAnalyzer(Analyzer):  # type: ignore[misc]  # Whoosh is untyped
    """Tokenize, lower-case, fold accents, drop stop words and stem, in one pass.

    The same terms, positions, boosts and character spans as the Whoosh chain
    ``tokenizer | LowercaseFilter() | fold | StopFilter(minsize=1) | StemFilter()``
    (tests/test_analysis.py holds that chain and compares the two), without a
    generator and a method call per token and filter: each distinct piece of
    text is worked out once per process and remembered. Positions are
    numbered as Whoosh's ``StopFilter`` numbers them: kept terms one after
    another from the first kept term's position (so the whole form of a code
    name and its parts get consecutive positions). ``no_morph=True`` (Whoosh's
    request for unstemmed words) skips stemming. Field markers
    (``FIELD_MARK weight FIELD_MARK``) are not terms: they set the boost of the
    terms after them.
    """

    is_morph = True
    #: Distinct pieces remembered per process (a KB has a few hundred thousand words).
    MEMO_LIMIT = 500_000

    def __init__(self) -> None:
        self._memo: dict[str, tuple[_MatchTerm, ...]] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextAnalyzer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __getstate__(self) -> dict[str, Any]:
        return {}  # the memo is a cache: never pickled into an index or a writer process

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

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
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Any]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        memo = self._memo if not no_morph else {}
        stem = _unstemmed if no_morph else STEM
        boost = 1.0
        pos = start_pos - 1
        term_pos = pos
        kept_pos: int | None = None  # the position of the last kept term (StopFilter's)
        for match in _TOKEN.finditer(value):
            whole = match.group()
            if whole[0] == FIELD_MARK:
                boost = float(whole.strip(FIELD_MARK) or 1)
                continue
            terms = memo.get(whole)
            if terms is None:
                terms = _match_terms(whole, stem)
                if len(memo) < self.MEMO_LIMIT:
                    memo[whole] = terms
            at = match.start()
            for term, stopped, first, new, piece_start, piece_end, weight in terms:
                if first:
                    if new or pos < start_pos:
                        pos += 1
                    term_pos = pos
                if stopped:
                    if removestops:
                        continue
                    token.stopped = True
                else:
                    token.stopped = False
                    if positions:
                        kept_pos = term_pos if kept_pos is None else kept_pos + 1
                        term_pos = kept_pos
                token.text = term
                token.boost = boost * weight
                if keeporiginal:
                    token.original = whole[piece_start:piece_end][:MAX_TOKEN]
                if positions:
                    token.pos = term_pos
                if chars:
                    token.startchar = start_char + at + piece_start
                    token.endchar = start_char + at + piece_end
                yield token


#: One term of a token match: (term, stop word, first term of its piece, piece takes a new
#: position, start and end of the piece in the match, how much it counts).
_MatchTerm = tuple[str, bool, bool, bool, int, int, float]


def _match_terms(whole: str, stem: Callable[[str], str]) -> tuple[_MatchTerm, ...]:
    """Every term of one token match, in order (what ``TextAnalyzer`` remembers)."""
    terms: list[_MatchTerm] = []
    words: list[tuple[int, int]] = []  # the spans of the whole words met so far
    for piece, start, end, new in _match_pieces(whole):
        # A part of one word (``count`` of ``itemCount``, ``case`` of ``snake_case``) lies
        # inside a whole word given before it; the parts of ``os.replace`` do not.
        part = any(s <= start and end <= e and (s, e) != (start, end) for s, e in words)
        weight = WORD_PART_WEIGHT if part else 1.0
        if _WORD.fullmatch(piece):
            words.append((start, end))
        for i, (term, stopped) in enumerate(_terms_of(piece[:MAX_TOKEN], stem)):
            terms.append((term, stopped, i == 0, new, start, end, weight))
    return tuple(terms)


def _unstemmed(word: str) -> str:
    return word


#: English contractions, all function words (written with ', as the tokenizer gives them).
CONTRACTIONS = frozenset(
    f"{word}n't"
    for word in [
        "are",
        "is",
        "was",
        "were",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "wo",
        "would",
        "ca",
        "could",
        "should",
        "must",
        "need",
        "sha",
        "might",
        "ai",
    ]
) | frozenset(
    f"{word}'{ending}"
    for word in ["i", "you", "he", "she", "it", "we", "they", "that", "there", "who", "what"]
    for ending in ("m", "re", "ve", "ll", "d")
    if ending != "m" or word == "i"
)
#: Whoosh's English stop words and the contractions. Adding question words (how, do, does,
#: why, what, which, my) was measured and dropped: BM25's IDF already keeps them from
#: dominating, and "which" or "do" are sometimes the word a note is about (``which``).
_STOP_WORDS = frozenset(STOP_WORDS) | CONTRACTIONS


#: The stemmer of every text field (changing it needs a reindex: bump SCHEMA_VERSION).
STEM: Any = porter_stem


def text_analyzer() -> Any:
    """The analyzer of every full-text field (and of query words searched in them)."""
    return TextAnalyzer()


def tokens_of(text: str) -> list[str]:
    """The index terms of ``text`` (for tests and tools)."""
    return [token.text for token in text_analyzer()(text)]
