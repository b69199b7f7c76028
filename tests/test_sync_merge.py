"""The three-way merge of one note (pure: the line merge is a stand-in or ``git merge-file``)."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.notefile import set_frontmatter_key
from tilbase.sync.merge import (
    conflict_copy_text,
    conflict_id,
    conflict_notice,
    merge_note,
    merge_tag_lists,
    with_notice,
)


def git_merge_file(base: str, ours: str, theirs: str) -> str | None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in (("o", ours), ("b", base), ("t", theirs)):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        done = subprocess.run(
            ["git", "merge-file", "-p", "-q", *paths], capture_output=True, check=False
        )
    return done.stdout.decode() if done.returncode == 0 else None


def never(base: str, ours: str, theirs: str) -> str | None:
    return None


def note(tags: str, body: str, title: str = "T") -> bytes:
    return f"---\nid: n\ntitle: {title}\ntags: {tags}\n---\n{body}".encode()


def test_tags_merge_as_a_set_and_bodies_by_line() -> None:
    base = note("[a, b]", "one\ntwo\nthree\nfour\n")
    ours = note("[a, b, mine]", "ONE\ntwo\nthree\nfour\n")
    theirs = note("[a, theirs]", "one\ntwo\nthree\nFOUR\n")
    merged = merge_note(base, ours, theirs, git_merge_file)
    assert merged == note("[a, mine, theirs]", "ONE\ntwo\nthree\nFOUR\n")


def test_a_key_changed_on_one_side_and_tags_on_both() -> None:
    base = note("[a]", "x\n")
    ours = note("[a, b]", "x\n")
    theirs = note("[a, c]", "x\n", title="New title")
    merged = merge_note(base, ours, theirs, never)
    assert merged == note("[a, b, c]", "x\n", title="New title")


def test_same_lines_changed_is_a_conflict() -> None:
    base = note("[a]", "answer 41\n")
    assert (
        merge_note(base, note("[a]", "answer 42\n"), note("[a]", "answer 43\n"), git_merge_file)
        is None
    )


def test_same_scalar_key_changed_differently_is_a_conflict() -> None:
    base = note("[a]", "x\n")
    assert (
        merge_note(
            base, note("[a]", "x\n", title="Mine"), note("[a]", "x\n", title="Theirs"), never
        )
        is None
    )


def test_added_on_both_sides_merges_only_when_equal_apart_from_tags() -> None:
    assert merge_note(None, note("[a]", "x\n"), note("[b]", "x\n"), git_merge_file) == note(
        "[a, b]", "x\n"
    )
    assert merge_note(None, note("[a]", "x\n"), note("[a]", "y\n"), git_merge_file) is None


def test_undecodable_bytes_are_a_conflict() -> None:
    assert merge_note(b"a", b"\xff\xfe", b"b", git_merge_file) is None


@given(
    base=st.lists(st.sampled_from("abcdef"), unique=True),
    ours=st.lists(st.sampled_from("abcdef"), unique=True),
    theirs=st.lists(st.sampled_from("abcdef"), unique=True),
)
def test_tag_merge_keeps_additions_and_drops_removals(
    base: list[str], ours: list[str], theirs: list[str]
) -> None:
    merged = set(merge_tag_lists(base, ours, theirs))
    added = (set(ours) - set(base)) | (set(theirs) - set(base))
    removed = (set(base) - set(ours)) | (set(base) - set(theirs))
    assert added <= merged
    assert not (removed & merged)
    assert merged == added | (set(base) - removed)


def test_conflict_copy_gets_its_own_id_and_names_the_original() -> None:
    day = dt.date(2026, 12, 1)
    copy_id = conflict_id("n", "Work Laptop.local", day)
    assert copy_id == "n-conflict-work-laptop-local-2026-12-01"
    notice = conflict_notice("n", copy_id, "work laptop", day)
    text = conflict_copy_text(note("[a]", "mine\n").decode(), copy_id, "n", notice)
    assert text.startswith(f"---\nid: {copy_id}\n")
    assert "conflict_of: n\n---\nmine\n\n> til sync" in text
    assert with_notice(text, notice) == text


def test_conflict_copy_of_a_note_without_frontmatter() -> None:
    text = conflict_copy_text("just text", "x-conflict", "x", "> notice")
    assert text == "---\nid: x-conflict\nconflict_of: x\n---\njust text\n\n> notice\n"


@pytest.mark.parametrize("value", ["plain", "with: colon", 3, None])
def test_set_frontmatter_key_writes_a_scalar_as_a_block_entry(value: object) -> None:
    """Regression: a scalar value was written as `{key: value}`, which broke the frontmatter."""
    text = set_frontmatter_key("---\nid: a\ntags: [x]\n---\nbody\n", "title", value)
    assert "{" not in text
    assert text.startswith("---\nid: a\ntags: [x]\ntitle: ")
    assert text.endswith("---\nbody\n")
