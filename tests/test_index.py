"""The index: manifest diff, incremental sync, repair of broken indexes, the lock."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from whoosh.util.filelock import FileLock

from tests.conftest import Run
from tests.search_fixtures import FIXTURE_NOTES, write_notes
from tilbase.filters import NoteFilter
from tilbase.index import (
    MANIFEST_NAME,
    IndexBusy,
    IndexDiff,
    IndexLocationError,
    NoteIndex,
    diff_manifest,
    flatten_markdown,
    highlight_text,
    is_plausible_typo,
)
from tilbase.kb import KnowledgeBase
from tilbase.model import Note
from tilbase.store import FileStat

A, B, C = FileStat(10, 1), FileStat(20, 2), FileStat(30, 3)


@pytest.mark.parametrize(
    ("indexed", "current", "expected"),
    [
        ({}, {}, IndexDiff()),
        ({}, {"a.md": A}, IndexDiff(added=("a.md",))),
        ({"a.md": A}, {}, IndexDiff(removed=("a.md",))),
        ({"a.md": A}, {"a.md": A}, IndexDiff()),
        ({"a.md": A}, {"a.md": FileStat(10, 2)}, IndexDiff(updated=("a.md",))),
        ({"a.md": A}, {"a.md": FileStat(11, 1)}, IndexDiff(updated=("a.md",))),
        (
            {"a.md": A, "b.md": B, "c.md": C},
            {"c.md": C, "b.md": FileStat(21, 2), "d.md": A, "0.md": B},
            IndexDiff(added=("0.md", "d.md"), updated=("b.md",), removed=("a.md",)),
        ),
    ],
)
def test_diff_manifest(
    indexed: dict[str, FileStat], current: dict[str, FileStat], expected: IndexDiff
) -> None:
    diff = diff_manifest(indexed, current)
    assert diff == expected
    assert diff.empty == (expected == IndexDiff())


@pytest.fixture
def fixture_kb(kb: KnowledgeBase) -> KnowledgeBase:
    write_notes(kb.config.notes_dir)
    return kb


def index_of(kb: KnowledgeBase, timeout: float | None = None) -> NoteIndex:
    return NoteIndex(kb.config.index_dir, kb.config.notes_dir, lock_timeout=timeout)


def ids_for(kb: KnowledgeBase, query: str) -> set[str]:
    return {hit.note.id for hit in kb.search(NoteFilter(query=query), limit=None).hits}


def manifest_files(kb: KnowledgeBase) -> dict[str, list[int]]:
    data = json.loads((kb.config.index_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    files: dict[str, list[int]] = data["files"]
    return files


def bump_mtime(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_file_stats_sees_the_same_files_as_iter_files(kb: KnowledgeBase) -> None:
    notes_dir = kb.config.notes_dir
    for rel in ["a.md", "sub/b.md", "sub/deeper/c.md", ".hidden.md", ".git/d.md", "e.txt"]:
        path = notes_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n", "utf-8")
    (notes_dir / "folder.md").mkdir()
    expected = {rel: stat for rel, _path, stat in kb.store.iter_files()}
    assert kb.store.file_stats() == expected
    assert set(expected) == {"a.md", "sub/b.md", "sub/deeper/c.md"}


def test_first_build_is_silent_and_writes_the_manifest(fixture_kb: KnowledgeBase) -> None:
    report = index_of(fixture_kb).sync(fixture_kb.store.file_stats, fixture_kb.rescan)
    assert report.rebuilt
    assert report.reason is None
    assert report.total == len(FIXTURE_NOTES)
    assert set(manifest_files(fixture_kb)) == {f"{n.id}.md" for n in FIXTURE_NOTES}
    again = index_of(fixture_kb).sync(fixture_kb.store.file_stats, fixture_kb.rescan)
    assert not again.changed


def test_sync_applies_only_what_changed_on_disk(fixture_kb: KnowledgeBase) -> None:
    notes_dir = fixture_kb.config.notes_dir
    index_of(fixture_kb).sync(fixture_kb.store.file_stats, fixture_kb.rescan)
    (notes_dir / "2022-11-14-what-is-kedro.md").unlink()
    gil = notes_dir / "2022-11-25-day-87.md"
    gil.write_text(gil.read_text(encoding="utf-8") + "- also: subinterpreters\n", "utf-8")
    bump_mtime(gil)
    (notes_dir / "sub").mkdir()
    (notes_dir / "sub" / "new.md").write_text("# Zebra crossings\n\nstripes\n", "utf-8")
    fixture_kb.rescan()
    report = index_of(fixture_kb).sync(fixture_kb.store.file_stats, fixture_kb.rescan)
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert not report.rebuilt
    assert ids_for(fixture_kb, "subinterpreters") == {"2022-11-25-day-87"}
    assert ids_for(fixture_kb, "zebra") == {"new"}
    assert "2022-11-14-what-is-kedro" not in ids_for(fixture_kb, "kedro")


def test_edits_outside_til_are_found_by_the_next_search(fixture_kb: KnowledgeBase) -> None:
    notes_dir = fixture_kb.config.notes_dir
    assert ids_for(fixture_kb, "kedro")
    path = notes_dir / "2023-01-26-quality-metrics-for-leadership-success.md"
    path.write_text(path.read_text("utf-8").replace("retention", "okapi"), "utf-8")
    bump_mtime(path)
    (notes_dir / "2022-11-14-what-is-kedro.md").unlink()
    (notes_dir / "hand-written.md").write_text("Quokkas are small marsupials.\n", "utf-8")
    fresh = KnowledgeBase(fixture_kb.config)  # the next command is a new process
    assert ids_for(fresh, "okapi") == {"2023-01-26-quality-metrics-for-leadership-success"}
    assert ids_for(fresh, "retention") == set()
    assert "2022-11-14-what-is-kedro" not in ids_for(fresh, "kedro")
    assert ids_for(fresh, "quokkas") == {"hand-written"}


def test_update_keeps_one_document_per_note(fixture_kb: KnowledgeBase) -> None:
    index = index_of(fixture_kb)
    index.sync(fixture_kb.store.file_stats, fixture_kb.rescan)
    path = fixture_kb.config.notes_dir / "2022-11-14-what-is-kedro.md"
    for n in range(3):
        path.write_text(path.read_text("utf-8") + f"- edit {n}\n", "utf-8")
        bump_mtime(path)
        index.sync(fixture_kb.store.file_stats, fixture_kb.rescan, changed=True)
    assert [hit.note.id for hit in fixture_kb.search(NoteFilter(query="edit")).hits] == [
        "2022-11-14-what-is-kedro"
    ]
    assert len(manifest_files(fixture_kb)) == len(FIXTURE_NOTES)


def test_id_change_without_file_change_is_shown_with_the_current_id(kb: KnowledgeBase) -> None:
    notes_dir = kb.config.notes_dir
    notes_dir.mkdir(exist_ok=True)
    # Two files claim the same id: the second is shown as "same-2" until the first goes.
    (notes_dir / "a.md").write_text("---\nid: same\ntitle: First\n---\nalpha\n", "utf-8")
    (notes_dir / "b.md").write_text("---\nid: same\ntitle: Second\n---\nbeta\n", "utf-8")
    assert [h.note.id for h in kb.search(NoteFilter(query="beta")).hits] == ["same-2"]
    (notes_dir / "a.md").unlink()
    kb.rescan()
    assert [h.note.id for h in kb.search(NoteFilter(query="beta")).hits] == ["same"]


# -- repair ------------------------------------------------------------------------


def rebuilt_warnings(kb: KnowledgeBase) -> list[str]:
    return [w for w in kb.warnings if "rebuilt it from" in w]


def test_deleted_index_is_rebuilt_with_one_message(fixture_kb: KnowledgeBase) -> None:
    import shutil

    assert ids_for(fixture_kb, "kedro")
    shutil.rmtree(fixture_kb.config.index_dir)
    fixture_kb.warnings.clear()
    assert "2022-11-14-what-is-kedro" in ids_for(fixture_kb, "kedro")
    messages = rebuilt_warnings(fixture_kb)
    assert len(messages) == 1
    assert "it is missing" in messages[0]
    assert f"from {len(FIXTURE_NOTES)} notes" in messages[0]


@pytest.mark.parametrize(
    "damage",
    [
        "garbage-everywhere",
        "garbage-in-segments",
        "truncated-segments",
        "missing-toc",
        "garbage-toc",
        "missing-manifest",
        "garbage-manifest",
        "old-schema",
        "other-notes-dir",
        "manifest-disagrees",
        "only-segments-left",
    ],
)
def test_damaged_index_is_rebuilt(fixture_kb: KnowledgeBase, damage: str) -> None:
    assert ids_for(fixture_kb, "kedro")
    index_dir = fixture_kb.config.index_dir
    manifest = index_dir / MANIFEST_NAME
    whoosh_files = [p for p in index_dir.iterdir() if p.name != MANIFEST_NAME]
    segments = [p for p in whoosh_files if not p.name.endswith(".toc")]
    tocs = [p for p in whoosh_files if p.name.endswith(".toc")]
    if damage == "garbage-everywhere":
        for path in index_dir.iterdir():
            path.write_bytes(os.urandom(64) + b"\x00garbage")
    elif damage == "garbage-in-segments":
        for path in segments:
            path.write_bytes(b"\xff" * path.stat().st_size)
    elif damage == "truncated-segments":
        for path in segments:
            path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 3)])
    elif damage == "missing-toc":
        for path in tocs:
            path.unlink()
    elif damage == "garbage-toc":
        for path in tocs:
            path.write_bytes(b"not a toc")
    elif damage == "missing-manifest":
        manifest.unlink()
    elif damage == "garbage-manifest":
        manifest.write_text("{not json", "utf-8")
    elif damage == "old-schema":
        data = json.loads(manifest.read_text("utf-8"))
        data["schema"] = 0
        manifest.write_text(json.dumps(data), "utf-8")
    elif damage == "other-notes-dir":
        data = json.loads(manifest.read_text("utf-8"))
        data["notes_dir"] = "/somewhere/else"
        manifest.write_text(json.dumps(data), "utf-8")
    elif damage == "manifest-disagrees":
        data = json.loads(manifest.read_text("utf-8"))
        data["files"]["ghost.md"] = [1, 1, "ghost"]
        manifest.write_text(json.dumps(data), "utf-8")
    elif damage == "only-segments-left":
        manifest.unlink()
        for path in tocs:
            path.unlink()
    fresh = KnowledgeBase(fixture_kb.config)
    assert {
        "2022-11-14-what-is-kedro",
        "2022-11-17-which-pipeline-orchestration-should-i-use",
    } <= ids_for(fresh, "kedro")
    assert len(rebuilt_warnings(fresh)) == 1, fresh.warnings
    # ... and the repaired index is current: a second command says nothing.
    again = KnowledgeBase(fixture_kb.config)
    assert ids_for(again, "kedro")
    assert again.warnings == []


def test_leftover_writer_temp_folder_means_a_rebuild(fixture_kb: KnowledgeBase) -> None:
    assert ids_for(fixture_kb, "kedro")
    tmp = fixture_kb.config.index_dir / "MAIN.tmp"
    tmp.mkdir()
    (tmp / "partial.seg").write_bytes(b"half a segment")
    fresh = KnowledgeBase(fixture_kb.config)
    assert ids_for(fresh, "kedro")
    assert any("a write to it was interrupted" in w for w in rebuilt_warnings(fresh))
    assert not tmp.exists()


def test_leftover_staging_folders_are_removed_on_rebuild(fixture_kb: KnowledgeBase) -> None:
    index_dir = fixture_kb.config.index_dir
    stale = index_dir.with_name(f".{index_dir.name}.new-99999")
    stale.mkdir(parents=True)
    (stale / "junk").write_text("x", "utf-8")
    assert ids_for(fixture_kb, "kedro")
    assert not stale.exists()


def test_index_is_opened_with_the_code_schema_not_the_pickled_one(
    fixture_kb: KnowledgeBase,
) -> None:
    assert ids_for(fixture_kb, "kedro")
    index = index_of(fixture_kb)
    index._open_checked()
    assert index._ix.schema is index.schema
    index.close()


# -- review finding #1: a rebuild replaced whatever folder index_dir named ---------------


def _index_at(kb: KnowledgeBase, folder: Path) -> NoteIndex:
    return NoteIndex(folder, kb.config.notes_dir)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("how", ["sync", "rebuild"])
def test_index_dir_deleting_a_folder_that_is_not_an_index_is_refused(
    fixture_kb: KnowledgeBase, tmp_path: Path, how: str
) -> None:
    folder = tmp_path / "precious"
    (folder / "sub").mkdir(parents=True)
    (folder / "p.md").write_text("precious\n", "utf-8")
    (folder / "sub" / "MAIN_notes.txt").write_text("mine\n", "utf-8")
    before = _tree(folder)
    index = _index_at(fixture_kb, folder)
    build = (
        (lambda: index.sync(fixture_kb.store.file_stats, fixture_kb.rescan))
        if how == "sync"
        else (lambda: index.rebuild(fixture_kb.rescan))
    )
    with pytest.raises(IndexLocationError) as caught:
        build()
    assert "holds no tilbase index" in caught.value.message
    assert "nothing was deleted" in caught.value.message
    assert "\n" not in caught.value.message
    assert _tree(folder) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".precious.")]


def test_an_index_folder_with_other_files_in_it_is_not_replaced(
    fixture_kb: KnowledgeBase,
) -> None:
    assert ids_for(fixture_kb, "kedro")
    index_dir = fixture_kb.config.index_dir
    (index_dir / "my-notes.txt").write_text("do not lose me\n", "utf-8")
    (index_dir / MANIFEST_NAME).write_text("{damaged", "utf-8")
    with pytest.raises(IndexLocationError, match=r"holds 'my-notes\.txt', which is not part of"):
        ids_for(KnowledgeBase(fixture_kb.config), "kedro")
    assert (index_dir / "my-notes.txt").read_text("utf-8") == "do not lose me\n"


def test_a_file_where_the_index_folder_should_be_is_not_deleted(
    fixture_kb: KnowledgeBase,
) -> None:
    index_dir = fixture_kb.config.index_dir
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    index_dir.write_text("oops", "utf-8")
    with pytest.raises(IndexLocationError, match="is a file, not a folder"):
        ids_for(fixture_kb, "kedro")
    assert index_dir.read_text("utf-8") == "oops"


def test_an_empty_existing_folder_becomes_the_index(
    fixture_kb: KnowledgeBase, tmp_path: Path
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    report = _index_at(fixture_kb, folder).sync(fixture_kb.store.file_stats, fixture_kb.rescan)
    assert report.rebuilt
    assert (folder / MANIFEST_NAME).is_file()
    # A rebuild replaces a folder it recognises as its own index.
    again = _index_at(fixture_kb, folder).rebuild(fixture_kb.rescan)
    assert again.total == len(FIXTURE_NOTES)


def test_index_dir_at_another_folder_keeps_its_files_through_the_cli(
    run: Run, kb_dir: Path, tmp_path: Path
) -> None:
    """The review's repro with a folder config validation cannot know about."""
    folder = tmp_path / "stuff"
    folder.mkdir()
    (folder / "p.md").write_text("precious\n", "utf-8")
    (kb_dir / "config.yaml").write_text(f"notes_dir: notes\nindex_dir: {folder}\n", "utf-8")
    added = run("add", "a note about kedro")
    assert added.exit_code == 0
    assert "holds no tilbase index" in added.stderr
    assert "the notes were saved" in added.stderr
    result = run("search", "kedro")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: search index folder")
    assert len(result.stderr.strip().splitlines()) == 1
    assert run("reindex").exit_code == 1
    assert [p.name for p in folder.iterdir()] == ["p.md"]


