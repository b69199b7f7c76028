"""Drawing semantic search's long steps: the model download and embedding notes.

A progress bar on a terminal (stderr), shown only once there is enough to wait
for; in a pipe, one line when a long step starts. Nothing appears for a
search that embeds a note or two.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tilbase.render import info, stderr_console

if TYPE_CHECKING:
    from tilbase.semantic_search import SemanticProgress

__all__ = ["semantic_progress"]

#: Fewer notes than this embed in a few seconds: no bar, no message.
MIN_NOTES = 16


@contextmanager
def semantic_progress() -> Iterator[SemanticProgress]:
    """A ``progress(task, done, total)`` callback for ``KnowledgeBase.semantic_progress``."""
    bars: dict[str, Any] = {}
    live: list[Any] = []
    terminal = sys.stderr.isatty()

    def progress(task: str, done: int, total: int | None) -> None:
        if task not in bars:
            if task == "embedding notes" and (total or 0) < MIN_NOTES:
                return
            if not terminal:
                bars[task] = None
                what = f"{total} notes" if task == "embedding notes" else "the sentence model"
                verb = "embedding" if task == "embedding notes" else "downloading"
                info(f"{verb} {what} for semantic search (Ctrl-C stops; it resumes next time)")
                return
            if not live:
                live.append(_start_bar())
            bars[task] = live[0].add_task(task, total=total)
        if bars[task] is not None:
            live[0].update(bars[task], completed=done, total=total)

    try:
        yield progress
    finally:
        if live:
            live[0].stop()


def _start_bar() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
    )
    bar.start()
    return bar
