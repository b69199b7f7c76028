"""Writes touch what they change (issue 9): the catalog's change log and the manifest journal.

After the first build, a write applies only the files the catalog logged as
changed and adds one line to ``tilbase-manifest.log``; the manifest itself is
rewritten whole only after a full comparison, a rebuild, or ``JOURNAL_LIMIT``
lines. Whatever happens to the journal, the index ends up holding the notes.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tilbase.filters import NoteFilter
from tilbase.index import MANIFEST_NAME
from tilbase.index import ondisk as ondisk_module
from tilbase.index.manifest import JOURNAL_NAME, parse_manifest
from tilbase.kb import KnowledgeBase
from tilbase.store import catalog as catalog_module

TODAY = dt.date.today().isoformat()


def ids_for(kb: KnowledgeBase, query: str) -> set[str]:
    return {hit.note.id for hit in kb.search(NoteFilter(query=query), limit=None).hits}


def manifest_of(kb: KnowledgeBase) -> tuple[str, str]:
    index_dir = kb.config.index_dir
    journal = index_dir / JOURNAL_NAME
    return (
        (index_dir / MANIFEST_NAME).read_text("utf-8"),
        journal.read_text("utf-8") if journal.exists() else "",
    )


def built(kb: KnowledgeBase) -> KnowledgeBase:
    kb.add("first note about gardening")
    kb.search(NoteFilter(query="gardening"))
    return kb


def test_an_add_is_one_journal_line_and_leaves_the_manifest_alone(kb: KnowledgeBase) -> None:
    built(kb)
    base_before, _ = manifest_of(kb)
    kb.add("second note about compost")
    kb.add("third note about mulch")
    base_after, journal = manifest_of(kb)
    assert base_after == base_before
    lines = [json.loads(line) for line in journal.splitlines() if line.strip()]
    assert [sorted(line["set"]) for line in lines] == [
        [f"{TODAY}-second-note-about-compost.md"],
        [f"{TODAY}-third-note-about-mulch.md"],
    ]
    assert lines[-1]["count"] == 3
    manifest = parse_manifest(base_after, journal)
    assert manifest.count == 3
    assert len(manifest.files) == 3
    assert ids_for(kb, "mulch") == {f"{TODAY}-third-note-about-mulch"}


def test_removing_and_editing_outside_are_applied_from_the_change_log(
    kb: KnowledgeBase,
) -> None:
    built(kb)
    note = kb.add("a note about tomatoes")
    kb.add("a note about peppers")
    assert note.path is not None
    note.path.write_text(note.path.read_text("utf-8") + "\nnow with cucumbers\n", "utf-8")
    kb.remove(f"{TODAY}-a-note-about-peppers")
    assert ids_for(kb, "cucumbers") == {note.id}
    assert ids_for(kb, "peppers") == set()
    base, journal = manifest_of(kb)
    manifest = parse_manifest(base, journal)
    assert manifest.count == 2
    assert set(manifest.files) == {p.name for p in kb.config.notes_dir.glob("*.md")}


def test_a_line_cut_short_makes_the_index_catch_up(kb: KnowledgeBase) -> None:
    built(kb)
    kb.add("a note about beans")
    journal = kb.config.index_dir / JOURNAL_NAME
    text = journal.read_text("utf-8")
    journal.write_text(text[: len(text) - 20], "utf-8")  # a crash during the append
    kb.add("a note about peas")
    fresh = KnowledgeBase(kb.config)
    assert ids_for(fresh, "beans") == {f"{TODAY}-a-note-about-beans"}
    assert ids_for(fresh, "peas") == {f"{TODAY}-a-note-about-peas"}
    assert fresh.warnings == [] or all("rebuilt" in w for w in fresh.warnings)


def test_lines_of_an_older_manifest_do_not_count(kb: KnowledgeBase) -> None:
    built(kb)
    kb.add("a note about radishes")
    base, journal = manifest_of(kb)
    stale = journal.replace(parse_manifest(base).token or "", "000000000000")
    assert parse_manifest(base, stale).journal_length == 0
    assert parse_manifest(base, journal).journal_length == 1


def test_a_long_journal_is_folded_into_the_manifest(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ondisk_module, "JOURNAL_LIMIT", 2)
    built(kb)
    for word in ("kale", "chard", "leek"):
        kb.add(f"a note about {word}")
    base, journal = manifest_of(kb)
    manifest = parse_manifest(base, journal)
    assert manifest.journal_length < 2
    assert manifest.count == 4
    assert ids_for(kb, "kale chard leek") == {
        f"{TODAY}-a-note-about-{word}" for word in ("kale", "chard", "leek")
    }


def test_a_change_log_that_does_not_reach_back_falls_back_to_comparing(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(kb)
    monkeypatch.setattr(catalog_module, "CHANGES_KEPT", 5)
    notes_dir = kb.config.notes_dir
    for i in range(120):  # outside writes: each walk is one catalog write, pruned as it goes
        (notes_dir / f"outside-{i}.md").write_text(f"# Outside {i}\n\nonion number {i}\n", "utf-8")
        kb._fresh_view()  # a command's walk: the catalog learns, the index does not
    assert ids_for(kb, "onion") == {f"outside-{i}" for i in range(120)}
    base, journal = manifest_of(kb)
    assert parse_manifest(base, journal).count == 121
