"""The knowledge base: the one facade the CLI, and any library user, calls.

A ``KnowledgeBase`` ties a config to its note store and search index. Its
methods take plain values and return notes; they never print. Warnings about
files (a broken frontmatter, a duplicate id) collect in ``warnings`` for the
caller to show.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tilbase.config import Config, find_config, load_config
from tilbase.errors import EditorError, InvalidInput, TilError
from tilbase.filters import NoteFilter
from tilbase.hashtags import hashtag_tags
from tilbase.model import Note
from tilbase.ordering import SortOrder, filter_by_date, sort_newest_first
from tilbase.store import NoteStore, ScanResult
from tilbase.text import decode_bytes, derive_title

if TYPE_CHECKING:
    from tilbase.export import ExportOutcome, ExportRequest
    from tilbase.importer import ImportOptions, ImportReport, ProgressCallback, SourceSet
    from tilbase.index.keeper import IndexKeeper
    from tilbase.index.manifest import SyncReport
    from tilbase.index.reader import IndexReader
    from tilbase.search import Searcher, SearchResult
    from tilbase.semantic_search import SemanticProgress, SemanticSearch
    from tilbase.sync import GitSyncReport
    from tilbase.tags import RenamePlan, TagCount, TagEdit

__all__ = ["EditorRunner", "KnowledgeBase", "RemovedNote", "filter_by_date", "sort_newest_first"]

#: Opens a path in an editor and waits (``tilbase.editor.open_in_editor``).
EditorRunner = Callable[[Path, str | None], None]


@dataclass(frozen=True)
class RemovedNote:
    """A note moved to the trash, and where it went."""

    note: Note
    trash_path: Path


def _point_at_draft(error: TilError, path: Path) -> None:
    """Tell the person where the text they wrote is kept, and how to save it later."""
    error.message = f"{error.message}; what you wrote is kept in {path}"
    error.hint = f"save it with: til add - < {shlex.quote(str(path))}"


def _has_text(path: Path) -> bool:
    try:
        return bool(path.read_bytes().strip())
    except OSError:
        return False


class KnowledgeBase:
    """One knowledge base: its config, notes and index."""

    def __init__(
        self,
        config: Config,
        store: NoteStore | None = None,
        index: IndexReader | None = None,
    ) -> None:
        """A KB on ``config``'s notes.

        ``index`` defaults to the Whoosh index in ``config.index_dir``, opened
        when first needed; tests give a ``tilbase.index.memory.MemoryIndex``.
        """
        self.config = config
        self.store = store or NoteStore(config)
        self.warnings: list[str] = []
        self._index = index
        self._keeper: IndexKeeper | None = None
        self._scan: ScanResult | None = None
        self._last_scan: ScanResult | None = None
        # Semantic recall (issue 14): loaded only when on; the CLI sets the progress callback.
        self._semantic: SemanticSearch | None = None
        self.semantic_progress: SemanticProgress | None = None

    @classmethod
    def open(
        cls,
        config_path: Path | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> KnowledgeBase:
        """Find the KB's config (see ``tilbase.config.find_config``) and open it."""
        return cls(load_config(find_config(config_path, env, cwd)))

    @classmethod
    def in_memory(cls, config: Config) -> KnowledgeBase:
        """A KB on ``config``'s notes whose search index lives in memory only."""
        from tilbase.index.memory import MemoryIndex

        return cls(config, index=MemoryIndex())

    # -- the index ---------------------------------------------------------------

    @property
    def index(self) -> IndexReader:
        """The search index (the one on disk unless another was given)."""
        if self._index is None:
            from tilbase.index.ondisk import NoteIndex

            self._index = NoteIndex(self.config.index_dir, self.config.notes_dir)
        return self._index

    @property
    def keeper(self) -> IndexKeeper:
        """The service that keeps the index current with the notes."""
        if self._keeper is None:
            from tilbase.index.keeper import IndexKeeper

            self._keeper = IndexKeeper(
                self.store, self.index, location=self._index_location(), warnings=self.warnings
            )
        return self._keeper

    def _index_location(self) -> str:
        index_dir = self.config.index_dir
        try:
            return index_dir.relative_to(self.config.root).as_posix()
        except ValueError:
            return str(index_dir)

    def _searcher(self, semantic: bool | None = None) -> Searcher:
        from tilbase.search import Searcher

        searcher = Searcher(self.store, self.keeper, self.scan, self.rescan, self.warnings)
        searcher.semantic = self.semantic_search(semantic)
        return searcher

    def semantic_search(self, override: bool | None = None) -> SemanticSearch | None:
        """The semantic ranking when on (config ``semantic``, or ``override``), else None.

        Nothing of ``tilbase.semantic`` (nor numpy) is imported when it is off.
        """
        if not (self.config.semantic if override is None else override):
            return None
        if self._semantic is None:
            from tilbase.semantic_search import SemanticSearch

            self._semantic = SemanticSearch(self.config)
        self._semantic.progress = self.semantic_progress
        return self._semantic

    def sync_index(self, *, changed: bool = False) -> bool:
        """Bring the index up to date; False (and a warning) when it is busy or read-only."""
        return self.keeper.sync(self.rescan, changed=changed)

    # -- reading ---------------------------------------------------------------

    def scan(self) -> ScanResult:
        """Every note in the KB (read once per ``KnowledgeBase`` until something is written).

        After a write, the next scan still stats every file but reuses the
        notes of the files that did not change.
        """
        if self._scan is None:
            self._scan = self.store.scan(previous=self._last_scan)
            self._last_scan = self._scan
            self.warnings.extend(w for w in self._scan.warnings if w not in self.warnings)
        return self._scan

    def rescan(self) -> ScanResult:
        """Forget the cached notes and read them again (used under the index lock)."""
        self._scan = None
        return self.scan()

    def notes(self) -> list[Note]:
        """Every note in the KB, in path order."""
        return self.scan().notes

    def get(self, id_or_prefix: str) -> Note:
        """The note with this id, or the one note whose id starts with it."""
        return self.store.resolve(self.notes(), id_or_prefix)

    def show(self, id_or_prefix: str) -> tuple[Note, str]:
        """The note with this id (or unique prefix) and its file's text."""
        note = self.get(id_or_prefix)
        return note, self.store.read_text(note)

    def log(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int | None = None,
    ) -> list[Note]:
        """Notes newest first, optionally within a date range and cut to ``limit``."""
        notes = sort_newest_first(filter_by_date(self.notes(), since, until))
        return notes if limit is None else notes[: max(limit, 0)]

    # -- writing ---------------------------------------------------------------

    def add(
        self,
        text: str,
        *,
        title: str | None = None,
        topic: str | None = None,
        tags: Iterable[str] = (),
        date: dt.date | None = None,
    ) -> Note:
        """Capture a new note from ``text`` and return it as saved.

        The title defaults to the text's first line or sentence, the date to
        today; inline ``#hashtags`` become tags. Empty text is refused.
        """
        if not text.strip():
            raise InvalidInput("the note is empty; nothing was saved")
        body = text if text.endswith("\n") else text + "\n"
        note = Note(
            id="",
            title=(title or "").strip() or derive_title(body) or "Untitled",
            date=date or dt.date.today(),
            topic=topic,
            tags=(*tags, *hashtag_tags(body)),
            body=body,
        )
        saved = self.store.add(note, taken_ids=(n.id for n in self.notes()))
        self.notes_changed()
        return saved

    def remove(self, id_or_prefix: str) -> RemovedNote:
        """Move a note to the trash (``.tilbase/trash/``)."""
        note = self.get(id_or_prefix)
        trash_path = self.store.trash(note)
        self.notes_changed()
        if self.config.semantic:  # issue 14: drop its vector (derived data)
            from tilbase.semantic_search import forget_notes

            forget_notes(self.config, [note.id])
        return RemovedNote(note, trash_path)

    def edit(self, id_or_prefix: str, open_editor: EditorRunner) -> Note:
        """Open a note's file in the editor, then re-read it (``til edit``)."""
        note = self.get(id_or_prefix)
        if note.path is None:
            raise InvalidInput(f"note '{note.id}' has no file to edit")
        open_editor(note.path, self.config.editor)
        return self.after_edit(note)

    def after_edit(self, note: Note) -> Note:
        """Re-read a note after its file was edited outside tilbase."""
        if note.path is None or not note.path.exists():
            self.notes_changed()
            return note
        updated, warnings = self.store.read_file(note.path)
        self.warnings.extend(warnings)
        self.notes_changed()
        return updated

    def add_with_editor(
        self,
        open_editor: EditorRunner,
        *,
        title: str | None = None,
        topic: str | None = None,
        tags: Iterable[str] = (),
        date: dt.date | None = None,
    ) -> Note:
        """Let the person write a note in their editor, then save it like ``add``.

        The text lives in a temporary file until the note is saved. When the
        editor fails after text was written (vim exits 1 after any error it
        showed) or the note cannot be saved (a read-only KB, a busy lock), the
        file is kept and the error names it, so nothing typed is lost.
        """
        with self._editor_draft(open_editor) as text:
            return self.add(text, title=title, topic=topic, tags=tags, date=date)

    @contextlib.contextmanager
    def _editor_draft(self, open_editor: EditorRunner) -> Iterator[str]:
        fd, name = tempfile.mkstemp(prefix="til-", suffix=".md")
        os.close(fd)
        path = Path(name)
        keep = False
        try:
            try:
                open_editor(path, self.config.editor)
            except EditorError as exc:
                keep = _has_text(path)
                if keep:
                    _point_at_draft(exc, path)
                raise
            decoded = decode_bytes(path.read_bytes())
            if decoded is None:
                keep = True
                raise InvalidInput(f"{path}: the editor saved a binary file; it is kept there")
            if decoded.warning:
                self.warnings.append(f"{path}:1: {decoded.warning}")
            try:
                yield decoded.text
            except TilError as exc:
                keep = bool(decoded.text.strip())
                if keep:
                    _point_at_draft(exc, path)
                raise
        finally:
            if not keep:
                path.unlink(missing_ok=True)

    def notes_changed(self) -> None:
        """Forget cached notes after a write, and bring the search index up to date.

        The notes are already saved: if the index is busy (another ``til``
        writing it for longer than the lock timeout) a warning is added and
        the next command that reads the index catches up.
        """
        self._scan = None
        self.warnings.extend(self.store.notices)
        self.store.notices.clear()
        self.keeper.after_write(self.rescan)

    # -- searching -------------------------------------------------------------

    def search(
        self,
        note_filter: NoteFilter,
        *,
        limit: int | None = 10,
        sort: SortOrder = "relevance",
        semantic: bool | None = None,
    ) -> SearchResult:
        """Find the notes matching ``note_filter``; see ``tilbase.search.Searcher.search``.

        ``semantic`` overrides the config's ``semantic`` for this search
        (``til search --semantic/--lexical``).
        """
        semantic = semantic if sort == "relevance" else False  # a date order needs no model
        return self._searcher(semantic).search(note_filter, limit=limit, sort=sort)

    def search_notes(self, note_filter: NoteFilter) -> list[Note]:
        """Every note matching ``note_filter``, best first (no limit, no snippets)."""
        return self._searcher().search_notes(note_filter)

    def search_ids(self, note_filter: NoteFilter) -> list[str]:
        """The ids of every note matching ``note_filter``, best first (for ``til export``)."""
        return [note.id for note in self.search_notes(note_filter)]

    def related(self, id_or_prefix: str, *, limit: int = 10) -> SearchResult:
        """The notes most like one note (more-like-this over titles and bodies)."""
        if limit < 0:
            raise InvalidInput(f"--limit must be 0 or more, not {limit}")
        return self._searcher().related(self.get(id_or_prefix), limit=limit)

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Rebuild the index from scratch (``til reindex``); the report counts what changed.

        With semantic search on, notes lacking a vector are then embedded.
        """
        report = self.keeper.rebuild(self.rescan, progress)
        semantic = self.semantic_search()
        if semantic is not None:  # issue 14: embeddings are derived data too
            semantic.refresh(self.notes())
        return report

    # -- importing, tags, export -------------------------------------------------

    def import_(
        self,
        sources: SourceSet,
        options: ImportOptions,
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Import notes from ``sources`` (``til import``); see ``tilbase.importer``."""
        from tilbase.importer import import_sources

        report = import_sources(self, sources, options, progress)
        semantic = None if options.dry_run else self.semantic_search()
        if semantic is not None:  # issue 14: embed the new notes now, with progress
            try:
                semantic.refresh(self.notes())
            except TilError as exc:  # the notes are imported; the next search embeds them
                hint = f" — {exc.hint}" if exc.hint else ""
                self.warnings.append(f"imported; not embedded for semantic search: {exc}{hint}")
        return report

    def tag_add(self, id_or_prefix: str, tags: Iterable[str]) -> TagEdit:
        """Add tags to a note's frontmatter."""
        from tilbase.tags import add_tags

        return add_tags(self, id_or_prefix, tags)

    def tag_rm(self, id_or_prefix: str, tags: Iterable[str]) -> TagEdit:
        """Remove tags from a note (frontmatter; inline hashtags are refused)."""
        from tilbase.tags import remove_tags

        return remove_tags(self, id_or_prefix, tags)

    def tag_list(self, sort: str = "name") -> list[TagCount]:
        """Every tag with how many notes use it."""
        from tilbase.tags import count_tags

        return count_tags(self.notes(), sort=sort)

    def tag_rename(self, old: str, new: str, *, dry_run: bool = False) -> RenamePlan:
        """Rename a tag (and its children) in every note."""
        from tilbase.tags import rename_tag

        return rename_tag(self, old, new, dry_run=dry_run)

    def export(self, request: ExportRequest) -> ExportOutcome:
        """Export the chosen notes (``til export``); see ``tilbase.export``."""
        from tilbase.export import export_notes

        return export_notes(self, request)

    def export_selection(self, note_filter: NoteFilter) -> Sequence[Note]:
        """The notes ``til export`` would write for ``note_filter``, newest first."""
        from tilbase.export.select import select_notes

        return select_notes(self, note_filter)

    def sync(self, *, remote: str | None = None, branch: str | None = None) -> GitSyncReport:
        """Commit, pull, merge and push the KB through git (``til sync``); see ``tilbase.sync``.

        What arrives is picked up by the next reading command's freshness check.
        """
        from tilbase.sync import sync_config

        return sync_config(self.config, remote=remote, branch=branch)
