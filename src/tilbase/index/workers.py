"""Whoosh's writer processes (``procs=2``), made to stop quietly on Ctrl-C.

A full rebuild of a large KB writes with Whoosh's multi-process writer: its
``SubWriterTask`` processes take batches of documents off a queue. Left alone,
a Ctrl-C reaches them too (the terminal signals the whole foreground process
group): each prints a ``KeyboardInterrupt`` traceback, or, when the parent has
already deleted the staging folder, a ``FileNotFoundError`` one. And Whoosh's
``cancel()`` only flips a flag on the parent's copy of the task object, so the
processes would never learn they were cancelled.

Here the writer processes ignore SIGINT (the parent alone decides), die
quietly on SIGTERM, exit when their parent is gone, and ``stop_writer_processes``
kills and reaps them before the staging folder is removed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

from whoosh.multiproc import SubWriterTask

__all__ = ["quiet_writer_processes", "stop_writer_processes"]

#: Seconds between a writer process's checks that its parent is still there.
_PARENT_POLL = 1.0
#: Seconds to wait for a killed writer process to be reaped.
_REAP_TIMEOUT = 5.0
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class _QuietSubWriterTask(SubWriterTask):  # type: ignore[misc]  # Whoosh is untyped
    """A Whoosh writer process that leaves interrupts to its parent."""

    def run(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
        parent = os.getppid()
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
        super().run()


def _exit_with_parent(parent: int) -> None:
    """End this process once its parent is gone (killed: nobody will collect its work)."""
    while True:
        time.sleep(_PARENT_POLL)
        if os.getppid() != parent:
            os._exit(1)


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while a process is started; they arrive right after.

    The new process starts with them blocked too, and sets up its own handling
    before it unblocks them, so an interrupt at that moment cannot reach its
    inherited Python handler.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def quiet_writer_processes(writer: Any) -> None:
    """Make a Whoosh multi-process writer start quiet writer processes (see the module).

    A writer without processes (``procs=1``) is left as it is.
    """
    if not hasattr(writer, "_new_task") or not hasattr(writer, "tasks"):
        return

    def new_task() -> SubWriterTask:
        task = _QuietSubWriterTask(
            writer.storage,
            writer.indexname,
            writer.jobqueue,
            writer.resultqueue,
            writer.subargs,
            writer.multisegment,
        )
        task.daemon = True  # never outlives the interpreter, even if not reaped
        writer.tasks.append(task)
        with _signals_blocked():
            task.start()
        return task

    writer._new_task = new_task


def stop_writer_processes(writer: Any) -> None:
    """Kill and reap a cancelled writer's processes (before its folder is removed)."""
    tasks = list(getattr(writer, "tasks", ()))
    for task in tasks:
        with contextlib.suppress(Exception):
            if task.is_alive():
                task.kill()
    for task in tasks:
        with contextlib.suppress(Exception):
            task.join(_REAP_TIMEOUT)
    for name in ("jobqueue", "resultqueue"):
        found = getattr(writer, name, None)
        if found is not None:
            with contextlib.suppress(Exception):
                found.cancel_join_thread()  # nobody will read what is still queued
                found.close()
