"""The commands: til search, til related, til reindex (exit codes, stdout, stderr, JSON)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.search_fixtures import FIXTURE_NOTES, write_notes

SEARCH_KEYS = ["id", "title", "date", "topic", "tags", "path", "score", "snippet"]


@pytest.fixture
def notes_dir(kb_dir: Path) -> Path:
    write_notes(kb_dir / "notes")
    return kb_dir / "notes"


def test_search_json_has_the_design_shape(run: Run, notes_dir: Path) -> None:
    result = run("search", "kedro", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    for hit in hits:
        assert list(hit) == SEARCH_KEYS
        assert isinstance(hit["score"], float)
        assert isinstance(hit["tags"], list)
        assert Path(hit["path"]).is_file()
    by_id = {hit["id"]: hit for hit in hits}
    kedro = by_id["2022-11-14-what-is-kedro"]
    assert kedro["date"] == "2022-11-14"
    assert kedro["topic"] == "Pipeline Orchestration/Kedro"
    assert by_id["kedro-plugins-worth-a-look"]["date"] is None
    assert hits == sorted(hits, key=lambda h: -h["score"])


def test_search_snippet_shows_the_matched_words(run: Run, notes_dir: Path) -> None:
    hits = json.loads(run("search", "GIL", "--json").stdout)
    assert hits[0]["id"] == "2022-11-25-day-87"
    assert "GIL" in hits[0]["snippet"]


def test_piped_output_is_one_tab_separated_line_per_hit(run: Run, notes_dir: Path) -> None:
    result = run("search", "kedro")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        date, note_id, title, _snippet = line.split("\t")
        assert date == "undated" or len(date) == 10
        assert note_id
        assert title
    assert "\x1b" not in result.stdout
    assert "2022-11-14\t2022-11-14-what-is-kedro\tWhat is Kedro?\t" in result.stdout


def test_terminal_output_lists_title_metadata_and_highlighted_snippet(
    run: Run, notes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.render
    import tilbase.render.notes  # imported before the patch, so it keeps the real is_terminal
    import tilbase.render.search

    monkeypatch.setattr(tilbase.render, "is_terminal", lambda: True)
    monkeypatch.setattr(tilbase.render.search, "is_terminal", lambda: True)
    result = run("search", "kedro", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "1  " in out
    assert "2  " in out
    assert "Pipeline Orchestration" in out
    assert "2022-11-1" in out
    assert "2 of 3 matching notes shown" in result.stderr


def test_limit_and_sort_by_date(run: Run, notes_dir: Path) -> None:
    hits = json.loads(run("search", "kedro", "--sort", "date", "--json").stdout)
    assert [h["id"] for h in hits] == [
        "2022-11-17-which-pipeline-orchestration-should-i-use",
        "2022-11-14-what-is-kedro",
        "kedro-plugins-worth-a-look",
    ]
    one = json.loads(run("search", "kedro", "-n", "1", "--json").stdout)
    assert len(one) == 1
    assert json.loads(run("search", "kedro", "--limit", "0", "--json").stdout) == []


def test_filters_as_options(run: Run, notes_dir: Path) -> None:
    since = json.loads(run("search", "kedro", "--since", "2022-11-15", "--json").stdout)
    assert [h["id"] for h in since] == ["2022-11-17-which-pipeline-orchestration-should-i-use"]
    until = json.loads(run("search", "kedro", "--until", "2022-11-15", "--json").stdout)
    assert [h["id"] for h in until] == ["2022-11-14-what-is-kedro"]
    topic = json.loads(run("search", "--topic", "leadership", "--json").stdout)
    assert {h["id"] for h in topic} == {
        "2023-01-26-how-to-answer-questions-about-your-salary",
        "2023-01-26-quality-metrics-for-leadership-success",
    }
    tags = json.loads(run("search", "-t", "lang", "--tag", "git", "--json").stdout)
    assert [h["id"] for h in tags] == ["2022-10-03-git-worktree"]
    theory = json.loads(run("search", "tag:theory", "--json").stdout)
    assert [h["id"] for h in theory] == ["2023-02-14-how-to-enable-lifelong-learning"]


def test_no_hits_is_a_message_on_stderr_and_exit_0(run: Run, notes_dir: Path) -> None:
    result = run("search", "xylophone")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no notes match 'xylophone'" in result.stderr
    as_json = run("search", "xylophone", "--json")
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == []


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("c++ +", "'+' in '+' is not part of the query syntax"),
        ("foo:bar", "'foo:' is not a field"),
        ('"kedro', "unbalanced quote"),
    ],
)
def test_unparseable_query_falls_back_with_a_note(
    run: Run, notes_dir: Path, query: str, reason: str
) -> None:
    result = run("search", query, "--json")
    assert result.exit_code == 0
    json.loads(result.stdout)
    assert "as plain words" in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_a_pasted_error_message_gets_no_note_about_fields(run: Run, notes_dir: Path) -> None:
    result = run("search", "fatal: not a git repository", "--json")
    assert result.exit_code == 0
    json.loads(result.stdout)
    assert "not a field" not in result.stderr
    assert "as plain words" not in result.stderr


def test_unbalanced_quote_still_finds_the_word(run: Run, notes_dir: Path) -> None:
    hits = json.loads(run("search", '"kedro', "--json").stdout)
    assert "2022-11-14-what-is-kedro" in {h["id"] for h in hits}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--since", "14.111.2022"], "--since"),
        (["search", "x", "--until", "someday"], "--until"),
    ],
)
def test_bad_option_values_are_one_line_errors(
    run: Run, notes_dir: Path, args: list[str], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["search", "x", "--sort", "size"], ["search", "x", "-n", "-1"]])
def test_usage_errors_exit_2(run: Run, notes_dir: Path, args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_rebuild_message_after_the_index_is_deleted(run: Run, notes_dir: Path) -> None:
    assert run("search", "kedro").exit_code == 0
    index_dir = notes_dir.parent / ".tilbase" / "index"
    shutil.rmtree(index_dir)
    result = run("search", "kedro", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("warning: search index .tilbase/index: it is missing; rebuilt it")


def test_rebuild_message_after_garbage_in_the_index(run: Run, notes_dir: Path) -> None:
    assert run("search", "kedro").exit_code == 0
    for path in (notes_dir.parent / ".tilbase" / "index").iterdir():
        path.write_bytes(b"\x00garbage\xff" * 10)
    result = run("search", "kedro", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "rebuilt it from" in result.stderr


def test_first_search_in_a_new_kb_says_nothing_about_the_index(run: Run, notes_dir: Path) -> None:
    result = run("search", "kedro")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_add_rm_are_reflected_by_search(run: Run, kb_dir: Path) -> None:
    added = run("add", "Okapis are related to giraffes", "-t", "animals")
    assert added.exit_code == 0
    assert added.stderr == ""
    note_id = added.stdout.strip()
    hits = json.loads(run("search", "okapi", "--json").stdout)
    assert [h["id"] for h in hits] == [note_id]
    assert run("rm", note_id).exit_code == 0
    assert json.loads(run("search", "okapi", "--json").stdout) == []


def test_related_lists_similar_notes_but_not_the_note_itself(run: Run, notes_dir: Path) -> None:
    result = run("related", "2022-11-14-what-is-kedro", "--json")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    ids = [h["id"] for h in hits]
    assert "2022-11-14-what-is-kedro" not in ids
    assert ids
    assert list(hits[0]) == SEARCH_KEYS
    assert set(ids[:2]) == {
        "kedro-plugins-worth-a-look",
        "2022-11-17-which-pipeline-orchestration-should-i-use",
    }


def test_related_by_prefix_and_limit(run: Run, notes_dir: Path) -> None:
    hits = json.loads(run("related", "2023-01-26-how", "-n", "2", "--json").stdout)
    assert "2023-01-26-quality-metrics-for-leadership-success" in [h["id"] for h in hits]
    assert len(hits) == 2
    piped = run("related", "2023-01-26-how", "-n", "3")
    assert len(piped.stdout.splitlines()) == 3
    assert json.loads(run("related", "2023-01-26-how", "-n", "0", "--json").stdout) == []


def test_related_unknown_id_is_exit_1(run: Run, notes_dir: Path) -> None:
    result = run("related", "no-such-note")
    assert result.exit_code == 1
    assert "no note has id 'no-such-note'" in result.stderr


def test_reindex_reports_counts_and_time(run: Run, notes_dir: Path) -> None:
    first = run("reindex")
    assert first.exit_code == 0
    assert first.stdout == ""
    total = len(FIXTURE_NOTES)
    assert f"Reindexed {total} notes in " in first.stderr
    assert f"{total} added, 0 updated, 0 removed" in first.stderr
    (notes_dir / "2022-11-14-what-is-kedro.md").unlink()
    (notes_dir / "extra.md").write_text("extra note\n", "utf-8")
    second = run("reindex")
    assert "1 added, 0 updated, 1 removed" in second.stderr
    assert f"Reindexed {total} notes" in second.stderr


def test_help_lists_the_search_commands(run: Run) -> None:
    result = run("--help", config=False)
    for command in ("search", "related", "reindex"):
        assert command in result.stdout
    for command in ("search", "related", "reindex"):
        assert run(command, "--help", config=False).exit_code == 0


def test_regression_limit_zero_is_not_mistaken_for_a_broken_index(
    run: Run, notes_dir: Path
) -> None:
    # Whoosh raises ValueError for limit=0, which used to be read as damage and rebuild.
    assert run("search", "kedro").exit_code == 0
    result = run("search", "kedro", "--limit", "0", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "rebuilt" not in result.stderr


@pytest.mark.parametrize(("order", "count"), [("mdy", 1), ("dmy", 0)])
def test_search_date_options_follow_the_kb_date_order(
    run: Run, kb_dir: Path, order: str, count: int
) -> None:
    # Review finding #16: 11/25/2022 is 25 November when date_order is mdy, and no date in dmy.
    config = kb_dir / "config.yaml"
    config.write_text(config.read_text() + f"date_order: {order}\n")
    run("add", "the gil day", "--date", "2022-11-25")
    result = run("search", "gil", "--since", "11/25/2022", "--until", "11/25/2022", "--json")
    if count:
        assert result.exit_code == 0, result.stderr
        assert [n["date"] for n in json.loads(result.stdout)] == ["2022-11-25"]
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith("error: --since: '11/25/2022' is not a real date")


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_several_words_in_an_empty_kb_find_nothing_without_an_error(run: Run, sort: str) -> None:
    # Regression: Whoosh's IDF took log(0) with no notes: "math domain error", exit 1.
    result = run("search", "click abort", "--sort", sort)
    assert result.exit_code == 0, result.stderr
    assert "no notes match 'click abort'" in result.stderr
    assert run("search", "click abort", "--json").stdout.strip() == "[]"
