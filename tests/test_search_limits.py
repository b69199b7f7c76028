"""The ranking, the scores and the match count do not depend on ``--limit`` or ``--sort``.

Regression tests for review findings #18 (ranking and total changed with the
limit), #15 (``--sort date`` put the date sort key in ``score``) and #19
(``-n 0`` said that nothing matched).
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from tests.conftest import Run
from tests.search_fixtures import write_notes
from tilbase.filters import NoteFilter
from tilbase.kb import KnowledgeBase
from tilbase.model import Note
from tilbase.search import SearchResult

_WORDS = [
    "git",
    "worktree",
    "branch",
    "python",
    "packaging",
    "wheel",
    "slow",
    "interpreter",
    "shell",
    "pipes",
    "yaml",
    "config",
    "index",
    "search",
    "whoosh",
    "notes",
    "rebase",
    "merge",
    "commit",
    "tests",
    "fixture",
]
_FILLER = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "for",
    "with",
    "on",
    "about",
    "from",
    "later",
    "again",
    "today",
]


def _many_notes(count: int = 80, seed: int = 7) -> list[Note]:
    """Notes that share words in different fields, in different amounts (deterministic)."""
    rng = random.Random(seed)
    notes = []
    for number in range(count):
        title = " ".join(rng.sample(_WORDS, rng.randint(1, 3)))
        body_words = [rng.choice(_WORDS + _FILLER * 2) for _ in range(rng.randint(5, 60))]
        date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
        notes.append(
            Note(
                id=f"note-{number:03d}",
                title=title.capitalize(),
                date=None if number % 9 == 0 else date,
                topic=rng.choice([None, "Git", "Python", "Python/Packaging", "Shell"]),
                tags=tuple(rng.sample(["git", "python", "shell", "lang/python", "tools"], 2)),
                body=" ".join(body_words) + "\n",
            )
        )
    return notes


@pytest.fixture
def many_kb(kb: KnowledgeBase) -> KnowledgeBase:
    write_notes(kb.config.notes_dir, _many_notes())
    return kb


def _ranked(result: SearchResult, n: int | None = None) -> list[tuple[str, float | None]]:
    return [(hit.note.id, hit.score) for hit in result.hits[:n]]


QUERIES = [
    "git worktree",
    "python packaging whoosh",
    "slow interpreter python shell",
    "python slow NOT merge",
    "git AND python",
    '"python packaging" wheel',
    "title:git body:rebase",
    "tag:python merge",
    "c++ git",
]


@pytest.mark.parametrize("query", QUERIES)
def test_ranking_and_total_do_not_depend_on_the_limit(many_kb: KnowledgeBase, query: str) -> None:
    """#18: Whoosh's collector swapped in pruning matchers once it held ``limit`` hits."""
    everything = many_kb.search(NoteFilter(query=query), limit=None)
    # Enough matches that the collector fills up and calls replace() many times.
    assert everything.total > 20
    assert everything.total == len(everything.hits)
    for limit in (1, 3, 10):
        limited = many_kb.search(NoteFilter(query=query), limit=limit)
        assert _ranked(limited) == _ranked(everything, limit), f"limit {limit}"
        assert limited.total == everything.total, f"limit {limit}"


@pytest.mark.parametrize("query", ["git worktree", "python slow NOT merge"])
def test_sort_by_date_gives_relevance_scores_and_the_full_total(
    many_kb: KnowledgeBase, query: str
) -> None:
    """#15: the date sort key (about 6e16) was given as the score."""
    relevance = {
        hit.note.id: hit.score for hit in many_kb.search(NoteFilter(query=query), limit=None).hits
    }
    for limit in (1, 10, None):
        by_date = many_kb.search(NoteFilter(query=query), limit=limit, sort="date")
        assert by_date.total == len(relevance)
        assert [hit.score for hit in by_date.hits] == [relevance[h.note.id] for h in by_date.hits]
        keys = [(hit.note.date or dt.date.min) for hit in by_date.hits]
        assert keys == sorted(keys, reverse=True)
    assert len(by_date.hits) == len(relevance)


def test_sort_by_date_json_score_is_the_relevance_score(many_kb: KnowledgeBase, run: Run) -> None:
    """#15 through the CLI: the same score as a relevance search, never a date key."""
    by_relevance = json.loads(run("search", "git worktree", "-n", "100", "--json").stdout)
    result = run("search", "git worktree", "--sort", "date", "-n", "5", "--json")
    assert result.exit_code == 0, result.stderr
    by_date = json.loads(result.stdout)
    scores = {hit["id"]: hit["score"] for hit in by_relevance}
    assert len(by_date) == 5
    assert all(hit["score"] == scores[hit["id"]] for hit in by_date)
    assert all(0 < hit["score"] < 1000 for hit in by_date)


@pytest.mark.parametrize("extra", [[], ["--json"], ["--sort", "date"]])
def test_limit_zero_says_how_many_match_not_that_none_do(
    many_kb: KnowledgeBase, run: Run, extra: list[str]
) -> None:
    """#19: ``-n 0`` printed "no notes match" although notes matched."""
    total = many_kb.search(NoteFilter(query="git"), limit=None).total
    result = run("search", "git", "-n", "0", *extra)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() in ("", "[]")
    assert "no notes match" not in result.stderr
    assert f"{total} notes match 'git'; none shown because of --limit 0" in result.stderr


def test_limit_zero_without_a_query_counts_the_filtered_notes(
    many_kb: KnowledgeBase, run: Run
) -> None:
    result = run("search", "--tag", "shell", "-n", "0")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "notes match; none shown because of --limit 0" in result.stderr


def test_limit_zero_with_no_match_still_says_no_notes_match(
    many_kb: KnowledgeBase, run: Run
) -> None:
    result = run("search", "zzyzx", "-n", "0")
    assert result.exit_code == 0
    assert "no notes match 'zzyzx'" in result.stderr


def test_related_with_limit_zero_does_not_claim_there_are_none(
    many_kb: KnowledgeBase, run: Run
) -> None:
    result = run("related", "note-001", "-n", "0")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no related notes found" not in result.stderr
