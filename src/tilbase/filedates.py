"""Dates for undated files taken from outside them: git history, or a table of dates.

``til import --dates-from git`` dates each undated one-note file by the commit
that first added it. The whole history is read with one ``git log`` per
repository (not one process per file). ``--dates-from FILE.tsv`` reads rows of
``path<TAB>ISO date`` (paths relative to the table's folder), for a copy of a
repository that has lost its history.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tilbase.errors import ImportFailed

__all__ = ["FileDates", "dates_from_git", "dates_from_tsv", "load_file_dates"]

_RECORD = "\x1e"


@dataclass
class FileDates:
    """Dates keyed by resolved absolute file path, and warnings about the table they came from."""

    dates: dict[Path, dt.date] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def get(self, path: Path) -> dt.date | None:
        """The date of the file at ``path`` (resolved absolute), if known."""
        return self.dates.get(path)


def _iso_date(text: str) -> dt.date:
    """The calendar date of an ISO 8601 date or timestamp, in its own time zone."""
    text = text.strip()
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return dt.date.fromisoformat(text[:10])


def dates_from_tsv(table: Path) -> FileDates:
    """Read ``path<TAB>date`` rows; bad rows become warnings naming the table's line."""
    try:
        text = table.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{table}: cannot read the dates table ({exc})") from None
    base = table.resolve().parent
    result = FileDates()
    unmatched: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        path_text, sep, date_text = line.rpartition("\t")
        if not sep or not path_text.strip():
            result.warnings.append(f"{table}:{number}: expected 'path<TAB>date'; row ignored")
            continue
        try:
            date = _iso_date(date_text)
        except ValueError:
            result.warnings.append(f"{table}:{number}: '{date_text}' is not an ISO date")
            continue
        path = (base / path_text.strip()).resolve()
        if not path.is_file():
            unmatched.append((number, path_text.strip()))
            continue
        result.dates[path] = date
    result.warnings.extend(_unmatched_rows(table, unmatched))
    return result


def _unmatched_rows(table: Path, rows: list[tuple[int, str]]) -> list[str]:
    """Warnings for rows naming no file (paths are relative to the table's folder)."""
    if len(rows) <= 3:
        return [
            f"{table}:{number}: no file '{name}' next to the table; row ignored"
            for number, name in rows
        ]
    number, name = rows[0]
    return [
        f"{table}:{number}: {len(rows)} rows name no file (the first: '{name}'); paths are "
        "read relative to the table's folder; those rows were ignored"
    ]


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except FileNotFoundError:
        raise ImportFailed("--dates-from git: the git command is not installed") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["git failed"])[0]
        raise ImportFailed(f"--dates-from git: {cwd}: {reason}")
    return done.stdout


def dates_from_git(folder: Path) -> FileDates:
    """First-add dates of every file under ``folder``, from one ``git log`` of its repository."""
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip()).resolve()
    scope = os.path.relpath(folder.resolve(), top)
    output = _git(
        [
            "-c",
            "core.quotePath=false",
            "log",
            f"--format={_RECORD}%aI",
            "--name-only",
            "--diff-filter=A",
            "--no-renames",
            "-z",
            "--",
            scope,
        ],
        top,
    )
    result = FileDates()
    current: dt.date | None = None
    # Newest commits come first, so the last date seen for a path is its first add.
    for item in output.split("\0"):
        item = item.lstrip("\n")
        if item.startswith(_RECORD):
            try:
                current = _iso_date(item[1:])
            except ValueError:
                current = None
        elif item and current is not None:
            result.dates[top / item] = current
    return result


def load_file_dates(spec: str, folders: Iterable[Path]) -> FileDates:
    """``spec`` is ``git`` (history of each folder's repository) or a path to a TSV table."""
    if spec.strip().lower() != "git":
        table = Path(spec).expanduser()
        if not table.is_file():
            raise ImportFailed(
                f"--dates-from: '{spec}' is neither 'git' nor a dates table file",
                "give 'git' or a path<TAB>date file",
            )
        return dates_from_tsv(table)
    merged = FileDates()
    for folder in dict.fromkeys(f.resolve() for f in folders):
        found = dates_from_git(folder)
        merged.dates.update(found.dates)
        merged.warnings.extend(found.warnings)
    return merged
