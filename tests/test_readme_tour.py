"""The README's tour runs without a usage error (issue 11: its own examples exited 2)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import Run

README = Path(__file__).resolve().parents[1] / "README.md"


def _tour_commands() -> list[tuple[list[str], str | None]]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## A short tour\n\n```sh\n(.*?)```", text, re.S)
    assert block is not None
    commands: list[tuple[list[str], str | None]] = []
    for line in block[1].splitlines():
        words = shlex.split(line, comments=True)
        stdin = None
        if "|" in words:
            cut = words.index("|")
            stdin = " ".join(words[1:cut]) + "\n"
            words = words[cut + 1 :]
        if words and words[0] == "til" and words[1:2] != ["init"]:
            commands.append((words[1:], stdin))
    return commands


@pytest.mark.parametrize(("args", "stdin"), _tour_commands(), ids=lambda a: str(a))
def test_tour_line_is_no_usage_error(
    run: Run, args: list[str], stdin: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "true")
    result = run(*args, input=stdin)
    assert result.exit_code != 2, result.stderr
