"""Two devices and a bare remote on local disk, for the ``til sync`` tests."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tilbase.config import init_kb, load_config
from tilbase.sync import GitSyncReport, Identity, sync_repository, target_of

TODAY = dt.date(2026, 12, 1)


def isolate_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No global or system git config, and no identity from the environment."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
    ):
        monkeypatch.delenv(name, raising=False)


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in ``cwd`` and return its output (failing the test when git fails)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check)
    return done.stdout


def make_remote(tmp_path: Path) -> Path:
    """An empty bare repository standing for the server."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    return remote


@dataclass
class Device:
    """One machine's KB."""

    name: str
    root: Path
    remote: Path

    @property
    def config_path(self) -> Path:
        return self.root / "config.yaml"

    def note(self, rel: str) -> Path:
        return self.root / "notes" / rel

    def write(self, rel: str, text: str) -> Path:
        path = self.note(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return self.note(rel).read_text(encoding="utf-8")

    def sync(self, *, remote: str | None = None, first: bool = False) -> GitSyncReport:
        config = load_config(self.config_path)
        return sync_repository(
            target_of(config),
            remote=str(self.remote) if first else remote,
            identity=Identity(config.sync_name, config.sync_email),
            host=self.name,
            today=TODAY,
        )

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD").strip()

    def status(self) -> str:
        return git(self.root, "status", "--porcelain", "--untracked-files=all")


def new_device(tmp_path: Path, name: str, remote: Path) -> Device:
    """A fresh KB (``til init``) for a machine called ``name``."""
    root = tmp_path / name
    init_kb(root)
    return Device(name, root, remote)


def note_text(note_id: str, body: str, tags: str = "[]") -> str:
    """A canonical note file."""
    return f"---\nid: {note_id}\ntitle: {note_id}\ndate: 2026-12-01\ntags: {tags}\n---\n{body}"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except git's own and derived state (``.tilbase/``)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {".git", ".tilbase"} & set(p.relative_to(root).parts)
    }
