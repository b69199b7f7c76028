"""Reporting an export: the document on stdout, or a summary of what was written on stderr."""

from __future__ import annotations

import sys

from tilbase.export import ExportOutcome
from tilbase.render import escape, info, warning

__all__ = ["print_export_outcome"]


def _notes(count: int) -> str:
    return f"{count} note{'' if count == 1 else 's'}"


def print_export_outcome(outcome: ExportOutcome, format_name: str) -> None:
    """Print what ``export_notes`` made: the text itself when it goes to stdout."""
    for message in outcome.warnings:
        warning(message)
    count = len(outcome.notes)
    if outcome.text is not None:
        sys.stdout.write(outcome.text)
        if count == 0:
            info("No notes match; the export is empty.")
        return
    where = escape(str(outcome.output))
    if outcome.folder is None and format_name == "repo":
        info(f"No notes match; {where} was left as it was.")
        return
    if outcome.folder is None:
        info(f"Exported {_notes(count)} to {where}")
        return
    report = outcome.folder
    info(
        f"Exported {_notes(count)} to {where}: {len(report.written)} files written, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
    )
