"""Export writes the system refuses (read-only folder, full disk, no permission): one line, exit 1.

Regression tests for review finding #11 (export part): such failures were
reported as "unexpected OSError ... this is a bug in tilbase", and a failed
folder export left folders behind or made the next export refuse its own files.
"""

from __future__ import annotations

import errno
import json
from hashlib import sha256 as _sha256
from pathlib import Path

import pytest

import tilbase.export.write as write_module
from tests.conftest import Run
from tilbase.errors import ExportFailed
from tilbase.export.base import ExportFile
from tilbase.export.write import MANIFEST, write_document, write_folder

ENOSPC = OSError(errno.ENOSPC, "No space left on device")


def sha256(data: bytes) -> str:
    return _sha256(data).hexdigest()


def fail_writes(
    monkeypatch: pytest.MonkeyPatch, exc: OSError, *, after: int = 0, only: str | None = None
) -> None:
    """Make the export's ``atomic_write`` fail with ``exc`` after ``after`` successful writes
    (of files named ``only``, when given; other files are written)."""
    real = write_module.atomic_write
    written: list[Path] = []

    def atomic_write(path: Path, text: str, *, overwrite: bool) -> None:
        if (only is None or path.name == only) and len(written) >= after:
            path.parent.mkdir(parents=True, exist_ok=True)  # as the real one does first
            raise exc
        real(path, text, overwrite=overwrite)
        written.append(path)

    monkeypatch.setattr(write_module, "atomic_write", atomic_write)


def deny_stat(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make ``stat`` of any path under a folder called ``name`` fail as for an unreadable folder."""
    real = Path.stat

    def stat(self: Path, *, follow_symlinks: bool = True) -> object:
        if name in self.parts[:-1]:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, follow_symlinks=follow_symlinks)

    monkeypatch.setattr(Path, "stat", stat)


def test_export_write_error_on_an_unreadable_folder_is_export_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_stat(monkeypatch, "locked")
    target = tmp_path / "locked" / "all.md"
    with pytest.raises(ExportFailed, match=r"locked/all\.md: cannot write \(Permission denied\)$"):
        write_document(target, "x\n")
    with pytest.raises(ExportFailed, match=r"locked/repo: cannot write \(Permission denied\)$"):
        write_folder(tmp_path / "locked" / "repo", [ExportFile("a.md", "x")])


def test_export_write_error_on_a_full_disk_leaves_no_new_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_writes(monkeypatch, ENOSPC)
    with pytest.raises(ExportFailed, match=r"new/deeper/all\.md: cannot write \(No space left"):
        write_document(tmp_path / "new" / "deeper" / "all.md", "x\n")
    assert list(tmp_path.iterdir()) == []


def test_export_write_error_without_strerror_still_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_writes(monkeypatch, OSError("disk quota exceeded"))
    with pytest.raises(ExportFailed, match=r"cannot write \(disk quota exceeded\)$"):
        write_document(tmp_path / "all.md", "x\n")


def test_export_write_error_half_way_into_a_new_folder_removes_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_writes(monkeypatch, ENOSPC, after=1)
    out = tmp_path / "site" / "til"
    files = [ExportFile("git/a.md", "a\n"), ExportFile("python/b.md", "b\n")]
    with pytest.raises(ExportFailed, match=r"til/python/b\.md: cannot write \(No space left"):
        write_folder(out, files)
    assert list(tmp_path.iterdir()) == []


def test_export_write_error_half_way_then_the_same_export_again_needs_no_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "til"
    write_folder(out, [ExportFile("a.md", "a1\n"), ExportFile("b.md", "b1\n")])
    second = [ExportFile("a.md", "a2\n"), ExportFile("b.md", "b2\n")]
    with monkeypatch.context() as patch:
        fail_writes(patch, ENOSPC, after=1)  # the disk fills up after a.md
        with pytest.raises(ExportFailed, match=r"til/b\.md: cannot write \(No space left"):
            write_folder(out, second)
    assert (out / "a.md").read_text() == "a2\n"
    report = write_folder(out, second)
    assert (report.written, report.unchanged) == (["b.md"], ["a.md"])


def test_export_write_error_on_one_file_keeps_written_files_the_exports_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "til"
    write_folder(out, [ExportFile("a.md", "a1\n"), ExportFile("b.md", "b1\n")])
    with monkeypatch.context() as patch:
        fail_writes(patch, PermissionError(errno.EACCES, "Permission denied"), only="b.md")
        with pytest.raises(ExportFailed, match=r"til/b\.md: cannot write \(Permission denied\)"):
            write_folder(out, [ExportFile("a.md", "a2\n"), ExportFile("b.md", "b2\n")])
    assert json.loads((out / MANIFEST).read_text())["files"]["a.md"] == sha256(b"a2\n")
    # The notes changed since: the next export may still replace a.md, the failed export's own.
    report = write_folder(out, [ExportFile("a.md", "a3\n"), ExportFile("b.md", "b3\n")])
    assert sorted(report.written) == ["a.md", "b.md"]
    assert (out / "a.md").read_text() == "a3\n"


@pytest.mark.parametrize("args", [["-o", "all.md"], ["-f", "repo", "-o", "til"]])
def test_export_write_error_through_the_cli_is_one_line_and_exit_1(
    run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    assert run("add", "A note worth exporting").exit_code == 0
    out = tmp_path / "out"
    args = [*args[:-1], str(out / args[-1])]
    fail_writes(monkeypatch, OSError(errno.EROFS, "Read-only file system"))
    result = run("export", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {out}")
    assert "cannot write (Read-only file system)" in result.stderr
    assert "unexpected" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_export_write_error_for_an_unreadable_output_folder_through_the_cli(
    run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("add", "A note worth exporting").exit_code == 0
    deny_stat(monkeypatch, "locked")
    result = run("export", "-o", str(tmp_path / "locked" / "all.md"))
    assert result.exit_code == 1
    assert "cannot write (Permission denied)" in result.stderr
    assert "unexpected" not in result.stderr
