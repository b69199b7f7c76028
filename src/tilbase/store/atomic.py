"""Atomic file writes: a temp file in the same folder, fsync, then rename or link."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tilbase.errors import (
    NoteExists,
)


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
    (sync_folder or fsync_dir)(path.parent)


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


def fsync_dir(folder: Path) -> None:
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
