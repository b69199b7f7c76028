"""Issue 11 end to end through the CLI: the daily habit, capture without quotes, trash, stats."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from tests.conftest import Run
from tilbase.cli import notes as cli_notes

TODAY = dt.date.today()


def _ids(result_stdout: str) -> list[str]:
    return [line.split("\t")[1] for line in result_stdout.splitlines() if line.strip()]


def test_log_n1_after_four_adds_in_a_day_shows_the_last_one(run: Run) -> None:
    """Regression (issue 11): notes kept no creation time; log -n 1 showed the first by id."""
    for text in ("zebra first", "apple second", "mango third", "banana fourth"):
        assert run("add", text).exit_code == 0
        time.sleep(1.05)  # created is kept to the second
    result = run("log", "-n", "1")
    assert _ids(result.stdout) == [f"{TODAY.isoformat()}-banana-fourth"]


def test_new_notes_record_created_with_an_offset(run: Run, kb_dir: Path) -> None:
    note_id = run("add", "timestamped").stdout.strip()
    text = (kb_dir / "notes" / f"{note_id}.md").read_text()
    line = next(line for line in text.splitlines() if line.startswith("created: "))
    created = dt.datetime.fromisoformat(line.removeprefix("created: "))
    assert created.tzinfo is not None
    assert "T" in line
    assert "'" not in line
    shown = json.loads(run("show", note_id, "--json").stdout)
    assert shown["created"] == created.isoformat()
    # Regression: log answers from the catalog, whose notes came without their creation time.
    [logged] = json.loads(run("log", "--json").stdout)
    assert logged["created"] == created.isoformat()
    [exported] = json.loads(run("export", "--format", "json").stdout)
    assert exported["created"] == created.isoformat()


def test_unquoted_words_are_one_note_one_query_one_export(run: Run) -> None:
    """Regression (issue 11): the README tour failed with 'Got unexpected extra argument(s)'."""
    added = run("add", "git", "worktree", "is", "neat")
    assert added.exit_code == 0, added.stderr
    assert added.stdout.strip() == f"{TODAY.isoformat()}-git-worktree-is-neat"
    found = run("search", "worktree", "checkout")
    assert found.exit_code == 0, found.stderr
    assert "git-worktree-is-neat" in found.stdout
    exported = run("export", "two", "words")
    assert exported.exit_code == 0, exported.stderr


def test_today_is_friendly_when_empty_and_lists_todays_notes(run: Run) -> None:
    empty = run("today")
    assert empty.exit_code == 0
    assert "No notes today" in empty.stderr
    run("add", "--date", "yesterday", "old news")
    note_id = run("add", "fresh news").stdout.strip()
    assert _ids(run("today").stdout) == [note_id]


def test_add_append_makes_one_daily_note_per_day(run: Run, kb_dir: Path) -> None:
    first = run("add", "--append", "pytest -k picks tests")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.strip() == TODAY.isoformat()
    second = run("add", "-a", "second thing", "-t", "py")
    assert second.stdout.strip() == TODAY.isoformat()
    text = (kb_dir / "notes" / f"{TODAY.isoformat()}.md").read_text()
    assert text.endswith("---\n- pytest -k picks tests\n- second thing\n")
    assert "tags: [py]" in text
    assert len(list((kb_dir / "notes").glob("*.md"))) == 1
    yesterday = run("add", "--append", "late", "--date", "yesterday")
    assert yesterday.stdout.strip() == (TODAY - dt.timedelta(days=1)).isoformat()


def test_add_append_refuses_title(run: Run) -> None:
    result = run("add", "--append", "x", "--title", "T")
    assert result.exit_code == 1
    assert "--append" in result.stderr


def test_append_from_argument_and_stdin(run: Run, kb_dir: Path) -> None:
    note_id = run("add", "Base text.").stdout.strip()
    assert run("append", note_id, "more", "words").exit_code == 0
    assert run("append", note_id, input="from a pipe\n").exit_code == 0
    body = (kb_dir / "notes" / f"{note_id}.md").read_text().split("---\n", 2)[2]
    assert body == "Base text.\n\nmore words\n\nfrom a pipe\n"


def test_log_on_week_month_tag_topic(run: Run) -> None:
    git = run("add", "rebase onto", "-t", "git").stdout.strip()
    py = run("add", "cache it", "--topic", "Python").stdout.strip()
    old = run("add", "--date", "2020-03-04", "old one", "-t", "git").stdout.strip()
    assert _ids(run("log", "--tag", "git").stdout) == [git, old]
    assert _ids(run("log", "--topic", "python").stdout) == [py]
    assert _ids(run("log", "--on", "2020-03-04").stdout) == [old]
    assert old not in _ids(run("log", "--week").stdout)
    assert set(_ids(run("log", "--month").stdout)) == {git, py}
    assert _ids(run("log", "--on", "4 March 2020", "--month").stdout) == [old]
    mixed = run("log", "--on", "today", "--since", "2020")
    assert mixed.exit_code == 1


def test_impossible_range_is_an_error(run: Run) -> None:
    result = run("log", "--since", "2024", "--until", "2023")
    assert result.exit_code == 1
    assert "swap" in result.stderr


def test_nested_daily_files_get_date_ids_and_no_warnings(run: Run, kb_dir: Path) -> None:
    """Regression (issue 11): notes/2023/01/05.md got ids 05, 05-2... and warnings."""
    for month in ("01", "02"):
        folder = kb_dir / "notes" / "2023" / month
        folder.mkdir(parents=True)
        (folder / "05.md").write_text(f"# Day in {month}\n\n- learned\n")
    result = run("log")
    assert result.stderr == ""
    assert _ids(result.stdout) == ["2023-02-05", "2023-01-05"]


def test_stats_json_and_text(run: Run) -> None:
    run("add", "one")
    run("add", "two", "-t", "git")
    data = json.loads(run("stats", "--json").stdout)
    assert data["total"] == 2
    text = run("stats")
    assert text.exit_code == 0
    assert "Mon" in text.stdout
    assert "\x1b[" not in text.stdout


def test_rm_several_then_trash_and_restore(run: Run, kb_dir: Path) -> None:
    a = run("add", "first to go").stdout.strip()
    b = run("add", "second to go").stdout.strip()
    removed = run("rm", a, b)
    assert removed.exit_code == 0, removed.stderr
    assert "til restore" in removed.stderr
    listing = run("trash")
    assert {line.split("\t")[1] for line in listing.stdout.splitlines()} == {a, b}
    restored = run("restore", a)
    assert restored.exit_code == 0, restored.stderr
    assert restored.stdout.strip() == a
    assert (kb_dir / "notes" / f"{a}.md").exists()
    assert _ids(run("trash").stdout) == [b]


def test_rm_checks_every_id_before_moving_any(run: Run, kb_dir: Path) -> None:
    a = run("add", "stays here").stdout.strip()
    result = run("rm", a, "no-such-note")
    assert result.exit_code == 1
    assert (kb_dir / "notes" / f"{a}.md").exists()


def test_add_from_stdin_honours_frontmatter(run: Run, kb_dir: Path) -> None:
    """Regression (issue 12): frontmatter piped into til add became the title and the body."""
    result = run("add", "-t", "b", input="---\ntitle: x\ntags: [a]\n---\nbody\n")
    assert result.exit_code == 0, result.stderr
    note_id = result.stdout.strip()
    data = json.loads(run("show", note_id, "--json").stdout)
    assert data["title"] == "x"
    assert data["tags"] == ["a", "b"]
    assert data["body"] == "body\n"
    titled = run("add", "--title", "wins", input="---\ntitle: loses\n---\nbody\n")
    assert json.loads(run("show", titled.stdout.strip(), "--json").stdout)["title"] == "wins"


def test_config_after_the_command(run: Run, kb_dir: Path) -> None:
    """Regression (issue 11): `til log --config X` failed with no hint."""
    run("add", "hello there")
    result = run("log", "--config", str(kb_dir / "config.yaml"), config=False)
    assert result.exit_code == 0, result.stderr
    assert "hello-there" in result.stdout


def test_quiet_drops_messages_keeps_results(run: Run) -> None:
    note_id = run("add", "quiet please").stdout.strip()
    result = run("-q", "rm", note_id)
    assert result.exit_code == 0
    assert result.stderr == ""


def test_no_color_and_no_pager_are_accepted(run: Run) -> None:
    run("add", "plain")
    result = run("--no-color", "--no-pager", "log")
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout


def test_a_broken_file_warns_once_per_change(run: Run, kb_dir: Path) -> None:
    broken = kb_dir / "notes" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nbody\n")
    assert "broken.md" in run("log").stderr
    assert "broken.md" not in run("log").stderr
    time.sleep(0.01)
    broken.write_text("---\ntitle: [still unclosed\n---\nbody, changed\n")
    assert "broken.md" in run("log").stderr


def test_edit_refuses_piped_text_with_a_hint(run: Run) -> None:
    note_id = run("add", "pipe target").stdout.strip()
    result = run("edit", note_id, input="more\n")
    assert result.exit_code == 1
    assert "til append" in result.stderr


def test_bare_til_is_an_overview(run: Run) -> None:
    result = run(config=False)
    assert result.exit_code == 0
    assert "til add" in result.stdout


@pytest.mark.parametrize("command", ["today", "append", "trash", "restore", "stats"])
def test_new_commands_have_examples(run: Run, command: str) -> None:
    result = run(command, "--help", config=False)
    assert "Examples:" in result.stdout


def test_stdin_helper_is_patched_in_tests() -> None:
    assert callable(cli_notes._stdin_is_terminal)


def test_init_inside_another_kb_refuses_without_force(run: Run, kb_dir: Path) -> None:
    """Regression (issue 11): til init inside a KB silently nested a KB."""
    inner = kb_dir / "notes" / "inner"
    result = run("init", str(inner), config=False)
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert not (inner / "config.yaml").exists()
    forced = run("init", "--force", str(inner), config=False)
    assert forced.exit_code == 0, forced.stderr


def test_missing_config_says_til_init(run: Run, tmp_path: Path) -> None:
    """Regression (issue 11): `config file not found` named no fix."""
    result = run("--config", str(tmp_path / "nowhere" / "config.yaml"), "log", config=False)
    assert result.exit_code == 1
    assert "til init" in result.stderr


def test_import_dry_run_lists_what_it_would_create(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "til.md"
    source.write_text("# 14.02.2023 Git: worktrees\n\nsecond checkout\n")
    result = run("import", str(source), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("would create 2023-02-14-")


def test_unparseable_query_note_names_no_library() -> None:
    from tilbase.render.search import _plain_reason

    assert "Whoosh" not in _plain_reason("Whoosh could not parse it (Exception)")


def test_importing_the_kb_itself_summarises_the_skipped_files(run: Run, kb_dir: Path) -> None:
    """Regression (issue 11): one line per file of the KB's own folder."""
    for n in range(6):
        run("add", f"note number {n}")
    result = run("import", str(kb_dir))
    assert result.exit_code == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1
    assert skipped[0].startswith("skipped 6 files")
