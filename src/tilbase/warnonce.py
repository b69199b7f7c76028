"""Showing a warning about a file once per change of that file, not on every command.

A broken note (bad frontmatter, a duplicate id) would otherwise repeat its
warning on every ``til`` command until it is fixed. ``WarningMemory``
remembers, per note file, the file's size and modification time and which
warnings were shown for that state; the same warning about the unchanged
file is not shown again, and any change to the file (an edit, a ``git
pull``) makes its warnings new again.

Warnings are the KB's usual strings, ``notes-relative/path.md:LINE: text``;
one that names no known file (a missing notes folder) is always shown. The
memory lives in a small JSON file under ``.tilbase/`` (derived data: deleting
it only shows the warnings once more). Nothing here prints or raises for a
missing, damaged or unwritable memory file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

__all__ = ["MEMORY_FILE_NAME", "FileState", "WarningMemory", "warning_path"]

#: The memory's file name inside the KB's state folder (``config.state_dir``).
MEMORY_FILE_NAME = "shown-warnings.json"
_VERSION = 1
_LOCATION = re.compile(r"(?P<path>[^\n]+?):(?P<line>\d+): ")


class FileState(Protocol):
    """What identifies one version of a file: ``tilbase.store.FileStat`` fits."""

    @property
    def size(self) -> int: ...

    @property
    def mtime_ns(self) -> int: ...


def warning_path(message: str) -> str | None:
    """The file a ``path:LINE: text`` warning is about, or ``None`` when it names none."""
    match = _LOCATION.match(message)
    return match.group("path") if match else None


def _digest(message: str) -> str:
    return hashlib.sha256(message.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class WarningMemory:
    """Which warnings were shown for which version of each note file."""

    def __init__(self, path: Path | None, seen: dict[str, dict[str, Any]] | None = None) -> None:
        self.path = path
        self._seen: dict[str, dict[str, Any]] = seen or {}
        self._changed = False

    @classmethod
    def load(cls, path: Path) -> WarningMemory:
        """The memory kept at ``path``; an empty one when it is missing or unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return cls(path)
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or data.get("version") != _VERSION:
            return cls(path)
        seen = {
            rel: entry
            for rel, entry in files.items()
            if isinstance(entry, dict)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("mtime_ns"), int)
            and isinstance(entry.get("shown"), list)
        }
        return cls(path, seen)

    def fresh(self, warnings: Iterable[str], file_states: Mapping[str, FileState]) -> list[str]:
        """The warnings to show now, in order, remembering them as shown.

        ``file_states`` maps every note file (relative path, as warnings name
        them) to its current state: the scan's ``stats``. A warning is new
        when its file changed since it was last shown, or it was never shown;
        one about no file in ``file_states`` is always new. Files no longer
        in ``file_states`` are forgotten.
        """
        result: list[str] = []
        for message in dict.fromkeys(warnings):
            rel = warning_path(message)
            state = file_states.get(rel) if rel is not None else None
            if rel is None or state is None:
                result.append(message)
                continue
            entry = self._seen.get(rel)
            if entry is None or (entry["size"], entry["mtime_ns"]) != (state.size, state.mtime_ns):
                entry = {"size": state.size, "mtime_ns": state.mtime_ns, "shown": []}
                self._seen[rel] = entry
                self._changed = True
            digest = _digest(message)
            if digest in entry["shown"]:
                continue
            entry["shown"].append(digest)
            self._changed = True
            result.append(message)
        gone = [rel for rel in self._seen if rel not in file_states]
        for rel in gone:
            del self._seen[rel]
            self._changed = True
        return result

    def forget(self) -> None:
        """Forget everything, so every warning shows once more."""
        if self._seen:
            self._seen.clear()
            self._changed = True

    def save(self) -> bool:
        """Write the memory if it changed (atomically). False when it could not be written."""
        if not self._changed or self.path is None:
            return True
        data = {"version": _VERSION, "files": self._seen}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".warnings-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, separators=(",", ":"))
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return False
        self._changed = False
        return True
