"""Shell completion of ids, tags and topics, through Click's completion machinery."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tilbase.cli import app
from tilbase.cli.complete import (
    complete_note_id,
    note_id_candidates,
    tag_candidates,
    topic_candidates,
)
from tilbase.kb import KnowledgeBase
from tilbase.model import Note

NOTES = [
    Note(
        id="2023-01-05-git-worktree", title="Git worktree", date=dt.date(2023, 1, 5), tags=("git",)
    ),
    Note(
        id="2023-01-06-git-bisect",
        title="Git bisect\nfinds bugs",
        date=dt.date(2023, 1, 6),
        tags=("git", "debugging"),
    ),
    Note(
        id="2024-02-01-python-gil",
        title="The GIL",
        date=dt.date(2024, 2, 1),
        topic="Python",
        tags=("lang/python",),
    ),
    Note(id="undated-idea", title="An idea", topic="python/packaging"),
]


def test_note_id_candidates_by_prefix_newest_first() -> None:
    assert note_id_candidates(NOTES, "2023") == [
        ("2023-01-06-git-bisect", "Git bisect finds bugs"),
        ("2023-01-05-git-worktree", "Git worktree"),
    ]
    assert note_id_candidates(NOTES, "")[0][0] == "2024-02-01-python-gil"
    assert len(note_id_candidates(NOTES, "")) == 4
    assert note_id_candidates(NOTES, "undated") == [("undated-idea", "An idea")]
    assert note_id_candidates(NOTES, "worktree") == []


def test_tag_and_topic_candidates() -> None:
    assert tag_candidates(NOTES, "") == [
        ("git", "2 notes"),
        ("debugging", "1 note"),
        ("lang/python", "1 note"),
    ]
    assert tag_candidates(NOTES, "#g") == [("git", "2 notes")]
    assert tag_candidates(NOTES, "lang/") == [("lang/python", "1 note")]
    assert topic_candidates(NOTES, "Py") == [("Python", "1 note")]
    assert topic_candidates(NOTES, "python/") == [("python/packaging", "1 note")]


def test_a_completion_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "config.yaml"
    broken.write_text("notes_dir: [not, a, path\n")
    monkeypatch.setenv("TILBASE_CONFIG", str(broken))
    assert complete_note_id(None, "x") == []  # type: ignore[arg-type]


@pytest.fixture
def filled_kb(kb_dir: Path) -> Path:
    from tilbase.config import load_config

    kb = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    kb.add("Git worktree is neat", tags=["git"], date=dt.date(2023, 1, 5))
    kb.add("Git bisect finds bugs", tags=["git", "debugging"], date=dt.date(2023, 1, 6))
    kb.add("The GIL, again", topic="Python", tags=["lang/python"], date=dt.date(2024, 2, 1))
    return kb_dir / "config.yaml"


def complete(shell: str, line: str, env: dict[str, str] | None = None) -> list[str]:
    """Ask `til` for completions the way the installed shell script does."""
    words = line.split(" ")
    environ = {"_TIL_COMPLETE": f"complete_{shell}", **(env or {})}
    if shell == "bash":
        environ |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        environ |= {"_TYPER_COMPLETE_ARGS": line}
        if shell == "fish":
            environ["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = CliRunner().invoke(app, [], env=environ, prog_name="til")
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


def test_bash_completes_note_ids_of_show(filled_kb: Path) -> None:
    assert complete("bash", f"til --config {filled_kb} show 2023") == [
        "2023-01-06-git-bisect-finds-bugs",
        "2023-01-05-git-worktree-is-neat",
    ]
    assert complete("bash", f"til --config {filled_kb} rm 2023-01-06") == [
        "2023-01-06-git-bisect-finds-bugs"
    ]
    assert complete("bash", f"til --config {filled_kb} tag add 2024") == [
        "2024-02-01-the-gil-again"
    ]


def test_completion_reads_no_note_file(filled_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ids, titles, tags and topics come from the catalog: a Tab at 10,000 notes must not
    # parse 10,000 files.
    from tilbase.store.notes import NoteStore

    complete("bash", f"til --config {filled_kb} show 2023")  # the catalog is current
    read: list[Path] = []
    real_read_file = NoteStore.read_file

    def counting(self: NoteStore, path: Path) -> object:
        read.append(path)
        return real_read_file(self, path)

    monkeypatch.setattr(NoteStore, "read_file", counting)
    assert complete("bash", f"til --config {filled_kb} show 2024") == ["2024-02-01-the-gil-again"]
    assert complete("bash", f"til --config {filled_kb} log --tag lang/") == ["lang/python"]
    assert read == []


def test_the_kb_can_come_from_the_environment(filled_kb: Path) -> None:
    assert complete("bash", "til edit 2024", {"TILBASE_CONFIG": str(filled_kb)}) == [
        "2024-02-01-the-gil-again"
    ]


def test_bash_completes_tags_and_topics(filled_kb: Path) -> None:
    assert complete("bash", f"til --config {filled_kb} search x --tag g") == ["git"]
    assert complete("bash", f"til --config {filled_kb} tag rm 2023-01-06 ") == [
        "git",
        "debugging",
        "lang/python",
    ]
    assert complete("bash", f"til --config {filled_kb} search x --topic Py") == ["Python"]


def test_zsh_and_fish_show_titles_beside_ids(filled_kb: Path) -> None:
    zsh = "\n".join(complete("zsh", f"til --config {filled_kb} show 2024"))
    assert "2024-02-01-the-gil-again" in zsh
    assert "The GIL, again" in zsh
    fish = complete("fish", f"til --config {filled_kb} show 2024")
    assert fish == ["2024-02-01-the-gil-again\tThe GIL, again"]


def test_no_kb_means_no_candidates_not_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "config.yaml"
    assert complete("bash", f"til --config {missing} show 2023") == []


def test_completing_ids_is_fast(filled_kb: Path) -> None:
    complete("bash", f"til --config {filled_kb} show 2")  # warm the catalog
    start = time.perf_counter()
    complete("bash", f"til --config {filled_kb} show 2")
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("shell", "path", "marker"),
    [
        ("zsh", ".zfunc/_til", "compdef _til_completion til"),
        ("fish", ".config/fish/completions/til.fish", "complete --command til"),
        ("bash", ".bash_completions/til.sh", "complete -o default -F _til_completion til"),
    ],
)
def test_install_completion_for_the_named_shell(shell: str, path: str, marker: str) -> None:
    # Regression (issue 11): `til --install-completion zsh` installed bash completion.
    home = Path.home()  # a temporary home (see conftest)
    result = CliRunner().invoke(app, ["--install-completion", shell], prog_name="til")
    assert result.exit_code == 0, result.output
    assert f"{shell} completion installed in" in result.stdout
    assert marker in (home / path).read_text()
    if shell != "bash":
        assert not (home / ".bash_completions").exists()


def test_show_completion_for_the_named_shell() -> None:
    result = CliRunner().invoke(app, ["--show-completion", "zsh"], prog_name="til")
    assert result.exit_code == 0
    assert result.stdout.startswith("#compdef til")
    assert "_TIL_COMPLETE=complete_zsh" in result.stdout
