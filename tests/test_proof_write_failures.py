"""Proof: a full disk or a read-only file system part-way through a write leaves the old state.

``os.fdopen`` (a write that stops half-way with ENOSPC), ``os.fsync`` (EIO),
``os.replace`` / ``os.link`` (EROFS, ENOSPC) are made to fail while ``til add``,
``til tag add``, ``til tag rename`` and ``til import`` run in-process. Every note
file is then exactly what it was (or, for a rename stopped half-way, each note is
whole: old or new), no temp file is left behind, the command says one line and
exits 1, and the same command run again once the disk is fine completes.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

pytestmark = pytest.mark.proof


def snapshot(kb_dir: Path) -> dict[str, bytes]:
    notes = kb_dir / "notes"
    return {
        p.relative_to(notes).as_posix(): p.read_bytes() for p in notes.rglob("*") if p.is_file()
    }


def temp_files(kb_dir: Path) -> list[Path]:
    return list((kb_dir / "notes").rglob(".*.tmp"))


class _HalfWriter:
    """A file that takes half of the first write, then reports a full disk."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, text: str) -> int:
        self._handle.write(text[: len(text) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@contextmanager
def failing(monkeypatch: pytest.MonkeyPatch, how: str, after: int = 0) -> Iterator[None]:
    """Make the ``after``-th and later notes-folder writes fail in the way ``how`` says."""
    calls = {"n": 0}

    def due() -> bool:
        calls["n"] += 1
        return calls["n"] > after

    real_fdopen: Callable[..., Any] = os.fdopen
    real_fsync = os.fsync
    real_replace = os.replace
    real_link = os.link

    def in_notes(path: object) -> bool:
        return f"{os.sep}notes{os.sep}" in os.fspath(path)  # type: ignore[arg-type]

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, *args, **kwargs)
        path = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else ""
        if how == "half-write" and in_notes(path) and "w" in str(args[:1]) and due():
            return _HalfWriter(handle)
        return handle

    def fsync(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else ""
        if how == "fsync" and in_notes(path) and path.endswith(".tmp") and due():
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        if how in ("replace", "read-only") and in_notes(dst) and due():
            code = errno.EROFS if how == "read-only" else errno.ENOSPC
            raise OSError(code, os.strerror(code))
        real_replace(src, dst, **kwargs)

    def link(src: Any, dst: Any, **kwargs: Any) -> None:
        if how in ("replace", "read-only") and in_notes(dst) and due():
            code = errno.EROFS if how == "read-only" else errno.ENOSPC
            raise OSError(code, os.strerror(code))
        real_link(src, dst, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "link", link)
    try:
        yield
    finally:
        monkeypatch.setattr(os, "fdopen", real_fdopen)
        monkeypatch.setattr(os, "fsync", real_fsync)
        monkeypatch.setattr(os, "replace", real_replace)
        monkeypatch.setattr(os, "link", real_link)


HOWS = ["half-write", "fsync", "replace", "read-only"]


def one_line_failure(result: Any) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert result.stderr.startswith("error: "), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("how", HOWS)
def test_add_that_cannot_write_leaves_nothing(
    how: str, run: Run, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("add", "existing note", "--title", "Existing").exit_code == 0
    before = snapshot(kb_dir)
    with failing(monkeypatch, how):
        one_line_failure(run("add", "new note", "--title", "New"))
    assert snapshot(kb_dir) == before
    assert temp_files(kb_dir) == []
    assert run("add", "new note", "--title", "New").exit_code == 0


@pytest.mark.parametrize("how", HOWS)
def test_tag_add_that_cannot_write_leaves_the_old_note(
    how: str, run: Run, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = run("add", "body", "--title", "Note", "-t", "one")
    note_id = added.stdout.strip()
    before = snapshot(kb_dir)
    with failing(monkeypatch, how):
        one_line_failure(run("tag", "add", note_id, "two"))
    assert snapshot(kb_dir) == before
    assert temp_files(kb_dir) == []
    assert run("tag", "add", note_id, "two").exit_code == 0


@pytest.mark.parametrize("how", HOWS)
def test_rename_stopped_half_way_leaves_whole_notes_and_reruns(
    how: str, run: Run, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [run("add", f"body {i} #old", "--title", f"N{i}").stdout.strip() for i in range(4)]
    before = snapshot(kb_dir)
    with failing(monkeypatch, how, after=2):
        one_line_failure(run("tag", "rename", "old", "new"))
    after = snapshot(kb_dir)
    assert set(after) == set(before)
    changed = [rel for rel in after if after[rel] != before[rel]]
    assert len(changed) == 2  # the two writes before the failure, each one whole
    for rel in changed:
        assert b"#new" in after[rel]
        assert b"#old" not in after[rel]
    assert temp_files(kb_dir) == []
    assert run("tag", "rename", "old", "new").exit_code == 0
    assert all(b"#new" in data for data in snapshot(kb_dir).values())
    assert len(ids) == 4


@pytest.mark.parametrize("how", HOWS)
def test_import_that_cannot_write_leaves_whole_notes_and_reruns(
    how: str, run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "log.md"
    source.write_text("".join(f"# 2023-01-{i + 1:02d} E{i}\nbody {i}\n" for i in range(5)))
    with failing(monkeypatch, how, after=2):
        one_line_failure(run("import", str(source)))
    written = snapshot(kb_dir)
    assert len(written) == 2
    assert all(data.startswith(b"---\n") and data.endswith(b"\n") for data in written.values())
    assert temp_files(kb_dir) == []
    rerun = run("import", str(source))
    assert rerun.exit_code == 0, rerun.stderr
    assert "3 created" in rerun.stderr
    assert len(snapshot(kb_dir)) == 5
