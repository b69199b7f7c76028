"""Query translation: what a person types -> the Whoosh query that runs (table-driven)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from tilbase.errors import InvalidInput
from tilbase.filters import NoteFilter
from tilbase.index import build_schema, note_document
from tilbase.model import Note
from tilbase.query import (
    AnyWords,
    Unpruned,
    filter_query,
    find_problem,
    parse_query,
    plain_words,
    query_words,
    tag_keys,
    topic_keys,
)
from tilbase.query.weighting import SEARCH_FIELD

SCHEMA = build_schema()
NOW = dt.datetime(2024, 5, 10, 12, 0)


def words_of(text: str, tag: str) -> str:
    """One free word: searched in the weighted BM25F field, as analysed (``tag`` is unused)."""
    return f"all:{text}"


def date_range(start: dt.datetime | None, end: dt.datetime | None) -> str:
    return str(wq.DateRange("date", start, end))


def day(y: int, m: int, d: int, end: bool = False) -> dt.datetime:
    return dt.datetime(y, m, d, 23, 59, 59, 999999) if end else dt.datetime(y, m, d)


# (typed, the query that runs)
READ_AS_WRITTEN: list[tuple[str, str]] = [
    ("kedro", words_of("kedro", "kedro")),
    ("Kedro", words_of("kedro", "kedro")),
    ("trees", words_of("tree", "trees")),
    (
        "python gil",
        f"({words_of('python', 'python')} OR {words_of('gil', 'gil')})",
    ),
    (
        "python AND gil",
        f"({words_of('python', 'python')} AND {words_of('gil', 'gil')})",
    ),
    (
        "kedro NOT airflow",
        f"({words_of('kedro', 'kedro')} ANDNOT {words_of('airflow', 'airflow')})",
    ),
    ("title:kedro", "title:kedro"),
    ("TITLE:Kedro", "title:kedro"),
    ("body:trees", "body:tree"),
    ("topic:leadership", "topic:leadership"),
    ("tag:theory", "tags:theory"),
    ("tags:theory", "tags:theory"),
    ("tag:Lang/Python", "tags:lang/python"),
    ('tag:"machine learning"', "tags:machine-learning"),
    ("#python", "tags:python"),
    ("kedro*", "all:kedro*"),
    ('title:"decision tree"', 'title:"decis tree"'),
    ("date:[2022-11-01 to 2022-12-01]", date_range(day(2022, 11, 1), day(2022, 12, 1, True))),
    ("date:[2022-11-01 TO 2022-12-01]", date_range(day(2022, 11, 1), day(2022, 12, 1, True))),
    ("date:[2022-11 to 2022-12]", date_range(day(2022, 11, 1), day(2022, 12, 31, True))),
    ("date:[2022-11-01 to]", date_range(day(2022, 11, 1), None)),
    ("date:[to 2022-11-01]", date_range(None, day(2022, 11, 1, True))),
    ("date:2022-11-25", date_range(day(2022, 11, 25), day(2022, 11, 25, True))),
    ("date:yesterday", date_range(day(2024, 5, 9), day(2024, 5, 9, True))),
    ("date:today", date_range(day(2024, 5, 10), day(2024, 5, 10, True))),
    ("date:[yesterday to today]", date_range(day(2024, 5, 9), day(2024, 5, 10, True))),
    ('date:"nov 2022"', date_range(day(2022, 11, 1), day(2022, 11, 30, True))),
    ("date:2022", date_range(day(2022, 1, 1), day(2022, 12, 31, True))),
]


@pytest.mark.parametrize(("typed", "expected"), READ_AS_WRITTEN)
def test_query_is_read_as_written(typed: str, expected: str) -> None:
    parsed = parse_query(typed, SCHEMA, now=NOW)
    assert parsed.fallback is None
    assert str(parsed.query) == expected


# (typed, words of the fallback, part of the reason)
FALLBACKS: list[tuple[str, str, str]] = [
    ("c++ + 1", "c 1", "'+' in '+'"),
    ("foo:bar", "foo bar", "'foo:' is not a field"),
    ('"unbalanced quote', "unbalanced quote", "unbalanced quote"),
    ("(python OR gil", "python or gil", "unbalanced parenthesis"),
    ("date:[2022 to 2023", "date 2022 to 2023", "unbalanced bracket"),
    ("c#x", "c x", "'#' in 'c#x'"),
    ("-kedro", "kedro", "use NOT"),
    ("a && b", "a b", "'&'"),
    ("path\\to", "path to", "'\\'"),
]


@pytest.mark.parametrize(("typed", "words", "reason"), FALLBACKS)
def test_unreadable_queries_fall_back_to_plain_words(typed: str, words: str, reason: str) -> None:
    parsed = parse_query(typed, SCHEMA, now=NOW)
    assert parsed.fallback is not None
    assert reason in parsed.fallback
    assert parsed.text == words


@pytest.mark.parametrize(
    ("typed", "text", "code_name"),
    [
        ("bash: ./deploy.sh: Permission denied", "bash ./deploy.sh Permission denied", "deploy.sh"),
        ("fatal: not a git repository", "fatal not a git repository", None),
        ("WARNING: UNPROTECTED PRIVATE KEY FILE", "WARNING UNPROTECTED PRIVATE KEY FILE", None),
        ("see http://example.org", "see http//example.org", "example.org"),
    ],
)
def test_a_pasted_error_message_is_read_as_words_not_fields(
    typed: str, text: str, code_name: str | None
) -> None:
    # Regression: "bash:" read as an unknown field sent the whole query to the plain-words
    # fallback, with a note about fields, and lost code names such as deploy.sh.
    parsed = parse_query(typed, SCHEMA, now=NOW)
    assert parsed.fallback is None
    assert parsed.text == text
    if code_name is not None:
        assert wq.Term(SEARCH_FIELD, code_name) in list(parsed.query.leaves())


def test_colons_of_fields_and_inside_quotes_are_kept() -> None:
    assert str(parse_query("tag:python", SCHEMA, now=NOW).query) == "tags:python"
    assert parse_query('"bash: oops" x', SCHEMA, now=NOW).text == '"bash: oops" x'
    assert parse_query("titel:foo", SCHEMA, now=NOW).fallback is not None


def test_fallback_also_searches_the_token_as_a_tag() -> None:
    parsed = parse_query("c++ +", SCHEMA, now=NOW)
    assert wq.Term("tags", "c++", boost=1.5) in list(parsed.query.leaves())


def test_free_words_of_two_or_more_get_a_proximity_bonus() -> None:
    from tilbase.query.proximity import near_words

    near = near_words(parse_query("undo the last commit undo", SCHEMA, now=NOW).query)
    assert near is not None
    assert near.words == (
        ("undo", ("undo",), 1.0),
        ("last", ("last",), 1.0),
        ("commit", ("commit",), 1.0),
    )
    assert near_words(parse_query("undo", SCHEMA, now=NOW).query) is None
    assert near_words(parse_query("undo AND commit", SCHEMA, now=NOW).query) is None
    negated = near_words(parse_query("undo commit NOT push", SCHEMA, now=NOW).query)
    assert negated is not None
    assert [word for word, _forms, _weight in negated.words] == ["undo", "commit"]


@pytest.mark.parametrize(
    ("typed", "term"), [("c++", "c++"), ("c#", "c#"), ("--dry-run", "--dry-run")]
)
def test_code_names_are_read_as_written_and_searched_whole(typed: str, term: str) -> None:
    parsed = parse_query(typed, SCHEMA, now=NOW)
    assert parsed.fallback is None
    assert wq.Term("all", term) in list(parsed.query.leaves())


@pytest.mark.parametrize(
    "typed",
    ["kedro", "don't panic", "10:30 meeting", "what's new?", "tree's leaves", "a-b testing"],
)
def test_ordinary_text_has_no_problem(typed: str) -> None:
    assert find_problem(typed) is None


def test_fields_inside_quotes_are_not_fields() -> None:
    assert find_problem('"note: this"') is None


@pytest.mark.parametrize(
    ("text", "plain"),
    [("c++ AND foo:bar", "c and foo bar"), ('"x" OR (y)', "x or y"), ("", "")],
)
def test_plain_words(text: str, plain: str) -> None:
    assert plain_words(text) == plain


def test_query_words_give_the_typed_word_and_its_stem() -> None:
    parsed = parse_query('decison "decision trees" kedro* title:Leaders', SCHEMA, now=NOW)
    found = [(w.original, w.analysed) for w in query_words(parsed)]
    assert found == [
        ("decison", "decison"),
        ("decision", "decis"),
        ("trees", "tree"),
        ("Leaders", "leader"),
    ]


@pytest.mark.parametrize(
    ("tags", "keys"),
    [
        (["lang/python"], ["lang", "lang/python"]),
        (["Lang/Python", "lang"], ["lang", "lang/python"]),
        (["a/b/c"], ["a", "a/b", "a/b/c"]),
        (["theory"], ["theory"]),
        ([], []),
    ],
)
def test_tag_keys(tags: list[str], keys: list[str]) -> None:
    assert tag_keys(tags) == keys


@pytest.mark.parametrize(
    ("topic", "keys"),
    [
        ("Vision Model/Pretraining", ["vision model", "vision model/pretraining"]),
        ("Leadership", ["leadership"]),
        (None, []),
        ("", []),
    ],
)
def test_topic_keys(topic: str | None, keys: list[str]) -> None:
    assert topic_keys(topic) == keys


def test_no_filters_means_no_filter_query() -> None:
    assert filter_query(NoteFilter(query="x")) is None


# -- filters agree with NoteFilter.matches_metadata ----------------------------------

_TAGS = st.sampled_from(["lang", "lang/python", "lang/go", "Theory", "ml/deep/cnn", "git"])
_TOPICS = st.sampled_from(
    [None, "Leadership", "leadership/Hiring", "Vision Model/Pretraining", "Vision", "ML"]
)
_DATES = st.one_of(st.none(), st.dates(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))


@st.composite
def _notes(draw: Any) -> list[Note]:
    count = draw(st.integers(1, 12))
    return [
        Note(
            id=f"n{i}",
            title=f"note {i}",
            date=draw(_DATES),
            topic=draw(_TOPICS),
            tags=tuple(draw(st.lists(_TAGS, max_size=3))),
            body="text\n",
        )
        for i in range(count)
    ]


@st.composite
def _filters(draw: Any) -> NoteFilter:
    since = draw(_DATES)
    until = draw(_DATES)
    return NoteFilter(
        tags=tuple(
            draw(st.lists(st.sampled_from(["lang", "LANG/Python", "ml/deep", "x"]), max_size=2))
        ),
        topic=draw(st.sampled_from([None, "leadership", "VISION MODEL", "vision", "ml/"])),
        since=since,
        until=until,
    )


@settings(max_examples=60, deadline=None)
@given(notes=_notes(), note_filter=_filters())
def test_filter_query_matches_the_same_notes_as_matches_metadata(
    notes: list[Note], note_filter: NoteFilter
) -> None:
    ix = RamStorage().create_index(SCHEMA)
    with ix.writer() as writer:
        for note in notes:
            writer.add_document(**note_document(f"{note.id}.md", note))
    expected = {f"{n.id}.md" for n in notes if note_filter.matches_metadata(n)}
    query = filter_query(note_filter)
    with ix.searcher() as searcher:
        if query is None:
            found = {doc["path"] for doc in searcher.all_stored_fields()}
        else:
            found = {hit["path"] for hit in searcher.search(query, limit=None)}
    assert found == expected


# -- matchers never prune by quality (review finding #18) ---------------------------


def _matcher_index() -> Any:
    ix = RamStorage().create_index(SCHEMA)
    with ix.writer() as writer:
        for number in range(30):
            words = ["git"] * (number % 4 + 1) + ["worktree"] * (number % 3) + ["python"]
            note = Note(
                id=f"n{number}",
                title="git worktree" if number % 5 == 0 else f"note {number}",
                body=" ".join(words) + (" rebase" if number % 2 else ""),
                topic="Git" if number % 7 == 0 else None,
            )
            writer.add_document(**note_document(f"n{number}.md", note))
    return ix


def _classes(matcher: Any) -> list[str]:
    return [type(matcher).__name__, *(n for c in matcher.children() for n in _classes(c))]


def _scores(matcher: Any, min_quality: float) -> dict[int, float]:
    """Every (docnum, score) a matcher gives while replace(min_quality) is called before each."""
    seen = {}
    while matcher.is_active():
        matcher = matcher.replace(min_quality)
        if not matcher.is_active():
            break
        seen[matcher.id()] = matcher.score()
        matcher.next()
    return seen


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("git", "best field"),
        ("git worktree", "words"),
        ("git worktree python rebase", "words"),
        ("git worktree python rebase", "coordination"),
        ('rebase "git worktree" python', "coordination"),
    ],
)
def test_replace_with_a_min_quality_keeps_the_matchers_and_their_scores(
    text: str, part: str
) -> None:
    """#18: UnionMatcher.replace(minscore) swapped in additive AndMaybe/Intersection matchers."""
    ix = _matcher_index()
    query = parse_query(text, SCHEMA, now=NOW).query
    if part == "best field":  # one word is one term: search shields it as a whole
        query = Unpruned(query)
    with ix.searcher() as searcher:

        def matcher() -> Any:
            made = query.matcher(searcher, searcher.context())
            return made.child if part == "words" else made

        expected = _scores(matcher(), 0)
        assert len(expected) > 5
        start = matcher()
        assert not start.supports_block_quality()
        classes = set(_classes(start))
        # Far above any score: Whoosh's own union would drop or intersect its sides.
        assert _scores(start, 1e9) == expected
        pruned = matcher()
        for _ in range(3):
            pruned.next()
        assert set(_classes(pruned.replace(1e9))) <= classes


