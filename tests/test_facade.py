"""``KnowledgeBase`` as the one facade, on an index held in memory (Whoosh's RamStorage)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tilbase.config import load_config
from tilbase.filters import NoteFilter
from tilbase.index.memory import MemoryIndex
from tilbase.kb import KnowledgeBase
from tilbase.model import Note
from tilbase.ordering import sort_newest_first


@pytest.fixture
def ram_kb(kb_dir: Path) -> KnowledgeBase:
    return KnowledgeBase(load_config(kb_dir / "config.yaml"), index=MemoryIndex())


def _ids(kb: KnowledgeBase, query: str, **filters: object) -> list[str]:
    result = kb.search(NoteFilter(query=query, **filters), limit=None)  # type: ignore[arg-type]
    return [hit.note.id for hit in result.hits]


def test_add_search_rm_with_an_index_in_memory(ram_kb: KnowledgeBase) -> None:
    worktree = ram_kb.add("git worktree gives a branch its own folder", tags=["git"])
    ram_kb.add("python's GIL makes threads take turns", date=dt.date(2024, 3, 1))
    assert _ids(ram_kb, "worktree") == [worktree.id]
    assert _ids(ram_kb, "threads") != []
    ram_kb.remove(worktree.id)
    assert _ids(ram_kb, "worktree") == []
    assert not ram_kb.config.index_dir.exists()  # nothing was written for the index
    assert ram_kb.warnings == []


def test_memory_index_catches_up_with_edits_made_outside(ram_kb: KnowledgeBase) -> None:
    note = ram_kb.add("first words about kedro pipelines", title="Pipelines")
    assert note.path is not None
    assert _ids(ram_kb, "kedro") == [note.id]
    note.path.write_text(note.path.read_text().replace("kedro", "airflow"), encoding="utf-8")
    assert _ids(ram_kb, "airflow") == [note.id]
    assert _ids(ram_kb, "kedro") == []


def test_facade_related_reindex_tags_and_show(ram_kb: KnowledgeBase) -> None:
    one = ram_kb.add("git rebase rewrites commits onto another base", tags=["git"])
    two = ram_kb.add("git rebase interactive squashes commits", tags=["git"])
    ram_kb.add("sourdough needs a warm kitchen", tags=["bread"])
    assert [h.note.id for h in ram_kb.related(one.id).hits] == [two.id]
    report = ram_kb.reindex()
    assert report.rebuilt
    assert report.total == 3
    edit = ram_kb.tag_add(one.id, ["vcs"])
    assert "vcs" in edit.note.tags
    assert _ids(ram_kb, "rebase", tags=("vcs",)) == [one.id]
    assert {count.tag for count in ram_kb.tag_list()} >= {"git", "vcs", "bread"}
    shown, text = ram_kb.show(one.id)
    assert shown.id == one.id
    assert "vcs" in text


def test_edit_opens_the_file_and_rereads_it(ram_kb: KnowledgeBase) -> None:
    note = ram_kb.add("draft about make", title="Builds")

    def editor(path: Path, _editor: str | None) -> None:
        path.write_text(path.read_text().replace("make", "ninja builds"), encoding="utf-8")

    updated = ram_kb.edit(note.id, editor)
    assert "ninja" in updated.body
    assert _ids(ram_kb, "ninja") == [note.id]


def _note(note_id: str, date: dt.date | None) -> Note:
    return Note(id=note_id, title=note_id, date=date, body="x\n")


def test_sort_newest_first_reads_a_generator_once() -> None:
    """Regression (issue 10): given a generator, undated notes vanished."""
    notes = [_note("b", None), _note("a", dt.date(2024, 1, 2)), _note("c", None)]
    assert [n.id for n in sort_newest_first(n for n in notes)] == ["a", "b", "c"]


def test_search_without_words_finds_undated_notes_by_topic(ram_kb: KnowledgeBase) -> None:
    """Regression (issue 10): ``til search --topic git`` with no words missed undated notes."""
    folder = ram_kb.config.notes_dir
    (folder / "undated.md").write_text("---\ntitle: Undated\ntopic: git\n---\nno date\n")
    dated = ram_kb.add("dated one", topic="git", date=dt.date(2024, 5, 1))
    assert _ids(ram_kb, "", topic="git") == [dated.id, "undated"]
