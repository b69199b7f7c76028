"""The catalog: every note's metadata and file stat in SQLite (``.tilbase/catalog.sqlite``).

It is derived data, like the search index: the note files are the truth, and
a catalog that is missing, damaged or of another schema version is recreated
empty (``Catalog.open`` does it silently) and filled again by the next
freshness walk. Commands that list or pick notes by metadata (``log``,
``show``, ``tag list``, id prefixes, the filters of ``search``/``export``)
answer from it without reading any note file.

Freshness is one ``os.scandir`` walk of the notes folder compared with the
stat columns (mtime_ns, size, inode): ``diff`` says which files were added,
changed or removed, and ``apply`` parses only those through a callback (so
this module does not depend on the parser) and writes them in one
transaction. Writes that touch one note (``upsert``, ``delete``) change one
row.

Concurrency: WAL mode, a busy timeout, and every write in a ``BEGIN
IMMEDIATE`` transaction, so two processes writing at once wait for each
other instead of failing or corrupting the file.

Ids are unique ignoring case. A file whose declared id another file already
holds gets a free variant (``id-2``) and keeps a warning, as the store does
today; when the holder goes away or changes its id, the earliest such file
(in path order) gets its declared id back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import marshal
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from tilbase.errors import AmbiguousId, NoteNotFound
from tilbase.model import Note, free_id, normalize_tag
from tilbase.store.walk import note_signatures

__all__ = [
    "SCHEMA_VERSION",
    "Catalog",
    "CatalogCorrupt",
    "CatalogDiff",
    "CatalogEntry",
    "CatalogRow",
    "FileSig",
    "TagTotal",
    "file_sig",
    "walk_notes",
]

#: Bump whenever the tables change; a catalog of another version is rebuilt.
SCHEMA_VERSION = 4  # 2: an epoch (generations of two catalogs never equal); 3: partial indexes;
# 4: the change log
BUSY_TIMEOUT_S = 10.0
_AMBIGUOUS_SHOWN = 5
# Sorts after every other code point: w <= x < w + _TOP exactly when x starts with w.
_TOP = "\U0010ffff"
_CORRUPT_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB

_SCHEMA = """
CREATE TABLE notes (
    rowid INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- relative to the notes folder, '/' separators
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    id TEXT NOT NULL,                   -- the id commands use (unique ignoring case)
    id_folded TEXT NOT NULL UNIQUE,
    declared_id TEXT NOT NULL,          -- the id the file asks for
    declared_folded TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,                          -- ISO date, NULL when undated
    created TEXT,                       -- ISO timestamp from the frontmatter, if any
    topic TEXT,
    topic_folded TEXT,
    tags TEXT NOT NULL,                 -- normalised tags joined by ' ', in the note's order
    source TEXT,                        -- JSON [path, line, key, digest, root] or NULL
    warnings TEXT                       -- JSON list of the file's read warnings, or NULL
);
CREATE INDEX notes_newest ON notes (date DESC, created DESC, id);
CREATE INDEX notes_topic ON notes (topic_folded);
CREATE INDEX notes_declared ON notes (declared_folded);
-- Partial indexes: the few files with read warnings or a taken id, found without a scan.
CREATE INDEX notes_warned ON notes (path) WHERE warnings IS NOT NULL;
CREATE INDEX notes_renamed ON notes (path) WHERE id_folded != declared_folded;
CREATE TABLE note_tags (
    tag TEXT NOT NULL,
    note INTEGER NOT NULL,
    PRIMARY KEY (tag, note)
) WITHOUT ROWID;
CREATE INDEX note_tags_note ON note_tags (note);
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
-- generation: bumped by every write. snapshot: the last walk seen equal to the rows (marshal)
-- changes_from: the change log holds every row change of the generations after this one
INSERT INTO meta (key, value) VALUES ('generation', 0), ('snapshot', NULL), ('changes_from', 0);
-- The change log: which rows each write generation touched (filled by the triggers below),
-- so the search index catches up with the files that changed, not by comparing them all.
CREATE TABLE changes (generation INTEGER NOT NULL, path TEXT NOT NULL);
CREATE INDEX changes_generation ON changes (generation);
"""

#: Every insert, update and delete of a row is logged under the write generation.
_TRIGGERS = [
    f"""CREATE TRIGGER notes_{event.lower()}_logged AFTER {event} ON notes BEGIN
        INSERT INTO changes (generation, path)
        VALUES ((SELECT value FROM meta WHERE key = 'generation'), {row}.path);
    END"""
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
]
#: How many write generations the change log reaches back (older entries are dropped).
CHANGES_KEPT = 1000

_ROW_COLUMNS = "path, id, title, date, created, topic, tags"


class CatalogCorrupt(Exception):
    """The catalog file is damaged; ``Catalog.reset`` recreates it (the notes are safe)."""


class FileSig(NamedTuple):
    """What the walk learns of a note file without reading it."""

    mtime_ns: int
    size: int
    inode: int


def file_sig(path: Path | str) -> FileSig:
    """The stat signature of one file (after a write, to record it with ``upsert``)."""
    info = os.stat(path)
    return FileSig(info.st_mtime_ns, info.st_size, info.st_ino)


@dataclass(frozen=True)
class CatalogEntry:
    """What the catalog keeps of one note file: its metadata, never its body."""

    path: str
    id: str
    title: str
    date: dt.date | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()
    created: str | None = None
    source: tuple[Any, ...] | None = None
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_note(cls, note: Note, rel_path: str, warnings: Iterable[str] = ()) -> CatalogEntry:
        """The entry for ``note`` read from ``rel_path`` (relative to the notes folder)."""
        source = note.source
        created = getattr(note, "created", None)
        return cls(
            path=rel_path,
            id=note.id,
            title=note.title,
            date=note.date,
            topic=note.topic,
            tags=note.tags,
            created=created.isoformat() if isinstance(created, dt.datetime) else created,
            source=None
            if source is None
            else (source.path, source.line, source.key, source.digest, source.root),
            warnings=tuple(warnings),
        )


class CatalogRow(NamedTuple):
    """A note as lists show it: no body, no file read (a tuple: cheap to make by thousands)."""

    path: str
    id: str
    title: str
    date: dt.date | None
    created: str | None
    topic: str | None
    tags: tuple[str, ...]

    def to_note(self, notes_dir: Path) -> Note:
        """A ``Note`` with an empty body, for renderers and JSON shapes that take notes."""
        return Note(
            id=self.id,
            title=self.title,
            date=self.date,
            topic=self.topic,
            tags=self.tags,
            path=notes_dir / self.path,
            created=_timestamp(self.created),
        )


def _timestamp(text: str | None) -> dt.datetime | None:
    """A stored ``created`` value as a datetime (``None`` if absent or unreadable)."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class TagTotal:
    """One tag: ``count`` notes carry it exactly, ``total`` carry it or a tag below it."""

    tag: str
    count: int
    total: int


