"""The search issue's "Done when" checks on a KB holding the five imported seed files.

Runs when ../shared/corpora is present and `til import` exists (the importer
is built on another branch); skipped otherwise.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import CORPORA, Run, requires_corpora

pytestmark = [pytest.mark.corpus, requires_corpora()]


@pytest.fixture
def seeded(run: Run) -> Run:
    if run("import", "--help").exit_code != 0:
        pytest.skip("`til import` does not exist yet")
    imported = run("import", str(CORPORA / "seeds"))
    assert imported.exit_code == 0, imported.stderr
    return run


def hits(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("search", *args, "--json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def titled(found: list[dict[str, Any]], words: str) -> list[dict[str, Any]]:
    return [hit for hit in found if words.casefold() in hit["title"].casefold()]


def test_gil_ranks_the_day_log_entry_in_the_top_3(seeded: Run) -> None:
    top = hits(seeded, "GIL")[:3]
    assert "2022-11-25" in [hit["date"] for hit in top]


def test_kedro_returns_both_november_insights_in_the_top_3(seeded: Run) -> None:
    top = hits(seeded, "kedro")[:3]
    assert titled(top, "what is kedro")
    assert titled(top, "which pipeline orchestration")


def test_kedro_since_leaves_out_older_and_undated_notes(seeded: Run) -> None:
    found = hits(seeded, "kedro", "--since", "2022-11-15")
    assert found
    assert all(hit["date"] is not None and hit["date"] >= "2022-11-15" for hit in found)


def test_tag_theory_returns_the_lifelong_learning_entry(seeded: Run) -> None:
    assert titled(hits(seeded, "tag:theory"), "lifelong learning")


def test_topic_leadership_returns_the_two_leadership_entries(seeded: Run) -> None:
    found = hits(seeded, "--topic", "leadership")
    assert len(found) == 2
    assert titled(found, "salary")
    assert titled(found, "quality metrics")


@pytest.mark.parametrize(("typo", "meant"), [("kedor", "kedro"), ("decison tree", "decision tree")])
def test_typos_get_a_did_you_mean_with_real_words(seeded: Run, typo: str, meant: str) -> None:
    result = seeded("search", typo)
    assert result.exit_code == 0
    assert f"did you mean: {meant}" in result.stderr
