"""Notes on disk: the only code that writes note files.

Every write is atomic (a temp file in the same folder, fsync, then
``os.replace`` or, when nothing may be overwritten, ``os.link``), so a crash
at any moment leaves each note either as it was or as it is meant to be.
Every file it writes or moves to the trash is remembered in ``touched``, so
the KB updates exactly those rows of the catalog (``store/catalog.py``) and
documents of the search index, never rescanning the notes.

Changing a note from what was read of it (tags, an import update) happens
under the KB's write lock (``NoteStore.write_lock``), so two ``til``
processes never lose each other's changes. A file that cannot be read is
skipped with a warning; a file that cannot be written is a ``WriteFailed``
naming it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tilbase import writelock
from tilbase.config import Config
from tilbase.errors import (
    InvalidInput,
    NoteExists,
    NoteNotFound,
    NoteUnreadable,
    WriteFailed,
)
from tilbase.model import Note, is_safe_id, make_id, unique_id
from tilbase.store.atomic import atomic_write, fsync_dir
from tilbase.store.ids import resolve_id
from tilbase.store.trash import move_to_trash, trashed_files
from tilbase.store.walk import FileStat, note_file_stats, reason
from tilbase.text import DecodedText, decode_bytes

WRITE_LOCK_NAME = "write.lock"
_BOM = "\ufeff"


class NoteStore:
    """Reads and writes the note files of one KB."""

    def __init__(self, config: Config, *, lock_timeout: float | None = None) -> None:
        self.config = config
        self.notes_dir = config.notes_dir
        self.catalog_path = config.state_dir / "catalog.sqlite"
        self.lock_path = config.state_dir / WRITE_LOCK_NAME
        self.lock_timeout = writelock.DEFAULT_TIMEOUT if lock_timeout is None else lock_timeout
        self._unsynced_folders: set[Path] | None = None
        #: Messages for the person about files changed beyond what was asked (drained by the KB).
        self.notices: list[str] = []
        #: Note files written or removed since the KB last recorded them in its catalog.
        self.touched: dict[Path, None] = {}

    def write_lock(self, timeout: float | None = None) -> contextlib.AbstractContextManager[None]:
        """Hold the KB's write lock: ``with store.write_lock(): read notes, then write them``.

        Whoever changes a note from what it read of it must hold this lock
        from the read to the write, and read again once it has the lock
        (another process may have written in between). It is a lock file in
        the state folder (``.tilbase/write.lock``), held with ``flock`` /
        ``msvcrt``; the OS releases it if the process dies.

        Re-entrant within a process: nested use (also through another
        ``NoteStore`` of the same KB) does not wait. Waits at most
        ``timeout`` seconds (default ``lock_timeout``, 10 s), then raises
        ``KBBusy``; ``WriteFailed`` if the lock file cannot be created.
        ``rewrite``, ``set_tags``, ``write_text`` and ``trash`` take it
        themselves; ``add`` does not need it (it never replaces a file).

        A whole import run takes it once, and brings the search index up to
        date only after letting go (index updates do not need it)::

            with kb.store.write_lock():
                kb.rescan()  # notes other processes wrote before the lock was had
                ...  # match entries to notes; store.add / store.rewrite
            kb.notes_changed()
        """
        return writelock.hold(
            self.lock_path,
            self.lock_timeout if timeout is None else timeout,
            self.shown(self.lock_path),
        )

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Write many notes, syncing each folder entry once at the end rather than per note.

        Every note's data is still synced before it takes its name, so a crash
        leaves each note either absent or whole.
        """
        outer = self._unsynced_folders is None
        if outer:
            self._unsynced_folders = set()
        try:
            yield
        finally:
            if outer:
                folders, self._unsynced_folders = self._unsynced_folders or set(), None
                for folder in folders:
                    fsync_dir(folder)

    def _write(self, path: Path, text: str, *, overwrite: bool) -> None:
        pending = self._unsynced_folders
        self.touched[path] = None
        try:
            atomic_write(
                path,
                text,
                overwrite=overwrite,
                sync_folder=None if pending is None else pending.add,
            )
        except OSError as exc:
            raise WriteFailed.from_os_error(self.shown(path), exc) from None

    # -- reading ---------------------------------------------------------------

    def iter_files(self) -> Iterator[tuple[str, Path, FileStat]]:
        """Every note file under the notes folder, in path order, skipping hidden ones."""
        for rel, file_stat in sorted(self.file_stats().items()):
            yield rel, self.notes_dir / rel, file_stat

    def file_stats(self) -> dict[str, FileStat]:
        """Every note file as {path relative to the notes folder: stat}, in no set order.

        A lean walk (no Path objects) because the search index's "did anything
        change?" check runs it before every search. Entries that cannot be
        examined (a symlink loop) are left out.
        """
        return self._walk(None)

    def _walk(self, warnings: list[str] | None) -> dict[str, FileStat]:
        return note_file_stats(self.notes_dir, warnings)

    def read_file(self, path: Path) -> tuple[Note, list[str]]:
        """Read one note file (which may be hand-written); never raises for bad content.

        Raises ``NoteNotFound`` when the file is gone and ``NoteUnreadable``
        when it cannot be read.
        """
        rel = self.relpath(path)
        return self._parse(self._read_bytes(path), rel, path)

    def _parse(self, data: bytes, rel: str, path: Path) -> tuple[Note, list[str]]:
        from tilbase.notefile import read_note

        decoded = decode_bytes(data)
        if decoded is None:
            text, warnings = "", [f"{rel}:1: binary file, read as an empty note"]
        else:
            text = decoded.text
            warnings = [f"{rel}:1: {decoded.warning}"] if decoded.warning else []
        result = read_note(text, rel, self.config.date_order)
        return result.note.with_changes(path=path), warnings + result.warnings

    def resolve(self, notes: Iterable[Note], id_or_prefix: str) -> Note:
        """Find the note whose id is ``id_or_prefix``, or the only one it is a prefix of."""
        return resolve_id(notes, id_or_prefix)

    # -- writing ---------------------------------------------------------------

    def add(
        self, note: Note, taken_ids: Iterable[str] = (), extra: dict[str, Any] | None = None
    ) -> Note:
        """Write a new note as ``notes/<id>.md``, never overwriting a file.

        The note's id (or, when empty, one made from its date and title) is
        made unique against ``taken_ids`` and the files present; a race with
        another writer for the same name moves on to the next free id.
        ``extra`` frontmatter keys (an imported page's ``layout``...) follow the
        canonical ones.
        """
        from tilbase.notefile import render_note

        preferred = note.id if note.id and is_safe_id(note.id) else make_id(note.title, note.date)
        taken = set(taken_ids)
        for _attempt in range(1000):
            note_id = unique_id(preferred, taken)
            path = self.notes_dir / f"{note_id}.md"
            if path.exists():
                taken.add(note_id)
                continue
            new_note = note.with_changes(id=note_id, path=path)
            try:
                self._write(path, render_note(new_note, extra), overwrite=False)
            except NoteExists:
                taken.add(note_id)
                continue
            return new_note
        raise NoteExists(f"{self.notes_dir}: could not find a free file name for '{preferred}'")

    def rewrite(self, note: Note) -> Note:
        """Replace a stored note's file with the canonical form of ``note``.

        Frontmatter keys tilbase does not know (``layout``, ``aliases``...) are
        kept, and so is a BOM. When the old frontmatter cannot be read (it is
        broken, the file is binary or unreadable) nothing is written:
        ``InvalidInput`` / ``NoteUnreadable`` say so, rather than drop its keys.
        """
        from tilbase.notefile import render_note

        path = self._path_of(note)
        with self.write_lock():
            extra, bom = self._kept_frontmatter(path, note)
            self._write(path, bom + render_note(note, extra), overwrite=True)
        return note.with_changes(path=path)

    def _kept_frontmatter(self, path: Path, note: Note) -> tuple[dict[str, Any], str]:
        """The non-canonical frontmatter keys of the file at ``path``, and its BOM if any."""
        from tilbase.notefile import load_frontmatter, split_frontmatter

        rel = self.relpath(path)
        try:
            data = self._read_bytes(path)
        except NoteNotFound:  # nothing there to keep
            return {}, ""
        decoded = decode_bytes(data)
        if decoded is None:
            raise InvalidInput(f"{rel}: is a binary file, not a note; nothing was written")
        split = split_frontmatter(decoded.text)
        if split.frontmatter is None:
            return {}, _bom_of(decoded)
        self._note_rewrite_as_yaml(path, decoded.text)
        try:
            metadata = load_frontmatter(split)
        except ValueError as exc:
            raise InvalidInput(
                f"{rel}: cannot update the note, its frontmatter is broken ({exc}); "
                "nothing was written",
                f"fix the frontmatter (`til edit {note.id}`), then try again",
            ) from None
        extra = {k: v for k, v in metadata.items() if k not in _CANONICAL_KEYS}
        return extra, _bom_of(decoded)

    def set_tags(self, note: Note, tags: Iterable[str]) -> Note:
        """Set a note's frontmatter ``tags``, leaving every other byte of its file unchanged.

        The file is read again under the write lock. A file that is not
        UTF-8, or whose frontmatter cannot be edited in place safely (see
        ``set_frontmatter_key``), is refused with ``InvalidInput``.
        """
        from tilbase.notefile import set_frontmatter_key

        path = self._path_of(note)
        with self.write_lock():
            decoded = self._read_editable(path)
            self._note_rewrite_as_yaml(path, decoded.text)
            try:
                new_text = set_frontmatter_key(decoded.text, "tags", list(tags))
            except ValueError as exc:
                raise InvalidInput(
                    f"{self.relpath(path)}: cannot change tags: {exc}; nothing was changed",
                    f"edit the file by hand (`til edit {note.id}`)",
                ) from None
            self._write(path, _bom_of(decoded) + new_text, overwrite=True)
        updated, _ = self.read_file(path)
        return updated

    def write_text(self, note: Note, text: str) -> Note:
        """Replace a stored note's whole file with ``text`` (used for body rewrites).

        ``text`` must come from ``read_editable`` under the same write lock;
        a BOM the file had is kept.
        """
        from tilbase.notefile import split_frontmatter

        path = self._path_of(note)
        with self.write_lock():
            decoded = self._read_editable(path)
            if split_frontmatter(text.removeprefix(_BOM)).format == "yaml":
                self._note_rewrite_as_yaml(path, decoded.text)
            self._write(path, _bom_of(decoded) + text.removeprefix(_BOM), overwrite=True)
        updated, _ = self.read_file(path)
        return updated

    def read_text(self, note: Note) -> str:
        """The text of a stored note's file (a BOM dropped, a non-UTF-8 file decoded as cp1252)."""
        return self._read_text(self._path_of(note))

    def read_editable(self, note: Note) -> str:
        """The exact text of a stored note's file, for a change to be written back.

        Raises ``InvalidInput`` for a file that is not UTF-8 (its text is only
        a guess, and writing it back would change bytes nobody edited) or is
        binary. The BOM, if any, is not part of the text; writes keep it.
        """
        return self._read_editable(self._path_of(note)).text

    def body_offset(self, text: str) -> int:
        """Where the body starts in a note file's text."""
        from tilbase.notefile import split_frontmatter

        return split_frontmatter(text).body_offset

    def trash(self, note: Note) -> Path:
        """Move a note's file into ``.tilbase/trash/``, keeping its relative path."""
        path = self._path_of(note)
        with self.write_lock():
            moved = move_to_trash(path, self.notes_dir, self.config.trash_dir, self.shown)
        self.touched[path] = None
        return moved

    def removed_imports(self) -> list[Note]:
        """The imported notes in the trash (removed with ``til rm``), read from their files.

        Each note's ``path`` is where it was in the notes folder. Only notes with
        a ``source`` count; a file that cannot be read is passed over.
        """
        removed: list[Note] = []
        for rel, path in trashed_files(self.config.trash_dir):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if b"source" not in data:  # not an imported note: no need to parse it
                continue
            note, _warnings = self._parse(data, rel, self.notes_dir / rel)
            if note.source is not None and note.source.key is not None:
                removed.append(note)
        return removed

    def _note_rewrite_as_yaml(self, path: Path, old_text: str) -> None:
        """Say so when a TOML or JSON frontmatter is about to be written back as YAML."""
        from tilbase.notefile import split_frontmatter

        fmt = split_frontmatter(old_text).format
        if fmt in ("toml", "json"):
            self.notices.append(
                f"{self.relpath(path)}: its {fmt.upper()} frontmatter was rewritten as YAML "
                "(tilbase writes YAML frontmatter; the keys and body are kept)"
            )

    # -- paths -----------------------------------------------------------------

    def relpath(self, path: Path) -> str:
        """``path`` relative to the notes folder, with ``/`` separators (as warnings name files).

        A path outside the notes folder is returned whole.
        """
        try:
            return path.relative_to(self.notes_dir).as_posix()
        except ValueError:
            return str(path)

    def shown(self, path: Path) -> str:
        """``path`` as messages show it: relative to the KB folder (``notes/x.md``) when inside."""
        try:
            return path.relative_to(self.config.root).as_posix()
        except ValueError:
            return str(path)

    # -- helpers ---------------------------------------------------------------

    def _path_of(self, note: Note) -> Path:
        if note.path is None:
            raise NoteNotFound(f"note '{note.id}' has no file yet")
        return note.path

    def _read_bytes(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NoteNotFound(
                f"{self.relpath(path)}: the file is gone (removed since it was listed?)"
            ) from None
        except OSError as exc:
            raise NoteUnreadable(f"{self.relpath(path)}: cannot read ({reason(exc)})") from None

    def _decode(self, path: Path) -> DecodedText:
        decoded = decode_bytes(self._read_bytes(path))
        if decoded is None:
            raise InvalidInput(f"{self.relpath(path)}: is a binary file, not a note")
        return decoded

    def _read_text(self, path: Path) -> str:
        return self._decode(path).text

    def _read_editable(self, path: Path) -> DecodedText:
        decoded = self._decode(path)
        if not decoded.is_exact:
            raise InvalidInput(
                f"{self.relpath(path)}: is not valid UTF-8 (it can only be read as "
                f"{decoded.encoding}), so tilbase does not rewrite it; nothing was changed",
                "save the file as UTF-8 in your editor, then try again",
            )
        return decoded


_CANONICAL_KEYS = frozenset({"id", "title", "date", "topic", "tags", "source"})


def _bom_of(decoded: DecodedText) -> str:
    return _BOM if decoded.has_bom else ""
