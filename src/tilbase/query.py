"""What a person typed -> a Whoosh query. The user's query syntax is owned here.

The syntax is Whoosh's (``AND OR NOT``, ``"phrases"``, ``prefix*``,
``field:value``, ``date:[2022-11-01 to 2022-12-01]``, ``date:yesterday``) with
a few tilbase rules on top:

* free words are OR-ed, with a bonus for notes that match more of them;
* the fields a person may name are ``title``, ``body``, ``tag`` (or ``tags``),
  ``topic`` and ``date``, in any case; ``#word`` means ``tag:word``;
* ISO dates (``2022-11-01``, ``2022-11``) work inside date ranges, where
  Whoosh's own date parser would read only the year;
* text Whoosh cannot read as intended (``c++``, ``foo:bar`` for an unknown
  field, an unbalanced quote or parenthesis, a date it cannot read) is searched
  as plain words instead, and ``ParsedQuery.fallback`` says why.

This module also holds the index-side keys of tags and topics
(``tag_keys``, ``topic_keys``), so filters and the index agree by construction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.matching import CoordMatcher, NullMatcher, UnionMatcher, WrappingMatcher
from whoosh.qparser import MultifieldParser, MultifieldPlugin, OrGroup
from whoosh.qparser.dateparse import DateParserPlugin, English
from whoosh.qparser.syntax import DisMaxGroup
from whoosh.util.times import adatetime

from tilbase.errors import InvalidInput
from tilbase.filters import NoteFilter
from tilbase.model import normalize_tag
from tilbase.scoring import FIELD_WEIGHTS, SEARCH_FIELD, proximity_query

__all__ = [
    "DEFAULT_FIELDS",
    "FIELD_BOOSTS",
    "KEY_SEPARATOR",
    "USER_FIELDS",
    "BestField",
    "ParsedQuery",
    "QueryWord",
    "Unpruned",
    "filter_query",
    "find_problem",
    "parse_query",
    "plain_words",
    "query_words",
    "tag_analyzer",
    "tag_keys",
    "topic_keys",
]

#: Field names a person may type, mapped to the index's field names.
USER_FIELDS: dict[str, str] = {
    "title": "title",
    "body": "body",
    "tag": "tags",
    "tags": "tags",
    "topic": "topic",
    "date": "date",
}
#: Fields searched by words typed without a field name: the weighted BM25F field.
DEFAULT_FIELDS: tuple[str, ...] = (SEARCH_FIELD,)
#: Query-time weights of the fields (``related`` and named-field words use them).
FIELD_BOOSTS: dict[str, float] = {SEARCH_FIELD: 1.0, **FIELD_WEIGHTS}
#: How much a note gains for matching more of the free words (Whoosh's OrGroup factor).
COORDINATION = 0.9
#: Count each matched word by its IDF for the coordination bonus (rare words count more).
IDF_COORDINATION = True
#: How much the other fields matching a word add to its best field (0: nothing, 1: all).
FIELD_TIEBREAK = 0.1
#: Separates the keys of a multi-valued keyword field; it cannot occur in a tag or topic.
KEY_SEPARATOR = "\x1f"

_TEXT_FIELDS = frozenset({"title", "body", "topic", SEARCH_FIELD})
_FIELD_PREFIX = re.compile(r"(?<![\w.])([A-Za-z_][\w]*):")
_HASHTAG = re.compile(r"(?<![\w#])#(?=\w)")
_WORD = re.compile(r"\w+")
_TAG_SPLIT = re.compile(r"[\s:()\"\[\]{}^~*]+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})
#: Code names Whoosh's parser reads as one word, searched whole and split (tilbase.analysis).
_CODE_NAME = re.compile(r"\w+(?:\+\+|#)|--\w[\w-]*")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


# -- keys shared by the index and the filters ------------------------------------


def tag_keys(tags: Iterable[str]) -> list[str]:
    """Every tag and each of its ancestors: ``lang/python`` -> ``lang``, ``lang/python``."""
    keys: dict[str, None] = {}
    for tag in tags:
        parts = normalize_tag(tag).split("/")
        for depth in range(1, len(parts) + 1):
            if parts[depth - 1]:
                keys.setdefault("/".join(parts[:depth]), None)
    return list(keys)


def topic_keys(topic: str | None) -> list[str]:
    """A topic and its ancestors, case-folded: ``Vision Model/Pretraining`` -> 2 keys.

    Matches ``tilbase.filters.topic_matches``: a filter value ``v`` matches
    when ``v.strip().strip("/").casefold()`` is one of these keys.
    """
    if not topic:
        return []
    folded = topic.casefold()
    keys = [folded[:i] for i, char in enumerate(folded) if char == "/" and i > 0]
    keys.append(folded)
    return list(dict.fromkeys(k for k in keys if k))


class _NormalizeTags(Filter):  # type: ignore[misc]  # Whoosh is untyped
    """Turns each token into a normalised tag (``#Machine_Learning`` -> ``machine-learning``)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NormalizeTags)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            text = normalize_tag(token.text)
            if text:
                token.text = text
                yield token


def tag_analyzer() -> Any:
    """The analyser of the ``tags`` field: keys separated by ``KEY_SEPARATOR``, normalised."""
    return RegexTokenizer(f"[^{KEY_SEPARATOR}]+") | _NormalizeTags()


# -- filters -----------------------------------------------------------------------


def filter_query(note_filter: NoteFilter) -> wq.Query | None:
    """The metadata part of ``note_filter`` (tags, topic, dates) as a Whoosh filter query.

    Same meaning as ``NoteFilter.matches_metadata``: every tag must match
    (hierarchically), the topic matches itself and its sub-topics ignoring
    case, and date bounds are inclusive and leave undated notes out.
    """
    parts: list[wq.Query] = []
    for tag in note_filter.tags:
        key = normalize_tag(tag)
        parts.append(wq.Term("tags", key) if key else wq.NullQuery)
    if note_filter.topic:
        wanted = note_filter.topic.strip().strip("/").casefold()
        parts.append(wq.Term("topic_path", wanted) if wanted else wq.NullQuery)
    if note_filter.since or note_filter.until:
        start = _day_start(note_filter.since) if note_filter.since else None
        end = _day_end(note_filter.until) if note_filter.until else None
        parts.append(wq.DateRange("date", start, end))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _day_end(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, 999999)


# -- parsing ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query ready to run.

    ``text`` is what Whoosh parsed (field names made canonical), ``fallback``
    says why the input was searched as plain words instead (``None`` when it
    was read as written).
    """

    query: wq.Query
    text: str
    fallback: str | None = None
    #: Bonus for the best notes with neighbouring words close together (tilbase.scoring).
    proximity: wq.Query | None = None


@dataclass(frozen=True)
class QueryWord:
    """A word the person typed, where it is in ``ParsedQuery.text``, and how the index sees it."""

    start: int
    end: int
    original: str
    analysed: str


def find_problem(text: str) -> str | None:
    """Why ``text`` cannot be read as Whoosh syntax the way the person meant it, or ``None``."""
    if text.count('"') % 2:
        return "it has an unbalanced quote"
    outside = _outside_quotes(text)
    for opening, closing, name in (("(", ")", "parenthesis"), ("[", "]", "bracket")):
        if not _balanced(outside, opening, closing):
            return f"it has an unbalanced {name}"
    for match in _FIELD_PREFIX.finditer(outside):
        name = match.group(1)
        if name.lower() not in USER_FIELDS:
            known = ", ".join(sorted({"title", "body", "tag", "topic", "date"}))
            return f"'{name}:' is not a field (fields are {known})"
    for token in outside.split():
        if _CODE_NAME.fullmatch(token):  # c++, c#, --dry-run: the analyzer keeps them whole
            continue
        if "+" in token or "&" in token or "|" in token or "\\" in token:
            char = next(c for c in token if c in "+&|\\")
            return f"'{char}' in '{token}' is not part of the query syntax"
        if "#" in token.lstrip("#"):
            return f"'#' in '{token}' is not part of the query syntax"
        if token.startswith("-") and len(token) > 1 and not token[1].isdigit():
            return f"'{token}': a leading '-' does not exclude words here; use NOT"
    return None


def _outside_quotes(text: str) -> str:
    """``text`` with every double-quoted span blanked out (lengths kept)."""
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)


def _balanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _canonical_fields(text: str) -> str:
    """Write field names the index's way (``Tag:`` -> ``tags:``) and ``#word`` as ``tags:word``."""
    outside = _outside_quotes(text)
    pieces: list[str] = []
    last = 0
    for match in _FIELD_PREFIX.finditer(outside):
        field = USER_FIELDS.get(match.group(1).lower())
        if field is None:
            continue
        pieces.append(text[last : match.start()])
        pieces.append(f"{field}:")
        last = match.end()
    pieces.append(text[last:])
    rewritten = "".join(pieces)
    outside = _outside_quotes(rewritten)
    hashes = [m.start() for m in _HASHTAG.finditer(outside)]
    for position in reversed(hashes):
        rewritten = rewritten[:position] + "tags:" + rewritten[position + 1 :]
    return rewritten


def plain_words(text: str) -> str:
    """``text`` reduced to its words, with no syntax left (operators become plain words)."""
    words = _WORD.findall(text)
    return " ".join(w.lower() if w in _OPERATORS else w for w in words)


# -- matchers that score every match ---------------------------------------------
#
# Whoosh's collector calls ``replace(minscore)`` on the matcher tree every ten
# matches, even with ``optimize=False``, once it holds ``limit`` hits. A
# ``UnionMatcher`` then turns itself into additive ``AndMaybe`` or
# ``Intersection`` matchers that skip documents the sum of its sides' maximum
# scores says cannot reach the top N. The matchers below do not add their
# sides up, so that swap changed both the scores and which notes were
# counted: the ranking and the total depended on ``--limit``. They replace
# only finished sub-matchers, never prune by quality, and never take part in
# Whoosh's block-quality skipping.


def _unpruned_union(matcher: Any) -> Any:
    """``replace()`` for a union that must keep its class: drop finished sides only."""
    a, b = matcher.a, matcher.b
    a_active, b_active = a.is_active(), b.is_active()
    if not (a_active or b_active):
        return NullMatcher()
    # A lone side scores exactly what the union would give it.
    if not a_active:
        return b.replace(0)
    if not b_active:
        return a.replace(0)
    new_a, new_b = a.replace(0), b.replace(0)
    if new_a is not a or new_b is not b:
        return matcher.__class__(new_a, new_b)
    matcher._id = None
    return matcher


class _BestFieldMatcher(UnionMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """Matches a document when any field does; scores the best field plus a little of the rest.

    Whoosh's own ``DisjunctionMaxMatcher`` takes the max of both sides even
    when they sit on different documents, so it cannot be used as it is.
    """

    def replace(self, minquality: float = 0) -> Any:
        """Drop finished fields; never prune by quality (see the comment above)."""
        return _unpruned_union(self)

    def supports_block_quality(self) -> bool:
        """Never: block-quality skipping assumes scores that add up."""
        return False

    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active():
            return float(b.score())
        if not b.is_active():
            return float(a.score())
        if a.id() != b.id():
            return float(a.score() if a.id() < b.id() else b.score())
        first, second = a.score(), b.score()
        return float(max(first, second) + FIELD_TIEBREAK * min(first, second))


class BestField(wq.DisjunctionMax):  # type: ignore[misc]  # Whoosh is untyped
    """One word searched in several fields, scored by its best field.

    Summing the fields instead would count a common word up to four times
    when it is in a note's title, topic, tags and body.
    """

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        return self._tree_matcher(subs, _BestFieldMatcher, searcher, context, None)


class _BestFieldGroup(DisMaxGroup):  # type: ignore[misc]  # Whoosh is untyped
    qclass = BestField


class _WordsMatcher(UnionMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """The union of the free words' matchers (one child subtree per word)."""

    def replace(self, minquality: float = 0) -> Any:
        """Drop finished words; never prune by quality (the coordination bonus is not a sum)."""
        return _unpruned_union(self)

    def supports_block_quality(self) -> bool:
        """Never: the score above this matcher is multiplied by a per-document bonus."""
        return False


def _words_at(matcher: Any, docnum: int) -> float:
    """How many distinct words of a ``_WordsMatcher`` tree match ``docnum`` (IDF-weighted)."""
    if isinstance(matcher, _WordsMatcher):
        return sum(
            _words_at(child, docnum)
            for child in (matcher.a, matcher.b)
            if child.is_active() and child.id() == docnum
        )
    return float(getattr(matcher, "word_weight", 1.0))


def _word_count(matcher: Any) -> float:
    if isinstance(matcher, _WordsMatcher):
        return _word_count(matcher.a) + _word_count(matcher.b)
    return float(getattr(matcher, "word_weight", 1.0))


def _leaf_count(matcher: Any) -> int:
    if isinstance(matcher, _WordsMatcher):
        return _leaf_count(matcher.a) + _leaf_count(matcher.b)
    return 1


class _WeightedWordMatcher(WrappingMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """One free word's matcher, carrying how much the word counts for coordination."""

    def __init__(self, child: Any, word_weight: float) -> None:
        super().__init__(child)
        self.word_weight = word_weight

    def _replacement(self, newchild: Any) -> Any:
        return self.__class__(newchild, self.word_weight)


class _WeightedWord(wq.WrappingQuery):  # type: ignore[misc]  # Whoosh is untyped
    """A free word whose share of the coordination bonus is its IDF."""

    def __init__(self, child: Any, word_weight: float) -> None:
        super().__init__(child)
        self.word_weight = word_weight

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """The word's matcher, marked with its weight."""
        return _WeightedWordMatcher(self.child.matcher(searcher, context), self.word_weight)


def _idf(searcher: Any, query: wq.Query) -> float:
    """The largest IDF of the terms of a free word (1.0 when it has none, e.g. a prefix)."""
    idfs = [
        searcher.idf(name, text) for name, text in query.iter_all_terms() if name in _TEXT_FIELDS
    ]
    return float(max(idfs)) if idfs else 1.0


class _WordCoordMatcher(CoordMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """A coordination bonus that counts distinct words and multiplies the score.

    Whoosh counts a word found in a title and a body as two matches, which
    rewards the same word twice instead of a note that has more of the words;
    it also walks every term of the tree for each document, where this looks
    at one node per word. Its bonus (SQR) is added to the score, so with three
    words a lone common word in a title still beat a note holding all three in
    its body; here a note with all ``n`` words scores ``1 + scale`` times what
    its words alone give, one with ``m`` of them ``1 + scale * (m-1)/(n-1)``.

    With ``IDF_COORDINATION`` each word counts by its IDF: the matched share
    ``f`` of the query's IDF gives ``1 + scale * (f - 1/n) / (1 - 1/n)`` (at
    least 1), which is the formula above when all words are equally rare, and
    lets a note holding only the rarest word keep up with one holding the
    common ones.
    """

    def __init__(
        self, child: Any, scale: float = 1.0, words: tuple[float, int] | None = None
    ) -> None:
        super().__init__(child, scale=scale)
        self._words = (_word_count(child), _leaf_count(child)) if words is None else words

    def _replacement(self, newchild: Any) -> Any:
        # Keep the query's word count when Whoosh prunes finished sub-matchers.
        return self.__class__(newchild, scale=self._scale, words=self._words)

    def replace(self, minquality: float = 0) -> Any:
        """Replace finished sub-matchers only: ``minquality`` is on the scale of the bonus."""
        child = self.child.replace(0)
        return self if child is self.child else self._replacement(child)

    def supports_block_quality(self) -> bool:
        """Never: the bonus depends on each document's words."""
        return False

    def _sqr(self, score: float, matching: float) -> float:
        total, words = self._words
        if words <= 1 or total <= 0:
            return score
        share = (matching / total - 1 / words) / (1 - 1 / words)
        return float(score * (1 + self._scale * max(share, 0.0)))

    def score(self) -> float:
        child = self.child
        return float(self._sqr(child.score(), _words_at(child, child.id())))


class AnyWords(wq.Or):  # type: ignore[misc]  # Whoosh is untyped
    """Free words OR-ed, with a bonus for documents that match more distinct words."""

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        reader = searcher.reader()
        if IDF_COORDINATION and len(subs) > 1:
            subs = [_WeightedWord(q, _idf(searcher, q)) for q in subs]
        matcher = self._tree_matcher(
            subs, _WordsMatcher, searcher, context, lambda q: q.estimate_size(reader)
        )
        if self.scale and _word_count(matcher) > 1:
            matcher = _WordCoordMatcher(matcher, scale=self.scale)
        return matcher


class _AnyWordsGroup(OrGroup):  # type: ignore[misc]  # Whoosh is untyped
    qclass = AnyWords

    def __init__(self, nodes: Any = None, **kwargs: Any) -> None:
        kwargs["scale"] = COORDINATION
        super().__init__(nodes=nodes, **kwargs)


class _UnprunedMatcher(WrappingMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """Passes the collector's ``replace(minscore)`` down as ``replace(0)``."""

    def replace(self, minquality: float = 0) -> Any:
        """Replace finished sub-matchers only, so every match is scored and counted."""
        child = self.child.replace(0)
        return self if child is self.child else self._replacement(child)

    def supports_block_quality(self) -> bool:
        """Never: skipping blocks would leave matches uncounted."""
        return False


class Unpruned(wq.WrappingQuery):  # type: ignore[misc]  # Whoosh is untyped
    """Runs ``child`` so that every match is scored and counted, whatever the limit.

    Even Whoosh's own matchers (``a AND b``, ``a NOT b``) skip documents that
    cannot make the top N once the collector is full, so the number of matches
    it reports would depend on the limit.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """The child's matcher, shielded from quality pruning."""
        return _UnprunedMatcher(self.child.matcher(searcher, context))


def _parser(schema: Any, now: dt.datetime, date_errors: list[str]) -> MultifieldParser:
    parser = MultifieldParser(
        list(DEFAULT_FIELDS),
        schema,
        fieldboosts=FIELD_BOOSTS,
        group=_AnyWordsGroup,
    )
    parser.replace_plugin(
        MultifieldPlugin(list(DEFAULT_FIELDS), fieldboosts=FIELD_BOOSTS, group=_BestFieldGroup)
    )
    parser.add_plugin(
        DateParserPlugin(basedate=now, dateparser=_IsoFirstDates(), callback=date_errors.append)
    )
    return parser


def parse_query(text: str, schema: Any, *, now: dt.datetime | None = None) -> ParsedQuery:
    """Turn ``text`` into a query over ``schema`` (see the module docstring for the syntax).

    Never raises for bad syntax: it falls back to the plain words of ``text``
    and says why in ``ParsedQuery.fallback``.
    """
    now = now or dt.datetime.now()
    problem = find_problem(text)
    if problem is None:
        canonical = _canonical_fields(text)
        check_date_values(canonical)
        if canonical.strip() == "*":  # every note (Whoosh reads a lone * in one field as nothing)
            return ParsedQuery(wq.Every(), canonical)
        date_errors: list[str] = []
        try:
            parsed = _parser(schema, now, date_errors).parse(canonical)
        except Exception as exc:  # Whoosh's parser can fail in many ways on odd input
            problem = f"Whoosh could not parse it ({type(exc).__name__})"
        else:
            if date_errors:
                raise InvalidInput(
                    f"date:{date_errors[0]}: not a date tilbase can read",
                    "use YYYY-MM-DD, YYYY-MM, YYYY, today or yesterday",
                )
            query = _exclude_negations(parsed)
            return ParsedQuery(query, canonical, proximity=proximity_query(query, AnyWords))
    return _fallback(text, schema, now, problem)


def _has_negation(query: wq.Query) -> bool:
    return isinstance(query, wq.Not) or any(_has_negation(c) for c in query.children())


def _exclude_negations(query: wq.Query) -> wq.Query:
    """Make ``a b NOT c`` mean (a OR b) without c.

    With OR-ed words Whoosh reads it as ``a OR b OR (NOT c)``, which matches
    almost every note; a person means "and not".
    """
    if not _has_negation(query):
        return query
    if isinstance(query, wq.Or):
        children = [_exclude_negations(child) for child in query.subqueries]
        negated = [child.query for child in children if isinstance(child, wq.Not)]
        if negated:
            kept = [child for child in children if not isinstance(child, wq.Not)]
            excluded = negated[0] if len(negated) == 1 else wq.Or(negated)
            if not kept:
                return wq.Not(excluded)
            # Keep the class: a stock Or would score free words with Whoosh's own
            # coordination, which recounts the words whenever one runs out of matches.
            positive = (
                kept[0]
                if len(kept) == 1
                else query.__class__(kept, boost=query.boost, scale=query.scale)
            )
            return wq.AndNot(positive, excluded)
        return query.__class__(children, boost=query.boost, scale=query.scale)
    return query.apply(_exclude_negations)


def _fallback(text: str, schema: Any, now: dt.datetime, problem: str) -> ParsedQuery:
    words = plain_words(text)
    parts: list[wq.Query] = []
    if words:
        parts.append(_parser(schema, now, []).parse(words))
    tags = [normalize_tag(token) for token in _TAG_SPLIT.split(text)]
    parts.extend(wq.Term("tags", tag, boost=FIELD_BOOSTS["tags"]) for tag in tags if tag)
    query: wq.Query = wq.Or(parts).normalize() if parts else wq.NullQuery
    return ParsedQuery(query, words, fallback=problem)


def query_words(parsed: ParsedQuery) -> list[QueryWord]:
    """The plain words (terms and phrase words, not prefixes or ranges) of a parsed query.

    Used to check spelling: each word is given with its place in
    ``parsed.text`` and its analysed (stemmed) form.
    """
    found: dict[tuple[int, int], QueryWord] = {}
    for leaf in parsed.query.leaves():
        if leaf.field() not in _TEXT_FIELDS or not isinstance(leaf, wq.Term | wq.Phrase):
            continue
        for token in leaf.all_tokens():
            start, end = token.startchar, token.endchar
            if start is None or end is None or (start, end) in found:
                continue
            original = parsed.text[start:end]
            if not _WORD.fullmatch(original):
                continue
            analysed = token.text if isinstance(token.text, str) else token.text.decode()
            found[(start, end)] = QueryWord(start, end, original, analysed)
    return [found[key] for key in sorted(found)]


# -- dates -----------------------------------------------------------------------

_DATE_VALUE = re.compile(r'(?<![\w.])date:\s*(\[[^\]]*\]|"[^"]*"|\S+)')
_RANGE_TO = re.compile(r"\s+to\s+|^\s*to\s+|\s+to\s*$", re.IGNORECASE)
_DATE_LIKE = re.compile(r"\d{4}(?:-\d+){0,2}")


def check_date_values(text: str) -> None:
    """Raise ``InvalidInput`` for a ``date:`` value or range bound that is not a real date.

    ISO-shaped values are checked here (``2022-13-01``, ``2023-02-30``), with
    the same one-line error as ``--since``; words are left to Whoosh's date
    parser, whose failures ``parse_query`` reports the same way.
    """
    from tilbase.dates import InvalidDate, parse_date

    for match in _DATE_VALUE.finditer(_outside_quotes_keep_dates(text)):
        value = match.group(1)
        bounds = _RANGE_TO.split(value[1:-1]) if value.startswith("[") else [value.strip('"')]
        for bound in (b.strip() for b in bounds):
            if not _DATE_LIKE.fullmatch(bound):
                continue
            parts = bound.split("-")
            full = "-".join(parts + ["01"] * (3 - len(parts)))
            try:
                parse_date(full)
            except InvalidDate as exc:
                detail = str(exc).replace(f"'{full}'", f"'{bound}'")
                raise InvalidInput(f"date:{value}: {detail}") from None


def _outside_quotes_keep_dates(text: str) -> str:
    """``text`` with quoted spans blanked, except a quoted ``date:"..."`` value."""
    return re.sub(r'(?<!date:)"[^"]*"', lambda m: " " * len(m.group(0)), text)


class _IsoFirstDates(English):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's English date parser, but reading ISO dates itself first.

    Whoosh reads ``2022-11-01`` in a range as the year 2022; here it is a day.
    """

    def get_parser(self) -> Any:
        return _IsoFirst(super().get_parser())


class _IsoFirst:
    """A date parser element: ISO ``YYYY[-MM[-DD]]`` first, else the wrapped element."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def parse(self, text: str, when: Any, pos: int = 0, debug: int = -9999) -> tuple[Any, int]:
        match = _ISO_DATE.match(text, pos)
        if match and match.end() == len(text.rstrip()):
            value = _iso_adatetime(match)
            if value is not None:
                return value, len(text)
        return self.inner.parse(text, when, pos=pos, debug=debug)  # type: ignore[no-any-return]

    def date_from(self, text: str, when: Any, pos: int = 0, debug: int = -9999) -> Any:
        value, _end = self.parse(text, when, pos, debug)
        return value


def _iso_adatetime(match: re.Match[str]) -> Any:
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year or 1, month or 1, day or 1)
    except ValueError:
        return None
    return adatetime(year=year, month=month, day=day)
