"""The SQLite catalog: rebuilds, the freshness walk, writes, queries, id prefixes, two writers."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tilbase.config import Config
from tilbase.errors import AmbiguousId, NoteNotFound
from tilbase.filters import NoteFilter
from tilbase.kb import sort_newest_first
from tilbase.model import Note
from tilbase.notefile import read_note, render_note
from tilbase.store import NoteStore
from tilbase.store import catalog as catalog_module
from tilbase.store.catalog import (
    SCHEMA_VERSION,
    Catalog,
    CatalogCorrupt,
    CatalogEntry,
    FileSig,
    TagTotal,
    file_sig,
    walk_notes,
)
from tilbase.tags import count_tags

D = dt.date


def parse(rel: str, path: Path) -> CatalogEntry | None:
    """The callback a freshness service gives: read the file, make its entry."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    result = read_note(text, rel)
    return CatalogEntry.from_note(result.note, rel, result.warnings)


def write(notes: Path, note: Note, name: str | None = None) -> Path:
    path = notes / (name or f"{note.id}.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_note(note), encoding="utf-8")
    return path


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / ".tilbase" / "catalog.sqlite"


@pytest.fixture
def cat(db_path: Path):  # type: ignore[no-untyped-def]
    catalog = Catalog.open(db_path)
    yield catalog
    catalog.close()


def entry(path: str, note_id: str, **kw: object) -> CatalogEntry:
    kw.setdefault("title", note_id.title())
    return CatalogEntry(path=path, id=note_id, **kw)  # type: ignore[arg-type]


SIG = FileSig(1, 1, 1)


def store_for(root: Path, notes: Path) -> NoteStore:
    state = root / ".tilbase"
    config = Config(
        root=root, config_path=root / "config.yaml", notes_dir=notes, state_dir=state,
        index_dir=state / "index",
    )  # fmt: skip
    return NoteStore(config)


# -- opening and rebuilding ------------------------------------------------------


def test_a_new_catalog_uses_wal_and_the_schema_version(db_path: Path) -> None:
    with Catalog.open(db_path) as catalog:
        assert catalog.rebuilt == "missing"
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    with Catalog.open(db_path) as again:
        assert again.rebuilt is None


def _filled(db_path: Path, notes: Path) -> None:
    for i in range(3):
        write(notes, Note(id=f"n{i}", title=f"Note {i}", date=D(2024, 1, i + 1)))
    with Catalog.open(db_path) as catalog:
        catalog.refresh(notes, parse)
        assert catalog.count() == 3


def test_rebuilt_after_deletion(db_path: Path, notes: Path) -> None:
    _filled(db_path, notes)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    with Catalog.open(db_path) as catalog:
        assert catalog.rebuilt == "missing"
        assert catalog.count() == 0
        diff = catalog.refresh(notes, parse)
        assert diff.added == ["n0.md", "n1.md", "n2.md"]
        assert catalog.count() == 3


@pytest.mark.parametrize("garbage", [b"", b"not a database at all " * 300, bytes(range(256)) * 40])
def test_rebuilt_after_garbage_bytes(db_path: Path, notes: Path, garbage: bytes) -> None:
    _filled(db_path, notes)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(garbage)
    with Catalog.open(db_path) as catalog:
        if garbage:
            assert catalog.rebuilt == "corrupt"
        catalog.refresh(notes, parse)
        assert catalog.count() == 3
        assert catalog.resolve("n1").title == "Note 1"


def test_damaged_pages_raise_catalog_corrupt_and_reset_recovers(db_path: Path, notes: Path) -> None:
    for i in range(300):
        write(notes, Note(id=f"note-{i:04}", title="T " * 40, tags=("a", "b/c")))
    with Catalog.open(db_path) as catalog:
        catalog.refresh(notes, parse)
        catalog._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):  # every page after the schema page
        data[offset : offset + 100] = b"\xff" * 100
    db_path.write_bytes(bytes(data))
    catalog = Catalog.open(db_path)
    try:
        catalog.refresh(notes, parse)
        catalog.tag_totals()
        assert catalog.rebuilt == "corrupt"  # the damage was found on open
    except CatalogCorrupt:
        catalog = catalog.reset()
        assert catalog.rebuilt == "corrupt"
        catalog.refresh(notes, parse)
    assert catalog.count() == 300
    catalog.close()


