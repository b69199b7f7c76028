"""``app_for``: a command line that names a command runs an app holding only that command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from tilbase.argv import command_name
from tilbase.cli import app, app_for

NAMES = sorted(get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["log", "-n", "5"], "log"),
        (["--config", "x.yaml", "search", "log"], "search"),
        (["-c", "x.yaml", "--debug", "tag", "list"], "tag"),
        (["--no-color", "-q", "show", "abc"], "show"),
        (["--config=x.yaml", "add", "text"], "add"),
        (["--help"], None),
        (["-h", "log"], None),
        (["--version"], None),
        (["--config", "x.yaml"], None),
        ([], None),
    ],
)
def test_the_command_name_skips_global_options(args: list[str], name: str | None) -> None:
    assert command_name(args) == name


@pytest.mark.parametrize("name", NAMES)
def test_each_command_gets_an_app_with_only_itself(name: str) -> None:
    one = app_for([name, "--help"])
    assert one is not app
    assert sorted(get_command(one).commands) == [name]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", NAMES)
def test_each_commands_help_is_the_same_from_the_one_command_app(name: str) -> None:
    runner = CliRunner()
    full = runner.invoke(app, [name, "--help"], prog_name="til")
    alone = runner.invoke(app_for([name, "--help"]), [name, "--help"], prog_name="til")
    assert alone.exit_code == full.exit_code == 0
    assert alone.output == full.output


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["bogus"], ["-c", "x", "lgo"]])
def test_help_and_unknown_names_get_the_whole_app(args: list[str]) -> None:
    assert app_for(args) is app


def test_shell_completion_gets_the_whole_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_TIL_COMPLETE", "complete_bash")
    assert app_for(["log"]) is app


def test_an_unknown_command_still_says_so_in_a_real_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tilbase", "lgo"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "No such command 'lgo'" in result.stderr


def test_a_group_runs_its_subcommands_through_the_one_command_app(kb_dir: Path) -> None:
    config = kb_dir / "config.yaml"
    runner = CliRunner()
    added = runner.invoke(app, ["--config", str(config), "add", "alpha", "-t", "plants"])
    assert added.exit_code == 0, added.output
    args = ["--config", str(config), "tag", "list"]
    result = runner.invoke(app_for(args), args)
    assert result.exit_code == 0, result.output
    assert "plants" in result.output