def test_index_dir_set_to_the_notes_folder_is_refused_before_anything_runs(
    run: Run, kb_dir: Path
) -> None:
    (kb_dir / "config.yaml").write_text("notes_dir: notes\nindex_dir: notes\n", "utf-8")
    (kb_dir / "notes" / "p.md").write_text("precious\n", "utf-8")
    result = run("search", "x")
    assert result.exit_code == 1
    assert "config.yaml:2: 'index_dir' (notes) is the notes folder" in result.stderr
    assert (kb_dir / "notes" / "p.md").read_text("utf-8") == "precious\n"
    assert sorted(p.name for p in (kb_dir / "notes").iterdir()) == ["p.md"]


# -- the lock ----------------------------------------------------------------------


def test_busy_lock_times_out_with_index_busy(fixture_kb: KnowledgeBase) -> None:
    index = index_of(fixture_kb, timeout=0.3)
    index.sync(fixture_kb.store.file_stats, fixture_kb.rescan)
    holder = FileLock(str(index.lock_path))
    assert holder.acquire(blocking=False)
    try:
        started = time.monotonic()
        with pytest.raises(IndexBusy):
            index.sync(fixture_kb.store.file_stats, fixture_kb.rescan, changed=True)
        assert 0.25 <= time.monotonic() - started < 5
    finally:
        holder.release()


