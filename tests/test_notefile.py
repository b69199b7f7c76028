"""Canonical note files: reading any .md file, writing the canonical form, editing one key."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.model import Note, Source
from tilbase.notefile import (
    date_from_path,
    read_note,
    render_note,
    set_frontmatter_key,
    split_frontmatter,
)

CANONICAL = """---
id: 2023-02-14-how-to-enable-lifelong-learning
title: How to enable lifelong learning?
date: 2023-02-14
topic: Neural Networks
tags: [theory]
source: {path: insights.md, line: 7}
---
- Having an initial structure
"""


def test_read_canonical_note() -> None:
    result = read_note(CANONICAL, "2023-02-14-how-to-enable-lifelong-learning.md")
    note = result.note
    assert result.warnings == []
    assert note.id == "2023-02-14-how-to-enable-lifelong-learning"
    assert note.title == "How to enable lifelong learning?"
    assert note.date == dt.date(2023, 2, 14)
    assert note.topic == "Neural Networks"
    assert note.tags == ("theory",)
    assert note.source == Source("insights.md", 7)
    assert note.body == "- Having an initial structure\n"


def test_render_then_read_gives_the_same_note() -> None:
    note = Note(
        id="2023-02-14-x",
        title="Vision Model: Pretraining: what? (yes) #no",
        date=dt.date(2023, 2, 14),
        topic="Vision Model/Pretraining",
        tags=("theory", "lang/python"),
        body="  indented first line\n\n---\ntrailing blank lines\n\n\n",
        source=Source("insights.md", 12, "k", "d"),
    )
    assert read_note(render_note(note), "x.md").note == note


@given(
    title=st.text(min_size=1, max_size=40).filter(lambda t: t.strip() == t and "\r" not in t),
    body=st.text(max_size=200),
    tags=st.lists(st.from_regex(r"[a-z][a-z0-9]{0,8}(/[a-z]{1,5})?", fullmatch=True), max_size=4),
)
def test_body_survives_byte_for_byte(title: str, body: str, tags: list[str]) -> None:
    note = Note(id="n", title=title, tags=tuple(tags), body=body)
    back = read_note(render_note(note), "n.md").note
    assert back.body == body
    assert set(note.tags) <= set(back.tags)


def test_a_file_without_frontmatter_takes_id_title_and_date_from_name_and_text() -> None:
    note = read_note("# 2022-01-03\n- [[wiki]] stuff #push\n", "journal/2022_01_03.md").note
    assert note.id == "2022-01-03"
    assert note.title == "2022-01-03"
    assert note.date == dt.date(2022, 1, 3)
    assert note.tags == ("push",)


def test_hand_written_frontmatter_aliases() -> None:
    text = "---\ntitle: 'Tuesday: notes'\ncreated: 1675209600000\ntag: ropensci\ncategories: [ecology, code]\n---\nbody\n"
    note = read_note(text, "Some Note.md").note
    assert note.id == "some-note"
    assert note.title == "Tuesday: notes"
    assert note.date == dt.date(2023, 2, 1)
    assert note.tags == ("ropensci",)
    assert note.topic == "ecology/code"


def test_broken_frontmatter_is_kept_as_text_with_a_warning() -> None:
    text = "---\ntitle: [unclosed\n---\n# Real title\n"
    result = read_note(text, "broken.md")
    assert result.note.body == text
    assert result.note.title == "Real title"
    assert result.warnings
    assert result.warnings[0].startswith("broken.md:1: broken frontmatter")


def test_an_impossible_frontmatter_date_is_a_warning_and_no_date() -> None:
    result = read_note("---\ndate: 2023-02-30\n---\nx\n", "n.md")
    assert result.note.date is None
    assert "2023-02-30" in result.warnings[0]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("2023-01-05.md", dt.date(2023, 1, 5)),
        ("2023_01_05.md", dt.date(2023, 1, 5)),
        ("2023/01/05.md", dt.date(2023, 1, 5)),
        ("journal/2023-12-11_BASE_277894.md", dt.date(2023, 12, 11)),
        ("_posts/2012-05-03-notes.md", dt.date(2012, 5, 3)),
        ("2023-02-30.md", None),
        ("notes.md", None),
    ],
)
def test_date_from_path(path: str, expected: dt.date | None) -> None:
    assert date_from_path(path) == expected


def test_split_frontmatter_with_crlf() -> None:
    split = split_frontmatter("---\r\nid: x\r\n---\r\nbody\r\n")
    assert split.frontmatter == "id: x\r\n"
    assert split.body == "body\r\n"
    assert split.body_line == 4


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "---\nid: x\ntags:\n- a\n- b\nlayout: post\n---\nbody #a\n",
            "---\nid: x\ntags: [a, c]\nlayout: post\n---\nbody #a\n",
        ),
        ("---\nid: x\ntags: [a]   \n---\nb", "---\nid: x\ntags: [a, c]\n---\nb"),
        ("---\nid: x\n---\nb", "---\nid: x\ntags: [a, c]\n---\nb"),
        ("---\n---\nb", "---\ntags: [a, c]\n---\nb"),
        ("no frontmatter\n", "---\ntags: [a, c]\n---\nno frontmatter\n"),
        (
            "---\r\nid: x\r\ntags: [a]\r\n---\r\nb\r\n",
            "---\r\nid: x\r\ntags: [a, c]\r\n---\r\nb\r\n",
        ),
    ],
)
def test_set_frontmatter_key_changes_only_that_key(before: str, after: str) -> None:
    assert set_frontmatter_key(before, "tags", ["a", "c"]) == after


def test_set_frontmatter_key_refuses_broken_yaml() -> None:
    with pytest.raises(ValueError, match=r"unclosed|expected|found"):
        set_frontmatter_key("---\ntitle: [unclosed\n---\nb", "tags", ["a"])
