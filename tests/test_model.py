"""The note model: tag normalisation, slugs, ids, links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tilbase.model import (
    MAX_SLUG_LENGTH,
    Note,
    extract_links,
    free_id,
    is_safe_id,
    make_id,
    normalize_tag,
    normalize_tags,
    slugify,
    unique_id,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Machine Learning", "machine-learning"),
        ("#machine-learning", "machine-learning"),
        ("machine_learning", "machine-learning"),
        ("  MACHINE   learning ", "machine-learning"),
        ("Lang/Python", "lang/python"),
        ("#lang / python", "lang/python"),
        ("c++", "c++"),
        ("Café", "café"),
        ("node.js", "node.js"),
        ("---", ""),
        ("#", ""),
        ("what?!", "what"),
    ],
)
def test_normalize_tag(raw: str, expected: str) -> None:
    assert normalize_tag(raw) == expected


def test_normalize_tags_drops_empty_and_duplicates_keeping_order() -> None:
    assert normalize_tags(["Git", "#git", "", "Shell", "git"]) == ("git", "shell")
    assert normalize_tags("Single Tag") == ("single-tag",)
    assert normalize_tags(None) == ()


def test_note_normalises_tags_and_topic_on_construction() -> None:
    note = Note(id="x", title="t", tags=("Machine Learning", "#ML"), topic=" Vision/ ")
    assert note.tags == ("machine-learning", "ml")
    assert note.topic == "Vision"


def test_note_turns_a_datetime_into_a_date() -> None:
    note = Note(id="x", title="t", date=dt.datetime(2023, 2, 14, 10, 30))
    assert note.date == dt.date(2023, 2, 14)


def test_fingerprint_changes_with_content_only() -> None:
    note = Note(id="a", title="t", body="b\n", path=Path("/x/a.md"))
    moved = note.with_changes(id="b", path=Path("/y/b.md"))
    assert note.fingerprint == moved.fingerprint
    assert note.fingerprint != note.with_changes(body="c\n").fingerprint
    assert note.fingerprint != note.with_changes(tags=("new",)).fingerprint


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("How to enable lifelong learning?", "how-to-enable-lifelong-learning"),
        ("Crème brûlée & naïve café", "creme-brulee-naive-cafe"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "con-note"),
        ("日本語のタイトル", "note"),
        ("", "note"),
        ("🔑 keys", "keys"),
    ],
)
def test_slugify(title: str, expected: str) -> None:
    assert slugify(title) == expected


def test_slugify_cuts_long_titles_at_a_word_boundary() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug.endswith("word")


def test_make_id_uses_the_date_when_there_is_one() -> None:
    assert make_id("What is MLFlow?", dt.date(2022, 11, 14)) == "2022-11-14-what-is-mlflow"
    assert make_id("What is MLFlow?", None) == "what-is-mlflow"


def test_unique_id_appends_a_counter_ignoring_case() -> None:
    assert unique_id("a", []) == "a"
    assert unique_id("a", ["A"]) == "a-2"
    assert unique_id("a", ["a", "a-2", "a-3"]) == "a-4"


def test_free_id_is_unique_id_against_a_folded_set() -> None:
    assert free_id("A", set()) == "A"
    assert free_id("A", {"a", "a-2"}) == "A-3"


def test_extract_links_finds_urls_in_order_without_trailing_punctuation() -> None:
    body = (
        "See https://example.com/a. Also [docs](https://docs.python.org/3/library/os.html#os.replace)"
        " and <https://x.org/b> and (https://en.wikipedia.org/wiki/Foo_(bar)), https://example.com/a"
    )
    assert extract_links(body) == (
        "https://example.com/a",
        "https://docs.python.org/3/library/os.html#os.replace",
        "https://x.org/b",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
    )
    assert Note(id="x", title="t", body=body).links[0] == "https://example.com/a"


@settings(max_examples=300, deadline=None)
@given(title=st.text(max_size=200), date=st.none() | st.dates())
def test_any_title_gives_a_safe_file_name_inside_the_notes_folder(
    title: str, date: dt.date | None
) -> None:
    note_id = make_id(title, date)
    assert is_safe_id(note_id)
    notes_dir = Path("/kb/notes")
    path = (notes_dir / f"{note_id}.md").resolve()
    assert path.parent == notes_dir.resolve()
    assert len(f"{note_id}.md") <= 255


@settings(max_examples=200, deadline=None)
@given(titles=st.lists(st.text(max_size=30), min_size=1, max_size=30))
def test_ids_made_unique_one_after_another_never_collide(titles: list[str]) -> None:
    taken: list[str] = []
    for title in titles:
        new = unique_id(make_id(title, None), taken)
        assert new.casefold() not in {t.casefold() for t in taken}
        assert is_safe_id(new)
        taken.append(new)


@given(st.text(max_size=60))
def test_normalize_tag_is_idempotent(raw: str) -> None:
    once = normalize_tag(raw)
    assert normalize_tag(once) == once
    assert "#" not in once.lstrip("#")[:1]
    assert once == once.casefold()