def test_add_while_index_busy_saves_the_note_and_catches_up_later(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.index.ondisk

    assert ids_for(fixture_kb, "kedro")
    monkeypatch.setattr(tilbase.index.ondisk, "DEFAULT_LOCK_TIMEOUT", 0.2)
    holder = FileLock(str(index_of(fixture_kb).lock_path))
    assert holder.acquire(blocking=False)
    try:
        note = fixture_kb.add("Capybaras are the largest rodents", tags=["animals"])
        assert note.path is not None
        assert note.path.exists()
        assert any("busy" in w and "catch up" in w for w in fixture_kb.warnings)
    finally:
        holder.release()
    fresh = KnowledgeBase(fixture_kb.config)
    assert ids_for(fresh, "capybaras") == {note.id}


def test_search_while_busy_uses_the_index_as_it_is(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.index.ondisk

    assert ids_for(fixture_kb, "kedro")
    (fixture_kb.config.notes_dir / "late.md").write_text("Late kedro note\n", "utf-8")
    monkeypatch.setattr(tilbase.index.ondisk, "DEFAULT_LOCK_TIMEOUT", 0.2)
    holder = FileLock(str(index_of(fixture_kb).lock_path))
    assert holder.acquire(blocking=False)
    try:
        fresh = KnowledgeBase(fixture_kb.config)
        found = ids_for(fresh, "kedro")
        assert "late" not in found
        assert "2022-11-14-what-is-kedro" in found
        assert any("busy" in w for w in fresh.warnings)
    finally:
        holder.release()
    assert "late" in ids_for(KnowledgeBase(fixture_kb.config), "kedro")


def test_sync_index_reports_busy_as_false(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.index.ondisk

    monkeypatch.setattr(tilbase.index.ondisk, "DEFAULT_LOCK_TIMEOUT", 0.1)
    assert fixture_kb.sync_index() is True
    holder = FileLock(str(index_of(fixture_kb).lock_path))
    assert holder.acquire(blocking=False)
    try:
        assert fixture_kb.sync_index(changed=True) is False
    finally:
        holder.release()
    assert fixture_kb.sync_index(changed=True) is True


# -- snippets ------------------------------------------------------------------------


def test_every_word_of_a_multi_word_query_is_highlighted_in_the_body(
    fixture_kb: KnowledgeBase,
) -> None:
    # Regression: Whoosh's existing_terms() reuses its fieldname argument as a loop variable, so
    # only the first leaf's field (title) was highlighted and body snippets had no marks at all.
    [hit] = fixture_kb.search(NoteFilter(query="python slow gil"), limit=1).hits
    marked = {text.casefold() for text, is_match in hit.snippet if is_match}
    assert {"python", "slow", "gil"} <= marked


def test_highlight_marks_stemmed_matches() -> None:
    pieces = highlight_text("Decision trees are learning to split.", {"tree", "learn"}, whole=True)
    assert [text for text, is_match in pieces if is_match] == ["trees", "learning"]
    assert "".join(text for text, _ in pieces) == "Decision trees are learning to split."


def test_highlight_without_a_match_gives_the_opening() -> None:
    text = "word " * 100
    pieces = highlight_text(text, {"absent"})
    assert not any(is_match for _, is_match in pieces)
    assert pieces[-1] == ("…", False)


def test_snippet_is_around_the_match_of_a_long_body() -> None:
    body = "filler text here. " * 40 + "The GIL is a mutex. " + "more filler. " * 40
    pieces = highlight_text(body, {"gil"})
    joined = "".join(text for text, _ in pieces)
    assert "GIL" in joined
    assert len(joined) < 300
    assert joined.startswith("…")


@pytest.mark.parametrize(
    ("markdown", "flat"),
    [
        ("- one\n  - two\n", "one two"),
        ("```python\nx = 1\n```\n", "x = 1"),
        ("## Heading\ntext", "Heading text"),
        ("1. first\n2. second", "first second"),
        ("a  #tag\tb", "a #tag b"),
    ],
)
def test_flatten_markdown(markdown: str, flat: str) -> None:
    assert flatten_markdown(markdown) == flat


def test_notes_with_odd_content_are_indexed(kb: KnowledgeBase) -> None:
    notes = [
        Note(id="empty-body", title="Only a title"),
        Note(id="unicode", title="Grüße aus Köln", body="naïve café — 東京 😀\n"),
        Note(id="long", title="Long", body="lorem ipsum " * 20000),
    ]
    write_notes(kb.config.notes_dir, notes)
    assert ids_for(kb, "köln") == {"unicode"}
    assert ids_for(kb, "café") == {"unicode"}
    assert ids_for(kb, "title") == {"empty-body"}
    assert ids_for(kb, "lorem") == {"long"}


@pytest.mark.parametrize(
    ("typed", "word", "strict", "lenient"),
    [
        ("decison", "decision", True, True),  # a letter left out
        ("kedroo", "kedro", True, True),  # a letter typed twice
        ("kedor", "kedro", True, True),  # two letters swapped
        ("tesr", "test", True, True),  # r is next to t
        ("slow", "show", False, True),  # l and h are far apart: "slow" is a word
        ("env", "end", False, True),
        ("abcd", "badc", False, False),
        ("cat", "catalog", False, False),
        ("same", "same", False, False),
    ],
)
def test_is_plausible_typo(typed: str, word: str, strict: bool, lenient: bool) -> None:
    assert is_plausible_typo(typed, word) is strict
    assert is_plausible_typo(typed, word, lenient=True) is lenient


def test_rebuild_with_two_writer_processes_gives_the_same_results(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.index.ondisk

    single = ids_for(fixture_kb, "kedro OR leadership OR python")
    monkeypatch.setattr(tilbase.index.ondisk, "MULTIPROCESS_THRESHOLD", 0)
    report = index_of(fixture_kb).rebuild(fixture_kb.rescan)
    assert report.total == len(FIXTURE_NOTES)
    assert ids_for(KnowledgeBase(fixture_kb.config), "kedro OR leadership OR python") == single


def test_add_succeeds_when_the_index_cannot_be_written(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(NoteIndex, "sync", refuse)
    note = fixture_kb.add("Saved even though the index is read-only")
    assert note.path is not None
    assert note.path.exists()
    assert any("cannot be written (Permission denied)" in w for w in fixture_kb.warnings)


def test_add_succeeds_when_updating_the_index_fails_unexpectedly(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("surprise")

    monkeypatch.setattr(NoteIndex, "sync", fail)
    note = fixture_kb.add("Saved even though indexing failed")
    assert note.path is not None
    assert note.path.exists()
    assert any("not updated (RuntimeError: surprise)" in w for w in fixture_kb.warnings)
    monkeypatch.undo()
    assert note.id in ids_for(KnowledgeBase(fixture_kb.config), "indexing")


def test_search_uses_the_index_as_it_is_when_it_cannot_be_written(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ids_for(fixture_kb, "kedro")
    original = NoteIndex._locked

    def read_only(self: NoteIndex) -> object:
        raise PermissionError(30, "Read-only file system")

    (fixture_kb.config.notes_dir / "late.md").write_text("Late kedro note\n", "utf-8")
    monkeypatch.setattr(NoteIndex, "_locked", read_only)
    fresh = KnowledgeBase(fixture_kb.config)
    assert "2022-11-14-what-is-kedro" in ids_for(fresh, "kedro")
    assert any("cannot be written (Read-only file system)" in w for w in fresh.warnings)
    monkeypatch.setattr(NoteIndex, "_locked", original)
    assert "late" in ids_for(KnowledgeBase(fixture_kb.config), "kedro")
