"""What each style makes of an entry: titles, topics, tags, bodies byte for byte, sources."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.parse_helpers import messages, parse
from tilbase.parse.headings import KeyMaker, entry_key, key_group, read_heading, split_topic

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
D = dt.date


# -- headings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "title", "topic", "tags"),
    [
        (
            "14.02.2023 Neural Networks: How to learn? (Theory)",
            "How to learn?",
            "Neural Networks",
            ("theory",),
        ),
        (
            "26.01.2023 Vision Model: Pretraining: Good practices?",
            "Good practices?",
            "Vision Model/Pretraining",
            (),
        ),
        ("2024-01-01 What is X: a primer", "What is X: a primer", None, ()),
        ("2024-01-01 Python: How to X: a guide", "How to X: a guide", "Python", ()),
        (
            "2024-01-01 Why are floats odd? (Numerics) (Python)",
            "Why are floats odd?",
            None,
            ("numerics", "python"),
        ),
        ("2024-01-01 Tools: `ruff` is **fast**", "ruff is fast", "Tools", ()),
        (
            "2024-01-01 Meeting at 10:30 with [Ann](https://x.y)",
            "Meeting at 10:30 with Ann",
            None,
            (),
        ),
        ("2024-01-01 Learned about caching #perf", "Learned about caching", None, ("perf",)),
        ("2024-01-01 Node.js: Streams (2023)", "Streams (2023)", "Node.js", ()),
        ("2024-01-01 C#: Records", "Records", "C#", ()),
        ("2024-01-01 A/B: testing basics", "testing basics", "A-B", ()),
        ("2024-01-01 - Dash separated title", "Dash separated title", None, ()),
    ],
)
def test_read_dated_heading(
    heading: str, title: str, topic: str | None, tags: tuple[str, ...]
) -> None:
    info = read_heading(heading, "dmy", dated=True, topics=True)
    assert (info.title, info.topic, info.tags) == (title, topic, tags)
    assert info.date == D(2024, 1, 1) or info.date is not None


@pytest.mark.parametrize(
    ("text", "topic", "rest"),
    [
        ("Leadership: Quality metrics?", "Leadership", "Quality metrics?"),
        ("How do I: this", None, "How do I: this"),
        (
            "A very long topic name with many words: title",
            None,
            "A very long topic name with many words: title",
        ),
        ("Runge phenomenon:", None, "Runge phenomenon:"),
        ("Git: Rebase: Onto: How?", "Git/Rebase/Onto", "How?"),
    ],
)
def test_split_topic(text: str, topic: str | None, rest: str) -> None:
    assert split_topic(text) == (topic, rest)


def test_entry_key_is_a_readable_slug_that_keeps_letters_of_any_script() -> None:
    assert (
        entry_key("# 14.02.2023 Neural Networks: Why? (Theory)")
        == "14-02-2023-neural-networks-why-theory"
    )
    assert entry_key("Ünïcode — 日本語") == "ünïcode-日本語"
    assert entry_key("***") == "entry"


@pytest.mark.parametrize(
    ("key", "group"),
    [
        ("git-worktrees", "git-worktrees"),
        ("git-worktrees~2", "git-worktrees"),
        ("git-worktrees~12", "git-worktrees"),
        ("day-2023-02-15~3", "day-2023-02-15"),
        # Not an occurrence number KeyMaker writes: kept as part of the key.
        ("git-worktrees~1", "git-worktrees~1"),
        ("git-worktrees~02", "git-worktrees~02"),
        ("a~2b", "a~2b"),
    ],
)
def test_key_group_drops_only_the_occurrence_number(key: str, group: str) -> None:
    assert key_group(key) == group


def test_key_maker_keys_fall_back_into_their_group() -> None:
    keys = KeyMaker()
    made = [keys(k) for k in ("a", "b", "a", "a", "b")]
    assert made == ["a", "b", "a~2", "a~3", "b~2"]
    assert [key_group(k) for k in made] == ["a", "b", "a", "a", "b"]


# -- dated headings ----------------------------------------------------------------


def test_fixture_learned_md() -> None:
    result = parse((FIXTURES / "learned.md").read_text(encoding="utf-8"), "learned.md")
    notes = result.notes
    assert result.style == "dated-headings"
    assert [(n.date, n.topic, n.title, n.tags) for n in notes] == [
        (D(2024, 3, 3), "Databases/Postgres", "Why is my index not used?", ("sql",)),
        (D(2024, 3, 1), "Shell", "What does set -euo pipefail do?", ()),
        (None, "Git", "What is a reflog?", ()),
        (D(2024, 2, 28), None, "How do I learn faster?", ("learning", "habits", "memory")),
    ]
    assert [n.source.line for n in notes if n.source] == [6, 10, 17, 20]
    # The "# 02.03.2024" line inside the bash fence stays in the body.
    assert "# 02.03.2024 this is a comment in a fence" in notes[1].body
    assert notes[1].body.endswith("```\n\n")
    assert all(n.id == "" for n in notes)


def test_keys_are_stable_when_entries_are_added_on_top_and_repeat() -> None:
    old = parse("# 2024-01-02 A\nx\n# 2024-01-01 B\ny\n# 2024-01-01 B\nz\n")
    new = parse(
        "# 2024-01-03 New\nw\n" + "# 2024-01-02 A\nx\n# 2024-01-01 B\ny\n# 2024-01-01 B\nz\n"
    )
    old_keys = [n.source.key for n in old.notes if n.source]
    new_keys = [n.source.key for n in new.notes if n.source]
    assert old_keys == ["2024-01-02-a", "2024-01-01-b", "2024-01-01-b~2"]
    assert new_keys == ["2024-01-03-new", *old_keys]


def test_only_the_shallowest_dated_level_splits() -> None:
    text = "## 2024-01-02 Day\nx\n### 2024-01-02 morning\ny\n## 2024-01-01 Earlier\nz\n"
    result = parse(text)
    assert [n.title for n in result.notes] == ["Day", "Earlier"]
    assert result.notes[0].body == "x\n### 2024-01-02 morning\ny\n"


def test_undated_heading_after_the_first_entry_is_its_own_undated_entry() -> None:
    result = parse("# 2024-01-02 A\nx\n# Archive\nold\n# 2024-01-01 B\ny\n")
    assert [(n.title, n.date) for n in result.notes] == [
        ("A", D(2024, 1, 2)),
        ("Archive", None),
        ("B", D(2024, 1, 1)),
    ]


def test_crlf_bodies_become_lf_and_titles_have_no_carriage_return() -> None:
    # Issue 12: a note file's line ending is "\n"; a CRLF source must not give mixed files.
    text = "# 2024-01-02 Windows: Line endings?\r\n- one\r\n\r\n# 2024-01-01 Second\r\nx\r\n"
    result = parse(text)
    assert [n.title for n in result.notes] == ["Line endings?", "Second"]
    assert result.notes[0].body == "- one\n\n"
    assert result.notes[1].body == "x\n"


def test_lone_carriage_returns_count_as_line_ends_like_markdown_it() -> None:
    # Split like markdown-it does; the bodies then end their lines with "\n" like note files.
    result = parse("# 2024-01-02 A\rx\r# 2024-01-01 B\ry")
    assert [(n.title, n.body) for n in result.notes] == [("A", "x\n"), ("B", "y")]


def test_setext_dated_headings() -> None:
    result = parse(
        "2024-01-02 First\n================\nbody\n\n2024-01-01 Second\n=================\nmore\n"
    )
    assert [(n.title, n.body) for n in result.notes] == [
        ("First", "body\n\n"),
        ("Second", "more\n"),
    ]


def test_titles_drop_bom_and_markup() -> None:
    result = parse(
        "\ufeff# 2024-01-02 *Emphasis* and `code` \ufeff\nx\n# 2024-01-01 [Link](http://a.b)\n"
    )
    assert [n.title for n in result.notes] == ["Emphasis and code", "Link"]


def test_frontmatter_of_a_split_file_gives_every_entry_its_topic_and_tags() -> None:
    text = "---\ntopic: Work\ntags: [log]\n---\n# 2024-01-02 A\nx\n# 2024-01-01 Home: B\ny\n"
    result = parse(text)
    assert [(n.topic, n.tags) for n in result.notes] == [("Work", ("log",)), ("Home", ("log",))]
    assert [n.source.line for n in result.notes if n.source] == [5, 7]


def test_mojibake_is_kept_as_is() -> None:
    text = "## Quotes\nhe said â€œhiâ€ and \uf8ffüîë\n## Next\nx\n"
    result = parse(text)
    assert result.notes[0].body == "he said â€œhiâ€ and \uf8ffüîë\n"


# -- day logs ----------------------------------------------------------------------


def test_markdown_day_log_keeps_repeated_days_apart_and_ignores_fences() -> None:
    result = parse((FIXTURES / "days.md").read_text(encoding="utf-8"), "days.md")
    assert result.style == "day-log"
    assert [(n.title, n.date) for n in result.notes] == [
        ("Day 1", D(2024, 1, 4)),
        ("Day 2", D(2024, 1, 5)),
        ("Day 2", D(2024, 1, 5)),
    ]
    assert [n.source.key for n in result.notes if n.source] == [
        "day-2024-01-04",
        "day-2024-01-05",
        "day-2024-01-05~2",
    ]
    assert "## Day 3: Jan 6, 2024 (inside a fence" in result.notes[1].body
    # The file's title heading is not part of any note, and the warning says so (issue 12).
    assert messages(result) == [
        "days.md:1: 1 line of text before the first entry (line 3) is not part of any note"
    ]


def test_rendered_day_log_with_page_chrome_bullets_and_nbsp() -> None:
    text = (FIXTURES / "days-rendered.txt").read_text(encoding="utf-8")
    result = parse(text, "days-rendered.txt")
    assert result.style == "day-log"
    assert [(n.title, n.date, n.source.line if n.source else 0) for n in result.notes] == [
        ("Day 1", D(2024, 1, 4), 10),
        ("Day 2", D(2024, 1, 5), 17),
        ("Day 2", D(2024, 1, 5), 23),
    ]
    assert (
        result.notes[0].body == "\n  • set up the repository\n    • nested bullet\n\nLinks 🔗\n\n"
    )
    assert messages(result) == [
        "days-rendered.txt:1: 3 lines of text before the first entry (line 10) "
        "are not part of any note"
    ]


def test_plain_day_lines_need_nothing_but_the_date_and_stay_out_of_fences() -> None:
    text = (
        "Day 1: 4 Jan 2024\n- a\nDay 2: 5 Jan 2024 was rainy\n"
        "```\nDay 3: 6 Jan 2024\n```\n    Day 4: 7 Jan 2024\n"
    )
    result = parse(text, "log.txt")
    assert [n.title for n in result.notes] == ["Day 1"]


def test_day_heading_with_trailing_text_keeps_it_in_the_title() -> None:
    result = parse("## Day 7: 10 Jan 2024 - travel day\n- train\n")
    assert result.notes[0].title == "Day 7: travel day"


# -- questions ---------------------------------------------------------------------


def test_question_headings_are_undated_entries_titled_as_written() -> None:
    result = parse((FIXTURES / "links.md").read_text(encoding="utf-8"), "links.md")
    assert result.style == "questions"
    assert [(n.title, n.date, n.topic, n.tags) for n in result.notes] == [
        ("How do I profile Python code?", None, None, ()),
        ("Rich", None, None, ()),
        ("Why are my floats off?", None, None, ("numerics",)),
    ]
    assert result.notes[0].body.startswith("Use the built-in profiler first.\\\n")


# -- pages -------------------------------------------------------------------------


def test_page_with_frontmatter_and_h1_title_keeps_extra_keys() -> None:
    result = parse((FIXTURES / "handbook.md").read_text(encoding="utf-8"), "handbook.md")
    note = result.notes[0]
    assert (note.title, note.date, note.topic, note.source.line if note.source else 0) == (
        "Handbook",
        None,
        None,
        5,
    )
    assert (
        note.body == "\n## Onboarding\n- get access to the repository\n\n"
        "## On call\n- check the dashboard first\n"
    )
    assert result.extra == {"description": "team handbook notes"}


@pytest.mark.parametrize(
    ("frontmatter", "tags", "topic"),
    [
        ("tags: [a, B c]", ("a", "b-c"), None),
        ("tags:\n- x\n- y", ("x", "y"), None),
        ("tags: one, two", ("one", "two"), None),
        ("tag: single", ("single",), None),
        ("keywords: k1 k2", ("k1", "k2"), None),
        ("category: ecology", (), "ecology"),
        ("categories:\n- ecology\n- code", (), "ecology/code"),
        ("categories: open-science", (), "open-science"),
        ("topic: Python/Packaging", (), "Python/Packaging"),
    ],
)
def test_page_frontmatter_tags_and_topics(
    frontmatter: str, tags: tuple[str, ...], topic: str | None
) -> None:
    result = parse(f"---\ntitle: T\n{frontmatter}\n---\nbody #inline\n", "page.md")
    note = result.notes[0]
    assert note.tags == (*tags, "inline")
    assert note.topic == topic
    assert note.title == "T"
    assert note.body == "body #inline\n"


def test_one_file_per_til_folder_is_the_topic_and_code_comments_are_not_titles() -> None:
    text = (FIXTURES / "til" / "git" / "undo-a-commit.md").read_text(encoding="utf-8")
    result = parse(text, "git/undo-a-commit.md")
    note = result.notes[0]
    assert (note.title, note.topic) == ("Undo A Commit", "git")
    assert note.body.startswith("\nKeep the changes")


@pytest.mark.parametrize(
    ("name", "text", "title"),
    [
        ("git/rebase-onto.md", "- no heading\n", "rebase onto"),
        ("journal/bill flancian.md", "- a conversation\n", "bill flancian"),
        ("journal/.md", "-\n", "Untitled"),
        ("2024-03-10.md", "- a day\n", "2024-03-10"),
        ("2024_03_10.md", "- a day\n", "2024-03-10"),
        ("2024-03-10_LOCAL_4242.md", "- a day\n", "2024-03-10_LOCAL_4242"),
        ("_posts/2012-08-22-notes.md", "---\nlayout: post\n---\nx\n", "notes"),
        (
            "_posts/2012-08-22-notes.md",
            "---\nlayout: post\n---\nMy title\n========\nx\n",
            "My title",
        ),
        ("page.md", "---\ntitle: 'Tuesday: pmc package'\n---\n# Other\n", "Tuesday: pmc package"),
    ],
)
def test_page_title_fallbacks(name: str, text: str, title: str) -> None:
    assert parse(text, name).notes[0].title == title


def test_jekyll_topic_skips_posts_folder_and_daily_topic_skips_date_folders() -> None:
    assert parse("x\n", "_posts/2012-05-03-a.md").notes[0].topic is None
    assert parse("x\n", "blog/_posts/2012-05-03-a.md").notes[0].topic == "blog"
    assert parse("x\n", "journal/2024/03/12.md").notes[0].topic == "journal"


def test_page_id_from_frontmatter_only_when_safe() -> None:
    assert parse("---\nid: my-note\n---\nx\n").notes[0].id == "my-note"
    assert parse("---\nid: ../etc/passwd\n---\nx\n").notes[0].id == ""


# -- export ------------------------------------------------------------------------


def _entry(heading: str, marker: str, body: str, end: bool = True) -> str:
    return f"{heading}\n<!-- til {marker} -->\n{body}" + ("<!-- /til -->\n\n" if end else "")


def test_export_entries_use_the_marker_json() -> None:
    text = (
        "# TIL notes\n2 notes, grouped by month. Exported by tilbase; `til import` reads this "
        "file back into notes.\n\n## November 2022\n\n"
        + _entry(
            "### 2022-11-25 Python: Why is Python slow? (python) (performance)",
            '{"id": "2022-11-25-why-is-python-slow", "title": "Why is Python slow?", '
            '"date": "2022-11-25", "topic": "Python", "tags": ["python", "performance"]}',
            "# 2022-11-24 a heading inside the body\n```\n<!-- til {} -->\n```\n",
        )
        + _entry(
            "### No newline",
            '{"id": "no-newline", "title": "No newline", "date": null, "topic": null, '
            '"tags": [], "nl": false}',
            "last line\n",
        )
    )
    result = parse(text, "export.md")
    assert result.style == "export"
    first, second = result.notes
    assert (first.id, first.title, first.date, first.topic, first.tags) == (
        "2022-11-25-why-is-python-slow",
        "Why is Python slow?",
        D(2022, 11, 25),
        "Python",
        ("python", "performance"),
    )
    assert first.body == "# 2022-11-24 a heading inside the body\n```\n<!-- til {} -->\n```\n"
    assert first.source is not None
    assert (first.source.line, first.source.key) == (6, "2022-11-25-why-is-python-slow")
    assert (second.id, second.date, second.body) == ("no-newline", None, "last line")
    assert result.warnings == []


def test_export_entry_without_end_marker_runs_to_the_next_entry() -> None:
    text = _entry(
        "## A",
        '{"id": "a", "title": "A", "date": null, "topic": null, "tags": []}',
        "x\n",
        end=False,
    ) + _entry("## B", '{"id": "b", "title": "B", "date": null, "topic": null, "tags": []}', "y\n")
    result = parse(text, "export.md")
    assert [(n.id, n.body) for n in result.notes] == [("a", "x\n"), ("b", "y\n")]
    assert messages(result) == ["export.md:1: export entry has no end marker"]


def test_export_entry_with_broken_json_reads_its_heading() -> None:
    text = "### 2024-01-02 Git: Reflog (git)\n<!-- til {not json} -->\nbody\n<!-- /til -->\n"
    result = parse(text, "export.md")
    note = result.notes[0]
    assert (note.id, note.title, note.date, note.topic, note.tags) == (
        "",
        "Reflog",
        D(2024, 1, 2),
        "Git",
        ("git",),
    )
    assert messages(result)[0].startswith("export.md:2: export marker JSON does not parse")
