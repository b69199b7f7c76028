"""The Markdown export format, checked with a small reader written from export-format.md.

The real parser lives on another branch; this reader follows the contract
(heading line, start marker with JSON, body, end marker; ``"nl": false``) so
that the exporter is proven to write what the contract promises.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tilbase.export.anchors import github_slug, unclosed_fence
from tilbase.export.base import GROUP_BYS, ExportOptions, GroupBy
from tilbase.export.markdown import entry_heading, marker_json, render_markdown
from tilbase.model import Note

_START = re.compile(r"^<!-- til (\{.*\}) -->\s*$")
_END = re.compile(r"^<!-- /til -->\s*$")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?: |$)")
_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")


def read_export(text: str) -> list[tuple[str, dict[str, Any], str]]:
    """A test-only reader of the export format: (heading line, marker JSON, body) per entry."""
    lines = _LINES.findall(text)
    entries = []
    i = 1
    while i < len(lines):
        start = _START.match(lines[i].removesuffix("\n"))
        if not (start and _HEADING.match(lines[i - 1])):
            i += 1
            continue
        meta = json.loads(start.group(1))
        j = i + 1
        while j < len(lines) and not _END.match(lines[j].removesuffix("\n")):
            j += 1
        body = "".join(lines[i + 1 : j])
        if meta.get("nl") is False:
            assert body.endswith("\n")
            body = body[:-1]
        entries.append((lines[i - 1].removesuffix("\n"), meta, body))
        i = j + 1
    return entries


def as_record(note: Note) -> tuple[Any, ...]:
    return (
        note.id,
        note.title,
        note.date.isoformat() if note.date else None,
        note.topic,
        tuple(note.tags),
        note.body,
    )


def read_records(text: str) -> Counter[tuple[Any, ...]]:
    return Counter(
        (m["id"], m["title"], m["date"], m["topic"], tuple(m["tags"]), body)
        for _heading, m, body in read_export(text)
    )


def export(notes: list[Note], group_by: GroupBy = "date") -> str:
    text = render_markdown(notes, ExportOptions(group_by=group_by)).text
    assert text is not None
    return text


# -- hypothesis: every note comes back exactly once, whatever it holds ---------------------

FRAGMENTS = [
    "# A heading\n",
    "## 2022-11-01 Topic: A dated heading (tag)\n",
    "# 14.02.2023 Neural Networks: How to enable lifelong learning? (Theory)\n",
    "Day 3: Nov 1, 2022\n",
    "## Day 1: 31 Aug 2022\n",
    "```python\n# a comment, not a heading\nx = 1\n```\n",
    "```\nan unclosed fence\n",
    "~~~~\n```\nstill code\n",
    "<!-- a comment -->\n",
    "<!--\nmulti-line comment\n-->\n",
    "<!-- til is a word -->\n",
    "- a bullet with #hashtag\n",
    "Windows line\r\n",
    "\r\n",
    "---\n",
    "Setext\n===\n",
    "ünïcödé ✓ 日本語 🙂\n",
    "\t tab and trailing spaces   \n",
    "    indented code\n",
    "> quote\n",
    "text without newline",
    "\n",
]
TRICKY_TITLES = [
    "Why: is (this) #1?",
    "C# and F#",
    "Vision Model: Pretraining: What are good practices?",
    "ends with --> arrow",
    "line\u2028separator",
    "café 日本",
    "[link](http://x) `code` **bold**",
    "",
]

segment = st.text(
    alphabet=st.characters(blacklist_characters="/"),
    min_size=1,
    max_size=12,
)
titles = st.one_of(st.sampled_from(TRICKY_TITLES), st.text(max_size=40))
topics = st.one_of(st.none(), st.lists(segment, min_size=1, max_size=3).map("/".join))
tag_names = st.lists(
    st.text(alphabet="abcxyz-_ Ü9", min_size=1, max_size=6), min_size=1, max_size=3
).map("/".join)
bodies = st.one_of(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=15)), max_size=8).map("".join),
    st.text(max_size=60),
)
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1)))


@st.composite
def note_lists(draw: st.DrawFn) -> list[Note]:
    count = draw(st.integers(min_value=0, max_value=6))
    notes = []
    for i in range(count):
        body = draw(bodies)
        assume(not re.search(r"^<!-- (?:til \{.*\}|/til) -->\s*$", body, re.M))
        notes.append(
            Note(
                id=f"n{i}",
                title=draw(titles),
                date=draw(dates),
                topic=draw(topics),
                tags=tuple(draw(st.lists(tag_names, max_size=3))),
                body=body,
            )
        )
    return notes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes=note_lists(), group_by=st.sampled_from(GROUP_BYS))
def test_every_note_reads_back_exactly_once(notes: list[Note], group_by: GroupBy) -> None:
    text = export(notes, group_by)
    assert read_records(text) == Counter(as_record(note) for note in notes)


@settings(max_examples=60, deadline=None)
@given(notes=note_lists())
def test_marker_lines_are_single_lines_that_json_parses(notes: list[Note]) -> None:
    for note in notes:
        marker = marker_json(note)
        assert "-->" not in marker
        assert marker.splitlines() == [marker]
        assert json.loads(marker)["title"] == note.title
        assert entry_heading(note).splitlines() in ([entry_heading(note)], [])


# -- the layout, example by example ---------------------------------------------------------


def note(
    note_id: str,
    title: str,
    date: str | None = None,
    topic: str | None = None,
    tags: tuple[str, ...] = (),
    body: str = "body\n",
) -> Note:
    return Note(
        id=note_id,
        title=title,
        date=dt.date.fromisoformat(date) if date else None,
        topic=topic,
        tags=tags,
        body=body,
    )


NOTES = [
    note("a", "Why is Python slow?", "2022-11-25", "Python", ("python", "performance")),
    note("b", "Kedro pipelines", "2022-11-02", "MLOps", ("tools",)),
    note("c", "Lifelong learning", "2023-02-14", "Neural Networks", ("theory", "python")),
    note("d", "An undated link", None, None, ()),
]


def headings(text: str, level: str) -> list[str]:
    return [line[len(level) + 1 :] for line in text.splitlines() if line.startswith(level + " ")]


def test_group_by_date_newest_month_first_undated_last() -> None:
    text = export(NOTES, "date")
    assert headings(text, "##") == ["February 2023", "November 2022", "Undated"]
    assert headings(text, "###") == [
        "2023-02-14 Neural Networks: Lifelong learning (theory) (python)",
        "2022-11-25 Python: Why is Python slow? (python) (performance)",
        "2022-11-02 MLOps: Kedro pipelines (tools)",
        "An undated link",
    ]
    assert text.startswith("# TIL notes\n\n4 notes, grouped by month.")
    assert "- [February 2023](#february-2023) (1)\n" in text
    assert "- [November 2022](#november-2022) (2)\n" in text


def test_group_by_topic_sorted_without_topic_last() -> None:
    text = export(NOTES, "topic")
    assert headings(text, "##") == ["MLOps", "Neural Networks", "Python", "No topic"]


def test_topics_differing_in_case_share_a_group() -> None:
    text = export([note("a", "A", topic="Git"), note("b", "B", topic="git")], "topic")
    assert headings(text, "##") == ["Git"]


def test_group_by_tag_writes_each_note_once_under_its_first_tag() -> None:
    text = export(NOTES, "tag")
    assert headings(text, "##") == ["performance", "python", "theory", "tools", "Untagged"]
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    sections = {part.split("\n", 1)[0]: part for part in parts}
    # "c" is tagged (theory, python): its entry is under theory, python links to it.
    assert "Lifelong learning" in headings(sections["theory"], "###")[0]
    python = sections["python"]
    assert len(headings(python, "###")) == 1  # only "a", whose first tag is python
    anchor = "2023-02-14-neural-networks-lifelong-learning-theory-python"
    link = f"- [2023-02-14 Lifelong learning](#{anchor})"
    assert f"Also tagged python:\n\n{link}\n" in python
    assert sections["performance"].count("<!-- til ") == 0  # "a" lives under python
    assert "- [python](#python) (2)" in text  # one entry plus one link
    assert read_records(text) == Counter(as_record(n) for n in NOTES)


def test_group_by_none_uses_level_two_headings_and_lists_entries() -> None:
    text = export(NOTES, "none")
    assert len(headings(text, "##")) == 4
    assert headings(text, "###") == []
    anchor = "2022-11-25-python-why-is-python-slow-python-performance"
    assert f"- [2022-11-25 Why is Python slow?](#{anchor})" in text


def test_toc_anchors_match_the_rendered_headings() -> None:
    # Two identical headings and a body heading that GitHub numbers in between.
    notes = [
        note("x1", "Same", "2022-01-02", body="## 2022-01-01 Same\n"),
        note("x2", "Same", "2022-01-01"),
        note("x3", "Same", "2022-01-01"),
    ]
    text = export(notes, "none")
    md = MarkdownIt("commonmark")
    tokens = md.parse(text)
    rendered = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert rendered[1:] == [
        "2022-01-02 Same",
        "2022-01-01 Same",
        "2022-01-01 Same",
        "2022-01-01 Same",
    ]
    # GitHub numbering: 2022-01-01-same (body heading), -1 (x2), -2 (x3)
    assert "(#2022-01-01-same-1)" in text
    assert "(#2022-01-01-same-2)" in text
    assert "(#2022-01-02-same)" in text


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("November 2022", "november-2022"),
        (
            "2022-11-25 Python: Why is Python slow? (python)",
            "2022-11-25-python-why-is-python-slow-python",
        ),
        ("lang/python", "langpython"),
        ("C# and `code`", "c-and-code"),
        ("Ünïcode 日本", "ünïcode-日本"),
        ("snake_case two", "snake_case-two"),
    ],
)
def test_github_slug(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def test_entry_layout_is_the_contract() -> None:
    text = export([note("a", "T", "2022-11-25", "Py/Perf", ("x",), body="line\n")], "none")
    assert (
        "## 2022-11-25 Py: Perf: T (x)\n"
        '<!-- til {"id": "a", "title": "T", "date": "2022-11-25", "topic": "Py/Perf", '
        '"tags": ["x"]} -->\n'
        "line\n"
        "<!-- /til -->\n"
    ) in text


def test_body_without_final_newline_gets_nl_false() -> None:
    text = export([note("a", "T", body="no newline")], "none")
    assert '"nl": false} -->\nno newline\n<!-- /til -->\n' in text
    assert read_export(text)[0][2] == "no newline"


def test_empty_body_has_no_nl_key_and_no_line() -> None:
    text = export([note("a", "T", body="")], "none")
    assert '"tags": []} -->\n<!-- /til -->\n' in text


def test_crlf_body_is_kept_byte_for_byte() -> None:
    body = "one\r\ntwo\r\n\r\nthree"
    text = export([note("a", "T", body=body)], "none")
    assert read_export(text)[0][2] == body


def test_marker_escapes_what_would_break_its_line_or_comment() -> None:
    n = note("a", "a --> b\u2028c\x85d")
    marker = marker_json(n)
    for unsafe in ("-->", "\u2028", "\x85"):
        assert unsafe not in marker
    assert json.loads(marker)["title"] == "a --> b\u2028c\x85d"


def test_heading_is_one_line_even_for_a_multiline_title() -> None:
    assert entry_heading(note("a", "two\nlines\r\nhere", "2022-01-01")) == (
        "2022-01-01 two lines here"
    )


def test_unclosed_fence_is_closed_outside_the_entry() -> None:
    notes = [
        note("a", "Open fence", "2022-01-02", body="```sh\necho hi\n"),
        note("b", "After", "2022-01-01"),
    ]
    text = export(notes, "none")
    assert "echo hi\n<!-- /til -->\n```sh\n" not in text  # the info string is not repeated
    assert "echo hi\n<!-- /til -->\n```\n\n## 2022-01-01 After" in text
    assert read_records(text) == Counter(as_record(n) for n in notes)
    tokens = MarkdownIt("commonmark").parse(text)
    assert sum(t.type == "heading_open" for t in tokens) == 3  # title + both entries


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("no fence\n", None),
        ("```\ncode\n```\n", None),
        ("```\ncode\n```", None),
        ("```\ncode\n", "```"),
        ("~~~~\n```\n", "~~~~"),
        ("````\ncode\n```\n", "````"),
        ("- item\n  ```\n  code\n", None),  # ends with its list item
        ("```\ncode\n   ```  \n", None),
        ("```", "```"),
    ],
)
def test_unclosed_fence(body: str, expected: str | None) -> None:
    assert unclosed_fence(body) == expected


def test_a_body_holding_a_marker_line_is_warned_about() -> None:
    result = render_markdown([note("a", "T", body="text\n<!-- /til -->\nmore\n")], ExportOptions())
    assert result.warnings == (
        "a: the body holds a line that looks like an export marker; "
        "this note will not import back exactly",
    )


def test_empty_export_is_a_valid_document() -> None:
    for group_by in GROUP_BYS:
        text = export([], group_by)
        assert text.startswith("# TIL notes\n\n0 notes,")
        assert read_export(text) == []


def test_title_option() -> None:
    text = render_markdown(NOTES, ExportOptions(title="Reading  list")).text
    assert text is not None
    assert text.startswith("# Reading list\n")
