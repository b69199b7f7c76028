"""The trash: list what `til rm` moved there, and restore a note without overwriting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tilbase.config import load_config
from tilbase.errors import AmbiguousId, NoteNotFound
from tilbase.kb import KnowledgeBase
from tilbase.trashcan import find_trashed, list_trash, restore


@pytest.fixture
def kb(kb_dir: Path) -> KnowledgeBase:
    return KnowledgeBase(load_config(kb_dir / "config.yaml"))


def test_removed_notes_are_listed_newest_first_and_restored(kb: KnowledgeBase) -> None:
    first = kb.add("Git worktree is neat", date=dt.date(2023, 1, 5))
    second = kb.add("Docker compose profiles", date=dt.date(2023, 1, 6))
    kb.remove(first.id)
    kb.remove(second.id)
    trash_dir = kb.config.trash_dir
    listed = list_trash(trash_dir)
    assert [item.note.id for item in listed] == [second.id, first.id]
    assert listed[0].original == f"{second.id}.md"
    assert listed[0].note.title == "Docker compose profiles"

    found = find_trashed(listed, "2023-01-05")
    restored = restore(found, kb.config.notes_dir, [n.id for n in kb.notes()])
    assert restored.path == kb.config.notes_dir / f"{first.id}.md"
    assert not restored.id_taken
    assert not found.path.exists()
    kb.notes_changed()
    assert kb.get(first.id).title == "Git worktree is neat"
    assert [item.note.id for item in list_trash(trash_dir)] == [second.id]


def test_restore_never_overwrites(kb: KnowledgeBase) -> None:
    note = kb.add("Same title", date=dt.date(2023, 1, 5))
    kb.remove(note.id)
    again = kb.add("Same title", date=dt.date(2023, 1, 5))  # takes the old file name
    assert again.id == note.id
    (trashed,) = list_trash(kb.config.trash_dir)
    restored = restore(trashed, kb.config.notes_dir, [n.id for n in kb.notes()])
    assert restored.path.name == f"{note.id}-restored.md"
    assert restored.id_taken
    assert again.path is not None
    assert again.path.read_text(encoding="utf-8").count("Same title") >= 1


def test_a_name_removed_twice_keeps_both_and_restores_the_latest(kb: KnowledgeBase) -> None:
    note = kb.add("Twice", date=dt.date(2023, 1, 5))
    kb.remove(note.id)
    kb.add("Twice", date=dt.date(2023, 1, 5), tags=["second"])
    kb.remove(note.id)
    listed = list_trash(kb.config.trash_dir)
    assert len(listed) == 2
    assert {item.original for item in listed} == {f"{note.id}.md"}
    latest = find_trashed(listed, note.id)
    assert latest.note.tags == ("second",)


def test_notes_in_sub_folders_go_back_to_their_folder(kb_dir: Path, kb: KnowledgeBase) -> None:
    folder = kb.config.notes_dir / "2023" / "01"
    folder.mkdir(parents=True)
    (folder / "05.md").write_text("# Daily file\n\nbody\n", encoding="utf-8")
    kb.notes_changed()
    daily = next(n for n in kb.notes() if n.title == "Daily file")
    kb.remove(daily.id)
    (trashed,) = list_trash(kb.config.trash_dir)
    assert trashed.original == "2023/01/05.md"
    restored = restore(trashed, kb.config.notes_dir)
    assert restored.path == folder / "05.md"


def test_find_trashed_errors_name_the_fix(kb: KnowledgeBase) -> None:
    for text in ("Alpha one", "Alpha two"):
        kb.remove(kb.add(text, date=dt.date(2023, 1, 5)).id)
    listed = list_trash(kb.config.trash_dir)
    with pytest.raises(NoteNotFound) as missing:
        find_trashed(listed, "nope")
    assert missing.value.hint == "list the trash with: til trash"
    with pytest.raises(AmbiguousId, match="matches 2 notes in the trash"):
        find_trashed(listed, "2023-01-05-alpha")
    assert find_trashed(listed, "2023-01-05-alpha-t").note.title == "Alpha two"


def test_an_empty_or_missing_trash(tmp_path: Path) -> None:
    assert list_trash(tmp_path / "none") == []
    (tmp_path / "trash").mkdir()
    (tmp_path / "trash" / "image.png").write_bytes(b"\x89PNG")
    assert list_trash(tmp_path / "trash") == []
