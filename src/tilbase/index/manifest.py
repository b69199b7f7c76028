"""The index manifest: which note files (size, mtime) the index holds, and how to diff it."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from tilbase.index.errors import IndexBroken
from tilbase.index.schema import SCHEMA_VERSION
from tilbase.store import FileStat, ScanResult

MANIFEST_NAME = "tilbase-manifest.json"
#: The manifest's journal: one line per small update (see ``Manifest``).
JOURNAL_NAME = "tilbase-manifest.log"

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


class Manifest:
    """An index's manifest: its header read at once, the file list parsed when first used.

    The header (schema, catalog generation, note count, notes folder) is all a
    search needs when the generation matches; parsing every file's entry is
    left for when the index must be compared with the catalog.

    Small updates are not written into the manifest: each is one line of the
    journal beside it (``JOURNAL_NAME``), so saving one note costs the same in
    a KB of any size. A line belongs to the manifest with the same ``token``
    (a manifest written whole gets a new one, so older lines stop counting);
    a line that does not read (a write cut short) is skipped, which at worst
    makes the index catch up again with changes it already holds.
    """

    def __init__(
        self,
        notes_dir: str,
        generation: str | None,
        count: int | None,
        text: str,
        token: str | None = None,
    ) -> None:
        self.notes_dir = notes_dir
        #: The catalog generation key the index was last brought up to date with.
        self.generation = generation
        #: Names this manifest's journal lines; None for a manifest without a journal.
        self.token = token
        #: How many journal lines were applied on top of the manifest.
        self.journal_length = 0
        self._count = count
        self._text = text
        self._journal: list[dict[str, Any]] = []

    def with_journal(self, journal: str) -> Manifest:
        """This manifest with the lines of its journal applied (``journal`` as read)."""
        if self.token is None:
            return self
        for line in journal.splitlines():
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict) or entry.get("token") != self.token:
                    continue
                generation, count = entry["generation"], int(entry["count"])
                if not isinstance(entry["set"], dict) or not isinstance(entry["del"], list):
                    continue
            except (ValueError, TypeError, KeyError):
                continue  # a line cut short by a crash: the index catches up again
            self._journal.append(entry)
            self.generation = None if generation is None else str(generation)
            self._count = count
        self.journal_length = len(self._journal)
        return self

    @cached_property
    def _entries(self) -> dict[str, list[Any]]:
        try:
            entries: dict[str, list[Any]] = json.loads(self._text)["files"]
        except (ValueError, TypeError, KeyError):
            raise IndexBroken("its manifest is unreadable") from None
        for entry in self._journal:
            entries.update(entry["set"])
            for rel in entry["del"]:
                entries.pop(rel, None)
        return entries

    @cached_property
    def files(self) -> dict[str, FileStat]:
        """Each indexed file's (size, mtime_ns) as it was indexed."""
        try:
            return {rel: FileStat(int(v[0]), int(v[1])) for rel, v in self._entries.items()}
        except (ValueError, TypeError, IndexError, AttributeError):
            raise IndexBroken("its manifest is unreadable") from None

    @cached_property
    def ids(self) -> dict[str, str]:
        """Each indexed file's note id."""
        return {rel: str(v[2]) for rel, v in self._entries.items()}

    @property
    def count(self) -> int:
        """How many notes the index should hold."""
        return len(self.files) if self._count is None else self._count


#: The manifest's header as ``manifest_text`` writes it, read without parsing the files.
_HEAD = re.compile(
    r'\{"schema":(?P<schema>-?\d+),"generation":(?P<generation>"[^"\\]*"|null),'
    r'"count":(?P<count>\d+),"notes_dir":(?P<notes_dir>"(?:[^"\\]|\\.)*"),'
    r'(?:"token":"(?P<token>[0-9a-f]+)",)?"files":'
)


def new_token() -> str:
    """A fresh token for a manifest written whole (its journal starts empty)."""
    return os.urandom(6).hex()


def manifest_text(notes_dir: Path, current: ScanResult, token: str | None = None) -> str:
    """The manifest of an index holding exactly ``current``'s notes (and its generation)."""
    payload: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "generation": current.generation,
        "count": len(current.files),
        "notes_dir": str(notes_dir),
    }
    if token is not None:
        payload["token"] = token
    payload["files"] = {
        rel: [size, mtime, note_id] for rel, (size, mtime, note_id) in current.files.items()
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def journal_line(
    token: str,
    generation: str,
    count: int,
    written: Mapping[str, tuple[int, int, str]],
    removed: Iterable[str],
) -> str:
    """One journal line: the index now holds ``written`` as given and not ``removed``.

    It starts with a line break, so a line cut short before it cannot swallow it.
    """
    entry = {
        "token": token,
        "generation": generation,
        "count": count,
        "set": {rel: list(value) for rel, value in written.items()},
        "del": sorted(removed),
    }
    return "\n" + json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"


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


def parse_manifest(text: str, journal: str = "") -> Manifest:
    """Read a manifest (and its journal), raising ``IndexBroken`` with a reason a person can read.

    A manifest tilbase wrote is read by its header alone; the file list is
    parsed only when used. Any other shape is parsed whole.
    """
    head = _HEAD.match(text)
    if head is not None:
        version = int(head["schema"])
        if version != SCHEMA_VERSION:
            raise IndexBroken(f"it was built with schema version {version}, not {SCHEMA_VERSION}")
        stamp: str | None = json.loads(head["generation"])
        manifest = Manifest(
            json.loads(head["notes_dir"]), stamp, int(head["count"]), text, head["token"]
        )
        return manifest.with_journal(journal)
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError
        schema = data.get("schema")
        if schema != SCHEMA_VERSION:
            raise IndexBroken(f"it was built with schema version {schema}, not {SCHEMA_VERSION}")
        generation = data.get("generation")
        token = data.get("token")
        manifest = Manifest(
            str(data["notes_dir"]),
            None if generation is None else str(generation),
            None,
            text,
            token if isinstance(token, str) else None,
        ).with_journal(journal)
        manifest.files  # noqa: B018 - check every entry now
        manifest.ids  # noqa: B018
        return manifest
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
