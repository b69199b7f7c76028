"""Canonical note files: reading any .md file, writing the canonical form, editing one key."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tilbase.dates import InvalidDate
from tilbase.model import Note, Source
from tilbase.notefile import (
    load_yaml_mapping,
    read_note,
    render_note,
    set_frontmatter_key,
    split_frontmatter,
)
from tilbase.notemeta import coerce_date, date_from_path

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


# -- regressions from the code review ---------------------------------------------------


@pytest.mark.parametrize(
    ("before", "problem"),
    [
        # The whole frontmatter as one {...} mapping: replacing "from the key line" lost id/title.
        ("---\n{id: flow, title: Flow note, date: 2023-01-01, tags: [a]}\n---\nb\n", "flow"),
        # An alias as the value: the edit duplicated text and gave two tags keys.
        (
            "---\nbase: &t [a]\ntags: *t\n---\nb\n",
            r"line 3: 'tags' uses a YAML anchor or alias \(\*t\)",
        ),
        # An anchor on the value that another key refers to: the alias would dangle.
        ("---\ntags: &t [a]\nother: *t\n---\nb\n", r"line 2: .*anchor or alias \(&t\)"),
        # Two tags keys: the first one was replaced, the second (the one read) kept: no change.
        ("---\ntags: [a]\ntitle: T\ntags: [b]\n---\nb\n", "'tags' is set 2 times"),
        # A comment between the list's items would be deleted with the list.
        ("---\ntags:\n- a  # why a\n- b\n---\nb\n", "line 3: a comment inside the 'tags' value"),
        ("---\n  id: x\n  tags: [a]\n---\nb\n", "indented"),
        ("---\n- a\n- b\n---\nb\n", "not a mapping"),
    ],
)
def test_set_frontmatter_key_corrupting_unusual_yaml_is_refused(before: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        set_frontmatter_key(before, "tags", ["a", "c"])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # A comment line after a block list used to be deleted with the list.
        (
            "---\nid: x\ntags:\n  - a\n# more tags soon\n\nlayout: post\n---\nb\n",
            "---\nid: x\ntags: [a, c]\n# more tags soon\n\nlayout: post\n---\nb\n",
        ),
        (
            "---\nid: x\ntags:\n- a\n# the last line is a comment\n---\nb\n",
            "---\nid: x\ntags: [a, c]\n# the last line is a comment\n---\nb\n",
        ),
        # A comment at the end of the value's line stays at the end of the new value.
        (
            "---\nid: x\ntags: [a]  # topics\nz: 1\n---\nb\n",
            "---\nid: x\ntags: [a, c]  # topics\nz: 1\n---\nb\n",
        ),
        (
            "---\r\ntags: a # one\r\nz: 1\r\n---\r\nb\r\n",
            "---\r\ntags: [a, c] # one\r\nz: 1\r\n---\r\nb\r\n",
        ),
        ("---\ntags:   # none yet\nz: 1\n---\n", "---\ntags: [a, c]   # none yet\nz: 1\n---\n"),
        # Quoted '#' is text, not a comment; block scalars end with their own newline.
        ("---\ntags: 'a # b'\n---\n", "---\ntags: [a, c]\n---\n"),
        ("---\ntags: |\n  a b\nz: 1\n---\n", "---\ntags: [a, c]\nz: 1\n---\n"),
        # A merge key: the explicit key added after it wins when the file is read.
        ("---\n<<: {tags: [a]}\n---\n", "---\n<<: {tags: [a]}\ntags: [a, c]\n---\n"),
    ],
)
def test_set_frontmatter_key_deleting_comments_keeps_them(before: str, after: str) -> None:
    assert set_frontmatter_key(before, "tags", ["a", "c"]) == after


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20230214, dt.date(2023, 2, 14)),  # was 1970-08-23
        ("20230214", dt.date(2023, 2, 14)),
        (1675209600, dt.date(2023, 2, 1)),  # epoch seconds
        (1675209600000, dt.date(2023, 2, 1)),  # epoch milliseconds
        (1_000_000_000, dt.date(2001, 9, 9)),
        (2023, None),  # was 1970-01-01
        (0, None),
        (-86400, None),
        (20231340, None),  # 8 digits but no such day
        (999_999_999, None),  # below the epoch-seconds range
        (12.5, None),
    ],
)
def test_integer_frontmatter_dates_invented_1970_dates(
    value: object, expected: dt.date | None
) -> None:
    if expected is None:
        with pytest.raises(InvalidDate):
            coerce_date(value)
    else:
        assert coerce_date(value) == expected


def test_integer_year_date_is_a_warning_and_the_file_name_date() -> None:
    # Decided in issue 8: a frontmatter date that is not a day falls back to the file
    # name's date, as ``til import`` always did (it was undated in the KB before).
    result = read_note("---\ndate: 2023\n---\nx\n", "2024-01-01.md")
    assert result.note.date == dt.date(2024, 1, 1)  # not 1970
    assert result.warnings == [
        "2024-01-01.md:1: date: '2023' is not a date; using 2024-01-01 from the file name"
    ]


def test_integer_year_date_without_a_name_date_is_undated() -> None:
    result = read_note("---\ndate: 2023\n---\nx\n", "notes/x.md")
    assert result.note.date is None
    assert result.warnings == ["notes/x.md:1: date: '2023' is not a date; the note is kept undated"]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("[a, b]", "[a, b] is not a single text value"),  # was the id "['a', 'b']"
        ("{a: 1}", "is not a single text value"),
        ("1.5", "1.5 is not a single text value"),
        ("true", "true is not a single text value"),
        ("../../escape", "'../../escape' contains a slash"),
        ("'a\\b'", "contains a slash"),
        ('"tab\\there"', "contains a control character"),
        ("''", "'' is empty"),
        ("", "null is empty"),
        ("'  padded '", "starts or ends with a space"),
        ("..", "is only dots"),
    ],
)
def test_unsafe_frontmatter_ids_were_accepted(raw: str, problem: str) -> None:
    result = read_note(f"---\nid: {raw}\n---\nbody\n", "dir/My Note.md")
    assert result.note.id == "my-note"
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("dir/My Note.md:1: the frontmatter id ")
    assert problem in result.warnings[0]
    assert result.warnings[0].endswith("; using 'my-note' (from the file name)")


@pytest.mark.parametrize(("raw", "expected"), [("2023-01-01-x", "2023-01-01-x"), ("42", "42")])
def test_string_and_integer_ids_are_kept(raw: str, expected: str) -> None:
    result = read_note(f"---\nid: {raw}\n---\nbody\n", "n.md")
    assert (result.note.id, result.warnings) == (expected, [])


def _entry(key: str, value: object, flow: bool) -> str:
    """One ``key: value`` entry of a block mapping; a list in [a, b] or block style."""
    if flow and isinstance(value, list):
        return f"{key}: " + yaml.safe_dump(value, default_flow_style=True, width=10**6)
    return yaml.safe_dump({key: value}, default_flow_style=False, allow_unicode=True, width=10**6)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
_COMMENT = st.sampled_from(["", "# a comment\n", "\n", "  # indented comment\n"])


@given(
    values=st.dictionaries(
        st.sampled_from(["id", "title", "layout", "aliases", "tag"]),
        st.one_of(_TEXT, st.lists(_TEXT, max_size=3), st.integers()),
        max_size=4,
    ),
    old_tags=st.one_of(st.none(), st.lists(_TEXT, max_size=3)),
    flow=st.booleans(),
    comments=st.lists(_COMMENT, min_size=6, max_size=6),
    new_tags=st.lists(st.from_regex(r"[a-z][a-z0-9/-]{0,10}", fullmatch=True), max_size=4),
)
def test_set_frontmatter_key_changes_that_key_and_nothing_else(
    values: dict[str, object],
    old_tags: list[str] | None,
    flow: bool,
    comments: list[str],
    new_tags: list[str],
) -> None:
    entries = dict(values)
    if old_tags is not None:
        entries["tags"] = old_tags
    lines = [_entry(k, v, flow) for k, v in entries.items()]
    fm = "".join(comment + line for comment, line in zip(comments, lines, strict=False))
    text = f"---\n{fm}---\nbody #x\n"
    after = set_frontmatter_key(text, "tags", new_tags)
    split = split_frontmatter(after)
    assert split.body == "body #x\n"
    assert split.frontmatter is not None
    assert load_yaml_mapping(split.frontmatter) == {**entries, "tags": new_tags}
    for comment in comments[: len(lines)]:
        assert comment.strip() in after


@pytest.mark.parametrize(
    "title",
    [
        "Shipped it 🎉",
        "🎉",
        "Zürich café – naïve",
        "日本語のメモ",
        "𝛼-conversion",
        "C:\\Users\\U0001 path",
    ],
)
def test_frontmatter_writes_every_character_as_itself(title: str) -> None:
    # Regression (issue 11): libyaml wrote emoji as "\U0001F389" escapes even with allow_unicode.
    note = Note(id="x", title=title, topic=f"Fun {title}", body="b\n")
    text = render_note(note)
    assert f"title: {title}\n" in text or f"title: '{title}'\n" in text
    assert f"Fun {title}" in text
    assert "\\U0001" not in text.replace(title, "")
    assert read_note(text, "x.md").note == note


@given(
    st.text(
        st.characters(categories=("L", "N", "So"), include_characters=" "), min_size=1, max_size=30
    ).filter(lambda t: t.strip() == t and "  " not in t)
)
def test_titles_in_any_script_or_emoji_round_trip(title: str) -> None:
    note = Note(id="x", title=title, body="b\n")
    assert read_note(render_note(note), "x.md").note.title == title
