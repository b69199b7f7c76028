"""Real subprocesses: piped output and NO_COLOR carry no escape codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _til(kb_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("NO_COLOR", None) if env is None else None
    command = [sys.executable, "-m", "tilbase", "--config", str(kb_dir / "config.yaml"), *args]
    done = subprocess.run(command, capture_output=True, text=True, env=full_env, check=True)
    return done.stdout + done.stderr


def test_log_piped_and_no_color_search_print_no_escape_codes(kb_dir: Path) -> None:
    _til(kb_dir, "add", "colour", "me", "-t", "x")
    assert "\x1b[" not in _til(kb_dir, "log")
    assert "\x1b[" not in _til(kb_dir, "stats")
    out = _til(kb_dir, "search", "x", env={"NO_COLOR": "1", "TERM": "xterm-256color"})
    assert "\x1b[" not in out
