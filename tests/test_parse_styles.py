"""Style detection, one table row per shape of notes file, and ``--style`` overrides."""

from __future__ import annotations

import pytest

from tests.parse_helpers import parse
from tilbase.errors import ImportFailed
from tilbase.parse import STYLES, style_names

EXPORT = (
    "# TIL notes\n\n## March 2024\n\n### 2024-03-01 Git: Reflog\n"
    '<!-- til {"id": "2024-03-01-reflog", "title": "Reflog", "date": "2024-03-01", '
    '"topic": "Git", "tags": ["git"]} -->\n- body\n<!-- /til -->\n\n'
)


@pytest.mark.parametrize(
    ("name", "text", "style", "count"),
    [
        ("export.md", EXPORT, "export", 1),
        ("log.md", "# 01.02.2024 A\nx\n# 02.02.2024 B\ny\n", "dated-headings", 2),
        ("log.md", "# Log\n\n## 2024-02-01 A\nx\n## 2024-02-02 B\n", "dated-headings", 2),
        ("one.md", "# 2024-02-01 Only entry\nbody\n", "dated-headings", 1),
        ("log.md", "## Day 1: 31 Aug 2022\n- a\n## Day 2: 1 Sep 2022\n", "day-log", 2),
        ("log.txt", "chrome\n\nDay 1: 31 Aug 2022\n\n  • a\n", "day-log", 1),
        ("links.md", "## How to A?\nx\n## How to B?\ny\n## Pydantic\nz\n", "questions", 3),
        ("links.md", "# A\nx\n# B\ny\n", "questions", 2),
        ("page.md", "---\ndescription: d\n---\n# ML\n## A\n## B\n", "page", 1),
        ("page.md", "# ML\n## Part one\n## Part two\n", "page", 1),
        ("page.md", "just some text\n", "page", 1),
        ("til/git/undo.md", "# Undo\n```sh\n# comment\n# another\n```\n", "page", 1),
        ("2024-01-05.md", "# 2024-01-05\n## 09:00\n## 2024-01-05 again\n", "daily", 1),
        ("_posts/2012-05-03-post.md", "---\nlayout: post\n---\n## A\n## B\n", "jekyll", 1),
        (
            "fm.md",
            "---\ntags: [a]\n---\n## 2024-01-01 A\nx\n## 2024-01-02 B\n",
            "dated-headings",
            2,
        ),
    ],
)
def test_detects_the_style(name: str, text: str, style: str, count: int) -> None:
    result = parse(text, name)
    assert (result.style, len(result.notes)) == (style, count)


def test_style_option_overrides_detection() -> None:
    text = "# ML\n## Part one\nx\n## Part two\ny\n"
    assert len(parse(text).notes) == 1
    forced = parse(text, style="questions")
    assert forced.style == "questions"
    # The shallowest level is the single H1, so forcing "questions" gives one entry...
    assert [n.title for n in forced.notes] == ["ML"]
    # ...while a daily file forced to "dated-headings" splits at its dated headings.
    daily = "## 2024-01-05 Morning\nx\n## 2024-01-05 Evening\ny\n"
    assert len(parse(daily, "2024-01-05.md").notes) == 1
    assert len(parse(daily, "2024-01-05.md", style="dated-headings").notes) == 2


def test_a_forced_style_that_finds_nothing_reads_one_page() -> None:
    result = parse("plain text, no headings\n", style="dated-headings")
    assert result.style == "page"
    assert len(result.notes) == 1
    assert [str(w) for w in result.warnings] == [
        "notes.md:1: no entries in the 'dated-headings' style; read as one page"
    ]


def test_unknown_style_is_a_one_line_error() -> None:
    with pytest.raises(ImportFailed) as caught:
        parse("x", style="nope")
    assert caught.value.message.startswith("unknown style 'nope'; known styles: export, ")
    assert "\n" not in caught.value.message


def test_every_style_is_registered_and_documented() -> None:
    assert style_names() == [
        "export",
        "dated-headings",
        "day-log",
        "questions",
        "page",
        "daily",
        "jekyll",
        "json",
    ]
    assert all(STYLES[name].summary for name in style_names())
    assert [n for n in style_names() if STYLES[n].one_note] == ["page", "daily", "jekyll"]
