"""The knowledge base: the one facade the CLI, and any library user, calls.

A ``KnowledgeBase`` ties a config to its note store and search index. Its
methods take plain values and return notes; they never print. Warnings about
files (a broken frontmatter, a duplicate id) collect in ``warnings`` for the
caller to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tilbase.config import Config, find_config, load_config
from tilbase.errors import InvalidInput, TilError
from tilbase.filters import NoteFilter
from tilbase.model import Note, make_id, usable_tags
from tilbase.ordering import SortOrder, filter_by_date, sort_newest_first
from tilbase.store import NoteStore, ScanResult
from tilbase.store.freshness import CatalogKeeper
from tilbase.text import derive_title

if TYPE_CHECKING:
    from tilbase.editing import EditorRunner, EditOutcome
    from tilbase.export import ExportOutcome, ExportRequest
    from tilbase.importer import ImportOptions, ImportReport, ProgressCallback, SourceSet
    from tilbase.index.keeper import IndexKeeper
    from tilbase.index.manifest import SyncReport
    from tilbase.index.reader import IndexReader
    from tilbase.search import Searcher, SearchResult
    from tilbase.semantic_search import SemanticProgress, SemanticSearch
    from tilbase.stats import Stats
    from tilbase.sync import GitSyncReport
    from tilbase.tags import RenamePlan, TagCount, TagEdit
    from tilbase.trashcan import RestoredNote, TrashedNote

__all__ = [
    "KnowledgeBase",
    "RemovedNote",
    "filter_by_date",
    "now_with_offset",
    "sort_newest_first",
]


@dataclass(frozen=True)
class RemovedNote:
    """A note moved to the trash, and where it went."""

    note: Note
    trash_path: Path


def now_with_offset() -> dt.datetime:
    """The local time now, to the second, with its UTC offset (a note's ``created``)."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


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
        #: The catalog (``.tilbase/catalog.sqlite``), kept current with the files in one walk.
        self.catalogs = CatalogKeeper(self.store, self.warnings)
        # Semantic recall (issue 14): loaded only when on; the CLI sets the progress callback.
        self._semantic: SemanticSearch | None = None
        self.semantic_progress: SemanticProgress | None = None
        self._sync_started = False  # ``sync: auto``: one background sync per KB object

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
        import tilbase.index  # noqa: F401  (first: it gives Whoosh a lighter cached_property)
        from tilbase.search import Searcher

        searcher = Searcher(
            self.store, self.keeper, self.scan, self._fresh_view, self.warnings, self._select
        )
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
        return self.keeper.sync(self._fresh_view, changed=changed)

    def _fresh_view(self) -> ScanResult:
        """The notes as the catalog lists them, after this KB's one freshness walk."""
        self.catalogs.fresh()
        return self.catalogs.view()

    def _catalog_now(self) -> ScanResult:
        """The notes as the catalog lists them right now (no walk; files read when needed)."""
        return self.catalogs.view()

    def _select(self, note_filter: NoteFilter) -> Sequence[Note]:
        """The notes passing ``note_filter``'s metadata filters, newest first, from the catalog.

        Bodies are read lazily: a note's file is read when its body is first used.
        """
        from tilbase.store.view import NoteRows

        rows = self.catalogs.fresh().newest(
            None, note_filter.since, note_filter.until, note_filter.tags, note_filter.topic
        )
        return NoteRows(rows, self.config.notes_dir, self.catalogs.load)

    # -- reading ---------------------------------------------------------------

    def scan(self) -> ScanResult:
        """Every note in the KB, as the catalog lists them after one freshness walk.

        The walk happens once per ``KnowledgeBase`` (until ``rescan``); only
        files added or changed since the catalog last saw them are parsed.
        A note's file is read when the note itself is first asked for.
        """
        if self._scan is None:
            self.catalogs.fresh()
            self._scan = self.catalogs.view()
        return self._scan

    def rescan(self) -> ScanResult:
        """Walk the notes folder again (another process may have written meanwhile)."""
        self._scan = None
        self.catalogs.invalidate()
        return self.scan()

    def _look_again(self) -> None:
        """Let the next read walk the notes folder again (each command starts with one walk)."""
        self._scan = None
        self.catalogs.invalidate()

    def notes(self) -> list[Note]:
        """Every note in the KB, in path order (reads every file: prefer the catalog)."""
        self._look_again()
        return self.scan().notes

    def get(self, id_or_prefix: str) -> Note:
        """The note with this id, or the one note whose id starts with it.

        The id is resolved in the catalog; only that note's file is read.
        """
        self._look_again()
        return self._resolve(id_or_prefix)

    def _resolve(self, id_or_prefix: str) -> Note:
        row = self.catalogs.fresh().resolve(id_or_prefix)
        note = self.catalogs.load(row.path, row.id)
        if note is None:
            from tilbase.errors import NoteNotFound

            raise NoteNotFound(f"{row.path}: the file is gone (removed since it was listed?)")
        return note

    def show(self, id_or_prefix: str) -> tuple[Note, str]:
        """The note with this id (or unique prefix) and its file's text."""
        note = self.get(id_or_prefix)
        return note, self.store.read_text(note)

    def show_file(self, id_or_prefix: str) -> tuple[Note, str]:
        """Like ``show``, without parsing the file: the note as the catalog lists it (no body).

        For printing the file as it is (``til show`` in a pipe): no frontmatter
        is read, so no warning about it either.
        """
        self._look_again()
        row = self.catalogs.fresh().resolve(id_or_prefix)
        note = row.to_note(self.config.notes_dir)
        return note, self.store.read_text(note)

    def log(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int | None = None,
        *,
        tags: Iterable[str] = (),
        topic: str | None = None,
    ) -> list[Note]:
        """Notes newest first (date, then creation time), optionally filtered and cut to ``limit``.

        ``tags``: notes holding every one (children count: ``lang`` takes
        ``lang/python``); ``topic``: notes in that topic or below it. Answered
        by the catalog: no note file is read (the notes have no body).
        """
        self._look_again()
        wanted = NoteFilter(tags=tuple(tags), topic=topic)
        rows = self.catalogs.fresh().newest(
            None if limit is None else max(limit, 0), since, until, wanted.tags, wanted.topic
        )
        return [row.to_note(self.config.notes_dir) for row in rows]

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
        from tilbase.hashtags import hashtag_tags

        given_tags = usable_tags(tags)
        body = text if text.endswith("\n") else text + "\n"
        note = Note(
            id="",
            title=(title or "").strip() or derive_title(body) or "Untitled",
            date=date or dt.date.today(),
            topic=topic,
            tags=(*given_tags, *hashtag_tags(body)),
            body=body,
            created=now_with_offset(),
        )
        preferred = make_id(note.title, note.date)
        catalog = self.catalogs.ready()
        saved = self.store.add(note.with_changes(id=catalog.free_id(preferred)))
        self.notes_changed()
        return saved

    def remove(self, id_or_prefix: str) -> RemovedNote:
        """Move a note to the trash (``.tilbase/trash/``)."""
        [removed] = self.remove_many([id_or_prefix])
        return removed

    def edit(self, id_or_prefix: str, open_editor: EditorRunner) -> Note:
        """Edit a note in the editor (``til edit``); the note as saved. See ``edit_note``."""
        return self.edit_note(id_or_prefix, open_editor).note

    def after_edit(self, note: Note) -> Note:
        """Re-read a note after its file was edited outside tilbase."""
        if note.path is None or not note.path.exists():
            if note.path is not None:
                self.store.touched[note.path] = None
            self.notes_changed()
            return note
        updated, warnings = self.store.read_file(note.path)
        self.warnings.extend(warnings)
        self.store.touched[note.path] = None
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
        from tilbase.editing import editor_draft

        tags = usable_tags(tags)  # before the person writes anything
        with editor_draft(self, open_editor) as text:
            return self.add(text, title=title, topic=topic, tags=tags, date=date)

    def notes_changed(self) -> None:
        """Record what was written in the catalog and the search index.

        The files ``NoteStore`` wrote or trashed since the last call
        (``store.touched``) are re-read, one catalog row and one index document
        each; when there are none (files changed some other way) one walk of
        the notes folder finds what changed. The notes are already saved: if
        the index is busy (another ``til`` writing it for longer than the lock
        timeout) a warning is added and the next command that reads the index
        catches up.
        """
        self._scan = None
        self.warnings.extend(self.store.notices)
        self.store.notices.clear()
        touched, self.store.touched = list(self.store.touched), {}
        if touched:
            self.catalogs.record(touched)
        else:  # written some other way (git, a move): find out with one walk
            self.catalogs.invalidate()
            self.catalogs.fresh()
        self.keeper.after_write(self._catalog_now)
        self._sync_in_background()

    def _sync_in_background(self) -> None:
        """With ``sync: auto``, start one background ``til sync`` for this KB's writes.

        It never blocks or fails the write: the notes are saved already, and a
        sync that cannot run leaves a line in ``.tilbase/sync.log``.
        """
        if self.config.sync != "auto" or self._sync_started:
            return
        from tilbase.sync import start_background_sync

        self._sync_started = True
        start_background_sync(self.config.config_path)

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
        self._look_again()
        semantic = semantic if sort == "relevance" else False  # a date order needs no model
        return self._searcher(semantic).search(note_filter, limit=limit, sort=sort)

    def search_notes(self, note_filter: NoteFilter) -> list[Note]:
        """Every note matching ``note_filter``, best first (no limit, no snippets)."""
        self._look_again()
        return self._searcher().search_notes(note_filter)

    def search_ids(self, note_filter: NoteFilter) -> list[str]:
        """The ids of every note matching ``note_filter``, best first (for ``til export``)."""
        return [note.id for note in self.search_notes(note_filter)]

    def related(self, id_or_prefix: str, *, limit: int = 10) -> SearchResult:
        """The notes most like one note (more-like-this over titles and bodies)."""
        if limit < 0:
            raise InvalidInput(f"--limit must be 0 or more, not {limit}")
        self._look_again()
        return self._searcher().related(self._resolve(id_or_prefix), limit=limit)

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Rebuild the index from scratch (``til reindex``); the report counts what changed.

        With semantic search on, notes lacking a vector are then embedded.
        """
        self._scan = None
        self.catalogs.rebuild()
        report = self.keeper.rebuild(self._catalog_now, progress)
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
        from tilbase.tags import counts_in_tree_order

        self._look_again()
        return counts_in_tree_order(self.catalogs.fresh().tag_totals(), sort=sort)

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

    # -- the daily habit (issue 11): today, append, trash, stats -------------------

    def last_scan(self) -> ScanResult | None:
        """The notes as the catalog lists them now (for warn-once bookkeeping: file states)."""
        return self._scan or self.catalogs.view()

    def today(self, day: dt.date | None = None) -> list[Note]:
        """The notes of ``day`` (default today), newest first (``til today``)."""
        day = day or dt.date.today()
        return self.log(day, day)

    def add_to_daily(
        self, text: str, *, day: dt.date | None = None, tags: Iterable[str] = ()
    ) -> Note:
        """Add ``text`` as a bullet to the daily note of ``day``, creating it on first use.

        The daily note's id is the day (``2026-12-01``). ``tags`` are added to it.
        """
        from tilbase.daily import as_bullet, daily_note_id, new_daily_note
        from tilbase.hashtags import hashtag_tags

        day = day or dt.date.today()
        wanted_tags = usable_tags(tags)
        bullet = as_bullet(text)
        with self.store.write_lock():
            self._look_again()
            catalog = self.catalogs.fresh()
            row = catalog.by_id(daily_note_id(day))
            existing = None if row is None else self.catalogs.load(row.path, row.id)
            if existing is None:
                note = new_daily_note(day, bullet, tags=(*wanted_tags, *hashtag_tags(bullet)))
                saved = self.store.add(
                    note.with_changes(
                        id=catalog.free_id(note.id),
                        created=now_with_offset(),
                    )
                )
            else:
                saved = self._append_text(existing, bullet)
                missing = [tag for tag in wanted_tags if tag not in saved.tags]
                if missing:
                    saved = self.store.set_tags(saved, [*saved.tags, *missing])
        self.notes_changed()
        return saved

    def append(self, id_or_prefix: str, text: str) -> Note:
        """Add ``text`` at the end of a note's body (``til append``); the note as saved."""
        note = self.get(id_or_prefix)
        with self.store.write_lock():
            saved = self._append_text(note, text)
        self.notes_changed()
        return saved

    def _append_text(self, note: Note, addition: str) -> Note:
        """Append to a note's file under the write lock held by the caller."""
        from tilbase.daily import append_to_body

        text = self.store.read_editable(note)
        offset = self.store.body_offset(text)
        return self.store.write_text(note, text[:offset] + append_to_body(text[offset:], addition))

    def remove_many(self, ids_or_prefixes: Sequence[str]) -> list[RemovedNote]:
        """Move several notes to the trash; every id is checked before anything moves."""
        notes = list(dict.fromkeys(self.get(key) for key in ids_or_prefixes))
        removed = [RemovedNote(note, self.store.trash(note)) for note in notes]
        self.notes_changed()
        if self.config.semantic:  # issue 14: drop their vectors (derived data)
            from tilbase.semantic_search import forget_notes

            forget_notes(self.config, [note.id for note in notes])
        return removed

    def trash_list(self) -> list[TrashedNote]:
        """The notes in the trash, most recently removed first (``til trash``)."""
        from tilbase.trashcan import list_trash

        return list_trash(self.config.trash_dir, self.config.date_order)

    def restore(self, id_or_prefix: str) -> RestoredNote:
        """Move a note from the trash back into the notes folder, never overwriting."""
        from tilbase.trashcan import find_trashed, restore

        trashed = find_trashed(self.trash_list(), id_or_prefix)
        with self.store.write_lock():
            self._look_again()
            restored = restore(trashed, self.config.notes_dir, self.catalogs.fresh().ids())
        self.notes_changed()
        return restored

    def stats(self, today: dt.date | None = None) -> Stats:
        """Totals, months, top tags and topics, streaks and a year of days (``til stats``)."""
        from tilbase.stats import compute_stats

        self._look_again()
        rows = self.catalogs.fresh().newest(None)
        notes = [row.to_note(self.config.notes_dir) for row in rows]
        return compute_stats(notes, today or dt.date.today())

    def add_document(
        self,
        text: str,
        *,
        title: str | None = None,
        topic: str | None = None,
        tags: Iterable[str] = (),
        date: dt.date | None = None,
    ) -> Note:
        """``add`` for text that may start with frontmatter (see ``tilbase.editing``)."""
        from tilbase.editing import add_document

        return add_document(self, text, title=title, topic=topic, tags=tags, date=date)

    def edit_note(self, id_or_prefix: str, open_editor: EditorRunner) -> EditOutcome:
        """Edit a note on a copy, saved only when it changed (see ``tilbase.editing``)."""
        from tilbase.editing import edit_note

        return edit_note(self, id_or_prefix, open_editor)
