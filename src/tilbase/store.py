"""Notes on disk: the only code that writes note files.

Every write is atomic (a temp file in the same folder, fsync, then
``os.replace`` or, when nothing may be overwritten, ``os.link``), so a crash
at any moment leaves each note either as it was or as it is meant to be.
Reading every note on each command would be slow for a large KB, so the
store keeps a disposable cache of parsed notes in ``.tilbase/catalog.json``,
keyed by each file's size and modification time.

Changing a note from what was read of it (tags, an import update) happens
under the KB's write lock (``NoteStore.write_lock``), so two ``til``
processes never lose each other's changes. A file that cannot be read is
skipped with a warning; a file that cannot be written is a ``WriteFailed``
naming it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tilbase import writelock
from tilbase.config import Config
from tilbase.errors import (
    AmbiguousId,
    InvalidInput,
    NoteExists,
    NoteNotFound,
    NoteUnreadable,
    WriteFailed,
)
from tilbase.model import Note, Source, is_safe_id, make_id, unique_id
from tilbase.notefile import (
    load_yaml_mapping,
    read_note,
    render_note,
    set_frontmatter_key,
    split_frontmatter,
)
from tilbase.text import DecodedText, decode_bytes

__all__ = ["NOTE_SUFFIXES", "FileStat", "NoteStore", "ScanResult", "atomic_write"]

NOTE_SUFFIXES = (".md",)
CATALOG_VERSION = 4  # 4: integer dates and frontmatter ids are read more strictly
WRITE_LOCK_NAME = "write.lock"
_BOM = "\ufeff"
_AMBIGUOUS_SHOWN = 5


@dataclass(frozen=True)
class FileStat:
    """What the store knows of a note file without reading it."""

    size: int
    mtime_ns: int


@dataclass
class ScanResult:
    """Every note in the KB, in path order, with the files' stats and any warnings.

    ``entries`` keeps, per file, its catalog entry and the note as read (before
    duplicate ids were made unique), so the next scan in the same process can
    reuse them instead of decoding the catalog again.
    """

    notes: list[Note]
    stats: dict[str, FileStat]
    warnings: list[str] = field(default_factory=list)
    entries: dict[str, tuple[list[Any], Note]] = field(default_factory=dict, repr=False)

    def by_path(self) -> dict[str, Note]:
        """Notes keyed by their path relative to the notes folder (POSIX separators)."""
        return dict(zip(self.stats, self.notes, strict=True))


def atomic_write(
    path: Path, text: str, *, overwrite: bool, sync_folder: Callable[[Path], None] | None = None
) -> None:
    """Write ``text`` to ``path`` atomically.

    With ``overwrite=False`` an existing file is never replaced: ``NoteExists``
    is raised and nothing changes. Line endings in ``text`` are written as they are.
    The file's data is always synced before it takes its name; the folder
    entry is synced at once, or handed to ``sync_folder`` to be synced later
    (once for many files, see ``NoteStore.batch``).
    A replaced file keeps its permission bits; a new file gets ``0o666``
    less the umask, like any file a program creates. OS errors are raised
    as they are (``NoteStore`` turns them into ``WriteFailed``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        if sys.platform != "win32":
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    (sync_folder or _fsync_dir)(path.parent)


def _mode_for(path: Path) -> int:
    """The permission bits a write to ``path`` should leave: the old file's, else the default."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


_UMASK: int | None = None


def _umask() -> int:
    # Python can only read the umask by setting it, so it is read once and restored at once.
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return _UMASK


def _link_new(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if that name is free, then drop ``tmp``."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise NoteExists(f"{path}: already exists; nothing was overwritten") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: check, then rename (a small race, no data loss).
        if path.exists():
            raise NoteExists(f"{path}: already exists; nothing was overwritten") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _note_to_json(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "title": note.title,
        "date": note.date.isoformat() if note.date else None,
        "topic": note.topic,
        "tags": list(note.tags),
        "body": note.body,
        "source": None
        if note.source is None
        else [
            note.source.path,
            note.source.line,
            note.source.key,
            note.source.digest,
            note.source.root,
        ],
    }


def _note_from_json(data: dict[str, Any], path: Path) -> Note:
    source = data.get("source")
    return Note(
        id=data["id"],
        title=data["title"],
        date=dt.date.fromisoformat(data["date"]) if data.get("date") else None,
        topic=data.get("topic"),
        tags=tuple(data.get("tags", ())),
        body=data.get("body", ""),
        source=Source(*source) if source else None,
        path=path,
    )


class NoteStore:
    """Reads and writes the note files of one KB."""

    def __init__(self, config: Config, *, lock_timeout: float | None = None) -> None:
        self.config = config
        self.notes_dir = config.notes_dir
        self.catalog_path = config.state_dir / "catalog.json"
        self.lock_path = config.state_dir / WRITE_LOCK_NAME
        self.lock_timeout = writelock.DEFAULT_TIMEOUT if lock_timeout is None else lock_timeout
        self._unsynced_folders: set[Path] | None = None

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
                    _fsync_dir(folder)

    def _write(self, path: Path, text: str, *, overwrite: bool) -> None:
        pending = self._unsynced_folders
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
        stats: dict[str, FileStat] = {}
        if not self.notes_dir.is_dir():
            return stats
        stack = [(str(self.notes_dir), "")]
        while stack:
            folder, prefix = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError as exc:
                if warnings is not None and prefix:
                    warnings.append(f"{prefix}: cannot list this folder ({_reason(exc)}); skipped")
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, f"{prefix}{entry.name}/"))
                        continue
                    if not entry.name.endswith(NOTE_SUFFIXES) or not entry.is_file():
                        continue
                    info = entry.stat()
                except OSError as exc:
                    if warnings is not None:
                        warnings.append(f"{prefix}{entry.name}:1: cannot read ({_reason(exc)})")
                    continue
                stats[prefix + entry.name] = FileStat(info.st_size, info.st_mtime_ns)
        return stats

    def read_file(self, path: Path) -> tuple[Note, list[str]]:
        """Read one note file (which may be hand-written); never raises for bad content.

        Raises ``NoteNotFound`` when the file is gone and ``NoteUnreadable``
        when it cannot be read.
        """
        rel = self.relpath(path)
        return self._parse(self._read_bytes(path), rel, path)

    def _parse(self, data: bytes, rel: str, path: Path) -> tuple[Note, list[str]]:
        decoded = decode_bytes(data)
        if decoded is None:
            text, warnings = "", [f"{rel}:1: binary file, read as an empty note"]
        else:
            text = decoded.text
            warnings = [f"{rel}:1: {decoded.warning}"] if decoded.warning else []
        result = read_note(text, rel, self.config.date_order)
        return result.note.with_changes(path=path), warnings + result.warnings

    def scan(self, previous: ScanResult | None = None) -> ScanResult:
        """Read every note, reparsing only files whose size or mtime changed since last time.

        "Last time" is ``previous`` (a scan made earlier by this process) when
        given, else the catalog cache on disk.
        """
        known = previous.entries if previous is not None else None
        cached: dict[str, Any] = (
            {rel: entry for rel, (entry, _note) in known.items()}
            if known is not None
            else self._load_catalog()
        )
        entries: dict[str, tuple[list[Any], Note]] = {}
        notes: list[Note] = []
        stats: dict[str, FileStat] = {}
        warnings: list[str] = []
        if not self.notes_dir.is_dir():
            what = "is not a folder" if self.notes_dir.exists() else "does not exist"
            warnings.append(
                f"{self.shown(self.notes_dir)}: the notes folder {what}, so there are no notes "
                "(`til add` creates it)"
            )
        changed = False
        for rel, file_stat in sorted(self._walk(warnings).items()):
            path = self.notes_dir / rel
            entry = cached.get(rel)
            if entry is not None and entry[0] == file_stat.size and entry[1] == file_stat.mtime_ns:
                reused = known.get(rel) if known is not None else None
                note = reused[1] if reused is not None else _note_from_json(entry[2], path)
            else:
                try:
                    data = path.read_bytes()
                except FileNotFoundError:  # removed since the walk
                    continue
                except OSError as exc:
                    warnings.append(f"{rel}:1: cannot read ({_reason(exc)})")
                    continue
                note, file_warnings = self._parse(data, rel, path)
                entry = [file_stat.size, file_stat.mtime_ns, _note_to_json(note), file_warnings]
                changed = True
            entries[rel] = (entry, note)
            notes.append(note)
            stats[rel] = file_stat
            warnings.extend(entry[3])
        if changed or entries.keys() != cached.keys():
            self._save_catalog({rel: entry for rel, (entry, _note) in entries.items()})
        notes, duplicate_warnings = _dedupe_ids(notes, list(stats))
        return ScanResult(notes, stats, warnings + duplicate_warnings, entries)

    def resolve(self, notes: Iterable[Note], id_or_prefix: str) -> Note:
        """Find the note whose id is ``id_or_prefix``, or the only one it is a prefix of."""
        wanted = id_or_prefix.strip().casefold()
        if not wanted:
            raise NoteNotFound("an empty id matches no note")
        matches = []
        for note in notes:
            folded = note.id.casefold()
            if folded == wanted:
                return note
            if folded.startswith(wanted):
                matches.append(note)
        if not matches:
            raise NoteNotFound(
                f"no note has id '{id_or_prefix}' or an id starting with it",
                "`til log` lists ids; `til search` finds notes by content",
            )
        if len(matches) > 1:
            shown = ", ".join(n.id for n in matches[:_AMBIGUOUS_SHOWN])
            more = ", ..." if len(matches) > _AMBIGUOUS_SHOWN else ""
            raise AmbiguousId(
                f"'{id_or_prefix}' matches {len(matches)} notes: {shown}{more}",
                "type more of the id",
            )
        return matches[0]

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
        path = self._path_of(note)
        with self.write_lock():
            extra, bom = self._kept_frontmatter(path, note)
            self._write(path, bom + render_note(note, extra), overwrite=True)
        return note.with_changes(path=path)

    def _kept_frontmatter(self, path: Path, note: Note) -> tuple[dict[str, Any], str]:
        """The non-canonical frontmatter keys of the file at ``path``, and its BOM if any."""
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
        try:
            metadata = load_yaml_mapping(split.frontmatter)
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
        path = self._path_of(note)
        with self.write_lock():
            decoded = self._read_editable(path)
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
        path = self._path_of(note)
        with self.write_lock():
            decoded = self._read_editable(path)
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
        return split_frontmatter(text).body_offset

    def trash(self, note: Note) -> Path:
        """Move a note's file into ``.tilbase/trash/``, keeping its relative path."""
        path = self._path_of(note)
        with self.write_lock():
            if not path.exists() and not path.is_symlink():
                raise NoteNotFound(f"{self.relpath(path)}: the file is gone; nothing was removed")
            target = self.config.trash_dir / self.relpath(path)
            if target.exists():
                stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
                target = target.with_name(f"{target.stem}.{stamp}{target.suffix}")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(path), str(target))
            except OSError as exc:
                shown = f"{self.shown(path)} to {self.shown(target)}"
                raise WriteFailed.from_os_error(shown, exc, action="move") from None
        return target

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
            raise NoteUnreadable(f"{self.relpath(path)}: cannot read ({_reason(exc)})") from None

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

    def _load_catalog(self) -> dict[str, Any]:
        try:
            data = json.loads(self.catalog_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if (
            not isinstance(data, dict)
            or data.get("version") != CATALOG_VERSION
            or data.get("notes_dir") != str(self.notes_dir)
            or not isinstance(data.get("files"), dict)
        ):
            return {}
        files: dict[str, Any] = data["files"]
        return files

    def _save_catalog(self, files: dict[str, Any]) -> None:
        payload = {"version": CATALOG_VERSION, "notes_dir": str(self.notes_dir), "files": files}
        # A cache: if it cannot be written (read-only KB, full disk) the next run reparses.
        with contextlib.suppress(OSError):
            atomic_write(
                self.catalog_path,
                json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                overwrite=True,
            )


_CANONICAL_KEYS = frozenset({"id", "title", "date", "topic", "tags", "source"})


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _bom_of(decoded: DecodedText) -> str:
    return _BOM if decoded.has_bom else ""


def _dedupe_ids(notes: list[Note], rel_paths: list[str]) -> tuple[list[Note], list[str]]:
    """Give a note whose id another file already uses (earlier in path order) a unique id."""
    seen: set[str] = set()
    owner: dict[str, str] = {}
    result: list[Note] = []
    warnings: list[str] = []
    for note, rel in zip(notes, rel_paths, strict=True):
        folded = note.id.casefold()
        if folded in seen:
            new_id = unique_id(note.id, seen)
            warnings.append(
                f"{rel}:1: id '{note.id}' is also used by {owner[folded]}; "
                f"using '{new_id}' for this file until one of them is changed"
            )
            note = note.with_changes(id=new_id)
            folded = new_id.casefold()
        seen.add(folded)
        owner[folded] = rel
        result.append(note)
    return result, warnings
