"""The trash: removed notes are moved to ``.tilbase/trash/``, never deleted."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

from tilbase.errors import (
    NoteNotFound,
    WriteFailed,
)


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
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        target = target.with_name(f"{target.stem}.{stamp}{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(target))
    except OSError as exc:
        raise WriteFailed.from_os_error(
            f"{shown(path)} to {shown(target)}", exc, action="move"
        ) from None
    return target
