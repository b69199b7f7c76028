"""Shared pieces of the proof suite: real ``til`` subprocesses on a throwaway KB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tilbase.config import init_kb, load_config
from tilbase.kb import KnowledgeBase
from tilbase.model import Note
from tilbase.notefile import read_note
from tilbase.text import decode_bytes


def env_count(name: str, default: int) -> int:
    """An iteration count from the environment (small by default, bigger in a long CI run)."""
    return max(int(os.environ.get(name, str(default))), 1)


def make_kb(folder: Path) -> Path:
    """A fresh KB; returns its config file."""
    init_kb(folder)
    return folder / "config.yaml"


def til_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILBASE")}
    env.update({"HOME": str(home), "NO_COLOR": "1", "TILBASE_HOME": str(home / "default-kb")})
    env.pop("EDITOR", None)
    env.pop("VISUAL", None)
    return env


def til_command(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tilbase", "--config", str(config), *args]


def start(config: Path, home: Path, *args: str, new_session: bool = False) -> subprocess.Popen[str]:
    """Start ``til`` in the background (``new_session``: in its own process group, as a
    terminal's foreground job is, so a Ctrl-C can be sent to it and its children)."""
    return subprocess.Popen(
        til_command(config, *args),
        env=til_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=new_session,
    )


def til(
    config: Path, home: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``til`` to the end."""
    return subprocess.run(
        til_command(config, *args),
        env=til_env(home),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=timeout,
        check=False,
    )


def note_files(kb_dir: Path) -> list[Path]:
    return sorted(p for p in (kb_dir / "notes").rglob("*.md") if not p.name.startswith("."))


def read_all(kb_dir: Path) -> list[Note]:
    """Every note file read straight from disk; asserts each one is a whole note."""
    notes = []
    for path in note_files(kb_dir):
        data = path.read_bytes()
        decoded = decode_bytes(data)
        assert decoded is not None, f"{path} is not text"
        assert decoded.warning is None, f"{path}: {decoded.warning}"
        result = read_note(decoded.text, path.name)
        assert not [w for w in result.warnings if "frontmatter" in w], (path, result.warnings)
        assert data.startswith(b"---\n"), f"{path} lost its frontmatter: {data[:80]!r}"
        notes.append(result.note)
    return notes


def kb_notes(config: Path) -> list[Note]:
    """The notes as the library sees them after a rescan."""
    kb = KnowledgeBase(load_config(config))
    kb.rescan()
    return kb.notes()
