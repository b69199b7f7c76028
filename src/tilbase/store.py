"""Notes on disk: the only code that writes note files.

Every write is atomic (a temp file in the same folder, fsync, then
``os.replace`` or, when nothing may be overwritten, ``os.link``), so a crash
at any moment leaves each note either as it was or as it is meant to be.
Reading every note on each command would be slow for a large KB, so the
store keeps a disposable cache of parsed notes in ``.tilbase/catalog.json``,
keyed by each file's size and modification time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tilbase.config import Config
from tilbase.errors import AmbiguousId, InvalidInput, NoteExists, NoteNotFound
from tilbase.model import Note, Source, is_safe_id, make_id, unique_id
from tilbase.notefile import read_note, render_note, set_frontmatter_key, split_frontmatter
from tilbase.text import decode_bytes

__all__ = ["NOTE_SUFFIXES", "FileStat", "NoteStore", "ScanResult", "atomic_write"]

NOTE_SUFFIXES = (".md",)
CATALOG_VERSION = 3
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
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
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

    def __init__(self, config: Config) -> None:
        self.config = config
        self.notes_dir = config.notes_dir
        self.catalog_path = config.state_dir / "catalog.json"
        self._unsynced_folders: set[Path] | None = None

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
        atomic_write(
            path, text, overwrite=overwrite, sync_folder=None if pending is None else pending.add
        )

    # -- reading ---------------------------------------------------------------

    def iter_files(self) -> Iterator[tuple[str, Path, FileStat]]:
        """Every note file under the notes folder, in path order, skipping hidden ones."""
        for rel, stat in sorted(self.file_stats().items()):
            yield rel, self.notes_dir / rel, stat

    def file_stats(self) -> dict[str, FileStat]:
        """Every note file as {path relative to the notes folder: stat}, in no set order.

        A lean walk (no Path objects) because the search index's "did anything
        change?" check runs it before every search.
        """
        stats: dict[str, FileStat] = {}
        if not self.notes_dir.is_dir():
            return stats
        stack = [(str(self.notes_dir), "")]
        while stack:
            folder, prefix = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.name.endswith(NOTE_SUFFIXES) and entry.is_file():
                    stat = entry.stat()
                    stats[prefix + entry.name] = FileStat(stat.st_size, stat.st_mtime_ns)
        return stats

    def read_file(self, path: Path) -> tuple[Note, list[str]]:
        """Read one note file (which may be hand-written); never raises for bad content."""
        rel = self._rel(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise NoteNotFound(f"{rel}: cannot read ({exc.strerror})") from None
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
        changed = False
        for rel, path, stat in self.iter_files():
            entry = cached.get(rel)
            if entry is not None and entry[0] == stat.size and entry[1] == stat.mtime_ns:
                reused = known.get(rel) if known is not None else None
                note = reused[1] if reused is not None else _note_from_json(entry[2], path)
            else:
                note, file_warnings = self.read_file(path)
                entry = [stat.size, stat.mtime_ns, _note_to_json(note), file_warnings]
                changed = True
            entries[rel] = (entry, note)
            notes.append(note)
            stats[rel] = stat
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

        Frontmatter keys tilbase does not know (``layout``, ``aliases``...) are kept.
        """
        path = self._path_of(note)
        extra: dict[str, Any] = {}
        with contextlib.suppress(OSError, UnicodeDecodeError):
            old = read_note(path.read_text(encoding="utf-8"), self._rel(path))
            extra = {k: v for k, v in old.metadata.items() if k not in _CANONICAL_KEYS}
        self._write(path, render_note(note, extra), overwrite=True)
        return note.with_changes(path=path)

    def set_tags(self, note: Note, tags: Iterable[str]) -> Note:
        """Set a note's frontmatter ``tags``, leaving every other byte of its file unchanged."""
        path = self._path_of(note)
        text = self._read_text(path)
        try:
            new_text = set_frontmatter_key(text, "tags", list(tags))
        except ValueError as exc:
            raise InvalidInput(
                f"{self._rel(path)}: cannot change tags, the frontmatter is broken ({exc})",
                "fix it with `til edit`",
            ) from None
        self._write(path, new_text, overwrite=True)
        updated, _ = self.read_file(path)
        return updated

    def write_text(self, note: Note, text: str) -> Note:
        """Replace a stored note's whole file with ``text`` (used for body rewrites)."""
        path = self._path_of(note)
        self._write(path, text, overwrite=True)
        updated, _ = self.read_file(path)
        return updated

    def read_text(self, note: Note) -> str:
        """The exact text of a stored note's file."""
        return self._read_text(self._path_of(note))

    def body_offset(self, text: str) -> int:
        """Where the body starts in a note file's text."""
        return split_frontmatter(text).body_offset

    def trash(self, note: Note) -> Path:
        """Move a note's file into ``.tilbase/trash/``, keeping its relative path."""
        path = self._path_of(note)
        target = self.config.trash_dir / self._rel(path)
        if target.exists():
            stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
            target = target.with_name(f"{target.stem}.{stamp}{target.suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(target))
        return target

    # -- helpers ---------------------------------------------------------------

    def _path_of(self, note: Note) -> Path:
        if note.path is None:
            raise NoteNotFound(f"note '{note.id}' has no file yet")
        return note.path

    def _read_text(self, path: Path) -> str:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise NoteNotFound(f"{self._rel(path)}: cannot read ({exc.strerror})") from None
        decoded = decode_bytes(data)
        if decoded is None:
            raise InvalidInput(f"{self._rel(path)}: is a binary file, not a note")
        return decoded.text

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.notes_dir).as_posix()
        except ValueError:
            return str(path)

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
