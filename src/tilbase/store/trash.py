"""The trash: removed notes are moved to ``.tilbase/trash/``, never deleted."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from tilbase.errors import (
    NoteNotFound,
    WriteFailed,
)

#: A second note of one name in the trash is ``name.<stamp>.md``.
_STAMP_FORMAT = "%Y%m%dT%H%M%S%f"
_STAMP = re.compile(r"\.\d{8}T\d{12}$")


def move_to_trash(
    path: Path, notes_dir: Path, trash_dir: Path, shown: Callable[[Path], str]
) -> Path:
    """Move the note file at ``path`` into ``trash_dir``, keeping its path under ``notes_dir``.

    A file of the same name already in the trash is kept: the new one gets a
    time stamp. ``shown`` names paths in messages.
    """
    rel = path.relative_to(notes_dir).as_posix() if path.is_relative_to(notes_dir) else path.name
    if not path.exists() and not path.is_symlink():
        raise NoteNotFound(f"{rel}: the file is gone; nothing was removed")
    target = trash_dir / rel
    if target.exists():
        stamp = dt.datetime.now().strftime(_STAMP_FORMAT)
        target = target.with_name(f"{target.stem}.{stamp}{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(target))
    except OSError as exc:
        raise WriteFailed.from_os_error(
            f"{shown(path)} to {shown(target)}", exc, action="move"
        ) from None
    return target


def trashed_files(trash_dir: Path) -> Iterator[tuple[str, Path]]:
    """Every note file in the trash: (its path under the notes folder when removed, its path).

    The time stamp a second file of one name was given is taken off again.
    Symbolic links are not followed; a trash folder that is missing or
    unreadable has no files.
    """
    for folder, dirs, files in os.walk(trash_dir, onerror=lambda _exc: None):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.suffix.lower() != ".md" or path.is_symlink():
                continue
            rel = PurePosixPath(path.relative_to(trash_dir).as_posix())
            yield str(rel.with_name(_STAMP.sub("", rel.stem) + rel.suffix)), path
