"""Long output through a pager only on a terminal; colour switched off on request."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import tilbase.render.pager as pager_module
from tilbase.render import set_color, stdout_console
from tilbase.render.pager import DEFAULT_PAGER, paged, pager_command


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, list(DEFAULT_PAGER)),
        ({"PAGER": "more"}, ["more"]),
        ({"PAGER": "less -R", "TILBASE_PAGER": "bat --plain"}, ["bat", "--plain"]),
        ({"PAGER": "more", "TILBASE_PAGER": ""}, None),
        ({"PAGER": ""}, None),
        ({"PAGER": "cat"}, None),
        ({"PAGER": "'my pager' -x"}, ["my pager", "-x"]),
    ],
)
def test_pager_command(env: dict[str, str], expected: list[str] | None) -> None:
    assert pager_command(env) == expected


class FakeTerminal(io.StringIO):
    """Stands in for sys.stdout on a terminal."""

    encoding = "utf-8"  # type: ignore[assignment]

    def isatty(self) -> bool:
        return True


def recording_pager(tmp_path: Path) -> tuple[dict[str, str], Path]:
    received = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text(
        "import os, sys\n"
        f"open({str(received)!r}, 'w', encoding='utf-8').write("
        "os.environ.get('LESS', '-') + '|' + sys.stdin.read())\n"
    )
    return {"TILBASE_PAGER": f"{sys.executable} {script}"}, received


LONG = "".join(f"line {n} ✓\n" for n in range(200))


def test_long_output_on_a_terminal_goes_through_the_pager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, received = recording_pager(tmp_path)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with paged(env=env) as paging:
        assert paging
        assert sys.stdout.isatty()  # Rich keeps drawing for a terminal
        sys.stdout.write(LONG)
    assert sys.stdout is terminal
    assert terminal.getvalue() == ""
    assert received.read_text(encoding="utf-8") == "-|" + LONG


def test_short_output_is_written_directly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env, received = recording_pager(tmp_path)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with paged(env=env):
        sys.stdout.write("one line\n")
    assert terminal.getvalue() == "one line\n"
    assert not received.exists()


def test_no_pager_in_a_pipe_or_with_no_pager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, received = recording_pager(tmp_path)
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stdout", pipe)
    with paged(env=env) as paging:
        assert not paging
        sys.stdout.write(LONG)
    assert pipe.getvalue() == LONG
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with paged(enabled=False, env=env) as paging:  # --no-pager
        assert not paging
        sys.stdout.write(LONG)
    assert terminal.getvalue() == LONG
    assert not received.exists()


def test_a_pager_that_cannot_start_shows_the_text_anyway(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with paged(env={"TILBASE_PAGER": "/nonexistent/pager"}):
        sys.stdout.write(LONG)
    assert terminal.getvalue() == LONG


def test_output_before_an_error_is_not_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)

    def fail_midway() -> None:
        with paged(env={"TILBASE_PAGER": "/nonexistent/pager"}):
            sys.stdout.write("partial\n")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_midway()
    assert terminal.getvalue() == "partial\n"
    assert sys.stdout is terminal


def test_less_gets_frx_unless_less_is_set() -> None:
    assert pager_module._pager_env(["less"], {})["LESS"] == "FRX"
    assert pager_module._pager_env(["/usr/bin/less"], {"LESS": "S"})["LESS"] == "S"
    assert "LESS" not in pager_module._pager_env(["more"], {})


def test_rich_output_keeps_its_colours_on_the_way_to_the_pager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, received = recording_pager(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys, "stdout", FakeTerminal())
    with paged(env=env):
        for n in range(100):
            stdout_console().print(f"[red]row {n}[/]")
    assert "\x1b[31mrow 0" in received.read_text(encoding="utf-8")


def test_set_color_false_drops_colour_but_not_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    try:
        set_color(False)
        stdout_console().print("[red]plain[/]")
        assert terminal.getvalue() == "plain\n"
        set_color(None)
        stdout_console().print("[red]red[/]")
        assert "\x1b[31mred" in terminal.getvalue()
    finally:
        set_color(None)
