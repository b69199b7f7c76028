"""What a person typed -> a Whoosh query. The user's query syntax is owned here.

The syntax is Whoosh's (``AND OR NOT``, ``"phrases"``, ``prefix*``,
``field:value``, ``date:[2022-11-01 to 2022-12-01]``, ``date:yesterday``) with
a few tilbase rules on top:

* free words are OR-ed, with a bonus for notes that match more of them;
* the fields a person may name are ``title``, ``body``, ``tag`` (or ``tags``),
  ``topic`` and ``date``, in any case; ``#word`` means ``tag:word``;
* ISO dates (``2022-11-01``, ``2022-11``) work inside date ranges, where
  Whoosh's own date parser would read only the year;
* ``c++``, ``c#`` and ``--flags`` are searched as written (the analyzer keeps
  them whole); a lone ``*`` matches every note;
* a ``date:`` value that is not a real date (``2022-13-01``, ``someday``) is
  an ``InvalidInput`` error, like ``--since 2023-02-30``;
* other text Whoosh cannot read as intended (``foo:bar`` for an unknown
  field, an unbalanced quote or parenthesis) is searched as plain words
  instead, and ``ParsedQuery.fallback`` says why.

The index-side keys of tags and topics live in ``tilbase.query.keys``; the
scoring queries in ``tilbase.query.scoring``.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.qparser import MultifieldParser, MultifieldPlugin
from whoosh.util.times import adatetime

from tilbase.errors import InvalidInput
from tilbase.filters import NoteFilter
from tilbase.model import normalize_tag
from tilbase.query.scoring import AnyWordsGroup, BestFieldGroup
from tilbase.query.weighting import FIELD_WEIGHTS, SEARCH_FIELD

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
_TEXT_FIELDS = frozenset({"title", "body", "topic", SEARCH_FIELD})
_FIELD_PREFIX = re.compile(r"(?<![\w.])([A-Za-z_][\w]*):")
_HASHTAG = re.compile(r"(?<![\w#])#(?=\w)")
_WORD = re.compile(r"\w+")
_DATE_FIELD = re.compile(r"(?<![\w.])date:", re.IGNORECASE)
_TAG_SPLIT = re.compile(r"[\s:()\"\[\]{}^~*]+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})
#: Code names Whoosh's parser reads as one word, searched whole and split (index.analysis).
_CODE_NAME = re.compile(r"\w+(?:\+\+|#)|--\w[\w-]*")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


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


#: A colon that ends a word (followed by a space or the end) or starts a URL's ``//``.
_PROSE_COLON = re.compile(r"(?<=[^\s:]):(?=\s|$|//)")


def prose_colons(text: str) -> str:
    """``text`` without the colons of prose: ``bash: ./deploy.sh: Permission denied``.

    A field is written against its value (``tag:python``). A colon followed by
    a space ends a pasted error message's prefix (``umount:``, ``WARNING:``,
    ``fatal:``, ``./deploy.sh:``); it was read as an unknown field and sent the
    whole query to the plain-words fallback, which loses code names such as
    ``deploy.sh``. Colons inside quotes are left alone.
    """
    outside = _outside_quotes(text)  # a colon inside quotes is blanked there
    return _PROSE_COLON.sub(lambda m: "" if outside[m.start()] == ":" else ":", text)


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


def _parser(
    schema: Any, now: dt.datetime, date_errors: list[str], *, dates: bool = True
) -> MultifieldParser:
    """Whoosh's parser for tilbase's syntax; ``dates``: also read ``date:`` values.

    Whoosh's English date parser compiles about 60 regular expressions when it
    is made, so a query without ``date:`` goes without it.
    """
    parser = MultifieldParser(
        list(DEFAULT_FIELDS),
        schema,
        fieldboosts=FIELD_BOOSTS,
        group=AnyWordsGroup,
    )
    parser.replace_plugin(
        MultifieldPlugin(list(DEFAULT_FIELDS), fieldboosts=FIELD_BOOSTS, group=BestFieldGroup)
    )
    if dates:
        from whoosh.qparser.dateparse import DateParserPlugin

        parser.add_plugin(
            DateParserPlugin(
                basedate=now, dateparser=_iso_first_dates(), callback=date_errors.append
            )
        )
    return parser


def parse_query(text: str, schema: Any, *, now: dt.datetime | None = None) -> ParsedQuery:
    """Turn ``text`` into a query over ``schema`` (see the module docstring for the syntax).

    Never raises for bad syntax: it falls back to the plain words of ``text``
    and says why in ``ParsedQuery.fallback``. Raises ``InvalidInput`` for a
    ``date:`` value that is not a real date.
    """
    now = now or dt.datetime.now()
    text = prose_colons(text)
    problem = find_problem(text)
    if problem is None:
        canonical = _canonical_fields(text)
        check_date_values(canonical)
        if canonical.strip() == "*":  # every note (Whoosh reads a lone * in one field as nothing)
            return ParsedQuery(wq.Every(), canonical)
        date_errors: list[str] = []
        try:
            parser = _parser(
                schema, now, date_errors, dates=_DATE_FIELD.search(canonical) is not None
            )
            parsed = parser.parse(canonical)
        except Exception as exc:  # Whoosh's parser can fail in many ways on odd input
            problem = f"Whoosh could not parse it ({type(exc).__name__})"
        else:
            if date_errors:
                raise InvalidInput(
                    f"date:{date_errors[0]}: not a date tilbase can read",
                    "use YYYY-MM-DD, YYYY-MM, YYYY, today or yesterday",
                )
            query = soften_function_words(_exclude_negations(parsed))
            return ParsedQuery(query, canonical)
    return _fallback(text, schema, now, problem)


#: Words that frame a question instead of naming its topic, which Whoosh's stop list keeps:
#: question words, pronouns, auxiliary verbs. A free word among them counts
#: ``FUNCTION_WEIGHT`` times as much (1.0: like any word).
_FUNCTION_WORDS_TEXT = """
    what which who whom whose why how where i me my mine myself our ours ourselves yours
    yourself yourselves he him his himself she her hers herself its itself they them their
    theirs themselves am was were been being has had having do does did doing would should
    could shall might must"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
