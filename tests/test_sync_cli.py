"""``til sync`` and ``til init --git`` through the CLI, and as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tilbase.sync import start_background_sync

from .conftest import Run
from .sync_helpers import git, isolate_git, make_remote, new_device, note_text


@pytest.fixture(autouse=True)
def _no_git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


def test_sync_json_and_summary_through_the_cli(run: Run, kb_dir: Path, tmp_path: Path) -> None:
    remote = make_remote(tmp_path)
    assert run("add", "hello from the cli").exit_code == 0
    result = run("sync", "--remote", str(remote), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"] == "0 pulled, 1 pushed"
    assert data["created_repository"] is True
    assert data["remote"] == str(remote)
    again = run("sync")
    assert again.exit_code == 0
    assert again.stdout == "0 pulled, 0 pushed\n"


def test_conflicts_are_one_line_each(run: Run, kb_dir: Path, tmp_path: Path) -> None:
    remote = make_remote(tmp_path)
    other = new_device(tmp_path, "other", remote)
    (kb_dir / "notes" / "n.md").write_text(note_text("n", "base\n"))
    assert run("sync", "--remote", str(remote)).exit_code == 0
    other.sync(first=True)
    other.write("n.md", note_text("n", "theirs\n"))
    other.sync()
    (kb_dir / "notes" / "n.md").write_text(note_text("n", "mine\n"))
    result = run("sync")
    assert result.exit_code == 0, result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("conflict:")]
    assert "n changed here and on the remote" in line
    assert result.stdout.startswith("1 pulled, 2 pushed, 1 conflict kept as n-conflict-")


def test_unreachable_remote_is_one_line_exit_1(run: Run, kb_dir: Path, tmp_path: Path) -> None:
    result = run("sync", "--remote", str(tmp_path / "nowhere.git"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: cannot reach the remote")
    assert not (kb_dir / ".git").exists()


def test_missing_git_is_one_line_exit_1(
    run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("sync")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "git is not installed" in result.stderr


def test_init_git_makes_a_repository(run: Run, tmp_path: Path) -> None:
    result = run("init", "--git", str(tmp_path / "fresh"), config=False)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "fresh" / ".git").is_dir()
    assert ".tilbase/" in (tmp_path / "fresh" / ".gitignore").read_text()
    assert "til sync --remote URL" in result.stderr


def test_init_git_without_git_creates_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("init", "--git", str(tmp_path / "fresh"), config=False)
    assert result.exit_code == 1
    assert not (tmp_path / "fresh").exists()


def test_sync_auto_is_a_config_key(kb_dir: Path) -> None:
    from tilbase.config import load_config
    from tilbase.sync import auto_sync_enabled

    assert not auto_sync_enabled(load_config(kb_dir / "config.yaml"))
    (kb_dir / "config.yaml").write_text("notes_dir: notes\nsync: auto\n")
    assert auto_sync_enabled(load_config(kb_dir / "config.yaml"))


def test_sync_auto_starts_one_background_sync_after_writes(
    run: Run, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.sync

    started: list[Path] = []
    monkeypatch.setattr(tilbase.sync, "start_background_sync", started.append)
    assert run("add", "before auto sync").exit_code == 0
    assert started == []  # sync: manual (the default) starts nothing
    (kb_dir / "config.yaml").write_text("notes_dir: notes\nsync: auto\n")
    added = run("add", "captured while offline")
    assert added.exit_code == 0
    assert run("tag", "add", added.stdout.strip(), "offline").exit_code == 0
    assert run("search", "offline").exit_code == 0  # reading starts nothing
    assert started == [(kb_dir / "config.yaml").resolve()] * 2


def _til(kb_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tilbase", "--config", str(kb_dir / "config.yaml"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )


def test_a_real_process_syncs_two_devices(kb_dir: Path, tmp_path: Path) -> None:
    remote = make_remote(tmp_path)
    assert _til(kb_dir, "add", "written on device A: quokka").returncode == 0
    first = _til(kb_dir, "sync", "--remote", str(remote))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "0 pulled, 1 pushed\n"
    device_b = tmp_path / "b"
    assert _til(device_b, "init", str(device_b)).returncode == 0
    second = _til(device_b, "sync", "--remote", str(remote))
    assert second.returncode == 0, second.stderr
    assert second.stdout == "1 pulled, 0 pushed\n"
    found = _til(device_b, "search", "quokka", "--json")
    assert [hit["title"] for hit in json.loads(found.stdout)] == ["written on device A: quokka"]


def test_background_sync_returns_at_once_and_pushes(tmp_path: Path) -> None:
    remote = make_remote(tmp_path)
    device = new_device(tmp_path, "laptop", remote)
    device.sync(first=True)
    device.write("later.md", note_text("later", "captured, synced in the background\n"))
    started = time.monotonic()
    pid = start_background_sync(device.config_path)
    assert pid is not None
    assert time.monotonic() - started < 2
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        tree = git(remote, "ls-tree", "-r", "--name-only", "main")
        if "notes/later.md" in tree:
            break
        time.sleep(0.2)
    assert "notes/later.md" in git(remote, "ls-tree", "-r", "--name-only", "main")
    os.waitpid(pid, 0)


def test_a_relative_remote_path_is_read_from_where_the_command_runs(
    run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = make_remote(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("sync", "--remote", "remote.git")
    assert result.exit_code == 0, result.stderr
    assert git(kb_dir, "config", "remote.origin.url").strip() == str(remote.resolve())
