"""Keeping the catalog current with the note files, in one walk.

``CatalogKeeper`` opens the KB's catalog (``.tilbase/catalog.sqlite``),
brings it up to date with one ``os.scandir`` walk compared with its stat
columns (parsing only the files that were added or changed), and records the
notes ``til`` itself writes, one row each, without a walk. A catalog that is
missing, damaged or of an older schema is recreated and refilled silently:
the notes are the truth.

The search index is kept current from the catalog (``ScanResult``), keyed
by the catalog's generation: see ``tilbase.index.keeper``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tilbase.errors import NoteNotFound, NoteUnreadable
from tilbase.model import Note
from tilbase.store.catalog import Catalog, CatalogCorrupt, CatalogEntry, file_sig
from tilbase.store.notes import NoteStore
from tilbase.store.view import IdLookup, ScanResult, SourceGroups

if TYPE_CHECKING:
    from tilbase.importplan import KnownNotes

__all__ = ["CatalogKeeper"]

#: Rows written per transaction when many notes change at once (an import).
CHUNK = 500
#: Parsed notes a refresh keeps for the index (all of them during ``rebuild``).
_KEPT = 1000


class CatalogKeeper:
    """The catalog of one KB's notes, refreshed at most once until ``invalidate``.

    File warnings (broken frontmatter, duplicate ids, unreadable folders)
    go to ``warnings``, each once.
    """

    def __init__(self, store: NoteStore, warnings: list[str]) -> None:
        self.store = store
        self.warnings = warnings
        self._catalog: Catalog | None = None
        self._fresh = False
        #: How many note files this keeper parsed (for tests and benchmarks).
        self.parsed = 0
        #: Notes the last refresh parsed, handed to the index instead of reading them again.
        self._just_parsed: dict[str, Note] = {}
        self._keep_all = False

    @property
    def catalog(self) -> Catalog:
        """The catalog, opened (and created when needed) on first use; not refreshed."""
        if self._catalog is None:
            self._catalog = Catalog.open(self.store.catalog_path)
        return self._catalog

    def _reset(self) -> Catalog:
        self._catalog = self.catalog.reset()
        return self._catalog

    def close(self) -> None:
        """Close the catalog's connection."""
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    # -- freshness ---------------------------------------------------------------

    def fresh(self) -> Catalog:
        """The catalog, brought up to date with the files once (one walk) per ``invalidate``."""
        if not self._fresh:
            self.refresh()
        return self.catalog

    def ready(self) -> Catalog:
        """The catalog as it is, unless it was just created: then it is filled first.

        Writes use it (a new note's free id) without walking every file; the
        next reading command's walk catches any edit made outside ``til``.
        """
        if self.catalog.rebuilt is not None and not self._fresh:
            return self.fresh()
        return self.catalog

    def refresh(self) -> None:
        """Walk the notes folder and parse only what changed since the catalog last saw it."""
        self._just_parsed.clear()
        notes_dir = self.store.notes_dir
        problems: list[str] = []
        if not notes_dir.is_dir():
            what = "is not a folder" if notes_dir.exists() else "does not exist"
            problems.append(
                f"{self.store.shown(notes_dir)}: the notes folder {what}, so there are no notes "
                "(`til add` creates it)"
            )
        try:
            diff = self.catalog.refresh(
                notes_dir, lambda rel, path: self._parse(rel, path, problems)
            )
            stored = self.catalog.file_warnings() + self.catalog.duplicate_warnings()
        except CatalogCorrupt:
            problems.clear()
            diff = self._reset().refresh(
                notes_dir, lambda rel, path: self._parse(rel, path, problems)
            )
            stored = self.catalog.file_warnings() + self.catalog.duplicate_warnings()
        self._fresh = True
        self._warn([*sorted([*problems, *diff.warnings]), *stored])

    def rebuild(self) -> None:
        """Empty the catalog and parse every note again (``til reindex``)."""
        try:
            self.ready().clear()
        except CatalogCorrupt:
            self._reset()
        self._keep_all = True
        try:
            self.refresh()
        finally:
            self._keep_all = False

    def invalidate(self) -> None:
        """Walk again on the next ``fresh`` (another process may have written meanwhile)."""
        self._fresh = False

    def _warn(self, messages: Iterable[str]) -> None:
        for message in messages:
            if message not in self.warnings:
                self.warnings.append(message)

    def _parse(self, rel: str, path: Path, problems: list[str]) -> CatalogEntry | None:
        try:
            note, warnings = self.store.read_file(path)
        except NoteNotFound:
            return None
        except NoteUnreadable as exc:
            problems.append(f"{exc.message.replace(': cannot', ':1: cannot', 1)}")
            return None
        self.parsed += 1
        if self._keep_all or len(self._just_parsed) < _KEPT:
            self._just_parsed[rel] = note
        return CatalogEntry.from_note(note, rel, warnings)

    # -- what the KB reads -------------------------------------------------------

    def view(self) -> ScanResult:
        """Every catalogued note as the catalog holds it now (no walk; files read lazily)."""
        catalog = self.catalog
        return ScanResult(
            catalog.generation_key(),
            lambda: catalog.index_view()[1],
            self.load,
            catalog.changes_since,
        )

    def load(self, rel: str, note_id: str) -> Note | None:
        """Read the note in ``rel`` and give it the id the KB knows it by; None when gone."""
        note = self._just_parsed.pop(rel, None)
        if note is not None:
            return note if note.id == note_id else note.with_changes(id=note_id)
        try:
            note, warnings = self.store.read_file(self.store.notes_dir / rel)
        except (NoteNotFound, NoteUnreadable):
            return None
        self._warn(warnings)
        return note if note.id == note_id else note.with_changes(id=note_id)

    def known_notes(self, view: ScanResult) -> KnownNotes:
        """The notes an import matches entries against, read only when looked up."""
        from tilbase.importplan import KnownNotes

        catalog = self.fresh()
        groups: dict[tuple[str | None, str], list[str]] = {}
        for rel, _note_id, source in catalog.sources():
            path, _line, key, _digest, root = source
            if key is not None:
                groups.setdefault((root, path), []).append(rel)
        notes = view.by_path()

        def find(folded: str) -> str | None:
            row = catalog.by_id(folded)
            return None if row is None else row.path

        return KnownNotes(
            by_source=SourceGroups(groups, notes),
            by_id=IdLookup(find, notes),
            taken=[note_id.casefold() for note_id in catalog.ids()],
        )

    # -- what til writes ---------------------------------------------------------

    def record(self, paths: Iterable[Path]) -> dict[Path, str]:
        """Bring the rows of these written (or removed) files up to date; {path: id} written.

        A file that exists is read again and upserted; one that is gone loses
        its row. Many files go in transactions of ``CHUNK`` rows.
        """
        try:
            return self._record(list(paths))
        except CatalogCorrupt:
            self._reset()
            self.refresh()
            return {}

    def _record(self, paths: list[Path]) -> dict[Path, str]:
        catalog = self.ready()
        written: dict[Path, str] = {}
        for start in range(0, len(paths), CHUNK):
            items = []
            gone = []
            chunk = paths[start : start + CHUNK]
            kept: list[Path] = []
            for path in chunk:
                rel = self.store.relpath(path)
                try:
                    sig = file_sig(path)
                    note, warnings = self.store.read_file(path)
                except (OSError, NoteNotFound, NoteUnreadable):
                    gone.append(rel)
                    continue
                self.parsed += 1
                self._just_parsed[rel] = note  # the index takes it from here, not the disk
                items.append((CatalogEntry.from_note(note, rel, warnings), sig))
                kept.append(path)
            if gone:
                catalog.delete_many(gone)
            if items:
                ids = catalog.upsert_many(items)
                written.update(zip(kept, ids, strict=True))
        return written
