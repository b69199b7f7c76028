"""On a narrow terminal ids are never broken (so a double-click copies the whole id)."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.console import Console

import tilbase.render.notes as render_notes
import tilbase.render.search as render_search
from tilbase.model import Note
from tilbase.render.notes import print_id_line, print_note, print_note_list
from tilbase.search import SearchHit, SearchResult

LONG_ID = "2023-02-14-how-to-enable-lifelong-learning-in-neural-networks"
NOTE = Note(
    id=LONG_ID,
    title="How to enable lifelong learning in neural networks?",
    date=dt.date(2023, 2, 14),
    topic="Neural Networks",
    tags=("theory", "machine-learning"),
    body="Body text.\n",
)
SHORT = Note(id="2024-01-01-git", title="Git", date=dt.date(2024, 1, 1), tags=("git",))


def terminal(monkeypatch: pytest.MonkeyPatch, width: int) -> Console:
    console = Console(record=True, force_terminal=True, width=width, color_system=None)
    for module in (render_notes, render_search):
        monkeypatch.setattr(module, "is_terminal", lambda: True)
        monkeypatch.setattr(module, "stdout_console", lambda: console)
    return console


def lines(console: Console) -> list[str]:
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [30, 40, 60, 100])
def test_log_never_breaks_an_id(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    console = terminal(monkeypatch, width)
    print_note_list([NOTE, SHORT])
    shown = lines(console)
    assert any(LONG_ID in line for line in shown)
    assert any("2024-01-01-git" in line for line in shown)
    assert any("#machine-learning" in line for line in shown)


def test_log_keeps_id_and_tags_on_one_line_when_they_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    console = terminal(monkeypatch, 40)
    print_note_list([SHORT])
    assert "  2024-01-01-git  #git" in lines(console)


@pytest.mark.parametrize("width", [40, 120])
def test_show_never_breaks_an_id(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    console = terminal(monkeypatch, width)
    print_note(NOTE, "raw")
    shown = lines(console)
    id_line = next(i for i, line in enumerate(shown) if LONG_ID in line)
    assert any(line.startswith("2023-02-14  ") for line in shown[: id_line + 1])  # date first


def test_search_results_never_break_an_id(monkeypatch: pytest.MonkeyPatch) -> None:
    console = terminal(monkeypatch, 40)
    hit = SearchHit(NOTE, 1.0, [(NOTE.title, False)], [("lifelong", True), (" learning", False)])
    render_search.print_search_result(SearchResult([hit], 1))
    assert any(LONG_ID in line for line in lines(console))


def test_an_id_wider_than_the_terminal_is_one_unbroken_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    console = Console(record=True, force_terminal=True, width=20, color_system=None)
    print_id_line(console, LONG_ID, "[green]#tag[/]", 12)
    assert lines(console) == [LONG_ID, " " * 12 + "#tag"]


def test_typographic_bullets_show_as_a_list_not_one_paragraph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: an imported plain-text day ('  • a' lines) showed as one run-on paragraph."""
    console = terminal(monkeypatch, 80)
    body = "  • git reflog shows history\n  • git reset HEAD@{1} goes back\n```\n• kept\n```\n"
    print_note(NOTE.with_changes(body=body), body)
    shown = lines(console)
    assert sum("git reflog shows history" in line for line in shown) == 1
    reflog = next(line for line in shown if "git reflog" in line)
    assert "git reset" not in reflog  # each bullet on its own line
    assert any("git reset HEAD@{1} goes back" in line for line in shown)
    assert any(line.strip() == "• kept" for line in shown)  # code is shown as it is


def test_displayed_markdown_changes_only_bullet_lines_outside_code() -> None:
    body = "• a\n\t◦ b\ntext • not a bullet\n~~~\n• code\n~~~\n"
    assert render_notes.displayed_markdown(body) == (
        "- a\n\t- b\ntext • not a bullet\n~~~\n• code\n~~~\n"
    )
    assert render_notes.displayed_markdown("plain") == "plain"
