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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tilbase.config import Config, find_config, load_config
from tilbase.errors import EditorError, InvalidInput, TilError
from tilbase.hashtags import hashtag_tags
from tilbase.model import Note, usable_tags
from tilbase.store import NoteStore, ScanResult
from tilbase.text import decode_bytes, derive_title

__all__ = ["EditorRunner", "KnowledgeBase", "RemovedNote", "filter_by_date", "sort_newest_first"]

#: Opens a path in an editor and waits (``tilbase.editor.open_in_editor``).
EditorRunner = Callable[[Path, str | None], None]


@dataclass(frozen=True)
class RemovedNote:
    """A note moved to the trash, and where it went."""

    note: Note
    trash_path: Path


def sort_newest_first(notes: Iterable[Note]) -> list[Note]:
    """Dated notes newest first (ties by id), then undated notes by id."""
    dated = sorted((n for n in notes if n.date), key=lambda n: n.id)
    dated.sort(key=lambda n: n.date or dt.date.min, reverse=True)
    undated = sorted((n for n in notes if not n.date), key=lambda n: n.id)
    return dated + undated


def filter_by_date(
    notes: Iterable[Note], since: dt.date | None = None, until: dt.date | None = None
) -> list[Note]:
    """Keep notes dated within [since, until]; with either bound, undated notes are left out."""
    if since is None and until is None:
        return list(notes)
    return [
        n
        for n in notes
        if n.date is not None
        and (since is None or n.date >= since)
        and (until is None or n.date <= until)
    ]


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

    def __init__(self, config: Config, store: NoteStore | None = None) -> None:
        self.config = config
        self.store = store or NoteStore(config)
        self.warnings: list[str] = []
        self._scan: ScanResult | None = None
        self._last_scan: ScanResult | None = None

    @classmethod
    def open(
        cls,
        config_path: Path | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> KnowledgeBase:
        """Find the KB's config (see ``tilbase.config.find_config``) and open it."""
        return cls(load_config(find_config(config_path, env, cwd)))

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
        given_tags = usable_tags(tags)
        body = text if text.endswith("\n") else text + "\n"
        note = Note(
            id="",
            title=(title or "").strip() or derive_title(body) or "Untitled",
            date=date or dt.date.today(),
            topic=topic,
            tags=(*given_tags, *hashtag_tags(body)),
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
        return RemovedNote(note, trash_path)

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
        tags = usable_tags(tags)  # before the person writes anything
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
        from tilbase.search import update_index_after_write

        update_index_after_write(self)
