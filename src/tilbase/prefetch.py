"""The freshness walk, run in a child process while ``til`` starts up.

Every reading command begins with one walk that stats every note file
(``tilbase.store.walk.note_signatures``): at 10,000 notes about 45 ms on this
project's 2-core machine, nearly all of it in ``stat`` system calls. Before
that, the process spends 60-90 ms importing Typer, the CLI and the KB, on one
core. The walk needs none of that, so ``tilbase.launch`` forks a child right
at start-up (before even the config is read: the child finds the KB itself)
that runs the same walk and sends its result back through a pipe; the first
walk of the process takes it (``take``) instead of walking again.

Threads cannot do this: the walking thread gives up the GIL at every
``stat`` and then waits for the importing thread to hand it back (measured:
no faster than walking after the imports). A forked child has its own.

The result is the notes folder as it was when the command started, which is
what the command would have seen anyway; ``tilbase.launch`` starts a walk
only for commands that read before they write anything. Where ``fork`` is
missing, on one core, or when anything goes wrong, the parent walks itself.
"""

from __future__ import annotations

import marshal
import os

# Nothing more is imported before the fork (it is the first thing til does): not typing,
# contextlib or signal (enum) either, which cost a few ms together.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["Signatures", "discard", "start", "take"]

#: {relative path: (mtime_ns, size, inode)}, as ``note_signatures`` returns it.
Signatures = dict[str, tuple[int, int, int]]


class _Pending:
    """The walking child and the end of the pipe its result comes through."""

    __slots__ = ("pid", "read_fd")

    def __init__(self, pid: int, read_fd: int) -> None:
        self.pid = pid
        self.read_fd = read_fd


_pending: _Pending | None = None


def start(locate: Callable[[], Path | None]) -> bool:
    """Fork a child that walks the notes folder ``locate()`` names; False if none was started.

    ``locate`` runs in the child (finding the config is part of the work done
    in parallel); when it gives ``None`` or fails, the child sends nothing.
    """
    global _pending
    if _pending is not None or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return False
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return False
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return False
    if pid == 0:  # the child: walk, send, and leave without running any exit handler
        _walk_and_send(locate, read_fd, write_fd)
    os.close(write_fd)
    _pending = _Pending(pid, read_fd)
    return True


def _walk_and_send(locate: Callable[[], Path | None], read_fd: int, write_fd: int) -> None:
    import signal

    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: end quietly with the parent
        os.close(read_fd)
        # Let go of the terminal and of any pipe the parent writes to (``til log | head``
        # must see the end of its input when the parent is done, whatever the child does).
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        notes_dir = locate()
        if notes_dir is None:
            return
        from tilbase.store.walk import note_signatures

        warnings: list[str] = []
        data = marshal.dumps((str(notes_dir), note_signatures(notes_dir, warnings), warnings))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)


def take(notes_dir: Path) -> tuple[Signatures, list[str]] | None:
    """The child's walk of ``notes_dir`` (once), or None: none started, another folder, failed."""
    global _pending
    pending, _pending = _pending, None
    if pending is None:
        return None
    try:
        with os.fdopen(pending.read_fd, "rb") as pipe:
            data = pipe.read()
        folder, signatures, warnings = marshal.loads(data)
        if folder != str(notes_dir) or not isinstance(signatures, dict):
            return None
        return signatures, list(warnings)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    finally:
        _close(pending.read_fd)  # already closed when it was read
        _reap(pending.pid, kill=False)


def discard() -> None:
    """Stop and reap a walk nobody took (at exit, or before a command that writes)."""
    global _pending
    pending, _pending = _pending, None
    if pending is None:
        return
    _close(pending.read_fd)
    _reap(pending.pid, kill=True)


def _close(fd: int) -> None:
    try:  # noqa: SIM105 - contextlib is not imported before the fork
        os.close(fd)
    except OSError:
        pass


def _reap(pid: int, *, kill: bool) -> None:
    try:
        if kill:
            import signal

            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
