"""The index manifest: which note files (size, mtime) the index holds, and how to diff it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tilbase.index.errors import IndexBroken
from tilbase.index.schema import SCHEMA_VERSION
from tilbase.store import FileStat, ScanResult

MANIFEST_NAME = "tilbase-manifest.json"

# -- the manifest ------------------------------------------------------------------


@dataclass(frozen=True)
class IndexDiff:
    """What changed between the manifest and the notes on disk (relative paths, sorted)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the index already holds exactly these files."""
        return not (self.added or self.updated or self.removed)


def diff_manifest(indexed: Mapping[str, FileStat], current: Mapping[str, FileStat]) -> IndexDiff:
    """Compare what the index holds with the files now on disk."""
    added = sorted(rel for rel in current if rel not in indexed)
    removed = sorted(rel for rel in indexed if rel not in current)
    updated = sorted(rel for rel, st in current.items() if rel in indexed and indexed[rel] != st)
    return IndexDiff(tuple(added), tuple(updated), tuple(removed))


@dataclass(frozen=True)
class Manifest:
    notes_dir: str
    files: dict[str, FileStat]
    ids: dict[str, str]


def manifest_text(notes_dir: Path, current: ScanResult) -> str:
    ids = {rel: note.id for rel, note in current.by_path().items()}
    payload = {
        "schema": SCHEMA_VERSION,
        "notes_dir": str(notes_dir),
        "files": {
            rel: [st.size, st.mtime_ns, ids[rel]] for rel, st in sorted(current.stats.items())
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def parse_manifest(text: str) -> Manifest:
    """Read a manifest, raising ``IndexBroken`` with a reason a person can read."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError
        schema = data.get("schema")
        if schema != SCHEMA_VERSION:
            raise IndexBroken(f"it was built with schema version {schema}, not {SCHEMA_VERSION}")
        files = {rel: FileStat(int(v[0]), int(v[1])) for rel, v in data["files"].items()}
        ids = {rel: str(v[2]) for rel, v in data["files"].items()}
        return Manifest(str(data["notes_dir"]), files, ids)
    except IndexBroken:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise IndexBroken("its manifest is unreadable") from None


# -- reports and results -------------------------------------------------------------


@dataclass(frozen=True)
class SyncReport:
    """What bringing the index up to date did.

    ``rebuilt`` is true for a full rebuild; ``reason`` says why when the
    rebuild repaired something (``None`` for a first build or ``til reindex``).
    """

    added: int = 0
    updated: int = 0
    removed: int = 0
    total: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    reason: str | None = None

    @property
    def changed(self) -> bool:
        """True when the index was written."""
        return self.rebuilt or bool(self.added or self.updated or self.removed)
