"""Start-up: the freshness walk in a child process (tilbase.prefetch, launch); show in a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tilbase import launch, prefetch
from tilbase.argv import config_option
from tilbase.store.catalog import walk_notes
from tilbase.store.walk import note_signatures

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture(autouse=True)
def _nothing_left_pending(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # the walk starts only on 2+ cores
    yield
    prefetch.discard()


def notes_tree(root: Path) -> Path:
    notes = root / "notes"
    (notes / "git" / "deep").mkdir(parents=True)
    (notes / ".hidden").mkdir()
    for rel in ("a.md", "git/b.md", "git/deep/c.md", ".hidden/d.md", "git/.e.md", "f.txt"):
        (notes / rel).write_text(f"# {rel}\n", encoding="utf-8")
    (notes / "link.md").symlink_to(notes / "a.md")
    return notes


def child_has_exited(pid: int) -> None:
    """Wait until the walking child has finished (without reaping it)."""
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)


def test_the_childs_walk_is_the_walk(tmp_path: Path) -> None:
    notes = notes_tree(tmp_path)
    assert prefetch.start(lambda: notes)
    walked = prefetch.take(notes)
    assert walked is not None
    signatures, warnings = walked
    assert signatures == note_signatures(notes)
    assert sorted(signatures) == ["a.md", "git/b.md", "git/deep/c.md", "link.md"]
    assert warnings == []


def test_it_is_taken_once_and_the_child_is_reaped(tmp_path: Path) -> None:
    notes = notes_tree(tmp_path)
    assert prefetch.start(lambda: notes)
    pending = prefetch._pending
    assert pending is not None
    assert prefetch.take(notes) is not None
    assert prefetch.take(notes) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pending.pid, os.WNOHANG)


@pytest.mark.parametrize(
    ("walked", "asked"), [("notes", "elsewhere"), ("elsewhere", "notes"), (None, "notes")]
)
def test_no_walk_of_the_asked_folder_gives_nothing_and_the_child_is_reaped(
    tmp_path: Path, walked: str | None, asked: str
) -> None:
    """The child walked another folder, or found no KB: the caller walks itself."""
    notes_tree(tmp_path)
    assert prefetch.start(lambda: tmp_path / walked if walked else None)
    pending = prefetch._pending
    assert pending is not None
    assert prefetch.take(tmp_path / asked) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pending.pid, os.WNOHANG)


def test_a_walk_nobody_takes_is_discarded(tmp_path: Path) -> None:
    notes = notes_tree(tmp_path)
    assert prefetch.start(lambda: notes)
    pending = prefetch._pending
    assert pending is not None
    prefetch.discard()
    assert prefetch._pending is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pending.pid, os.WNOHANG)


def test_one_core_walks_in_the_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    notes = notes_tree(tmp_path)
    assert not prefetch.start(lambda: notes)


def test_the_first_catalog_walk_takes_the_childs_then_walks_again(tmp_path: Path) -> None:
    """The prefetched walk is the folder as the command started; later walks are new."""
    notes = notes_tree(tmp_path)
    assert prefetch.start(lambda: notes)
    pending = prefetch._pending
    assert pending is not None
    child_has_exited(pending.pid)
    (notes / "later.md").write_text("# later\n", encoding="utf-8")
    first = walk_notes(notes)
    assert "later.md" not in first  # the child's walk, made before the file was written
    assert "later.md" in walk_notes(notes)


@pytest.mark.parametrize(
    ("args", "reads"),
    [
        (["log", "-n", "5"], True),
        (["search", "kedro"], True),
        (["show", "abc"], True),
        (["tag", "list"], True),
        (["--quiet", "tag", "-h"], False),
        (["tag", "add", "abc", "x"], False),
        (["add", "text"], False),
        (["edit", "abc"], False),
        (["--help"], False),
        ([], False),
    ],
)
def test_only_commands_that_read_first_start_a_walk(
    args: list[str], reads: bool, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TILBASE_NO_PREFETCH", raising=False)
    config = kb_dir / "config.yaml"
    assert launch.prefetch_walk(["--config", str(config), *args]) is reads
    assert (prefetch._pending is not None) is reads


def test_the_config_option_may_follow_the_command(kb_dir: Path) -> None:
    config = str(kb_dir / "config.yaml")
    assert config_option(["log", "--config", config]) == config
    assert config_option(["--config=" + config, "log"]) == config
    assert config_option(["-c", config, "log"]) == config
    assert config_option(["log", "-c", "7"]) is None  # a command's own -c
    assert config_option(["search", "--", "--config", "x"]) is None


def test_the_child_finds_the_kb_the_command_would_open(tmp_path: Path, kb_dir: Path) -> None:
    config = kb_dir / "config.yaml"
    assert launch.notes_dir_of(["--config", str(config), "log"]) == kb_dir / "notes"
    assert launch.notes_dir_of(["log", "--config", str(kb_dir)]) == kb_dir / "notes"
    assert launch.notes_dir_of(["--config", str(tmp_path / "none.yaml"), "log"]) is None


def test_the_switch_turns_it_off(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILBASE_NO_PREFETCH", "1")
    assert not launch.prefetch_walk(["--config", str(kb_dir / "config.yaml"), "log"])
    assert prefetch._pending is None


def test_a_real_til_log_sees_an_edit_made_just_before_it(kb_dir: Path) -> None:
    config = kb_dir / "config.yaml"
    notes = kb_dir / "notes"
    (notes / "2024-01-02-first.md").write_text(
        "---\nid: 2024-01-02-first\ntitle: First\ndate: 2024-01-02\n---\nbody\n", "utf-8"
    )

    def til_log(*env: tuple[str, str]) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "tilbase", "--config", str(config), "log"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, **dict(env)},
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return result.stdout

    assert "First" in til_log()
    (notes / "2024-01-03-second.md").write_text(
        "---\nid: 2024-01-03-second\ntitle: Second\ndate: 2024-01-03\n---\nbody\n", "utf-8"
    )
    walked_early = til_log()
    assert walked_early.splitlines()[0].endswith("Second")
    assert walked_early == til_log(("TILBASE_NO_PREFETCH", "1"))


def test_show_in_a_pipe_prints_the_file_without_parsing_it(kb_dir: Path) -> None:
    """A piped ``til show`` prints the file as it is: no YAML parser is imported for it."""
    config = kb_dir / "config.yaml"
    text = "---\nid: 2024-01-02-first\ntitle: First\ndate: 2024-01-02\ntags: [a]\n---\nbody *x*\n"
    (kb_dir / "notes" / "2024-01-02-first.md").write_text(text, "utf-8")
    code = f"""
import sys
from tilbase.launch import main
sys.argv = ["til", "--config", {str(config)!r}, "show", "2024-01-02-fi"]
try:
    main()
finally:
    sys.stderr.write("YAML=" + str("yaml" in sys.modules))
"""
    for _ in range(2):  # the first run puts the new file in the catalog: that parses it
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == text
    assert result.stderr.endswith("YAML=False")


def test_the_child_does_not_hold_the_parents_stdout(tmp_path: Path) -> None:
    """The reader of a piped ``til`` sees EOF when the parent ends, not when the child does."""
    notes = notes_tree(tmp_path)
    code = f"""
import os, sys, time
from pathlib import Path
from tilbase import prefetch
os.cpu_count = lambda: 2
assert prefetch.start(lambda: (time.sleep(12), Path({str(notes)!r}))[1])
print("parent done", flush=True)
os._exit(0)
"""
    started = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=10, check=False
    )
    assert started.stdout == "parent done\n"  # returned well before the child's 12 s