FUNCTION_WEIGHT = 0.3


def soften_function_words(query: wq.Query) -> wq.Query:
    """``query`` with each free function word (``which``, ``am``, ``how``) weighed down.

    They are not dropped: ``which`` may be what a note is about, and a query of
    function words alone still finds its notes.
    """
    if isinstance(query, wq.AndNot):  # free words NOT others (see _exclude_negations)
        softened = copy.copy(query)
        softened.a = soften_function_words(query.a)
        softened.subqueries = (softened.a, query.b)
        return softened
    if FUNCTION_WEIGHT == 1.0 or not isinstance(query, wq.Or):
        return query
    stems = _function_stems()
    words = []
    for sub in query.subqueries:
        if isinstance(sub, wq.Term) and sub.fieldname == SEARCH_FIELD and sub.text in stems:
            sub = copy.copy(sub)  # keeps its place in the text (startchar)
            sub.boost *= FUNCTION_WEIGHT
        words.append(sub)
    changed = copy.copy(query)
    changed.subqueries = words
    return changed


@functools.cache
def _function_stems() -> frozenset[str]:
    from tilbase.index.analysis import STEM

    return frozenset(STEM(word) for word in FUNCTION_WORDS)


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
        parts.append(_parser(schema, now, [], dates=False).parse(words))
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


def _iso_first_dates() -> Any:
    """Whoosh's English date parser, but reading ISO dates itself first.

    Whoosh reads ``2022-11-01`` in a range as the year 2022; here it is a day.
    """
    from whoosh.qparser.dateparse import English

    class IsoFirstDates(English):  # type: ignore[misc]  # Whoosh is untyped
        def get_parser(self) -> Any:
            return _IsoFirst(super().get_parser())

    return IsoFirstDates()


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
