"""The scan cache: every note as last parsed, so a scan reparses only changed files."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tilbase.model import Note
from tilbase.store.atomic import atomic_write
from tilbase.store.walk import FileStat

#: Bump when what is cached changes; an older cache is ignored (and rewritten).
CATALOG_VERSION = 4  # 4: integer dates and frontmatter ids are read more strictly


@dataclass
class ScanResult:
    """Every note in the KB, in path order, with the files' stats and any warnings.

    ``entries`` keeps, per file, its catalog entry and the note as read (before
    duplicate ids were made unique), so the next scan in the same process can
    reuse them instead of decoding the catalog again.
    """

    notes: list[Note]
    stats: dict[str, FileStat]
    warnings: list[str] = field(default_factory=list)
    entries: dict[str, tuple[list[Any], Note]] = field(default_factory=dict, repr=False)

    def by_path(self) -> dict[str, Note]:
        """Notes keyed by their path relative to the notes folder (POSIX separators)."""
        return dict(zip(self.stats, self.notes, strict=True))


class ScanCache:
    """The parsed notes of the last scan, in ``.tilbase/catalog.json``.

    Keyed by each file's (size, mtime_ns): an entry is ``[size, mtime_ns,
    note as JSON, warnings]``. Disposable: a cache that cannot be read is
    empty, one that cannot be written is left as it was. (A SQLite catalog
    is meant to take its place.)
    """

    def __init__(self, path: Path, notes_dir: Path) -> None:
        self.path = path
        self.notes_dir = notes_dir

    def load(self) -> dict[str, Any]:
        """The cached entries by relative path; empty when there is no usable cache."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if (
            not isinstance(data, dict)
            or data.get("version") != CATALOG_VERSION
            or data.get("notes_dir") != str(self.notes_dir)
            or not isinstance(data.get("files"), dict)
        ):
            return {}
        files: dict[str, Any] = data["files"]
        return files

    def save(self, files: dict[str, Any]) -> None:
        """Write the entries (silently keeping the old cache when that fails)."""
        payload = {"version": CATALOG_VERSION, "notes_dir": str(self.notes_dir), "files": files}
        # A cache: if it cannot be written (read-only KB, full disk) the next run reparses.
        with contextlib.suppress(OSError):
            atomic_write(
                self.path,
                json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                overwrite=True,
            )
