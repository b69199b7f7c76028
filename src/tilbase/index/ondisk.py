"""The index on disk and its lifecycle: sync against the manifest, rebuild, lock, swap."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import FileLock

from tilbase import writelock
from tilbase.errors import KBBusy
from tilbase.index.codec import TilbaseCodec
from tilbase.index.errors import IndexBroken, IndexBusy, IndexLocationError
from tilbase.index.manifest import (
    JOURNAL_NAME,
    MANIFEST_NAME,
    IndexDiff,
    Manifest,
    SyncReport,
    diff_manifest,
    journal_line,
    manifest_text,
    new_token,
    parse_manifest,
    renamed_files,
)
from tilbase.index.reader import IndexReader, Progress, describe, quietly
from tilbase.index.schema import INDEX_NAME, build_schema, note_document
from tilbase.store import FileStat, ScanResult, atomic_write

#: Seconds a writer waits for another tilbase process before giving up.
DEFAULT_LOCK_TIMEOUT = 10.0
#: Full rebuilds of at least this many notes use two writer processes (measured on 2 cores:
#: 1.5-2.8x faster for 4k-10k notes, 4.6 -> 3.2 s for 1,871, 1.3 -> 1.0 s for 247).
MULTIPROCESS_THRESHOLD = 200
#: Journal lines after which the next update writes the manifest whole again.
JOURNAL_LIMIT = 200
_LOCK_POLL = 0.05

#: Names tilbase and Whoosh write in an index folder: the manifest (and its temp files),
#: Whoosh's segments, TOCs, lock and temp folders.
_INDEX_ENTRY = re.compile(
    rf"{re.escape(MANIFEST_NAME)}|\.{re.escape(MANIFEST_NAME)}\..+\.tmp|{re.escape(JOURNAL_NAME)}"
    rf"|_?{INDEX_NAME}[._].+|\w+\.tmp"
)

#: What only a tilbase index holds: its manifest or Whoosh files of the index ``MAIN``.
_INDEX_MARK = re.compile(rf"{re.escape(MANIFEST_NAME)}|_?{INDEX_NAME}[._].+")


class NoteIndex(IndexReader):
    """The Whoosh index of one KB's notes."""

    def __init__(
        self, index_dir: Path, notes_dir: Path, *, lock_timeout: float | None = None
    ) -> None:
        self.index_dir = index_dir
        self.notes_dir = notes_dir
        self.lock_timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self.lock_path = index_dir.with_name(index_dir.name + ".lock")
        self.manifest_path = index_dir / MANIFEST_NAME
        self.journal_path = index_dir / JOURNAL_NAME
        self.schema = build_schema()
        self._ix: Any = None
        self._opened: tuple[int, int, int] | None = None

    # -- bringing it up to date ---------------------------------------------------

    def sync(
        self,
        stats: Callable[[], Mapping[str, FileStat]],
        scan: Callable[[], ScanResult],
        *,
        changed: bool = False,
        repair: str | None = None,
        generation: str | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the notes, rebuilding it if it is unusable.

        ``stats`` gives the note files' sizes and mtimes (a cheap, lock-free
        check whether anything changed); ``scan`` reads the notes, and is
        called only with the lock held. ``changed=True`` skips the lock-free
        check (the caller just wrote a note). ``repair`` forces a rebuild for
        that reason unless another process rewrote the index since this one
        opened it. Raises ``IndexBusy`` when the lock cannot be had in time.
        """
        if not changed and repair is None:
            total = self._current_total(stats, generation, scan)
            if total is not None:
                return SyncReport(total=total)
        first_build = not self.lock_path.exists() and not self.index_dir.exists()
        with self._locked():
            current = scan()
            if repair is not None and self._opened == self._identity():
                return self._rebuild(current, repair)
            self._close()
            try:
                manifest = self._open_checked()
            except IndexBroken as exc:
                return self._rebuild(current, None if first_build else str(exc))
            if manifest.generation is not None and manifest.generation == current.generation:
                return SyncReport(total=manifest.count)
            changes = self._logged_changes(manifest, current)
            if changes is not None:
                try:
                    return self._apply_changes(changes, manifest, current)
                except IndexBroken as exc:
                    return self._rebuild(current, str(exc))
            # A note's id can change without its file changing (another file took the id).
            diff = renamed_files(
                manifest.ids, current, diff_manifest(manifest.files, current.stats)
            )
            if diff.empty:
                if manifest.generation != current.generation:
                    self._write_manifest(self.index_dir, current)
                return SyncReport(total=len(current.files))
            try:
                return self._apply(diff, current)
            except IndexBroken as exc:
                return self._rebuild(current, str(exc))

    def rebuild(
        self, scan: Callable[[], ScanResult], progress: Progress | None = None
    ) -> SyncReport:
        """Rebuild the index from scratch (``til reindex``), reporting what changed."""
        with self._locked():
            return self._rebuild(scan(), None, progress)

    def _current_total(
        self,
        stats: Callable[[], Mapping[str, FileStat]],
        generation: str | None,
        scan: Callable[[], ScanResult],
    ) -> int | None:
        """Lock-free check: how many notes the index holds when it is current, else None.

        Current means it opens, matches its manifest, and the manifest was
        written for ``generation`` of the catalog (then no file is compared)
        or lists exactly the files ``stats`` gives.
        """
        try:
            manifest = self._open_checked()
        except IndexBroken:
            return None
        if generation is not None and manifest.generation == generation:
            return manifest.count
        if generation is not None:
            changes = self._logged_changes(manifest, scan())
            if changes is not None:  # the log tells: no need to compare every file
                return None if changes else manifest.count
        current = stats()
        return len(current) if diff_manifest(manifest.files, current).empty else None

    def _open_checked(self) -> Manifest:
        """Open the index and its manifest, or raise ``IndexBroken`` saying what is wrong."""
        if not self.index_dir.is_dir():
            raise IndexBroken("it is missing")
        try:
            names = os.listdir(self.index_dir)
        except OSError as exc:
            raise IndexBroken(f"it cannot be listed ({exc.strerror})") from None
        if f"{INDEX_NAME}.tmp" in names and self._writer_crashed():
            raise IndexBroken("a write to it was interrupted")
        try:
            manifest_text = self.manifest_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise IndexBroken("its manifest is missing or unreadable") from None
        manifest = parse_manifest(manifest_text, self._read_journal(self.journal_path))
        if manifest.notes_dir != str(self.notes_dir):
            raise IndexBroken(f"it was built for another notes folder ({manifest.notes_dir})")
        identity = self._identity()
        # Without mmap Whoosh reads what it needs; with it, it copies whole segment
        # parts into memory on every open (measured 70 ms -> 3 ms on 10k notes).
        storage = FileStorage(str(self.index_dir), supports_mmap=False)
        opened, problem = quietly(lambda: _open_counted(storage, self.schema))
        if opened is None:
            raise IndexBroken(f"it cannot be opened ({problem})")
        ix, count = opened
        if count != manifest.count:
            ix.close()
            listed = manifest.count
            raise IndexBroken(f"it holds {count} notes but its manifest lists {listed}")
        self._close()
        self._ix, self._opened = ix, identity
        return manifest

    def _writer_crashed(self) -> bool:
        """True when Whoosh's temp folder is there but no writer holds Whoosh's lock."""
        lock = FileLock(str(self.index_dir / f"{INDEX_NAME}_WRITELOCK"))
        try:
            if not lock.acquire(blocking=False):
                return False
        except OSError:
            return False
        lock.release()
        return True

    def _identity(self) -> tuple[int, int, int]:
        """Changes whenever the index folder is replaced or its manifest rewritten."""
        try:
            folder = self.index_dir.stat().st_ino
            manifest = self.manifest_path.stat().st_mtime_ns
        except OSError:
            return (0, 0, 0)
        try:
            journal = self.journal_path.stat().st_mtime_ns
        except OSError:
            journal = 0
        return (folder, manifest, journal)

    def _apply(self, diff: IndexDiff, current: ScanResult) -> SyncReport:
        start = time.perf_counter()
        by_path = current.by_path()
        with _committed(self._open_writer()) as writer:
            for rel in diff.removed:
                writer.delete_by_term("path", rel)
            # Each path once: two update_document calls for one key in one writer keep both.
            for rel in dict.fromkeys(diff.added + diff.updated):
                note = by_path.get(rel)
                if note is None:  # gone since the catalog listed it
                    writer.delete_by_term("path", rel)
                    continue
                writer.update_document(**note_document(rel, note))
        self._write_manifest(self.index_dir, current)
        self._close()
        return SyncReport(
            added=len(diff.added),
            updated=len(diff.updated),
            removed=len(diff.removed),
            total=len(current.files),
            seconds=time.perf_counter() - start,
        )

    def _rebuild(
        self, current: ScanResult, reason: str | None, progress: Progress | None = None
    ) -> SyncReport:
        """Build a new index in a sibling folder, then put it in place of the old one."""
        start = time.perf_counter()
        self._close()
        self._check_replaceable()
        previous = self._previous_files()
        diff = diff_manifest(previous, current.stats)
        self._remove_leftovers()
        staging = self.index_dir.with_name(f".{self.index_dir.name}.new-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            self._fill(staging, current, progress)
            self._write_manifest(staging, current)
            self._replace_with(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return SyncReport(
            added=len(diff.added),
            updated=len(diff.updated),
            removed=len(diff.removed),
            total=len(current.files),
            seconds=time.perf_counter() - start,
            rebuilt=True,
            reason=reason,
        )

    def _fill(self, folder: Path, current: ScanResult, progress: Progress | None) -> None:
        total = len(current.files)
        procs = 2 if total >= MULTIPROCESS_THRESHOLD and (os.cpu_count() or 1) >= 2 else 1
        try:
            self._fill_with(folder, current, progress, procs)
        except Exception:
            if procs == 1:
                raise
            # Whoosh's multi-process writer depends on the platform's multiprocessing.
            self._fill_with(folder, current, progress, 1)

    def _fill_with(
        self, folder: Path, current: ScanResult, progress: Progress | None, procs: int
    ) -> None:
        ix = index.create_in(str(folder), self.schema, indexname=INDEX_NAME)
        total = len(current.files)
        writer = ix.writer(procs=procs, multisegment=procs > 1, limitmb=256, codec=TilbaseCodec())
        # Here, not at the top: only a build uses them (they import multiprocessing).
        from tilbase.index.workers import quiet_writer_processes, stop_writer_processes

        quiet_writer_processes(writer)
        try:
            for done, (rel, note) in enumerate(current.by_path().items(), start=1):
                writer.add_document(**note_document(rel, note))
                if progress is not None:
                    progress(done, total)
            writer.commit()
        except BaseException:
            # Ctrl-C or an error: the writer processes go first, quietly, then the writer.
            stop_writer_processes(writer)
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        finally:
            ix.close()

    def _previous_files(self) -> dict[str, FileStat]:
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
            return parse_manifest(text, self._read_journal(self.journal_path)).files
        except (OSError, UnicodeDecodeError, IndexBroken):
            return {}

    def _remove_leftovers(self) -> None:
        """Delete staging folders that an interrupted rebuild left behind."""
        pattern = re.compile(rf"\.{re.escape(self.index_dir.name)}\.(new|old)-\d+")
        with contextlib.suppress(OSError):
            for entry in self.index_dir.parent.iterdir():
                if pattern.fullmatch(entry.name):
                    shutil.rmtree(entry, ignore_errors=True)

    def _check_replaceable(self) -> None:
        """Raise ``IndexLocationError`` unless ``index_dir`` may be replaced by a new index.

        It may when it is missing, a symbolic link (only the link is replaced),
        an empty folder, or a folder holding a tilbase index and nothing else.
        """
        target = self.index_dir
        if target.is_symlink() or not target.exists():
            return
        hint = "set index_dir in config.yaml to a new or empty folder"
        if not target.is_dir():
            raise IndexLocationError(
                f"search index {target} is a file, not a folder; nothing was changed", hint
            )
        names = sorted(os.listdir(target))
        if not names:
            return
        if not any(_INDEX_MARK.fullmatch(name) for name in names):
            raise IndexLocationError(
                f"search index folder {target} is not empty and holds no tilbase index "
                f"(it has {names[0]!r}); nothing was deleted",
                hint,
            )
        strangers = [name for name in names if not _INDEX_ENTRY.fullmatch(name)]
        if strangers:
            raise IndexLocationError(
                f"search index folder {target} holds {strangers[0]!r}, which is not part of "
                "a tilbase index; nothing was deleted",
                f"move it elsewhere, or {hint}",
            )

    def _replace_with(self, staging: Path) -> None:
        target = self.index_dir
        # Checked again: the folder may have changed while the new index was built.
        self._check_replaceable()
        if target.is_symlink():
            target.unlink()
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            try:
                target.rename(old)
            except OSError:  # e.g. open files on Windows: delete in place instead
                shutil.rmtree(target, ignore_errors=True)
            else:
                staging.rename(target)
                shutil.rmtree(old, ignore_errors=True)
                return
        staging.rename(target)

    def _write_manifest(self, folder: Path, current: ScanResult) -> None:
        """Write the manifest whole, with a new token: the journal's lines stop counting."""
        text = manifest_text(self.notes_dir, current, new_token())
        atomic_write(folder / MANIFEST_NAME, text, overwrite=True)
        with contextlib.suppress(OSError):
            (folder / JOURNAL_NAME).unlink(missing_ok=True)

    @staticmethod
    def _read_journal(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def _logged_changes(
        self, manifest: Manifest, current: ScanResult
    ) -> dict[str, tuple[int, int, str] | None] | None:
        """The files changed since the manifest's generation, from the catalog's change log.

        None when the full comparison is needed: no generation or token to go
        from, a log that does not reach back that far, or a journal long
        enough to be folded into the manifest.
        """
        if manifest.generation is None or manifest.token is None:
            return None
        if manifest.journal_length >= JOURNAL_LIMIT:
            return None
        return current.changes_since(manifest.generation)

    def _apply_changes(
        self,
        changes: dict[str, tuple[int, int, str] | None],
        manifest: Manifest,
        current: ScanResult,
    ) -> SyncReport:
        """Apply the logged changes, then add one journal line: no cost grows with the KB."""
        start = time.perf_counter()
        if not changes:  # a write that changed no row: only the generation moves on
            self._append_journal(manifest, current.generation, manifest.count, {}, [])
            return SyncReport(total=manifest.count)
        written: dict[str, tuple[int, int, str]] = {}
        removed: list[str] = []
        added = updated = 0
        searcher = self._ix.searcher()
        try:
            held = {rel for rel in changes if searcher.document_number(path=rel) is not None}
        finally:
            searcher.close()
        with _committed(self._open_writer()) as writer:
            for rel, row in sorted(changes.items()):
                note = current.note(rel, row[2]) if row is not None else None
                if row is None or note is None:  # gone (or gone since the catalog listed it)
                    writer.delete_by_term("path", rel)
                    removed.append(rel)
                    continue
                writer.update_document(**note_document(rel, note))
                written[rel] = row
                if rel in held:
                    updated += 1
                else:
                    added += 1
        count = self._ix.doc_count()
        self._append_journal(manifest, current.generation, count, written, removed)
        self._close()
        return SyncReport(
            added=added,
            updated=updated,
            removed=len([rel for rel in removed if rel in held]),
            total=count,
            seconds=time.perf_counter() - start,
        )

    def _append_journal(
        self,
        manifest: Manifest,
        generation: str,
        count: int,
        written: dict[str, tuple[int, int, str]],
        removed: list[str],
    ) -> None:
        """One line at the end of the manifest's journal (an ``OSError`` when it cannot be)."""
        line = journal_line(manifest.token or "", generation, count, written, removed)
        with self.journal_path.open("a", encoding="utf-8") as journal:
            journal.write(line)

    def _open_writer(self) -> Any:
        try:
            return self._ix.writer(
                timeout=self.lock_timeout, delay=_LOCK_POLL, codec=TilbaseCodec()
            )
        except index.LockError:
            raise IndexBusy("another process is writing the search index") from None
        except Exception as exc:
            raise IndexBroken(f"it cannot be written ({describe(exc)})") from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the index lock (``tilbase.writelock``, bounded wait); ``IndexBusy`` on timeout."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(writelock.hold(self.lock_path, self.lock_timeout))
            except KBBusy:
                raise IndexBusy(
                    "another til process has held the search index lock for "
                    f"{self.lock_timeout:g} s"
                ) from None
            yield

    def _ensure_open(self) -> None:
        self._open_checked()

    def close(self) -> None:
        """Release the open index (its files stay as they are)."""
        self._close()
        self._opened = None


def _open_counted(storage: FileStorage, schema: fields.Schema) -> tuple[Any, int]:
    ix = storage.open_index(INDEX_NAME, schema=schema)
    return ix, ix.doc_count()


@contextlib.contextmanager
def _committed(writer: Any) -> Iterator[Any]:
    """The writer, committed when the block ends; cancelled on any error or interrupt.

    An error while writing becomes ``IndexBroken`` (the caller rebuilds); an
    interrupt stays what it is.
    """
    try:
        yield writer
        writer.commit()
    except BaseException as exc:
        with contextlib.suppress(Exception):
            writer.cancel()
        if isinstance(exc, Exception):
            raise IndexBroken(f"it cannot be written ({describe(exc)})") from None
        raise
