"""Every date format the parser reads, in headings, day logs, frontmatter and file names."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.parse_helpers import messages, parse

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022-08-31", D(2022, 8, 31)),
        ("2022/08/31", D(2022, 8, 31)),
        ("2022_08_31", D(2022, 8, 31)),
        ("31.08.2022", D(2022, 8, 31)),
        ("1.9.2022", D(2022, 9, 1)),
        ("31 Aug 2022", D(2022, 8, 31)),
        ("31 August 2022", D(2022, 8, 31)),
        ("31st Aug 2022", D(2022, 8, 31)),
        ("Aug 31, 2022", D(2022, 8, 31)),
        ("August 31, 2022", D(2022, 8, 31)),
        ("Sept 1, 2022", D(2022, 9, 1)),
        ("**2022-08-31**", D(2022, 8, 31)),
    ],
)
def test_dated_heading_reads_each_format(raw: str, expected: dt.date) -> None:
    result = parse(f"# {raw} Topic: First?\nbody\n# {raw} Topic: Second?\nmore\n")
    assert result.style == "dated-headings"
    assert [n.date for n in result.notes] == [expected, expected]
    assert [n.title for n in result.notes] == ["First?", "Second?"]
    assert result.notes[0].topic == "Topic"
    assert result.warnings == []


@pytest.mark.parametrize(
    ("order", "expected"),
    [("dmy", D(2022, 4, 3)), ("mdy", D(2022, 3, 4))],
)
def test_slashed_dates_follow_date_order(order: str, expected: dt.date) -> None:
    result = parse("# 03/04/2022 A\nx\n# 03/04/2022 B\ny\n", order=order)
    assert [n.date for n in result.notes] == [expected, expected]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("14.111.2022", "month must be in 1..12"),
        ("Feb 30, 2024", "day is out of range"),
        ("2023-02-30", "day is out of range"),
        ("31/02/2024", "day is out of range"),
        ("30 Feb 2023", "day is out of range"),
    ],
)
def test_impossible_date_keeps_the_entry_undated_with_a_warning(raw: str, reason: str) -> None:
    text = f"# 2024-01-01 Good: One?\nbody\n# {raw} Bad: Two?\nkept\n"
    result = parse(text)
    assert len(result.notes) == 2
    bad = result.notes[1]
    assert bad.date is None
    assert (bad.title, bad.topic, bad.body) == ("Two?", "Bad", "kept\n")
    assert messages(result) == [
        f"notes.md:3: '{raw}' is not a real date ({reason}"
        + messages(result)[0].split(reason, 1)[1]
    ]
    assert messages(result)[0].endswith("; the entry is kept undated")


@pytest.mark.parametrize(
    "heading",
    ["3 things about Git", "2022 in review", "1.2.3 release notes", "100 days of code", "Q3/2022"],
)
def test_numbers_that_are_not_dates_do_not_make_dated_entries(heading: str) -> None:
    result = parse(f"# {heading}\nbody\n# {heading} again\nbody\n")
    assert result.style == "questions"
    assert all(n.date is None for n in result.notes)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Day 1: 31 Aug 2022", D(2022, 8, 31)),
        ("Day 72: Nov 10, 2022", D(2022, 11, 10)),
        ("Day 3: 2022-09-02", D(2022, 9, 2)),
        ("Day 4 - 3.9.2022", D(2022, 9, 3)),
        ("DAY 5: September 4, 2022", D(2022, 9, 4)),
    ],
)
def test_day_log_lines_read_each_format(line: str, expected: dt.date) -> None:
    for text in (f"## {line}\n- a\n", f"{line}\n\n  • a\n"):
        result = parse(text, "log.txt")
        assert result.style == "day-log", text
        assert [n.date for n in result.notes] == [expected]


@pytest.mark.parametrize(
    ("frontmatter", "expected"),
    [
        ("date: 2012-10-17", D(2012, 10, 17)),
        ("date: 2012-05-03 10:50:13", D(2012, 5, 3)),
        ("date: '31.08.2022'", D(2022, 8, 31)),
        ("date: Aug 31, 2022", D(2022, 8, 31)),
        ("created: 1672574400000", D(2023, 1, 1)),
        ("created: 1672574400", D(2023, 1, 1)),
        ("created: '1672574400000'", D(2023, 1, 1)),
        ("title: none here", None),
    ],
)
def test_frontmatter_dates(frontmatter: str, expected: dt.date | None) -> None:
    result = parse(f"---\n{frontmatter}\n---\nbody\n", "page.md")
    assert result.style == "page"
    assert result.notes[0].date == expected
    assert result.warnings == []


@pytest.mark.parametrize(
    ("name", "expected", "style"),
    [
        ("2023-01-05.md", D(2023, 1, 5), "daily"),
        ("journal/2023_01_05.md", D(2023, 1, 5), "daily"),
        ("2023/01/05.md", D(2023, 1, 5), "daily"),
        ("journal/2023-12-11_BASE_277894.md", D(2023, 12, 11), "daily"),
        ("journal/2024-07-20.conflicted.1721431903785.md", D(2024, 7, 20), "daily"),
        ("_posts/2012-10-17-model-choice.md", D(2012, 10, 17), "jekyll"),
        ("notes/2023-02-30.md", None, "page"),
        ("git/rebase-onto.md", None, "page"),
    ],
)
def test_dates_from_file_names(name: str, expected: dt.date | None, style: str) -> None:
    result = parse("- a line\n", name)
    assert result.style == style
    assert result.notes[0].date == expected


def test_frontmatter_date_wins_over_the_name() -> None:
    result = parse("---\ndate: 2012-05-04\n---\nx\n", "_posts/2012-05-03-post.md")
    assert result.notes[0].date == D(2012, 5, 4)