def test_rebuilt_after_a_schema_bump(
    db_path: Path, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _filled(db_path, notes)
    monkeypatch.setattr(catalog_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Catalog.open(db_path) as catalog:
        assert catalog.rebuilt == f"schema {SCHEMA_VERSION} -> {SCHEMA_VERSION + 1}"
        assert catalog.count() == 0
        catalog.refresh(notes, parse)
        assert catalog.count() == 3
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    db.close()


def test_an_older_schema_with_other_tables_is_dropped(db_path: Path, notes: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE notes (path TEXT, stuff BLOB)")
    db.execute("CREATE VIEW v AS SELECT * FROM notes")
    db.execute("PRAGMA user_version = 0")
    db.commit()
    db.close()
    _filled(db_path, notes)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_state_folder_gives_an_in_memory_catalog(tmp_path: Path, notes: Path) -> None:
    state = tmp_path / "ro"
    state.mkdir()
    state.chmod(0o500)
    try:
        with Catalog.open(state / "catalog.sqlite") as catalog:
            assert catalog.path is None
            catalog.refresh(notes, parse)
    finally:
        state.chmod(0o700)


def test_a_catalog_path_that_cannot_be_a_database_gives_an_in_memory_catalog(
    db_path: Path, notes: Path
) -> None:
    db_path.mkdir(parents=True)  # a folder where the file should be
    write(notes, Note(id="a", title="Alpha"))
    with Catalog.open(db_path) as catalog:
        assert catalog.path is None
        assert catalog.rebuilt is not None
        assert catalog.rebuilt.startswith("in memory for this run")
        catalog.refresh(notes, parse)
        assert catalog.resolve("a").title == "Alpha"
        assert not catalog.diff(notes)


# -- the freshness walk ------------------------------------------------------------


def test_nothing_changed_is_an_empty_diff_and_parses_nothing(cat: Catalog, notes: Path) -> None:
    for i in range(5):
        write(notes, Note(id=f"n{i}", title="x"))
    calls: list[str] = []

    def counting(rel: str, path: Path) -> CatalogEntry | None:
        calls.append(rel)
        return parse(rel, path)

    assert cat.refresh(notes, counting).added == [f"n{i}.md" for i in range(5)]
    calls.clear()
    diff = cat.refresh(notes, counting)
    assert not diff
    assert calls == []


def test_outside_edits_deletions_and_new_files_are_seen(cat: Catalog, notes: Path) -> None:
    a = write(notes, Note(id="a", title="Alpha", tags=("x",)))
    b = write(notes, Note(id="b", title="Beta"))
    write(notes, Note(id="c", title="Gamma"))
    cat.refresh(notes, parse)
    a.write_text(render_note(Note(id="a", title="Alpha edited", tags=("y",))), encoding="utf-8")
    b.unlink()
    write(notes, Note(id="d", title="Delta"), name="sub/d.md")
    calls: list[str] = []

    def counting(rel: str, path: Path) -> CatalogEntry | None:
        calls.append(rel)
        return parse(rel, path)

    diff = cat.refresh(notes, counting)
    assert (diff.added, diff.changed, diff.removed) == (["sub/d.md"], ["a.md"], ["b.md"])
    assert sorted(calls) == ["a.md", "sub/d.md"]
    assert cat.resolve("a").title == "Alpha edited"
    assert [t.tag for t in cat.tag_totals()] == ["y"]
    with pytest.raises(NoteNotFound):
        cat.resolve("b")
    assert cat.resolve("d").path == "sub/d.md"


def test_the_stat_snapshot_never_hides_a_change(cat: Catalog, notes: Path) -> None:
    path = write(notes, Note(id="a", title="Alpha"))
    write(notes, Note(id="b", title="Beta"))
    cat.refresh(notes, parse)
    assert not cat.diff(notes)  # a full comparison: it stores the snapshot
    assert cat._query("SELECT value FROM meta WHERE key = 'snapshot'")[0][0] is not None
    assert not cat.diff(notes)  # answered by the snapshot
    path.write_text(render_note(Note(id="a", title="Alpha, longer")), encoding="utf-8")
    assert cat.diff(notes).changed == ["a.md"]
    cat.refresh(notes, parse)
    assert not cat.diff(notes)
    # A write drops the snapshot: a row that no longer agrees with its file shows up.
    cat.upsert(entry("b.md", "b"), SIG)
    assert cat.diff(notes).changed == ["b.md"]


def test_a_stored_snapshot_spares_reading_the_rows_in_the_next_process(
    db_path: Path, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(20):
        write(notes, Note(id=f"n{i}", title="x"), name=f"d{i % 3}/n{i}.md")
    with Catalog.open(db_path) as first:
        first.refresh(notes, parse)
        assert not first.diff(notes)

    def unexpected(self: Catalog) -> object:
        raise AssertionError("the rows were read")

    monkeypatch.setattr(Catalog, "file_sigs", unexpected)
    with Catalog.open(db_path) as second:
        assert not second.diff(notes)


def test_a_snapshot_from_before_a_write_is_not_stored(cat: Catalog, notes: Path) -> None:
    write(notes, Note(id="a", title="Alpha"))
    cat.refresh(notes, parse)
    generation, known = cat._generation_and_sigs()
    cat.upsert(entry("a.md", "a"), SIG)  # another process writes meanwhile
    cat._store_snapshot(known, generation)
    assert cat._query("SELECT value FROM meta WHERE key = 'snapshot'")[0][0] is None
    assert cat.diff(notes).changed == ["a.md"]


def test_same_size_edits_are_seen_by_mtime_and_by_inode(cat: Catalog, notes: Path) -> None:
    path = write(notes, Note(id="a", title="Aaaa"))
    cat.refresh(notes, parse)
    before = os.stat(path)
    path.write_text(render_note(Note(id="a", title="Bbbb")), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert cat.refresh(notes, parse).changed == ["a.md"]
    assert cat.resolve("a").title == "Bbbb"
    # An editor that writes a new file and renames it over the old one, keeping size and mtime.
    now = os.stat(path)
    tmp = notes / "tmp.txt"
    tmp.write_text(render_note(Note(id="a", title="Cccc")), encoding="utf-8")
    os.utime(tmp, ns=(now.st_atime_ns, now.st_mtime_ns))
    os.replace(tmp, path)
    assert os.stat(path).st_ino != now.st_ino
    assert cat.refresh(notes, parse).changed == ["a.md"]
    assert cat.resolve("a").title == "Cccc"


def test_the_walk_follows_the_store_rules(tmp_path: Path, notes: Path) -> None:
    write(notes, Note(id="top", title="t"))
    write(notes, Note(id="deep", title="t"), name="a/b/deep.md")
    write(notes, Note(id="hidden", title="t"), name=".hidden.md")
    write(notes, Note(id="in-dot", title="t"), name=".git/x.md")
    (notes / "readme.txt").write_text("not a note")
    (notes / "folder.md").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside, Note(id="linked", title="t"))
    (notes / "linked-dir").symlink_to(outside, target_is_directory=True)
    (notes / "linked.md").symlink_to(outside / "linked.md")
    (notes / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    found = walk_notes(notes)
    assert sorted(found) == ["a/b/deep.md", "linked.md", "top.md"]
    assert sorted(found) == sorted(store_for(tmp_path, notes).file_stats())
    assert walk_notes(tmp_path / "missing") == {}


def test_a_file_that_vanishes_before_parsing_is_dropped(cat: Catalog, notes: Path) -> None:
    write(notes, Note(id="a", title="x"))
    cat.refresh(notes, parse)
    path = write(notes, Note(id="a", title="changed"))
    diff = cat.diff(notes)
    path.unlink()
    cat.apply(diff, notes, parse)
    assert cat.count() == 0


# -- writes ------------------------------------------------------------------------


def test_upsert_and_delete_touch_one_row(cat: Catalog, notes: Path) -> None:
    path = write(notes, Note(id="a", title="Alpha", date=D(2024, 5, 1)))
    assert cat.upsert(parse("a.md", path), file_sig(path)) == "a"  # type: ignore[arg-type]
    assert not cat.diff(notes)  # the walk agrees with what the write recorded
    assert cat.delete("a.md") is True
    assert cat.delete("a.md") is False
    assert cat.count() == 0


def test_batch_upserts_in_one_transaction(cat: Catalog) -> None:
    ids = cat.upsert_many((entry(f"n{i}.md", f"n{i}", tags=("t",)), SIG) for i in range(50))
    assert ids == [f"n{i}" for i in range(50)]
    assert cat.tag_totals() == [TagTotal("t", 50, 50)]
    assert cat.delete_many([f"n{i}.md" for i in range(10)]) == 10
    assert cat.count() == 40
    cat.clear()
    assert cat.count() == 0


def test_a_failed_batch_writes_nothing(cat: Catalog) -> None:
    def items():  # type: ignore[no-untyped-def]
        yield entry("a.md", "a"), SIG
        raise RuntimeError("parser broke")

    with pytest.raises(RuntimeError):
        cat.upsert_many(items())
    assert cat.count() == 0


def test_duplicate_ids_get_a_variant_and_the_id_comes_back(cat: Catalog) -> None:
    cat.upsert_many(
        [(entry("a.md", "Same"), SIG), (entry("b.md", "same"), SIG), (entry("c.md", "SAME"), SIG)]
    )
    assert [r.id for r in cat.select()] == ["Same", "same-2", "SAME-3"]
    assert cat.duplicate_warnings() == [
        "b.md:1: id 'Same' is also used by a.md; using 'same-2' for this file until one of "
        "them is changed",
        "c.md:1: id 'Same' is also used by a.md; using 'SAME-3' for this file until one of "
        "them is changed",
    ]
    cat.delete("a.md")
    assert [r.id for r in cat.select()] == ["same", "SAME-3"]
    cat.upsert(entry("b.md", "other"), SIG)  # b takes another id: c gets its own back
    assert [r.id for r in cat.select()] == ["other", "SAME"]
    assert cat.duplicate_warnings() == []


def test_free_id_and_id_taken(cat: Catalog) -> None:
    cat.upsert_many([(entry("a.md", "x"), SIG), (entry("b.md", "X-2"), SIG)])
    assert cat.id_taken("X")
    assert not cat.id_taken("y")
    assert cat.free_id("x") == "x-3"
    assert cat.free_id("y") == "y"


def test_every_write_raises_the_generation(cat: Catalog, notes: Path) -> None:
    start = cat.generation()
    cat.upsert(entry("a.md", "a"), SIG)
    cat.upsert_many([(entry("b.md", "B"), SIG)])
    cat.delete("zzz.md")
    assert cat.generation() == start + 3
    assert cat.ids() == ["a", "B"]
    cat.diff(notes)  # reading is not a write
    assert cat.generation() == start + 3


def test_warnings_and_sources_are_kept(cat: Catalog) -> None:
    cat.upsert(
        entry("a.md", "a", warnings=("a.md:2: broken frontmatter",), source=("in.md", 7, None)),
        SIG,
    )
    cat.upsert(entry("b.md", "b"), SIG)
    assert cat.file_warnings() == ["a.md:2: broken frontmatter"]
    assert list(cat.sources()) == [("a.md", "a", ("in.md", 7, None))]


# -- queries -----------------------------------------------------------------------


@pytest.fixture
def filled(cat: Catalog) -> Catalog:
    rows = [
        entry("a.md", "a", date=D(2024, 3, 1), tags=("lang/python", "lang"), topic="Python"),
        entry("b.md", "b", date=D(2024, 3, 1), tags=("lang/go",), topic="python/Packaging"),
        entry("c.md", "c", date=D(2024, 3, 1), created="2024-03-01T09:00:00", tags=("db",)),
        entry("d.md", "d", date=D(2023, 1, 5), tags=("lang/python/typing",), topic="Pythonic"),
        entry("e.md", "e", tags=("db", "lang")),
        entry("f.md", "f", date=D(2025, 1, 1)),
        entry("sub/g.md", "g"),
    ]
    cat.upsert_many((row, SIG) for row in rows)
    return cat


def ids(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.id for r in rows]


def test_newest_first_by_date_then_creation_then_id_undated_last(filled: Catalog) -> None:
    assert ids(filled.newest()) == ["f", "c", "a", "b", "d", "e", "g"]
    assert ids(filled.newest(2)) == ["f", "c"]
    assert ids(filled.newest(0)) == []


def test_date_range_is_inclusive_and_leaves_undated_out(filled: Catalog) -> None:
    assert ids(filled.newest(since=D(2024, 3, 1))) == ["f", "c", "a", "b"]
    assert ids(filled.newest(until=D(2024, 3, 1))) == ["c", "a", "b", "d"]
    assert ids(filled.newest(since=D(2024, 1, 1), until=D(2024, 12, 31))) == ["c", "a", "b"]


def test_tags_match_their_children_and_all_must_hold(filled: Catalog) -> None:
    assert ids(filled.newest(tag="lang")) == ["a", "b", "d", "e"]
    assert ids(filled.newest(tag="#Lang/Python")) == ["a", "d"]
    assert ids(filled.newest(tag="lan")) == []
    assert ids(filled.newest(tag=["lang", "db"])) == ["e"]


def test_topics_match_their_children_ignoring_case(filled: Catalog) -> None:
    assert ids(filled.newest(topic="python")) == ["a", "b"]
    assert ids(filled.newest(topic="PYTHON/packaging/")) == ["b"]
    assert ids(filled.newest(topic="/")) == []


def test_select_in_path_order_and_paths_matching(filled: Catalog) -> None:
    assert [r.path for r in filled.select()] == [
        "a.md", "b.md", "c.md", "d.md", "e.md", "f.md", "sub/g.md"
    ]  # fmt: skip
    assert filled.paths_matching(tags=["db"]) == {"c.md", "e.md"}
    assert filled.paths_matching(since=D(2025, 1, 1)) == {"f.md"}
    assert filled.count() == 7


def test_rows_convert_to_notes(filled: Catalog, tmp_path: Path) -> None:
    row = filled.resolve("a")
    assert row.tags == ("lang/python", "lang")
    note = row.to_note(tmp_path)
    assert (note.id, note.date, note.topic, note.path) == (
        "a",
        D(2024, 3, 1),
        "Python",
        tmp_path / "a.md",
    )
    assert filled.get("sub/g.md") == filled.resolve("g")
    assert filled.get("nope.md") is None


def test_tag_totals_roll_up_each_note_once(filled: Catalog) -> None:
    assert filled.tag_totals() == [
        TagTotal("db", 2, 2),
        TagTotal("lang", 2, 4),  # a has lang and lang/python: counted once
        TagTotal("lang/go", 1, 1),
        TagTotal("lang/python", 1, 2),
        TagTotal("lang/python/typing", 1, 1),
    ]


# -- id prefixes ------------------------------------------------------------------


def test_prefix_resolution(cat: Catalog) -> None:
    names = ["abc", "abcd", "2024-01-01-one", "2024-01-01-two", "Straße"]
    cat.upsert_many((entry(f"{n}.md", n), SIG) for n in names)
    assert cat.resolve("abc").id == "abc"  # exact beats being a prefix of abcd
    assert cat.resolve(" ABCD ").id == "abcd"
    assert cat.resolve("2024-01-01-o").id == "2024-01-01-one"
    assert cat.resolve("STRASSE").id == "Straße"
    with pytest.raises(AmbiguousId) as ambiguous:
        cat.resolve("2024")
    assert ambiguous.value.message == "'2024' matches 2 notes: 2024-01-01-one, 2024-01-01-two"
    assert ambiguous.value.hint == "type more of the id"
    with pytest.raises(NoteNotFound) as missing:
        cat.resolve("zzz")
    assert missing.value.message == "no note has id 'zzz' or an id starting with it"
    with pytest.raises(NoteNotFound, match="an empty id matches no note"):
        cat.resolve("  ")


def test_an_ambiguous_prefix_names_five_then_dots(cat: Catalog) -> None:
    cat.upsert_many((entry(f"n{i}.md", f"note-{i}"), SIG) for i in range(7))
    with pytest.raises(AmbiguousId) as ambiguous:
        cat.resolve("note")
    assert ambiguous.value.message == (
        "'note' matches 7 notes: note-0, note-1, note-2, note-3, note-4, ..."
    )


_ID = st.text(alphabet="abAB-1ßé", min_size=1, max_size=6)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ids_=st.lists(_ID, min_size=1, max_size=8, unique_by=str.casefold), wanted=_ID)
def test_prefix_resolution_agrees_with_the_store(
    tmp_path: Path, cat: Catalog, ids_: list[str], wanted: str
) -> None:
    notes = [Note(id=i, title="t", path=tmp_path / f"{n:02}.md") for n, i in enumerate(ids_)]
    store = store_for(tmp_path, tmp_path)
    cat.clear()
    cat.upsert_many((entry(f"{n:02}.md", i), SIG) for n, i in enumerate(ids_))
    try:
        expected: object = store.resolve(notes, wanted).id
    except (NoteNotFound, AmbiguousId) as exc:
        expected = (type(exc), exc.message)
    try:
        got: object = cat.resolve(wanted).id
    except (NoteNotFound, AmbiguousId) as exc:
        got = (type(exc), exc.message)
    assert got == expected


# -- agreement with today's in-memory code --------------------------------------------

_TAG = st.sampled_from(["a", "a/b", "a/b/c", "ab", "b", "b/a"])
_NOTE = st.builds(
    Note,
    id=st.just(""),
    title=st.just("t"),
    date=st.none() | st.dates(D(2020, 1, 1), D(2020, 1, 10)),
    topic=st.none() | st.sampled_from(["X", "x/Y", "xy", "Y"]),
    tags=st.lists(_TAG, max_size=3).map(tuple),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    notes=st.lists(_NOTE, max_size=12),
    tag=st.none() | _TAG,
    topic=st.none() | st.sampled_from(["x", "X/y", "y", "z"]),
    since=st.none() | st.dates(D(2020, 1, 1), D(2020, 1, 10)),
)
def test_filters_order_and_tag_counts_agree_with_the_in_memory_code(
    cat: Catalog, notes: list[Note], tag: str | None, topic: str | None, since: D | None
) -> None:
    notes = [n.with_changes(id=f"n{i:02}") for i, n in enumerate(notes)]
    cat.clear()
    cat.upsert_many((CatalogEntry.from_note(n, f"{n.id}.md"), SIG) for n in notes)
    wanted = NoteFilter(tags=(tag,) if tag else (), topic=topic, since=since)
    expected = [n.id for n in sort_newest_first(notes) if wanted.matches_metadata(n)]
    assert ids(cat.newest(tag=tag, topic=topic, since=since)) == expected
    totals = [(t.tag, t.count, t.total) for t in cat.tag_totals()]
    assert totals == sorted((t.tag, t.count, t.total) for t in count_tags(notes))


# -- two processes ---------------------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tilbase.store.catalog import Catalog, CatalogEntry, FileSig
    db, name = Path(sys.argv[1]), sys.argv[2]
    with Catalog.open(db) as catalog:
        for i in range(150):
            entry = CatalogEntry(path=f"{name}-{i}.md", id=f"{name}-{i}", title="t", tags=(name,))
            catalog.upsert(entry, FileSig(i, i, i))
            if i % 10 == 0:
                catalog.upsert_many(
                    (CatalogEntry(path=f"shared-{j}.md", id=f"shared-{j}", title=name), FileSig(j, j, j))
                    for j in range(20)
                )
    """
)


def test_two_processes_writing_at_once_do_not_corrupt_it(db_path: Path) -> None:
    Catalog.open(db_path).close()
    env = {**os.environ, "PYTHONPATH": str(Path(catalog_module.__file__).parents[1])}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db_path), name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in ("left", "right", "third")
    ]
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    with Catalog.open(db_path) as catalog:
        assert catalog.rebuilt is None
        assert catalog.count() == 3 * 150 + 20
        assert catalog._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [t.total for t in catalog.tag_totals()] == [150, 150, 150]
        assert catalog.duplicate_warnings() == []


# -- the change log (the index catches up with what changed, issue 9) ---------------


def test_the_change_log_lists_the_rows_written_after_a_generation(cat: Catalog) -> None:
    cat.upsert(entry("a.md", "a"), SIG)
    cat.upsert(entry("b.md", "b"), SIG)
    key = cat.generation_key()
    assert cat.changes_since(key) == {}
    cat.upsert(entry("c.md", "c"), FileSig(5, 6, 7))
    cat.delete("a.md")
    assert cat.changes_since(key) == {"c.md": (6, 5, "c"), "a.md": None}


def test_the_change_log_sees_an_id_given_back_to_an_unchanged_file(cat: Catalog) -> None:
    cat.upsert(entry("a.md", "same"), SIG)
    cat.upsert(entry("b.md", "same"), SIG)  # b waits for the id: it is known as same-2
    key = cat.generation_key()
    cat.delete("a.md")  # b's file did not change, but its id did
    assert cat.changes_since(key) == {"a.md": None, "b.md": (1, 1, "same")}


def test_every_write_keeps_the_epoch(cat: Catalog) -> None:
    # Regression: a write set every meta value but the generation to NULL, the epoch too,
    # so keys of two different catalogs could be equal.
    first = cat.generation_key()
    cat.upsert(entry("a.md", "a"), SIG)
    assert cat.generation_key().split(":")[0] == first.split(":")[0] != ""


def test_the_change_log_cannot_answer_for_another_catalog_or_too_far_back(
    cat: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat.upsert(entry("a.md", "a"), SIG)
    assert cat.changes_since("someone-else:1") is None
    assert cat.changes_since("garbage") is None
    monkeypatch.setattr(catalog_module, "CHANGES_KEPT", 50)
    key = cat.generation_key()
    for i in range(200):
        cat.upsert(entry(f"n{i}.md", f"n{i}"), SIG)
    assert cat.changes_since(key) is None  # pruned past it
    recent = cat.generation_key()
    cat.delete("n5.md")
    assert cat.changes_since(recent) == {"n5.md": None}