def test_negated_words_keep_the_distinct_word_coordination() -> None:
    """#18: ``a b NOT c`` used Whoosh's Or, whose bonus recounts words as they run out."""
    query = parse_query("python slow NOT git", SCHEMA, now=NOW).query
    assert isinstance(query, wq.AndNot)
    assert type(query.a) is AnyWords


@pytest.mark.parametrize("text", ["git AND python", "git NOT rebase", "python rebase NOT worktree"])
def test_unpruned_counts_every_match_of_whooshs_own_matchers(text: str) -> None:
    """#18: ``a AND b`` skipped matches that could not make the top N, so the total shrank."""
    ix = _matcher_index()
    query = parse_query(text, SCHEMA, now=NOW).query
    with ix.searcher() as searcher:
        everything = searcher.search(Unpruned(query), limit=None)
        total = len(everything)
        for limit in (1, 3):
            limited = searcher.search(Unpruned(query), limit=limit, optimize=False)
            assert len(limited) == total
            assert [h["id"] for h in limited] == [h["id"] for h in everything][:limit]


def test_the_date_parser_is_made_only_for_a_query_with_a_date_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whoosh's English date parser costs ~60 regex compiles: words alone go without it."""
    from tilbase.query import syntax

    made: list[int] = []
    real = syntax._iso_first_dates

    def counted() -> Any:
        made.append(1)
        return real()

    monkeypatch.setattr(syntax, "_iso_first_dates", counted)
    assert "worktree" in str(parse_query("git worktree -tag:old", SCHEMA).query)
    assert made == []
    parsed = parse_query("git Date:[2022-11-01 to 2022-11-30]", SCHEMA)
    assert made == [1]
    assert "date" in str(parsed.query)
    with pytest.raises(InvalidInput):
        parse_query("date:[2022-13-01 to 2022-14-01]", SCHEMA)


def test_question_words_among_free_words_are_weighed_down_in_place() -> None:
    from tilbase.query.syntax import FUNCTION_WEIGHT, parse_query

    query = parse_query("how do i check which ubuntu release", build_schema()).query
    boosts = {sub.text: sub.boost for sub in query.subqueries}
    assert boosts == {
        "how": FUNCTION_WEIGHT,
        "do": FUNCTION_WEIGHT,
        "i": FUNCTION_WEIGHT,
        "check": 1.0,
        "which": FUNCTION_WEIGHT,
        "ubuntu": 1.0,
        "releas": 1.0,
    }
    # Each keeps its place in the text: the proximity bonus pairs neighbours by it.
    assert [sub.startchar for sub in query.subqueries] == sorted(
        sub.startchar for sub in query.subqueries
    )
    assert None not in {sub.startchar for sub in query.subqueries}


def test_a_lone_question_word_or_a_named_field_is_searched_as_typed() -> None:
    from tilbase.query.syntax import parse_query

    assert parse_query("which", build_schema()).query.boost == 1.0
    query = parse_query("title:which ubuntu", build_schema()).query
    assert [sub.boost for sub in query.subqueries] == [1.0, 1.0]
