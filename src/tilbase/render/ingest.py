"""Drawing ``til import``: a progress bar on a terminal, then a summary on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tilbase.render import info, print_plain, stderr_console, warning

if TYPE_CHECKING:
    from tilbase.importer import ImportReport, ProgressCallback

__all__ = ["import_progress", "print_import_summary"]

#: Fewer files than this import too fast for a progress bar to help.
PROGRESS_MIN_FILES = 20

_ACTION_HELP = {
    "created": "new notes",
    "updated": "changed at the source, rewritten",
    "unchanged": "already imported, nothing to do",
    "kept": "changed at the source but edited in the KB since: the KB's version stays",
    "removed": "removed with til rm: not created again (--restore-removed brings them back)",
}


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def import_progress(total: int, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A callback that advances a progress bar on a terminal (a no-op elsewhere)."""
    if not enabled or total < PROGRESS_MIN_FILES or not _stderr_is_terminal():

        def ignore(display: str, done: int, total: int) -> None:
            return None

        yield ignore
        return
    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[file]}"),
        console=stderr_console(),
        transient=True,
    )
    task = progress.add_task("import", total=total, file="")
    with progress:

        def advance(display: str, done: int, total: int) -> None:
            progress.update(task, completed=done, file=escape(display[-60:]))

        yield advance


def print_import_summary(report: ImportReport) -> None:
    """Warnings, skipped files, notes kept as edited in the KB, and the counts, on stderr."""
    for message in report.warnings:
        warning(message)
    _print_skipped(report)
    if report.dry_run:
        for item in report.notes:
            if item.action in _WOULD:
                print_plain(f"would {_WOULD[item.action]} {item.note.id}\t{item.note.title}")
    for item in report.notes:
        if item.action == "kept":
            where = f"{item.file}:{item.note.source.line if item.note.source else 1}"
            info(
                f"kept {escape(item.note.id)} ({escape(where)}): edited in the KB since it was "
                "imported, so the source's changes were not applied"
            )
    counts = report.counts
    files = f"{report.files_read} file{'s' if report.files_read != 1 else ''} read"
    if report.skipped:
        files += f", {len(report.skipped)} skipped"
    if _stderr_is_terminal():
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column("action", style="bold")
        table.add_column("count", justify="right")
        table.add_column("meaning", style="dim")
        for action, count in counts.items():
            table.add_row(action, str(count), _ACTION_HELP[action])
        info(f"[bold]{files}[/], {len(report.notes)} notes")
        stderr_console().print(table)
    else:
        parts = ", ".join(
            f"{count} skipped as removed" if action == "removed" else f"{count} {action}"
            for action, count in counts.items()
        )
        info(f"{files}; notes: {parts}")
        if "removed" in counts:
            info("(removed with til rm; til import --restore-removed brings them back)")
    if report.warnings:
        info(f"{len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}")
    if report.dry_run:
        info("dry run: nothing was written")


#: What a dry run lists on stdout, one line per note: ``would create ID<TAB>title``.
_WOULD = {"created": "create", "updated": "update"}

#: More files than this skipped for one reason are summarised in one line.
_SKIPPED_SHOWN = 3


def _print_skipped(report: ImportReport) -> None:
    """One line per skipped file, or one per reason when many share it (the KB's own folder)."""
    by_reason: dict[str, list[str]] = {}
    for skipped in report.skipped:
        by_reason.setdefault(skipped.reason, []).append(skipped.display)
    for reason, files in by_reason.items():
        if len(files) <= _SKIPPED_SHOWN:
            for display in files:
                info(f"skipped {escape(display)}: {escape(reason)}")
        else:
            info(f"skipped {len(files)} files ({escape(files[0])}, ...): {escape(reason)}")
