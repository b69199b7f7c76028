"""Putting an export on disk, without ever overwriting what it was not asked to.

A document goes to one file, refused when the file exists unless ``force``.

A folder export (a TIL repository) keeps a manifest, ``DIR/.til-export.json``,
of every file it wrote and the digest of what it wrote. That is how a later
export into the same folder can prove a file is its own:

- a file it writes again is replaced only if it is in the manifest and
  unchanged since (or ``force``); identical content is not rewritten;
- a file it would create where one already exists that it did not write is
  refused unless ``force``;
- a file it wrote before and no longer exports is removed only if it is
  still exactly what was written (an edited one is kept, with a warning,
  and forgotten by the manifest: it is the person's file now);
- everything else in the folder (a LICENSE, a .git folder, other notes) is
  never touched.

All checks happen before the first write, so a refusal changes nothing. A
write that fails (a read-only folder, a full disk) raises ``ExportFailed``
naming the path; folders the export created are removed again when empty, and
the manifest still records the files that were written, so they stay the
export's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from tilbase.errors import ExportFailed, NoteExists
from tilbase.export.base import ExportFile
from tilbase.store import atomic_write

__all__ = ["MANIFEST", "FolderReport", "write_document", "write_folder"]

MANIFEST = ".til-export.json"
MANIFEST_VERSION = 1


@dataclass
class FolderReport:
    """What a folder export did: relative paths written, left as they were, removed, kept."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def cannot_write(path: Path, exc: OSError) -> ExportFailed:
    """The one-line error for an export write the system refused (``EROFS``, ``ENOSPC``...)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return ExportFailed(f"{path}: cannot write ({reason})")


def _missing_folders(path: Path) -> list[Path]:
    """The folders above ``path`` that do not exist yet, deepest first."""
    missing = []
    for parent in path.parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing


def _remove_if_empty(folders: Sequence[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only succeeds when empty


def write_document(path: Path, text: str, *, force: bool = False) -> None:
    """Write one export document, refusing an existing file unless ``force``."""
    created: list[Path] = []
    try:
        if path.is_dir():
            raise ExportFailed(f"{path}: is a folder; give a file name", "e.g. -o notes.md")
        if path.exists() and not force:
            raise ExportFailed(
                f"{path}: already exists; nothing was written", "add --force to replace it"
            )
        created = _missing_folders(path)
        atomic_write(path, text, overwrite=force)
    except NoteExists:
        raise ExportFailed(
            f"{path}: already exists; nothing was written", "add --force to replace it"
        ) from None
    except OSError as exc:
        _remove_if_empty(created)
        raise cannot_write(path, exc) from None


def _load_manifest(folder: Path) -> dict[str, str]:
    path = folder / MANIFEST
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ExportFailed(
            f"{path}: cannot read the export manifest ({exc})",
            "delete it to export afresh (files of earlier exports will then be left alone)",
        ) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise ExportFailed(f"{path}: is not a tilbase export manifest")
    return {str(k): str(v) for k, v in files.items() if _is_safe_relative(str(k))}


def _is_safe_relative(rel: str) -> bool:
    pure = PurePosixPath(rel)
    return bool(rel) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in rel


def write_folder(folder: Path, files: Sequence[ExportFile], *, force: bool = False) -> FolderReport:
    """Write a folder export into ``folder`` (created if missing), updating it in place."""
    try:
        return _write_folder(folder, files, force=force)
    except OSError as exc:
        raise cannot_write(folder, exc) from None


def _write_folder(folder: Path, files: Sequence[ExportFile], *, force: bool) -> FolderReport:
    if folder.exists() and not folder.is_dir():
        raise ExportFailed(f"{folder}: is a file; a repository export needs a folder")
    previous = _load_manifest(folder) if folder.is_dir() else {}
    report = FolderReport()
    to_write: list[ExportFile] = []
    refused: list[str] = []
    for item in files:
        if not _is_safe_relative(item.path):
            raise ExportFailed(f"{item.path}: not a path inside the export folder")
        target = folder / item.path
        if target.is_dir():
            raise ExportFailed(f"{target}: is a folder; nothing was written")
        on_disk = _file_digest(target) if target.exists() else None
        if on_disk is None:
            to_write.append(item)
        elif on_disk == _digest(item.text):
            report.unchanged.append(item.path)
        elif previous.get(item.path) == on_disk or force:
            to_write.append(item)
        else:
            refused.append(item.path)
    if refused:
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        why = "was changed since the last export" if refused[0] in previous else "already exists"
        raise ExportFailed(
            f"{folder / refused[0]}: {why}{more}; nothing was written",
            "add --force to replace such files",
        )
    exported = {item.path for item in files}
    stale = sorted(set(previous) - exported)
    created = [*_missing_folders(folder / MANIFEST)]
    target = folder
    try:
        for item in to_write:
            target = folder / item.path
            atomic_write(target, item.text, overwrite=True)
            report.written.append(item.path)
        for rel in stale:
            target = folder / rel
            digest = _file_digest(target)
            if digest is None:
                continue
            if digest == previous[rel]:
                target.unlink()
                report.removed.append(rel)
                _remove_empty_parents(target.parent, folder)
            else:
                report.warnings.append(
                    f"{target}: no longer exported, but edited since it was; left in place "
                    "and no longer tracked"
                )
        target = folder / MANIFEST
        _save_manifest(folder, {item.path: _digest(item.text) for item in files})
    except OSError as exc:
        _after_failed_write(folder, files, report, previous, created)
        raise cannot_write(target, exc) from None
    return report


def _save_manifest(folder: Path, files: dict[str, str]) -> None:
    payload = {"tool": "tilbase", "version": MANIFEST_VERSION, "files": dict(sorted(files.items()))}
    atomic_write(
        folder / MANIFEST,
        json.dumps(payload, ensure_ascii=False, indent=1) + "\n",
        overwrite=True,
    )


def _after_failed_write(
    folder: Path,
    files: Sequence[ExportFile],
    report: FolderReport,
    previous: dict[str, str],
    created: list[Path],
) -> None:
    """Leave a folder export that failed half-way as usable as possible (best effort).

    A folder the export created gets its written files removed again (they
    were new, and nobody has seen them). In a folder that existed, the
    manifest is updated with what was written, so those files remain the
    export's own and the next export may replace them.
    """
    if created:
        for rel in report.written:
            with contextlib.suppress(OSError):
                (folder / rel).unlink()
        # Everything inside a folder this export created is its own: drop the empty folders.
        _remove_if_empty([Path(d) for d, _dirs, _files in os.walk(folder, topdown=False)])
        _remove_if_empty(created)
        return
    texts = {item.path: item.text for item in files}
    manifest = dict(previous)
    for rel in report.removed:
        manifest.pop(rel, None)
    manifest.update({rel: _digest(texts[rel]) for rel in report.written})
    with contextlib.suppress(OSError):
        _save_manifest(folder, manifest)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only succeeds when empty
        if folder.exists():
            return
        folder = folder.parent
