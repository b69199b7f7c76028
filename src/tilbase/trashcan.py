"""What is in the trash, and bringing a note back: ``til trash`` and ``til restore``.

``til rm`` moves a note's file to ``.tilbase/trash/`` under the path it had
below the notes folder; a second file of the same name gets a time stamp
before its suffix (``x.20261201T094107123456.md``). This module reads that
folder back as ``TrashedNote`` values and moves one back, never overwriting
a file: when its old place is taken it comes back under a free name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tilbase.dates import DateOrder
from tilbase.errors import AmbiguousId, NoteNotFound, WriteFailed
from tilbase.model import Note
from tilbase.notefile import read_note
from tilbase.text import decode_bytes

__all__ = ["RestoredNote", "TrashedNote", "find_trashed", "list_trash", "restore"]

_STAMP = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}T\d{12})$")
_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True)
class TrashedNote:
    """A note file in the trash: the note as read, where it lived, when it was removed."""

    note: Note
    path: Path
    original: str
    removed_at: dt.datetime


@dataclass(frozen=True)
class RestoredNote:
    """A note moved back: its new path, and whether another note now uses its id."""

    note: Note
    path: Path
    id_taken: bool


def _original_and_time(rel: str, path: Path) -> tuple[str, dt.datetime]:
    folder, _, name = rel.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    match = _STAMP.match(stem) if dot else None
    if match:
        original = f"{match.group('stem')}.{suffix}"
        when = dt.datetime.strptime(match.group("stamp"), "%Y%m%dT%H%M%S%f")
    else:
        original = name
        # A move keeps the modification time; the status change time is the removal.
        when = dt.datetime.fromtimestamp(path.lstat().st_ctime)
    return (f"{folder}/{original}" if folder else original), when


def list_trash(trash_dir: Path, date_order: DateOrder = "dmy") -> list[TrashedNote]:
    """Every note file in the trash, most recently removed first. Unreadable files are skipped."""
    found: list[TrashedNote] = []
    if not trash_dir.is_dir():
        return found
    for path in trash_dir.rglob("*"):
        if not path.name.endswith(_SUFFIXES) or not path.is_file():
            continue
        rel = path.relative_to(trash_dir).as_posix()
        try:
            decoded = decode_bytes(path.read_bytes())
            original, removed_at = _original_and_time(rel, path)
        except (OSError, ValueError):
            continue
        text = decoded.text if decoded is not None else ""
        note = read_note(text, original, date_order).note.with_changes(path=path)
        found.append(TrashedNote(note, path, original, removed_at))
    found.sort(key=lambda item: (item.removed_at, item.original), reverse=True)
    return found


def find_trashed(trashed: Iterable[TrashedNote], id_or_prefix: str) -> TrashedNote:
    """The trashed note with this id, else the one whose id starts with it.

    When the same id was removed more than once, the latest removal wins.
    """
    wanted = id_or_prefix.strip().casefold()
    items = list(trashed)
    exact = [item for item in items if item.note.id.casefold() == wanted]
    if exact:
        return max(exact, key=lambda item: item.removed_at)
    matches = [item for item in items if wanted and item.note.id.casefold().startswith(wanted)]
    ids = sorted({item.note.id for item in matches})
    if not matches:
        raise NoteNotFound(
            f"no note in the trash has id '{id_or_prefix}' or an id starting with it",
            "list the trash with: til trash",
        )
    if len(ids) > 1:
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        raise AmbiguousId(
            f"'{id_or_prefix}' matches {len(ids)} notes in the trash: {shown}",
            "type more of the id",
        )
    return max(matches, key=lambda item: item.removed_at)


def _free_target(notes_dir: Path, original: str) -> Path:
    target = notes_dir / original
    if not target.exists() and not target.is_symlink():
        return target
    stem, suffix = target.stem, target.suffix
    n = 2
    while True:
        candidate = target.with_name(f"{stem}-restored{'' if n == 2 else f'-{n - 1}'}{suffix}")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        n += 1


def restore(trashed: TrashedNote, notes_dir: Path, taken_ids: Iterable[str] = ()) -> RestoredNote:
    """Move a trashed note back to where it lived (or a free name beside it, never overwriting).

    ``taken_ids`` are the ids of the notes in the KB now: ``id_taken`` says
    the restored note's id is among them (the KB then tells the two apart).
    """
    for _attempt in range(100):
        target = _free_target(notes_dir, trashed.original)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(trashed.path, target)  # fails instead of overwriting a file made meanwhile
        except FileExistsError:
            continue
        except OSError as exc:
            raise WriteFailed.from_os_error(str(target), exc, action="restore") from None
        try:
            trashed.path.unlink()
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise WriteFailed.from_os_error(str(trashed.path), exc, action="remove") from None
        taken = {note_id.casefold() for note_id in taken_ids}
        note = trashed.note.with_changes(path=target)
        return RestoredNote(note, target, note.id.casefold() in taken)
    raise WriteFailed(f"could not find a free file name to restore {trashed.original}")
