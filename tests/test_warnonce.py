"""A warning about a file is shown once per change of that file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.warnonce import MEMORY_FILE_NAME, WarningMemory, warning_path


@dataclass(frozen=True)
class State:
    size: int
    mtime_ns: int


BROKEN = "2023/broken.md:1: the frontmatter is broken (bad indentation); read as text"
DUPLICATE = "b.md:1: id 'x' is also used by a.md; using 'x-2' for this file"
NO_FOLDER = "notes: the notes folder does not exist, so there are no notes"


def test_warning_path() -> None:
    assert warning_path(BROKEN) == "2023/broken.md"
    assert warning_path("a: b.md:12: text") == "a: b.md"
    assert warning_path(NO_FOLDER) is None
    assert warning_path("") is None


def test_a_warning_is_shown_once_until_its_file_changes(tmp_path: Path) -> None:
    memory_file = tmp_path / MEMORY_FILE_NAME
    states = {"2023/broken.md": State(10, 1), "b.md": State(5, 1)}

    first = WarningMemory.load(memory_file)
    assert first.fresh([BROKEN, DUPLICATE], states) == [BROKEN, DUPLICATE]
    assert first.save()

    second = WarningMemory.load(memory_file)  # the next command
    assert second.fresh([BROKEN, DUPLICATE], states) == []
    assert second.save()

    states["2023/broken.md"] = State(11, 2)  # the person edited the file, still broken
    third = WarningMemory.load(memory_file)
    assert third.fresh([BROKEN, DUPLICATE], states) == [BROKEN]


def test_a_new_warning_about_an_unchanged_file_is_shown(tmp_path: Path) -> None:
    memory = WarningMemory(tmp_path / MEMORY_FILE_NAME)
    states = {"b.md": State(5, 1)}
    assert memory.fresh([DUPLICATE], states) == [DUPLICATE]
    other = "b.md:1: id 'x' is also used by c.md; using 'x-2' for this file"
    assert memory.fresh([DUPLICATE, other], states) == [other]


def test_warnings_about_no_known_file_are_always_shown(tmp_path: Path) -> None:
    memory = WarningMemory(tmp_path / MEMORY_FILE_NAME)
    for _ in range(3):
        assert memory.fresh([NO_FOLDER, "gone.md:1: cannot read"], {}) == [
            NO_FOLDER,
            "gone.md:1: cannot read",
        ]


def test_duplicates_in_one_batch_are_shown_once(tmp_path: Path) -> None:
    memory = WarningMemory(tmp_path / MEMORY_FILE_NAME)
    assert memory.fresh([BROKEN, BROKEN], {"2023/broken.md": State(1, 1)}) == [BROKEN]


def test_a_removed_file_is_forgotten(tmp_path: Path) -> None:
    memory_file = tmp_path / MEMORY_FILE_NAME
    memory = WarningMemory(memory_file)
    memory.fresh([BROKEN], {"2023/broken.md": State(1, 1)})
    memory.fresh([], {})
    memory.save()
    assert json.loads(memory_file.read_text())["files"] == {}
    # Back with the same size and time (restored from the trash): shown again.
    assert WarningMemory.load(memory_file).fresh([BROKEN], {"2023/broken.md": State(1, 1)}) == [
        BROKEN
    ]


@pytest.mark.parametrize(
    "content",
    ["", "not json", "[]", '{"version": 99, "files": {}}', '{"version": 1, "files": {"a": 3}}'],
)
def test_a_damaged_memory_shows_the_warnings_again(tmp_path: Path, content: str) -> None:
    memory_file = tmp_path / MEMORY_FILE_NAME
    memory_file.write_text(content)
    memory = WarningMemory.load(memory_file)
    assert memory.fresh([BROKEN], {"2023/broken.md": State(1, 1)}) == [BROKEN]
    assert memory.save()
    assert WarningMemory.load(memory_file).fresh([BROKEN], {"2023/broken.md": State(1, 1)}) == []


def test_an_unwritable_memory_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    memory = WarningMemory(blocker / "sub" / MEMORY_FILE_NAME)  # parent is a file
    assert memory.fresh([BROKEN], {"2023/broken.md": State(1, 1)}) == [BROKEN]
    assert memory.save() is False


def test_save_writes_only_after_a_change(tmp_path: Path) -> None:
    memory_file = tmp_path / "state" / MEMORY_FILE_NAME
    memory = WarningMemory(memory_file)
    assert memory.save()
    assert not memory_file.exists()
    memory.fresh([BROKEN], {"2023/broken.md": State(1, 1)})
    assert memory.save()
    assert memory_file.exists()
    assert list(memory_file.parent.iterdir()) == [memory_file]  # no temp file left
    memory.forget()
    memory.save()
    assert WarningMemory.load(memory_file).fresh([BROKEN], {"2023/broken.md": State(1, 1)})


@given(
    st.lists(
        st.tuples(st.sampled_from(["a.md", "b.md", "c/d.md"]), st.sampled_from(["x", "y"])),
        max_size=12,
    )
)
def test_each_warning_is_shown_exactly_once_while_files_stay_the_same(
    batches: list[tuple[str, str]],
) -> None:
    memory = WarningMemory(None)
    states = {"a.md": State(1, 1), "b.md": State(2, 2), "c/d.md": State(3, 3)}
    shown: list[str] = []
    for rel, text in batches:
        shown += memory.fresh([f"{rel}:1: {text}"], states)
    assert sorted(shown) == sorted({f"{rel}:1: {text}" for rel, text in batches})
