"""Interrupts (issue 12): Ctrl-C and SIGTERM end with one line and exit 130, cleaned up.

Cleaned up means: Whoosh's writer processes are stopped without a word, the staging
folder of an interrupted index build is gone (the old index is untouched), progress
bars are closed. The end-to-end Ctrl-C runs over 3,000 notes are in
``tests/test_pending_safety.py`` (``proof`` and ``slow``).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.proof_helpers import make_kb, start
from tilbase.config import load_config
from tilbase.index import ondisk
from tilbase.kb import KnowledgeBase


def write_notes(notes_dir: Path, count: int) -> None:
    for i in range(count):
        (notes_dir / f"n{i:05d}.md").write_text(
            f"---\ntitle: Note {i}\ndate: 2023-01-{1 + i % 28:02d}\n---\nbody of note {i} "
            f"{'lorem ipsum ' * 20}\n"
        )


def staging_folders(kb_dir: Path) -> list[Path]:
    return list((kb_dir / ".tilbase").glob(".index.new-*"))


def test_an_interrupted_rebuild_stops_its_writer_processes_and_keeps_the_old_index(
    kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ondisk, "MULTIPROCESS_THRESHOLD", 50)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    write_notes(kb_dir / "notes", 400)
    kb = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    assert kb.reindex().total == 400
    before = sorted(p.name for p in (kb_dir / ".tilbase" / "index").iterdir())

    def interrupt_late(done: int, total: int) -> None:
        if done == 350:  # three batches of 100 are with the writer processes by now
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kb.reindex(interrupt_late)
    assert multiprocessing.active_children() == []  # killed and reaped, not left running
    assert staging_folders(kb_dir) == []
    assert sorted(p.name for p in (kb_dir / ".tilbase" / "index").iterdir()) == before
    inode = (kb_dir / ".tilbase" / "index").stat().st_ino
    again = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    assert again.sync_index()
    assert again.warnings == []  # the old index is whole and current: not rebuilt
    assert (kb_dir / ".tilbase" / "index").stat().st_ino == inode
    assert again.reindex().total == 400


def test_a_keyboard_interrupt_in_a_command_is_one_line_and_exit_130(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: KnowledgeBase, *args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(KnowledgeBase, "reindex", interrupted)
    result = run("reindex")
    assert result.exit_code == 130
    assert result.stderr == "interrupted\n"
    assert result.stdout == ""


def test_import_progress_bar_is_closed_by_an_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from tilbase.render import ingest

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    monkeypatch.setattr(ingest, "_stderr_is_terminal", lambda: True)
    monkeypatch.setattr(ingest, "stderr_console", lambda: console)

    def interrupted_import() -> None:
        with ingest.import_progress(100) as advance:
            advance("a.md", 1, 100)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_import()
    drawn = out.getvalue()
    assert "importing" in drawn
    assert "\x1b[?25h" in drawn  # the cursor shown again
    assert drawn.endswith("\x1b[2K")  # the progress line erased: the next line starts clean
    assert console._live_stack == []  # no live display left running


@pytest.mark.slow
@pytest.mark.parametrize("whole_group", [False, True], ids=["til", "process-group"])
def test_sigterm_during_reindex_ends_like_ctrl_c(tmp_path: Path, whole_group: bool) -> None:
    config = make_kb(tmp_path / "kb")
    write_notes(tmp_path / "kb" / "notes", 1500)
    proc = start(config, tmp_path / "home", "reindex", new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if list((tmp_path / "kb" / ".tilbase").glob(".index.new-*/*")):
            time.sleep(0.3)
            break
        time.sleep(0.02)
    assert proc.poll() is None, "reindex ended before it could be interrupted"
    if whole_group:
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err == "interrupted\n"
    assert staging_folders(tmp_path / "kb") == []
    assert not _processes_naming(str(config))


def _processes_naming(text: str) -> list[int]:
    """Live processes whose command line holds ``text`` (Whoosh's writers are forks of til)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found
