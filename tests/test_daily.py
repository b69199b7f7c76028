"""The daily note and appending: ids, bullets, and bodies that stay one list."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.daily import (
    append_to_body,
    as_bullet,
    daily_note_id,
    daily_note_title,
    find_daily_note,
    new_daily_note,
)
from tilbase.errors import InvalidInput
from tilbase.model import Note, is_safe_id
from tilbase.notefile import read_note, render_note

DAY = dt.date(2026, 12, 1)


def test_daily_note_id_and_title() -> None:
    assert daily_note_id(DAY) == "2026-12-01"
    assert is_safe_id(daily_note_id(DAY))
    assert daily_note_title(DAY) == "2026-12-01 Tuesday"


def test_find_daily_note_wants_the_exact_id() -> None:
    other = Note(id="2026-12-01-git-worktree", title="x", date=DAY)
    daily = Note(id="2026-12-01", title="log", date=DAY)
    assert find_daily_note([other], DAY) is None
    assert find_daily_note([other, daily], DAY) == daily


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("git worktree is neat", "- git worktree is neat\n"),
        ("  padded  \n\n", "- padded\n"),
        ("- already a bullet", "- already a bullet\n"),
        ("1. numbered", "1. numbered\n"),
        ("first\nsecond\n\nthird", "- first\n  second\n\n  third\n"),
        ("crlf\r\nline", "- crlf\n  line\n"),
    ],
)
def test_as_bullet(text: str, expected: str) -> None:
    assert as_bullet(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_nothing_to_add_is_an_error(text: str) -> None:
    with pytest.raises(InvalidInput, match="nothing to add"):
        as_bullet(text)
    with pytest.raises(InvalidInput):
        append_to_body("body\n", text)


@pytest.mark.parametrize(
    ("body", "addition", "expected"),
    [
        ("- one\n", "- two\n", "- one\n- two\n"),
        ("- one\n\n\n", "- two", "- one\n- two\n"),
        ("A paragraph.\n", "- two\n", "A paragraph.\n\n- two\n"),
        ("- one\n", "More words.", "- one\n\nMore words.\n"),
        ("", "- first\n", "- first\n"),
        ("Text\n```\ncode\n```\n", "after", "Text\n```\ncode\n```\n\nafter\n"),
    ],
)
def test_append_to_body(body: str, addition: str, expected: str) -> None:
    assert append_to_body(body, addition) == expected


def test_a_day_of_appends_is_one_list() -> None:
    note = new_daily_note(DAY, "first thing", tags=["log"])
    assert (note.id, note.date, note.tags) == ("2026-12-01", DAY, ("log",))
    body = note.body
    for text in ("second thing", "third\nwith detail"):
        body = append_to_body(body, as_bullet(text))
    assert body == "- first thing\n- second thing\n- third\n  with detail\n"
    saved = read_note(render_note(note.with_changes(body=body)), "2026-12-01.md").note
    assert saved.body == body
    assert saved.id == "2026-12-01"


@given(
    st.text(max_size=80).filter(lambda t: t.strip()),
    st.text(max_size=80).filter(lambda t: t.strip()),
)
def test_appending_keeps_the_body_and_adds_the_text(body: str, text: str) -> None:
    result = append_to_body(body, as_bullet(text))
    assert result.startswith(body.rstrip())
    assert result.endswith("\n")
    for line in text.replace("\r\n", "\n").split("\n"):
        assert line.strip() in result