@dataclass
class CatalogDiff:
    """What one walk found different from the catalog (relative paths, sorted)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    sigs: dict[str, FileSig] = field(default_factory=dict)  # of added and changed files
    warnings: list[str] = field(default_factory=list)  # folders or files the walk could not read

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


#: Parses one changed file: (relative path, absolute path) -> its entry, or None when
#: it vanished or cannot be read (then its row is dropped).
Parser = Callable[[str, Path], CatalogEntry | None]


def walk_notes(
    notes_dir: Path, warnings: list[str] | None = None
) -> dict[str, tuple[int, int, int]]:
    """Every note file under ``notes_dir`` as {relative path: (mtime_ns, size, inode)}.

    The store's rules: names starting with ``.`` are skipped at every level,
    folders are not followed through symlinks, files must end in ``.md`` and
    be regular files (a symlink to one counts). Folders or files that cannot
    be examined are left out, with a warning in ``warnings`` when given.
    The first walk of a ``til`` process may have been made by a child process
    while it started up (``tilbase.prefetch``).
    """
    from tilbase import prefetch

    walked = prefetch.take(notes_dir)
    if walked is not None:
        signatures, found = walked
        if warnings is not None:
            warnings.extend(found)
        return signatures
    return note_signatures(notes_dir, warnings)


class Catalog:
    """One KB's catalog. Open with ``Catalog.open(path)``; close when done (or use ``with``)."""

    def __init__(self, path: Path | None, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        #: Why the catalog was recreated on open ("missing", "corrupt", "schema 1 -> 2"...).
        self.rebuilt: str | None = None

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Catalog:
        """Open the catalog at ``path``, recreating it empty when missing, damaged or outdated.

        When the state folder cannot be written (a read-only KB) the catalog
        lives in memory for this process, and the walk fills it.
        """
        existed = path.exists()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return cls._open_file(path, "missing" if not existed else None)
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                return cls._in_memory(str(exc))
        except OSError as exc:
            return cls._in_memory(exc.strerror or str(exc))
        _remove_files(path)
        try:
            return cls._open_file(path, "corrupt")
        except (sqlite3.DatabaseError, OSError) as exc:
            return cls._in_memory(str(exc))

    @classmethod
    def _open_file(cls, path: Path, reason: str | None) -> Catalog:
        """Connect and check the schema; the connection is closed if that fails."""
        connection = _connect(path)
        catalog = cls(path, connection)
        try:
            rebuilt = catalog._prepare()
        except BaseException:
            connection.close()
            raise
        catalog.rebuilt = reason or rebuilt
        return catalog

    @classmethod
    def _in_memory(cls, why: str) -> Catalog:
        catalog = cls(None, _connect(":memory:"))
        catalog._prepare()
        catalog.rebuilt = f"in memory for this run: the file cannot be used ({why})"
        return catalog

    def reset(self) -> Catalog:
        """Throw this catalog away (after ``CatalogCorrupt``) and open a new, empty one."""
        self.close()
        if self.path is None:
            return Catalog._in_memory("it was damaged")
        _remove_files(self.path)
        catalog = Catalog.open(self.path)
        catalog.rebuilt = "corrupt"
        return catalog

    def _prepare(self) -> str | None:
        """Create the tables when new; drop and recreate them for another schema version."""
        db = self._db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return None
        with _Transaction(db, bump=False):
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:  # another process made it meanwhile
                return None
            for kind, name in db.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%'"
            ).fetchall():
                db.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            for trigger in _TRIGGERS:
                db.execute(trigger)
            db.execute("INSERT INTO meta (key, value) VALUES ('epoch', ?)", (os.urandom(8).hex(),))
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return "new" if version == 0 else f"schema {version} -> {SCHEMA_VERSION}"

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- freshness ---------------------------------------------------------------

    def diff(self, notes_dir: Path) -> CatalogDiff:
        """One walk of ``notes_dir`` compared with the stat columns; changes no row.

        When nothing changed, the walk is compared with one stored snapshot
        of the stat columns (cheaper than reading every row); any write
        drops the snapshot, and the next full comparison that finds the
        files and the rows equal stores it again.
        """
        result = CatalogDiff()
        on_disk = walk_notes(notes_dir, result.warnings)
        if self._snapshot_matches(on_disk):
            return result
        generation, known = self._generation_and_sigs()
        if on_disk == known:
            self._store_snapshot(on_disk, generation)
            return result
        for rel, sig in on_disk.items():
            old = known.get(rel)
            if old is None:
                result.added.append(rel)
            elif old != sig:
                result.changed.append(rel)
            else:
                continue
            result.sigs[rel] = FileSig(*sig)
        result.removed = sorted(rel for rel in known if rel not in on_disk)
        result.added.sort()
        result.changed.sort()
        return result

    def apply(self, diff: CatalogDiff, notes_dir: Path, parse: Parser) -> list[CatalogEntry]:
        """Parse the added and changed files of ``diff`` and write everything in one transaction.

        Returns the entries written (as ``parse`` made them). A file ``parse``
        returns None for is dropped from the catalog. Parsing happens before
        the transaction, so other processes are not held up by it.
        """
        entries: list[tuple[CatalogEntry, FileSig]] = []
        gone = list(diff.removed)
        for rel in [*diff.added, *diff.changed]:
            entry = parse(rel, notes_dir / rel)
            if entry is None:
                gone.append(rel)
            else:
                entries.append((entry, diff.sigs[rel]))
        with self._write():
            for rel in gone:
                self._delete_row(rel)
            # Deleting first frees ids a changed file may take.
            for entry, sig in sorted(entries, key=lambda pair: pair[0].path):
                self._upsert_row(entry, sig)
        return [entry for entry, _sig in entries]

    def refresh(self, notes_dir: Path, parse: Parser) -> CatalogDiff:
        """``diff`` then ``apply``: bring the catalog up to date with the files."""
        diff = self.diff(notes_dir)
        if diff:
            self.apply(diff, notes_dir, parse)
        return diff

    def _snapshot_matches(self, on_disk: dict[str, tuple[int, int, int]]) -> bool:
        blob = self._query("SELECT value FROM meta WHERE key = 'snapshot'")[0][0]
        # Comparing bytes is 5x cheaper than loading the snapshot back. Equal bytes mean
        # equal walks; a walk in another order only costs the full comparison.
        return blob is not None and bytes(blob) == _snapshot_bytes(on_disk)

    def _generation_and_sigs(self) -> tuple[int, dict[str, tuple[int, int, int]]]:
        """The write generation and the stat columns, read in one transaction."""
        self._db.execute("BEGIN")
        try:
            generation = self._query("SELECT value FROM meta WHERE key = 'generation'")[0][0]
            return int(generation), self.file_sigs()
        finally:
            self._db.execute("COMMIT")

    def _store_snapshot(self, on_disk: dict[str, tuple[int, int, int]], generation: int) -> None:
        """Keep ``on_disk`` as the snapshot, unless a write came in since ``generation``.

        A cache: when the catalog is busy or read-only it is simply not stored.
        """
        db = self._db
        db.execute("PRAGMA busy_timeout = 50")
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'snapshot' AND "
                    "(SELECT value FROM meta WHERE key = 'generation') = ?",
                    (_snapshot_bytes(on_disk), generation),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            pass
        finally:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    def file_sigs(self) -> dict[str, tuple[int, int, int]]:
        """Every catalogued file as {relative path: (mtime_ns, size, inode)}.

        What the search index can compare its own manifest against after a
        refresh, instead of walking the folder a second time.
        """
        rows = self._query("SELECT path, mtime_ns, size, inode FROM notes")
        return {path: (mtime, size, inode) for path, mtime, size, inode in rows}

    # -- writes ------------------------------------------------------------------

    def upsert(self, entry: CatalogEntry, sig: FileSig) -> str:
        """Insert or replace one note's row; returns the id it got (its own, unless taken)."""
        with self._write():
            return self._upsert_row(entry, sig)

    def upsert_many(self, items: Iterable[tuple[CatalogEntry, FileSig]]) -> list[str]:
        """Many upserts in one transaction (an import, a tag rename); returns the ids."""
        with self._write():
            return [self._upsert_row(entry, sig) for entry, sig in items]

    def delete(self, rel_path: str) -> bool:
        """Drop one note's row; True when there was one."""
        with self._write():
            return self._delete_row(rel_path)

    def delete_many(self, rel_paths: Iterable[str]) -> int:
        """Drop many rows in one transaction; returns how many there were."""
        with self._write():
            return sum(self._delete_row(rel) for rel in rel_paths)

    def clear(self) -> None:
        """Drop every row (before a full rebuild)."""
        with self._write():
            self._db.execute("DELETE FROM note_tags")
            self._db.execute("DELETE FROM notes")

    def _upsert_row(self, entry: CatalogEntry, sig: FileSig) -> str:
        db = self._db
        old = db.execute(
            "SELECT rowid, id_folded FROM notes WHERE path = ?", (entry.path,)
        ).fetchone()
        declared = entry.id.casefold()
        note_id = entry.id
        holder = db.execute("SELECT path FROM notes WHERE id_folded = ?", (declared,)).fetchone()
        if holder is not None and holder[0] != entry.path:
            note_id = free_id(entry.id, _TakenIds(db, mine=entry.path))
        values = (
            sig.mtime_ns,
            sig.size,
            sig.inode,
            note_id,
            note_id.casefold(),
            entry.id,
            declared,
            entry.title,
            entry.date.isoformat() if entry.date else None,
            entry.created,
            entry.topic,
            entry.topic.casefold() if entry.topic else None,
            " ".join(entry.tags),
            None if entry.source is None else json.dumps(list(entry.source)),
            json.dumps(list(entry.warnings)) if entry.warnings else None,
        )
        if old is None:
            rowid = db.execute(
                "INSERT INTO notes (mtime_ns, size, inode, id, id_folded, declared_id, "
                "declared_folded, title, date, created, topic, topic_folded, tags, source, "
                "warnings, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, entry.path),
            ).lastrowid
        else:
            rowid = old[0]
            db.execute(
                "UPDATE notes SET mtime_ns = ?, size = ?, inode = ?, id = ?, id_folded = ?, "
                "declared_id = ?, declared_folded = ?, title = ?, date = ?, created = ?, "
                "topic = ?, topic_folded = ?, tags = ?, source = ?, warnings = ? WHERE rowid = ?",
                (*values, rowid),
            )
            db.execute("DELETE FROM note_tags WHERE note = ?", (rowid,))
        db.executemany(
            "INSERT OR IGNORE INTO note_tags (tag, note) VALUES (?, ?)",
            [(tag, rowid) for tag in entry.tags],
        )
        if old is not None and old[1] != note_id.casefold():
            self._give_back(old[1])
        return note_id

    def _delete_row(self, rel_path: str) -> bool:
        db = self._db
        old = db.execute(
            "SELECT rowid, id_folded FROM notes WHERE path = ?", (rel_path,)
        ).fetchone()
        if old is None:
            return False
        db.execute("DELETE FROM note_tags WHERE note = ?", (old[0],))
        db.execute("DELETE FROM notes WHERE rowid = ?", (old[0],))
        self._give_back(old[1])
        return True

    def _give_back(self, folded_id: str) -> None:
        """An id was freed: the first file (in path order) that asked for it gets it."""
        db = self._db
        waiting = db.execute(
            "SELECT rowid, declared_id, id_folded FROM notes "
            "WHERE declared_folded = ? AND id_folded != declared_folded ORDER BY path LIMIT 1",
            (folded_id,),
        ).fetchone()
        if waiting is None:
            return
        rowid, declared_id, old_folded = waiting
        db.execute(
            "UPDATE notes SET id = ?, id_folded = ? WHERE rowid = ?",
            (declared_id, folded_id, rowid),
        )
        self._give_back(old_folded)

    # -- queries -----------------------------------------------------------------

    def generation(self) -> int:
        """A number every write raises: equal numbers mean no row changed in between.

        The search index can keep the generation it was last brought up to
        date with, and skip comparing anything while it is unchanged.
        """
        return int(self._query("SELECT value FROM meta WHERE key = 'generation'")[0][0])

    def generation_key(self) -> str:
        """The generation with this catalog file's epoch: ``"<epoch>:<generation>"``.

        A recreated catalog starts counting again; its epoch differs, so a
        key kept by the search index never matches a different catalog.
        """
        rows = self._query(
            "SELECT key, value FROM meta WHERE key IN ('epoch', 'generation') ORDER BY key"
        )
        values = dict(rows)
        return f"{values.get('epoch', '')}:{values.get('generation', 0)}"

    def changes_since(self, key: str) -> dict[str, tuple[int, int, str] | None] | None:
        """The files whose rows changed after generation ``key`` (``generation_key``'s form).

        Each as (size, mtime_ns, id) from its row now, or None when the row is
        gone. None when the log cannot tell: ``key`` is of another catalog
        (another epoch), or older than what the log keeps (``CHANGES_KEPT``).
        """
        epoch, _, number = key.rpartition(":")
        try:
            since = int(number)
        except ValueError:
            return None
        self._db.execute("BEGIN")
        try:
            meta = dict(
                self._query("SELECT key, value FROM meta WHERE key IN ('epoch', 'changes_from')")
            )
            if meta.get("epoch", "") != epoch or since < int(meta.get("changes_from") or 0):
                return None
            paths = [
                path
                for (path,) in self._query(
                    "SELECT DISTINCT path FROM changes WHERE generation > ?", (since,)
                )
            ]
            found: dict[str, tuple[int, int, str] | None] = dict.fromkeys(paths)
            for start in range(0, len(paths), 500):
                chunk = paths[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for path, size, mtime, note_id in self._query(
                    f"SELECT path, size, mtime_ns, id FROM notes WHERE path IN ({marks})", chunk
                ):
                    found[path] = (size, mtime, note_id)
        finally:
            self._db.execute("COMMIT")
        return found

    def index_view(self) -> tuple[str, dict[str, tuple[int, int, str]]]:
        """The generation key and every file as {path: (size, mtime_ns, id)}, read together.

        What the search index compares its manifest with: one transaction, so
        the rows are exactly those of that generation.
        """
        self._db.execute("BEGIN")
        try:
            key = self.generation_key()
            rows = self._query("SELECT path, size, mtime_ns, id FROM notes")
        finally:
            self._db.execute("COMMIT")
        return key, {path: (size, mtime, note_id) for path, size, mtime, note_id in rows}

    def ids(self) -> list[str]:
        """Every note's id (as commands use it), in path order: for allocating many new ids."""
        return [note_id for (note_id,) in self._query("SELECT id FROM notes ORDER BY path")]

    def count(self) -> int:
        """How many notes the catalog holds."""
        return int(self._query("SELECT COUNT(*) FROM notes")[0][0])

    def newest(
        self,
        n: int | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        tag: str | Sequence[str] | None = None,
        topic: str | None = None,
    ) -> list[CatalogRow]:
        """Notes newest first (date, then creation time, then id; undated last), filtered.

        ``tag`` matches the tag and every tag below it (``lang`` matches
        ``lang/python``); several tags must all match. ``topic`` likewise,
        ignoring case. Date bounds are inclusive and leave undated notes out.
        """
        return self.select(
            tags=_as_tags(tag), topic=topic, since=since, until=until, newest_first=True, limit=n
        )

    def select(
        self,
        *,
        tags: Sequence[str] = (),
        topic: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[CatalogRow]:
        """Notes passing every metadata filter (``NoteFilter`` semantics), in path order
        or newest first: for ``log``, and the metadata filters of ``search``/``export``."""
        where, params = _filter_sql(tags, topic, since, until)
        order = "date DESC, created DESC, id" if newest_first else "path"
        sql = f"SELECT {_ROW_COLUMNS} FROM notes{where} ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(limit, 0))
        return [_row(values) for values in self._query(sql, params)]

    def paths_matching(
        self,
        *,
        tags: Sequence[str] = (),
        topic: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> set[str]:
        """The relative paths of the notes passing the filters (to restrict a search)."""
        where, params = _filter_sql(tags, topic, since, until)
        return {path for (path,) in self._query(f"SELECT path FROM notes{where}", params)}

    def get(self, rel_path: str) -> CatalogRow | None:
        """The row of one file, if catalogued."""
        rows = self._query(f"SELECT {_ROW_COLUMNS} FROM notes WHERE path = ?", (rel_path,))
        return _row(rows[0]) if rows else None

    def by_id(self, note_id: str) -> CatalogRow | None:
        """The note with exactly this id (ignoring case), if any."""
        rows = self._query(
            f"SELECT {_ROW_COLUMNS} FROM notes WHERE id_folded = ?", (note_id.casefold(),)
        )
        return _row(rows[0]) if rows else None

    def resolve(self, id_or_prefix: str) -> CatalogRow:
        """The note whose id is ``id_or_prefix``, or the only one it starts (ignoring case).

        Raises ``NoteNotFound`` (nothing matches, or the text is empty) and
        ``AmbiguousId`` (several match; the first five by path are named),
        with the messages ``NoteStore.resolve`` gives.
        """
        wanted = id_or_prefix.strip().casefold()
        if not wanted:
            raise NoteNotFound("an empty id matches no note")
        exact = self.by_id(wanted)
        if exact is not None:
            return exact
        bounds = (wanted, wanted + _TOP)
        total = self._query(
            "SELECT COUNT(*) FROM notes WHERE id_folded >= ? AND id_folded < ?", bounds
        )[0][0]
        if total == 0:
            raise NoteNotFound(
                f"no note has id '{id_or_prefix}' or an id starting with it",
                "`til log` lists ids; `til search` finds notes by content",
            )
        rows = self._query(
            f"SELECT {_ROW_COLUMNS} FROM notes WHERE id_folded >= ? AND id_folded < ? "
            "ORDER BY path LIMIT ?",
            (*bounds, _AMBIGUOUS_SHOWN),
        )
        if total > 1:
            shown = ", ".join(values[1] for values in rows)
            more = ", ..." if total > _AMBIGUOUS_SHOWN else ""
            raise AmbiguousId(
                f"'{id_or_prefix}' matches {total} notes: {shown}{more}",
                "type more of the id",
            )
        return _row(rows[0])

    def id_taken(self, note_id: str) -> bool:
        """True when a note already has this id, ignoring case (for choosing a new note's id)."""
        return bool(self._query("SELECT 1 FROM notes WHERE id_folded = ?", (note_id.casefold(),)))

    def free_id(self, preferred: str) -> str:
        """``preferred``, or the first ``preferred-N`` no note has (ignoring case)."""
        return free_id(preferred, _TakenIds(self._db))

    def tag_totals(self) -> list[TagTotal]:
        """Every tag with its counts, parents of hierarchical tags included, in name order.

        ``count``: notes with exactly this tag (0 for a parent only children
        carry); ``total``: notes with it or any tag below it, each note once.
        """
        exact = dict(self._query("SELECT tag, COUNT(*) FROM note_tags GROUP BY tag"))
        names: set[str] = set()
        for tag in exact:
            parts = tag.split("/")
            names.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
        totals: list[TagTotal] = []
        for name in sorted(names):
            has_children = any(t.startswith(name + "/") for t in exact)
            if has_children:
                total = self._query(
                    "SELECT COUNT(DISTINCT note) FROM note_tags "
                    "WHERE tag = ? OR (tag >= ? AND tag < ?)",
                    (name, name + "/", name + "0"),
                )[0][0]
            else:
                total = exact.get(name, 0)
            totals.append(TagTotal(name, exact.get(name, 0), int(total)))
        return totals

    def file_warnings(self) -> list[str]:
        """The read warnings stored with the files (broken frontmatter...), in path order."""
        found: list[str] = []
        for (text,) in self._query(
            "SELECT warnings FROM notes WHERE warnings IS NOT NULL ORDER BY path"
        ):
            found.extend(json.loads(text))
        return found

    def duplicate_warnings(self) -> list[str]:
        """One warning per file whose declared id another file holds, in path order."""
        rows = self._query(
            "SELECT n.path, n.id, h.path, h.id FROM notes n JOIN notes h "
            "ON h.id_folded = n.declared_folded WHERE n.id_folded != n.declared_folded "
            "ORDER BY n.path"
        )
        return [
            f"{path}:1: id '{held_id}' is also used by {holder}; "
            f"using '{note_id}' for this file until one of them is changed"
            for path, note_id, holder, held_id in rows
        ]

    def sources(self) -> Iterator[tuple[str, str, tuple[Any, ...]]]:
        """(path, id, source) of every imported note, for an import to match entries."""
        for path, note_id, text in self._query(
            "SELECT path, id, source FROM notes WHERE source IS NOT NULL ORDER BY path"
        ):
            yield path, note_id, tuple(json.loads(text))

    # -- plumbing ----------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            if _is_corrupt(exc):
                raise CatalogCorrupt(str(exc)) from None
            raise

    def _write(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (or ``ROLLBACK``); waits up to the busy timeout.

    With ``bump`` (every write but schema creation) the write generation goes
    up and the stat snapshot is dropped, in the same transaction.
    """

    def __init__(self, db: sqlite3.Connection, *, bump: bool = True) -> None:
        self._db = db
        self._bump = bump

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if self._bump:
                    self._db.execute(
                        "UPDATE meta SET value = CASE key WHEN 'generation' THEN value + 1 END "
                        "WHERE key IN ('generation', 'snapshot')"
                    )
                    self._prune_changes()
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            if _is_corrupt(exc):
                raise CatalogCorrupt(str(exc)) from None
            raise

    def _prune_changes(self) -> None:
        """Every 100th write, drop the change log's entries older than ``CHANGES_KEPT``."""
        (generation,) = self._db.execute(
            "SELECT value FROM meta WHERE key = 'generation'"
        ).fetchone()
        if int(generation) % 100:
            return
        oldest = int(generation) - CHANGES_KEPT
        if oldest > 0:
            self._db.execute("DELETE FROM changes WHERE generation <= ?", (oldest,))
            self._db.execute(
                "UPDATE meta SET value = MAX(value, ?) WHERE key = 'changes_from'", (oldest,)
            )

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is None:
            try:
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as error:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                if _is_corrupt(error):
                    raise CatalogCorrupt(str(error)) from None
                raise
        else:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError) and _is_corrupt(exc):
            raise CatalogCorrupt(str(exc)) from exc


class _TakenIds:
    """The catalog's ids as a container of case-folded ids (for ``model.free_id``)."""

    def __init__(self, db: sqlite3.Connection, mine: str | None = None) -> None:
        self._db = db
        self._mine = mine

    def __contains__(self, folded: object) -> bool:
        row = self._db.execute("SELECT path FROM notes WHERE id_folded = ?", (folded,)).fetchone()
        return row is not None and row[0] != self._mine


def _connect(target: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if target != ":memory:":
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; the catalog is derived
    except BaseException:
        db.close()
        raise
    return db


def _snapshot_bytes(sigs: dict[str, tuple[int, int, int]]) -> bytes:
    # marshal format 2 has no back-references, so the bytes depend only on the values
    # and their order (later formats vary with reference counts).
    return marshal.dumps(sigs, 2)


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CORRUPT_CODES
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def _as_tags(tag: str | Sequence[str] | None) -> tuple[str, ...]:
    if tag is None:
        return ()
    return (tag,) if isinstance(tag, str) else tuple(tag)


def _filter_sql(
    tags: Sequence[str], topic: str | None, since: dt.date | None, until: dt.date | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for raw in tags:
        wanted = normalize_tag(raw)
        clauses.append(
            "rowid IN (SELECT note FROM note_tags WHERE tag = ? OR (tag >= ? AND tag < ?))"
        )
        params += [wanted, wanted + "/", wanted + "0"]  # '0' follows '/' in code point order
    if topic:
        folded = topic.strip().strip("/").casefold()
        clauses.append("(topic_folded = ? OR (topic_folded >= ? AND topic_folded < ?))")
        params += [folded, folded + "/", folded + "0"]
    if since is not None:
        clauses.append("date >= ?")
        params.append(since.isoformat())
    if until is not None:
        clauses.append("date <= ?")
        params.append(until.isoformat())
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _row(values: Sequence[Any]) -> CatalogRow:
    path, note_id, title, date, created, topic, tags = values
    return CatalogRow(
        path,
        note_id,
        title,
        _fromisoformat(date) if date else None,
        created,
        topic,
        tuple(tags.split(" ")) if tags else (),
    )


_fromisoformat = dt.date.fromisoformat
