"""Every warning the parser gives, each naming the file and line, and the entry kept."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.parse_helpers import messages, parse

CASES = [
    pytest.param(
        "empty.md", "", None, ["empty.md:1: empty file; nothing to import"], 0, id="empty"
    ),
    pytest.param(
        "blank.md",
        " \n\u00a0\n\t\n",
        None,
        ["blank.md:1: empty file; nothing to import"],
        0,
        id="blank",
    ),
    pytest.param(
        "n.md",
        "plain\n",
        "day-log",
        ["n.md:1: no entries in the 'day-log' style; read as one page"],
        1,
        id="forced-style-found-nothing",
    ),
    pytest.param(
        "n.md",
        "# Log\nA blurb about this log.\nAnd a second line.\n\n# 2024-01-02 A\nx\n# 2024-01-01 B\n",
        None,
        ["n.md:1: 3 lines of text before the first entry (line 5) are not part of any note"],
        2,
        id="preamble",
    ),
    pytest.param(
        "n.md",
        "# 2024-01-02 A\nx\n# 14.111.2022 MLFlow: What is MLFlow?\ny\n",
        None,
        [
            "n.md:3: '14.111.2022' is not a real date (month must be in 1..12); "
            "the entry is kept undated"
        ],
        2,
        id="impossible-heading-date",
    ),
    pytest.param(
        "n.md",
        "## Day 1: 31 Feb 2024\n- a\n",
        None,
        [
            "n.md:1: '31 Feb 2024' is not a real date (day is out of range for month); "
            "the entry is kept undated"
        ],
        1,
        id="impossible-day-log-date",
    ),
    pytest.param(
        "n.md",
        "# 2024-01-02 A\n```\n# 2024-01-01 B\n",
        None,
        [
            "n.md:2: code fence is never closed; the rest of the file is read as code "
            "and is not split into entries"
        ],
        1,
        id="unclosed-fence",
    ),
    pytest.param(
        "n.md",
        "---\ntitle: [unclosed\n---\n# 2024-01-02 A\nx\n# 2024-01-01 B\n",
        None,
        None,
        2,
        id="broken-frontmatter-split-file",
    ),
    pytest.param(
        "n.md",
        "---\nlayout: post\naliases: [x]\ntags: [a]\n---\n# 2024-01-02 A\nx\n# 2024-01-01 B\n",
        None,
        ["n.md:1: frontmatter keys not kept (the file was split into 2 notes): layout, aliases"],
        2,
        id="frontmatter-keys-dropped",
    ),
    pytest.param(
        "page.md",
        "---\ntitle: T\ndate: someday\n---\nx\n",
        None,
        ["page.md:3: date: 'someday' is not a date; the note is kept undated"],
        1,
        id="bad-frontmatter-date",
    ),
    pytest.param(
        "_posts/2012-05-03-a.md",
        "---\nlayout: post\ndate: 2012-15-40\n---\nx\n",
        None,
        None,
        1,
        id="bad-frontmatter-date-yaml",
    ),
    pytest.param(
        "_posts/2012-05-03-a.md",
        "---\ncreated: May 40, 2012\n---\nx\n",
        None,
        [
            "_posts/2012-05-03-a.md:2: created: 'May 40, 2012' is not a real date "
            "(day is out of range for month); "
            "using 2012-05-03 from the file name"
        ],
        1,
        id="bad-date-name-fallback",
    ),
    pytest.param(
        "e.md",
        '## A\n<!-- til {"id": "a", "title": "A", "date": "2024-13-01"} -->\nx\n<!-- /til -->\n',
        None,
        ["e.md:2: export marker date '2024-13-01' is not an ISO date; the note is kept undated"],
        1,
        id="export-bad-date",
    ),
    pytest.param(
        "e.md",
        '## A\n<!-- til {"id": "a", "title": "A"} -->\nx\n',
        None,
        ["e.md:1: export entry has no end marker"],
        1,
        id="export-no-end-marker",
    ),
]


@pytest.mark.parametrize(("name", "text", "style", "expected", "count"), CASES)
def test_warning(
    name: str, text: str, style: str | None, expected: list[str] | None, count: int
) -> None:
    result = parse(text, name, style=style)
    assert len(result.notes) == count
    if expected is not None:
        assert messages(result) == expected


def test_broken_frontmatter_in_a_split_file_is_named_and_kept_as_text() -> None:
    result = parse("---\ntitle: [unclosed\n---\n# 2024-01-02 A\nx\n# 2024-01-01 B\n", "n.md")
    assert messages(result)[0].startswith("n.md:1: broken frontmatter (")
    assert messages(result)[0].endswith("); read as text")


def test_broken_frontmatter_on_a_page_stays_in_the_body() -> None:
    text = "---\ntitle: [unclosed\n---\nbody\n"
    result = parse(text, "page.md")
    assert result.notes[0].body == text
    assert messages(result)[0].startswith("page.md:1: broken frontmatter (")
    assert messages(result)[0].endswith("); kept in the body as text")


def test_a_yaml_date_that_is_not_a_day_spoils_only_the_date() -> None:
    # PyYAML would raise on the timestamp and lose the whole frontmatter; dates are read as text.
    result = parse("---\nlayout: post\ndate: 2012-15-40\n---\nx\n", "_posts/2012-05-03-a.md")
    assert result.notes[0].date == dt.date(2012, 5, 3)
    assert messages(result) == [
        "_posts/2012-05-03-a.md:3: date: '2012-15-40' is not a real date (month must be in 1..12);"
        " using 2012-05-03 from the file name"
    ]


def test_warnings_can_name_the_file_as_typed() -> None:
    result = parse("", "empty.md")
    assert (
        result.warnings[0].at("~/notes/empty.md")
        == "~/notes/empty.md:1: empty file; nothing to import"
    )
