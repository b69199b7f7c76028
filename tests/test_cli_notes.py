"""Capturing and browsing notes through the CLI (Typer's CliRunner)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import Run
from tilbase.cli import notes as cli_notes

TODAY = dt.date.today().isoformat()


def _frontmatter(path: Path) -> str:
    return path.read_text().split("---\n")[1]


def _fake_editor(tmp_path: Path, text: str | None, status: int = 0) -> str:
    """A command that writes ``text`` into the file it is given (or leaves it as it is)."""
    script = tmp_path / "fake_editor.py"
    action = f"open(sys.argv[1], 'w').write({text!r})" if text is not None else "pass"
    script.write_text(f"import sys\n{action}\nsys.exit({status})\n")
    return f"{sys.executable} {script}"


def test_add_inline_prints_the_id_and_writes_the_note(run: Run, kb_dir: Path) -> None:
    result = run("add", "Learned that git worktree gives a second checkout", "-t", "git")
    assert result.exit_code == 0, result.stderr
    note_id = result.stdout.strip()
    assert note_id == f"{TODAY}-learned-that-git-worktree-gives-a-second-checkout"
    assert result.stderr == ""
    path = kb_dir / "notes" / f"{note_id}.md"
    frontmatter = _frontmatter(path)
    assert frontmatter.startswith(
        f"id: {note_id}\ntitle: Learned that git worktree gives a second checkout\n"
        f"date: {TODAY}\ntags: [git]\ncreated: {TODAY}T"
    )


def test_add_from_a_pipe_and_from_dash(run: Run) -> None:
    piped = run("add", "-t", "shell", input="from a pipe\n")
    dashed = run("add", "-", "--title", "Dash", input="body from stdin\n")
    assert piped.exit_code == 0
    assert dashed.exit_code == 0
    logged = json.loads(run("log", "--json").stdout)
    assert {n["title"] for n in logged} == {"from a pipe", "Dash"}
    assert next(n for n in logged if n["title"] == "from a pipe")["tags"] == ["shell"]


def test_add_with_options(run: Run, kb_dir: Path) -> None:
    result = run(
        "add", "Body text. Second sentence.", "--title", "My title", "--topic", "Git/Worktrees",
        "--date", "2023-02-14", "-t", "Machine Learning", "-t", "#git",
    )  # fmt: skip
    assert result.stdout.strip() == "2023-02-14-my-title"
    shown = json.loads(run("show", "2023-02-14-my", "--json").stdout)
    assert shown["title"] == "My title"
    assert shown["topic"] == "Git/Worktrees"
    assert shown["tags"] == ["machine-learning", "git"]
    assert shown["body"] == "Body text. Second sentence.\n"


def test_add_takes_the_title_from_the_first_sentence_and_tags_from_hashtags(run: Run) -> None:
    run("add", "Python's #gil serialises threads. More detail here.\nSecond line")
    note = json.loads(run("log", "--json").stdout)[0]
    assert note["title"] == "Python's #gil serialises threads."
    assert note["tags"] == ["gil"]


@pytest.mark.parametrize(("word", "days_back"), [("today", 0), ("yesterday", 1)])
def test_add_date_words(run: Run, word: str, days_back: int) -> None:
    result = run("add", "note", "--date", word)
    expected = dt.date.today() - dt.timedelta(days=days_back)
    assert result.stdout.startswith(expected.isoformat())


def test_add_opens_the_editor_when_there_is_no_text(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_notes, "_stdin_is_terminal", lambda: True)
    monkeypatch.setenv("EDITOR", _fake_editor(tmp_path, "Written in the editor\n"))
    result = run("add", "-t", "editor")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"{TODAY}-written-in-the-editor"


def test_tilbase_editor_wins_over_editor(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_notes, "_stdin_is_terminal", lambda: True)
    monkeypatch.setenv("EDITOR", "definitely-not-an-editor")
    monkeypatch.setenv("TILBASE_EDITOR", _fake_editor(tmp_path, "From TILBASE_EDITOR"))
    assert run("add").stdout.strip() == f"{TODAY}-from-tilbase-editor"


def test_an_empty_editor_result_aborts_and_writes_nothing(
    run: Run, tmp_path: Path, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_notes, "_stdin_is_terminal", lambda: True)
    monkeypatch.setenv("EDITOR", _fake_editor(tmp_path, "  \n\n"))
    result = run("add")
    assert result.exit_code == 1
    assert result.stderr == "error: the note is empty; nothing was saved\n"
    assert list((kb_dir / "notes").iterdir()) == []


@pytest.fixture
def own_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where ``til add`` puts the editor's temporary file during this test."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_add_keeps_the_text_when_the_editor_exits_non_zero(
    run: Run, tmp_path: Path, kb_dir: Path, own_tempdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review finding #6: vim exits 1 after any error message; what was typed used to be deleted.
    monkeypatch.setattr(cli_notes, "_stdin_is_terminal", lambda: True)
    monkeypatch.setenv("EDITOR", _fake_editor(tmp_path, "Typed with care\n", status=1))
    result = run("add")
    assert result.exit_code == 1
    assert result.stdout == ""
    [kept] = list(own_tempdir.iterdir())
    assert kept.read_text() == "Typed with care\n"
    assert result.stderr == (
        f"error: editor '{sys.executable}' exited with status 1; what you wrote is kept in "
        f"{kept} — save it with: til add - < {kept}\n"
    )
    assert list((kb_dir / "notes").iterdir()) == []
    saved = run("add", "-", input=kept.read_text())
    assert saved.stdout.strip() == f"{TODAY}-typed-with-care"


def test_add_keeps_the_editor_text_when_the_note_cannot_be_saved(
    run: Run, tmp_path: Path, own_tempdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: the draft was deleted as soon as the editor closed, so a read-only KB or a
    # busy lock lost what was typed. It now stays until the note is saved.
    from tilbase.errors import WriteFailed
    from tilbase.store import NoteStore

    def read_only(*_args: object, **_kwargs: object) -> None:
        raise WriteFailed.from_os_error("notes/x.md", OSError(30, "Read-only file system"))

    monkeypatch.setattr(NoteStore, "add", read_only)
    monkeypatch.setattr(cli_notes, "_stdin_is_terminal", lambda: True)
    monkeypatch.setenv("EDITOR", _fake_editor(tmp_path, "Typed before the failure\n"))
    result = run("add")
    assert result.exit_code == 1
    [kept] = list(own_tempdir.iterdir())
    assert kept.read_text() == "Typed before the failure\n"
    assert result.stderr.startswith(
        f"error: cannot write notes/x.md (Read-only file system); what you wrote is kept in {kept}"
    )


def test_add_keeps_no_file_when_the_failed_editor_left_it_empty(
    run: Run, tmp_path: Path, own_tempdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_notes, "_stdin_is_terminal", lambda: True)
    monkeypatch.setenv("EDITOR", _fake_editor(tmp_path, None, status=2))
    result = run("add")
    assert result.exit_code == 1
    assert result.stderr == f"error: editor '{sys.executable}' exited with status 2\n"
    assert list(own_tempdir.iterdir()) == []


def test_add_leaves_no_temporary_file_after_a_good_edit(
    run: Run, tmp_path: Path, own_tempdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_notes, "_stdin_is_terminal", lambda: True)
    monkeypatch.setenv("EDITOR", _fake_editor(tmp_path, "Fine\n"))
    assert run("add").exit_code == 0
    assert list(own_tempdir.iterdir()) == []


def test_a_missing_editor_is_a_one_line_error(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_notes, "_stdin_is_terminal", lambda: True)
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere --wait")
    result = run("add")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: editor 'no-such-editor-anywhere' not found")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(("order", "day"), [("dmy", "2022-04-03"), ("mdy", "2022-03-04")])
def test_command_line_dates_follow_the_kb_date_order(
    run: Run, kb_dir: Path, order: str, day: str
) -> None:
    # Review finding #16: `date_order: mdy` was ignored on the command line.
    config = kb_dir / "config.yaml"
    config.write_text(config.read_text() + f"date_order: {order}\n")
    added = run("add", "slashed", "--date", "03/04/2022")
    assert added.exit_code == 0, added.stderr
    assert added.stdout.strip() == f"{day}-slashed"
    logged = run("log", "--since", "03/04/2022", "--until", "03/04/2022", "--json")
    assert [n["date"] for n in json.loads(logged.stdout)] == [day]


@pytest.mark.parametrize(
    "text",
    ["2023-02-14", "2023/02/14", "2023_02_14", "2023-2-14", "14.02.2023", "14 Feb 2023",
     "14th February 2023", "Feb 14, 2023", "february 14 2023", "14/02/2023"],
)  # fmt: skip
def test_the_date_forms_the_readme_lists_are_accepted(run: Run, text: str) -> None:
    result = run("add", "dated", "--date", text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "2023-02-14-dated"


@pytest.mark.parametrize("text", ["14-02-2023", "23-02-14", "2023-02-14T10:00", "a while ago"])
def test_date_forms_the_readme_excludes_are_refused(run: Run, text: str) -> None:
    result = run("add", "dated", "--date", text)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: --date: '{text}' is not a date")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "x", "--date", "2023-02-30"], "error: --date: '2023-02-30' is not a real date"),
        (["add", "x", "--date", "someday"], "error: --date: 'someday' is not a date"),
        (["show", "nope"], "error: no note has id 'nope' or an id starting with it"),
        (["rm", "nope"], "error: no note has id 'nope'"),
        (["edit", "nope"], "error: no note has id 'nope'"),
        (["log", "--since", "2023-13-01"], "error: --since: '2023-13-01' is not a real date"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(run: Run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_ambiguous_prefix(run: Run) -> None:
    run("add", "alpha", "--date", "2023-01-01")
    run("add", "beta", "--date", "2023-01-01")
    result = run("show", "2023-01")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: '2023-01' matches 2 notes: 2023-01-01-alpha, 2023-01-01-beta — type more"
    )


def test_show_in_a_pipe_prints_the_raw_file(run: Run, kb_dir: Path) -> None:
    note_id = run("add", "Show me **bold**", "-t", "x").stdout.strip()
    result = run("show", note_id[:12])
    assert result.exit_code == 0
    assert result.stdout == (kb_dir / "notes" / f"{note_id}.md").read_text()


def test_show_json_shape(run: Run) -> None:
    note_id = run("add", "See https://example.com/x for more", "--date", "2023-02-14").stdout
    shown = json.loads(run("show", note_id.strip(), "--json").stdout)
    assert set(shown) == {
        "id",
        "title",
        "date",
        "topic",
        "tags",
        "body",
        "links",
        "source",
        "created",
        "path",
    }
    assert shown["date"] == "2023-02-14"
    assert shown["links"] == ["https://example.com/x"]
    assert shown["source"] is None


def test_edit_runs_the_editor_on_the_note_file(
    run: Run, tmp_path: Path, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id = run("add", "before", "--date", "2023-02-14").stdout.strip()
    path = kb_dir / "notes" / f"{note_id}.md"
    new_text = path.read_text().replace("---\nbefore\n", "---\nafter the edit\n")
    monkeypatch.setenv("EDITOR", _fake_editor(tmp_path, new_text))
    result = run("edit", note_id)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Saved {note_id}\n"
    assert json.loads(run("show", note_id, "--json").stdout)["body"] == "after the edit\n"


def test_edit_message_escapes_rich_markup_in_the_id(
    run: Run, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review finding #13: an id read from frontmatter could hold "[/]", and Rich raised.
    (kb_dir / "notes" / "odd.md").write_text('---\nid: "odd[/]id"\n---\nbody\n')
    [listed] = json.loads(run("log", "--json").stdout)
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c pass")
    result = run("edit", listed["id"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith(f"No changes to {listed['id']}\n")


def test_init_message_escapes_rich_markup_in_the_folder(tmp_path: Path, run: Run) -> None:
    # Review finding #13: `til init '/tmp/a[/]b'` created the KB, then exited 1 (MarkupError).
    target = tmp_path / "a[/]b" / "kb [bold]x"
    result = run("init", str(target), config=False)
    assert result.exit_code == 0, result.stderr
    config = target / "config.yaml"
    assert result.stderr == (
        f"Created a knowledge base in {target.resolve()}\n"
        f"Add a note with: til --config '{config}' add 'what I learned'\n"
    )


def test_init_in_the_current_folder_suggests_plain_til_add(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found trying it in a terminal: `til init` in a folder said to run
    # `til --config config.yaml add ...`, a flag that only works where it is not needed.
    target = tmp_path / "til"
    target.mkdir()
    monkeypatch.chdir(target)
    monkeypatch.delenv("TILBASE_CONFIG", raising=False)
    result = run("init", config=False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("Add a note with: til add 'what I learned'\n")
    assert run("add", "found without a flag", config=False).exit_code == 0
    assert len(list((target / "notes").glob("*.md"))) == 1


def test_rm_moves_the_note_to_the_trash(run: Run, kb_dir: Path) -> None:
    note_id = run("add", "to be removed").stdout.strip()
    result = run("rm", note_id)
    assert result.exit_code == 0
    assert "to" in result.stderr
    assert "trash" in result.stderr
    assert not (kb_dir / "notes" / f"{note_id}.md").exists()
    assert (kb_dir / ".tilbase" / "trash" / f"{note_id}.md").exists()
    assert json.loads(run("log", "--json").stdout) == []


def test_log_orders_newest_first_and_filters(run: Run, kb_dir: Path) -> None:
    for day in ("2023-01-10", "2023-03-01", "2023-02-05"):
        run("add", f"note of {day}", "--date", day)
    (kb_dir / "notes" / "undated.md").write_text("no date here\n")
    all_notes = json.loads(run("log", "--json").stdout)
    assert [n["date"] for n in all_notes] == ["2023-03-01", "2023-02-05", "2023-01-10", None]
    ranged = json.loads(
        run("log", "--since", "2023-02-01", "--until", "2023-02-28", "--json").stdout
    )
    assert [n["date"] for n in ranged] == ["2023-02-05"]
    assert len(json.loads(run("log", "-n", "2", "--json").stdout)) == 2
    plain = run("log").stdout.splitlines()
    assert plain[0] == "2023-03-01\t2023-03-01-note-of-2023-03-01\tnote of 2023-03-01"
    assert plain[-1] == "undated\tundated\tno date here"


def test_log_json_shape(run: Run) -> None:
    run("add", "shape", "-t", "a")
    [note] = json.loads(run("log", "--json").stdout)
    assert set(note) == {"id", "title", "date", "topic", "tags", "created", "path"}


def test_init_and_config(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "new-kb"
    created = run("init", str(target), config=False)
    assert created.exit_code == 0
    assert (target / "config.yaml").read_text().endswith("notes_dir: notes\n")
    again = run("init", str(target), config=False)
    assert again.exit_code == 1
    assert "already there" in again.stderr
    shown = json.loads(
        run("--config", str(target / "config.yaml"), "config", "--json", config=False).stdout
    )
    assert shown["notes_dir"] == str((target / "notes").resolve())
    assert shown["notes"] == 0


def test_a_config_with_an_unknown_key_is_one_line_and_exit_1(tmp_path: Path, run: Run) -> None:
    config = tmp_path / "bad" / "config.yaml"
    config.parent.mkdir()
    config.write_text("notes_dir: notes\nnotes_folder: x\n")
    result = run("--config", str(config), "log", config=False)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: {config}:2: unknown key 'notes_folder' (did you mean 'notes_dir'?); known keys: notes_dir, index_dir, editor, date_order, sync, sync_name, sync_email, semantic, semantic_alpha\n"
    )


def test_warnings_about_files_go_to_stderr(run: Run, kb_dir: Path) -> None:
    (kb_dir / "notes" / "broken.md").write_text("---\ntitle: [oops\n---\nbody\n")
    result = run("log")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: broken.md:1: broken frontmatter")
    assert "broken" in result.stdout


def test_unexpected_errors_are_one_line_without_debug(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tilbase.kb import KnowledgeBase

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(KnowledgeBase, "log", boom)
    result = run("log")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unexpected RuntimeError: simulated bug")
    assert "--debug" in result.stderr
    debug = run("--debug", "log")
    assert isinstance(debug.exception, RuntimeError)


def test_usage_errors_exit_2(run: Run) -> None:
    assert run("log", "--limit", "many").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_every_command_has_help(run: Run) -> None:
    for command in ("init", "config", "add", "show", "edit", "rm", "log"):
        result = run(command, "--help", config=False)
        assert result.exit_code == 0
        assert "Usage" in result.stdout


def test_version(run: Run) -> None:
    assert run("--version", config=False).stdout.startswith("til ")


@pytest.mark.parametrize("tag", ["!!!", "🎉", "#", " "])
def test_add_refuses_a_tag_that_normalises_to_nothing(run: Run, kb_dir: Path, tag: str) -> None:
    # Regression (issue 11): `til add "x" -t '!!!'` dropped the tag without a word.
    result = run("add", "x", "-t", "python", "-t", tag)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: '{tag}' is not a usable tag")
    assert "—" in result.stderr  # a hint says what a tag may be
    assert result.stderr.count("\n") == 1
    assert not list((kb_dir / "notes").rglob("*.md"))


def test_add_keeps_emoji_in_the_title_as_written(run: Run, kb_dir: Path) -> None:
    result = run("add", "Shipped it 🎉 today", "-t", "release")
    assert result.exit_code == 0, result.stderr
    (path,) = (kb_dir / "notes").rglob("*.md")
    text = path.read_text(encoding="utf-8")
    assert "title: Shipped it 🎉 today\n" in text
    assert "\\U" not in text


@pytest.mark.parametrize("command", ["log", "search", "export"])
def test_since_after_until_is_an_error_not_an_empty_list(run: Run, command: str) -> None:
    # Regression (issue 11): `--since 2024 --until 2023` silently found nothing.
    result = run(command, "--since", "2024", "--until", "2023")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --since 2024 (2024-01-01) is after --until 2023")
    assert result.stderr.count("\n") == 1


def test_log_reads_natural_dates_and_periods(run: Run) -> None:
    today = dt.date.today()
    run("add", "old one", "--date", "2023-06-15")
    run("add", "recent", "--date", "yesterday")
    logged = run("log", "--since", "2023", "--until", "2023", "--json")
    assert [n["title"] for n in json.loads(logged.stdout)] == ["old one"]
    recent = run("log", "--since", "3 days ago", "--json")
    assert [n["date"] for n in json.loads(recent.stdout)] == [
        (today - dt.timedelta(days=1)).isoformat()
    ]
    bad = run("log", "--since", "someday")
    assert bad.exit_code == 1
    assert "3 days ago" in bad.stderr  # the hint lists the accepted forms
