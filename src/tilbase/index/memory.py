"""An index held in memory (Whoosh's ``RamStorage``): for tests and one-off use.

It answers searches exactly like the index on disk (same schema, same
reader), and keeps itself current the same way: a diff of the files it holds
against the notes. Nothing is written to disk and no lock is taken.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from whoosh.filedb.filestore import RamStorage

from tilbase.index.errors import IndexBroken
from tilbase.index.manifest import SyncReport, diff_manifest, renamed_files
from tilbase.index.reader import IndexReader, Progress
from tilbase.index.schema import INDEX_NAME, build_schema, note_document
from tilbase.store import FileStat, ScanResult

__all__ = ["MemoryIndex"]


class MemoryIndex(IndexReader):
    """The notes' index in memory; built on the first sync."""

    def __init__(self) -> None:
        self.schema = build_schema()
        self._storage = RamStorage()
        self._ix = None
        self._files: dict[str, FileStat] = {}
        self._ids: dict[str, str] = {}
        self._generation: str | None = None
        self._built = False

    def _ensure_open(self) -> None:
        if not self._built:
            raise IndexBroken("it is missing")
        self._ix = self._storage.open_index(INDEX_NAME, schema=self.schema)

    def sync(
        self,
        stats: Callable[[], Mapping[str, FileStat]],
        scan: Callable[[], ScanResult],
        *,
        changed: bool = False,
        repair: str | None = None,
        generation: str | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the notes; the first sync builds it."""
        if self._built and not changed and repair is None:
            if generation is not None and generation == self._generation:
                return SyncReport(total=len(self._files))
            current_stats = stats()
            if diff_manifest(self._files, current_stats).empty:
                return SyncReport(total=len(current_stats))
        current = scan()
        if not self._built or repair is not None:
            return self._rebuild(current, repair)
        start = time.perf_counter()
        diff = renamed_files(self._ids, current, diff_manifest(self._files, current.stats))
        by_path = current.by_path()
        if diff.empty:
            self._generation = current.generation
            return SyncReport(total=len(current.files))
        self._close()
        writer = self._storage.open_index(INDEX_NAME, schema=self.schema).writer()
        for rel in diff.removed:
            writer.delete_by_term("path", rel)
        for rel in dict.fromkeys(diff.added + diff.updated):
            note = by_path.get(rel)
            if note is None:  # gone since the catalog listed it
                writer.delete_by_term("path", rel)
                continue
            writer.update_document(**note_document(rel, note))
        writer.commit()
        self._remember(current)
        return SyncReport(
            added=len(diff.added),
            updated=len(diff.updated),
            removed=len(diff.removed),
            total=len(current.files),
            seconds=time.perf_counter() - start,
        )

    def rebuild(
        self, scan: Callable[[], ScanResult], progress: Progress | None = None
    ) -> SyncReport:
        """Build the index again from every note."""
        return self._rebuild(scan(), None, progress)

    def _rebuild(
        self, current: ScanResult, reason: str | None, progress: Progress | None = None
    ) -> SyncReport:
        start = time.perf_counter()
        diff = diff_manifest(self._files, current.stats)
        self._close()
        self._storage = RamStorage()
        ix = self._storage.create_index(self.schema, indexname=INDEX_NAME)
        writer = ix.writer()
        total = len(current.files)
        for done, (rel, note) in enumerate(current.by_path().items(), start=1):
            writer.add_document(**note_document(rel, note))
            if progress is not None:
                progress(done, total)
        writer.commit()
        self._built = True
        self._remember(current)
        return SyncReport(
            added=len(diff.added),
            updated=len(diff.updated),
            removed=len(diff.removed),
            total=total,
            seconds=time.perf_counter() - start,
            rebuilt=True,
            reason=reason,
        )

    def _remember(self, current: ScanResult) -> None:
        self._files = dict(current.stats)
        self._ids = dict(current.ids)
        self._generation = current.generation
