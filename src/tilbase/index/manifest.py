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
    #: The catalog generation key the index was last brought up to date with.
    generation: str | None = None


def manifest_text(notes_dir: Path, current: ScanResult) -> str:
    """The manifest of an index holding exactly ``current``'s notes (and its generation)."""
    payload = {
        "schema": SCHEMA_VERSION,
        "generation": current.generation,
        "notes_dir": str(notes_dir),
        "files": {
            rel: [size, mtime, note_id] for rel, (size, mtime, note_id) in current.files.items()
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def renamed_files(ids: Mapping[str, str], current: ScanResult, diff: IndexDiff) -> IndexDiff:
    """``diff`` plus the files whose id changed while the file did not (another file took it)."""
    now = current.ids
    renamed = tuple(
        rel
        for rel, note_id in ids.items()
        if rel in now and now[rel] != note_id and rel not in diff.updated
    )
    if not renamed:
        return diff
    return IndexDiff(diff.added, tuple(sorted(diff.updated + renamed)), diff.removed)


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
        generation = data.get("generation")
        return Manifest(
            str(data["notes_dir"]), files, ids, None if generation is None else str(generation)
        )
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
