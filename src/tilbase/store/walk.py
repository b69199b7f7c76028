"""Finding files: the one directory walker, and the note files' stats."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

#: The file names the store reads as notes.
NOTE_SUFFIXES = (".md",)


class FileStat(NamedTuple):
    """What the store knows of a note file without reading it (a tuple: cheap by thousands)."""

    size: int
    mtime_ns: int


def reason(exc: OSError) -> str:
    """An OS error as a few words (``Permission denied``)."""
    return exc.strerror or str(exc) or type(exc).__name__


def walk_files(
    root: Path,
    accept: Callable[[str], bool],
    *,
    hidden_files: bool = False,
    warnings: list[str] | None = None,
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every regular file under ``root`` whose name ``accept`` takes: (relative path, entry).

    The one directory walker of tilbase (the store's scan and ``til import``).
    Relative paths use ``/``; the order is not set. Hidden folders (``.git``,
    ``.tilbase``) are never entered; hidden files are left out unless
    ``hidden_files``. Symbolic links to folders are not followed; links to
    files are. Only plain files are given (a FIFO named ``x.md`` would block).
    What cannot be listed or examined is skipped, with a line in ``warnings``
    when a list is given.
    """
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            if warnings is not None and prefix:
                warnings.append(f"{prefix}: cannot list this folder ({reason(exc)}); skipped")
            continue
        for entry in entries:
            hidden = entry.name.startswith(".")
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not hidden:
                        stack.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                if (hidden and not hidden_files) or not accept(entry.name):
                    continue
                if not entry.is_file():
                    continue
            except OSError as exc:
                if warnings is not None:
                    warnings.append(f"{prefix}{entry.name}:1: cannot read ({reason(exc)})")
                continue
            yield prefix + entry.name, entry


def note_file_stats(notes_dir: Path, warnings: list[str] | None = None) -> dict[str, FileStat]:
    """Every note file under ``notes_dir`` as {relative path: stat}, in no set order.

    Lean (no ``Path`` objects) because the search index's "did anything change?"
    check runs it before every search.
    """
    stats: dict[str, FileStat] = {}
    if not notes_dir.is_dir():
        return stats
    for rel, entry in walk_files(notes_dir, _is_note_name, warnings=warnings):
        try:
            info = entry.stat()
        except OSError as exc:
            if warnings is not None:
                warnings.append(f"{rel}:1: cannot read ({reason(exc)})")
            continue
        stats[rel] = FileStat(info.st_size, info.st_mtime_ns)
    return stats


def _is_note_name(name: str) -> bool:
    return name.endswith(NOTE_SUFFIXES)


def note_signatures(
    notes_dir: Path, warnings: list[str] | None = None
) -> dict[str, tuple[int, int, int]]:
    """Every note file under ``notes_dir`` as {relative path: (mtime_ns, size, inode)}.

    ``walk_files``'s rules for note files (hidden names skipped at every level,
    folders not followed through symlinks, ``.md`` regular files, a symlink to
    one included), written as one loop without a generator or a callback:
    every command runs it before reading anything, and at 10,000 notes the
    stat calls themselves are most of what it costs.
    """
    sigs: dict[str, tuple[int, int, int]] = {}
    stack = [(str(notes_dir), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            listing = os.scandir(folder)
        except OSError as exc:
            if warnings is not None and prefix:
                warnings.append(f"{prefix}: cannot list this folder ({reason(exc)}); skipped")
            continue
        with listing:
            for entry in listing:
                name = entry.name
                if name[0] == ".":
                    continue
                try:
                    if name.endswith(NOTE_SUFFIXES) and entry.is_file():
                        info = entry.stat()
                        sigs[prefix + name] = (info.st_mtime_ns, info.st_size, info.st_ino)
                    elif entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, f"{prefix}{name}/"))
                except OSError as exc:
                    if warnings is not None:
                        warnings.append(f"{prefix}{name}:1: cannot read ({reason(exc)})")
    return sigs
