"""Help that teaches: a summary and examples for every command; `til` alone is an overview."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from tilbase.cli import OVERVIEW, app


def _commands(group: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in sorted(getattr(group, "commands", {}).items()):
        yield from _commands(command, (*path, name))


ROOT = get_command(app)
ALL_COMMANDS = list(_commands(ROOT))


def _command_at(path: tuple[str, ...]) -> object:
    command: object = ROOT
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path in ALL_COMMANDS}
    assert {"", "add", "search", "log", "tag", "tag rename", "export", "import"} <= names
    assert len(ALL_COMMANDS) >= 17


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "til")
def test_every_command_has_a_summary_and_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="til")
    assert result.exit_code == 0, result.output
    text = result.stdout
    summary = text.split("\n\n")[1].strip()
    assert summary
    assert summary.endswith((".", ")")), summary
    assert "\n  Examples:\n" in text
    examples = text.split("\n  Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples
    assert all(line.startswith("    ") for line in examples)
    assert any(" ".join(("til", *path)) in line for line in examples), examples


def test_til_alone_prints_the_overview_and_succeeds() -> None:
    result = CliRunner().invoke(app, [], prog_name="til")
    assert result.exit_code == 0
    assert result.stdout == OVERVIEW
    commands = [line.split()[1] for line in OVERVIEW.splitlines() if line.startswith("  til ")]
    assert len(commands) == 5
    assert all(len(line) <= 80 for line in OVERVIEW.splitlines())


def test_a_bare_group_prints_its_help_and_succeeds() -> None:
    result = CliRunner().invoke(app, ["tag"], prog_name="til")
    assert result.exit_code == 0
    assert "Usage: til tag" in result.stdout
    assert "rename" in result.stdout


def test_minus_n_means_limit_everywhere() -> None:
    shorts: dict[str, set[str]] = {}
    for path in ALL_COMMANDS:
        for param in getattr(_command_at(path), "params", []):
            for opt in param.opts + param.secondary_opts:
                if len(opt) == 2:
                    shorts.setdefault(opt, set()).add(param.opts[0])
    assert shorts["-n"] == {"--limit"}
    assert all(len(longs) == 1 for longs in shorts.values()), shorts


def test_tag_rename_dry_run_has_no_short_option() -> None:
    result = CliRunner().invoke(app, ["tag", "rename", "a", "b", "-n"], prog_name="til")
    assert result.exit_code == 2
