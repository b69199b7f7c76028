"""Prefix expansion of free words (tilbase.query.expansion) on a small in-memory index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from tilbase.index.schema import build_schema, note_document
from tilbase.model import Note
from tilbase.query import expansion
from tilbase.query.expansion import Expanded, expand_prefixes
from tilbase.query.scoring import AnyWords
from tilbase.query.syntax import parse_query
from tilbase.query.weighting import SEARCH_FIELD

_BODY = (
    "An uppercase and a lowercase letter; the configuration lives in config.toml\n"
    "and upper_bound is a code name; uppercased too.\n"
)


@pytest.fixture
def reader() -> Iterator[Any]:
    schema = build_schema()
    index = RamStorage().create_index(schema)
    with index.writer() as writer:
        writer.add_document(**note_document("a.md", Note(id="a", title="Letters", body=_BODY)))
        other = Note(id="b", title="Uppercase", body="the uppermost shelf\n")
        writer.add_document(**note_document("b.md", other))
    with index.reader() as opened:
        yield opened


def _expanded(text: str, reader: Any) -> wq.Query:
    return expand_prefixes(parse_query(text, build_schema()).query, reader)


def _words(query: Expanded) -> list[tuple[str, float]]:
    return [(term.text, term.boost) for term in query.subqueries]


def test_a_free_word_matches_longer_words_of_letters_at_a_lower_weight(reader: Any) -> None:
    query = _expanded("upper", reader)
    assert isinstance(query, Expanded)
    assert query.word == wq.Term(SEARCH_FIELD, "upper")
    words = dict(_words(query))
    assert words.pop("upper") == 1.0
    # Code names (upper_bound) and dotted names are indexed split already: not expansions.
    assert set(words) == {"uppercas", "uppermost"}
    assert words["uppercas"] == pytest.approx(expansion.PREFIX_WEIGHT)


def test_the_words_of_an_or_are_expanded_and_its_coordination_kept(reader: Any) -> None:
    original = parse_query("upper lower letters", build_schema()).query
    query = expand_prefixes(original, reader)
    assert isinstance(query, AnyWords)
    assert query.scale == original.scale
    assert [type(sub) for sub in query.subqueries] == [Expanded, Expanded, wq.Term]
    assert original.subqueries[0] == wq.Term(SEARCH_FIELD, "upper")  # not changed in place


def test_negated_words_named_fields_and_short_words_stay_as_written(reader: Any) -> None:
    query = _expanded("letters NOT upper", reader)
    assert isinstance(query, wq.AndNot)
    assert query.b == wq.Term(SEARCH_FIELD, "upper")
    assert _expanded("title:upper", reader) == wq.Term("title", "upper")
    assert _expanded("an", reader) == parse_query("an", build_schema()).query
    assert _expanded("cod", reader) == wq.Term(SEARCH_FIELD, "cod")


def test_nothing_is_expanded_when_turned_off(reader: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(expansion, "PREFIX_WEIGHT", 0.0)
    assert _expanded("upper", reader) == wq.Term(SEARCH_FIELD, "upper")


def test_at_most_prefix_max_expansions_the_most_common_first(reader: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(expansion, "PREFIX_MAX", 1)
    query = _expanded("upper", reader)
    assert [text for text, _boost in _words(query)] == ["upper", "uppercas"]  # in two notes
