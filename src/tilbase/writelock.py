"""The knowledge base's write lock: one read-modify-write of note files at a time.

Two ``til tag add`` runs on one note would otherwise both read the old tags
and the second write would drop the first one's tag. Whoever changes a note
from what it read (tags, a rename, an import update) holds this lock from
the read to the write, and reads again once it has the lock.

The lock is an OS lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows)
on a file that is never deleted: deleting it would let two processes each
lock a different file of the same name. The OS drops the lock when its
process ends, so a crashed ``til`` never leaves a stale lock behind.

Within one process the lock is re-entrant for the thread holding it (nested
``with`` blocks only count), while other threads wait for it like other
processes do. The wait is bounded: ``KBBusy`` says so in one line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tilbase.errors import KBBusy, WriteFailed

__all__ = ["DEFAULT_TIMEOUT", "hold"]

DEFAULT_TIMEOUT = 10.0
_POLL = 0.02
_BUSY = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, getattr(errno, "EDEADLOCK", errno.EDEADLK)}


@dataclass
class _Holder:
    """This process's hold on one lock file."""

    guard: threading.RLock = field(default_factory=threading.RLock)
    depth: int = 0
    fd: int | None = None


_HOLDERS: dict[str, _Holder] = {}
_HOLDERS_GUARD = threading.Lock()


@contextlib.contextmanager
def hold(path: Path, timeout: float = DEFAULT_TIMEOUT, shown: str | None = None) -> Iterator[None]:
    """Hold the lock on ``path`` (created if needed), waiting at most ``timeout`` seconds.

    Raises ``KBBusy`` when another process (or thread) keeps it longer, and
    ``WriteFailed`` when the lock file cannot be created (naming it as
    ``shown``). On a read-only file system no lock is taken: nothing can be
    written there, so there is nothing to serialise, and the write itself
    reports the problem.
    """
    key = os.path.normcase(os.path.abspath(path))
    with _HOLDERS_GUARD:
        holder = _HOLDERS.setdefault(key, _Holder())
    deadline = time.monotonic() + timeout
    if not holder.guard.acquire(timeout=max(timeout, 0.0)):
        raise _busy(timeout)
    try:
        if holder.depth == 0:
            holder.fd = _lock_file(path, deadline, timeout, shown or str(path))
        holder.depth += 1
        try:
            yield
        finally:
            holder.depth -= 1
            if holder.depth == 0:
                fd, holder.fd = holder.fd, None
                if fd is not None:
                    _unlock(fd)
    finally:
        holder.guard.release()


def _busy(timeout: float) -> KBBusy:
    return KBBusy(
        f"another til process has been changing notes in this knowledge base for over "
        f"{timeout:g} s; nothing was changed",
        "try again when it has finished (an import holds the lock until it ends)",
    )


def _lock_file(path: Path, deadline: float, timeout: float, shown: str) -> int | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        try:  # an existing lock file we may not write (another user's) still locks
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            if exc.errno == errno.EROFS:
                return None
            raise WriteFailed.from_os_error(shown, exc) from None
    while True:
        try:
            _try_lock(fd)
            return fd
        except OSError as exc:
            if exc.errno not in _BUSY and exc.errno != errno.EINTR:
                os.close(fd)
                raise WriteFailed.from_os_error(shown, exc, action="lock") from None
        if time.monotonic() >= deadline:
            os.close(fd)
            raise _busy(timeout)
        time.sleep(_POLL)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
        finally:
            os.close(fd)

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:
            pass
        finally:
            os.close(fd)
