"""The real ``til`` process: start-up cost, pipes, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _til(kb_dir: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "tilbase", "--config", str(kb_dir / "config.yaml"), *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "code",
    [
        "import tilbase.cli",
        "import sys; sys.argv = ['til', '--help']\nfrom tilbase.cli import main\ntry: main()\nexcept SystemExit: pass",
    ],
)
def test_the_cli_and_its_help_do_not_import_whoosh(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert not [name for name in imported if name.split(".")[0] == "whoosh"]


def test_pipe_in_pipe_out(kb_dir: Path) -> None:
    added = _til(kb_dir, "add", "-t", "shell", input="echo works in a pipe\n")
    assert added.returncode == 0, added.stderr
    note_id = added.stdout.strip()
    listed = json.loads(_til(kb_dir, "log", "--json").stdout)
    assert [n["id"] for n in listed] == [note_id]
    shown = _til(kb_dir, "show", note_id)
    assert shown.stdout == (kb_dir / "notes" / f"{note_id}.md").read_text()
    assert "\x1b[" not in shown.stdout


def test_errors_are_one_line_with_exit_1_and_no_traceback(kb_dir: Path) -> None:
    result = _til(kb_dir, "show", "missing")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: no note has id 'missing'")
    assert len(result.stderr.splitlines()) == 1


def test_usage_errors_exit_2(kb_dir: Path) -> None:
    assert _til(kb_dir, "log", "--bogus").returncode == 2
