"""The values a sync takes and gives back: plain data, no git."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ConflictCopy", "GitSyncReport", "Identity", "SyncTarget"]


@dataclass(frozen=True)
class SyncTarget:
    """What a sync works on: the KB folder (the repository), its notes and its config file.

    ``ignored`` are further folders never to commit (an ``index_dir`` inside
    the KB folder); ``.tilbase/`` always is. ``write_lock`` is the KB's write
    lock file, held while the merge writes notes (never during network use).
    """

    root: Path
    notes_dir: Path
    config_path: Path
    ignored: tuple[Path, ...] = ()
    write_lock: Path | None = None


@dataclass(frozen=True)
class Identity:
    """Who the commits made by sync are by; ``None`` parts fall back (see ``sync_repository``)."""

    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class ConflictCopy:
    """A note changed on both machines in the same lines, and where this machine's version went."""

    note_id: str
    path: str
    copy_id: str
    copy_path: str

    def to_json(self) -> dict[str, str]:
        """The JSON form: ``{"id", "path", "copy_id", "copy_path"}``."""
        return {
            "id": self.note_id,
            "path": self.path,
            "copy_id": self.copy_id,
            "copy_path": self.copy_path,
        }


@dataclass
class GitSyncReport:
    """What one sync did. Paths are relative to the KB folder, with ``/``."""

    branch: str
    remote: str | None = None
    created_repository: bool = False
    remote_set: bool = False
    previous_remote: str | None = None
    committed: dict[str, list[str]] = field(default_factory=dict)
    pulled: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflicts: list[ConflictCopy] = field(default_factory=list)

    def summary(self) -> str:
        """One line: ``3 pulled, 2 pushed, 1 conflict kept as <id>``."""
        parts = [f"{len(self.pulled)} pulled", f"{len(self.pushed)} pushed"]
        if self.conflicts:
            noun = "conflict" if len(self.conflicts) == 1 else "conflicts"
            copies = ", ".join(c.copy_id for c in self.conflicts)
            parts.append(f"{len(self.conflicts)} {noun} kept as {copies}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Everything in the report, for ``til sync --json``."""
        return {
            "branch": self.branch,
            "remote": self.remote,
            "created_repository": self.created_repository,
            "remote_set": self.remote_set,
            "previous_remote": self.previous_remote,
            "committed": self.committed,
            "pulled": self.pulled,
            "pushed": self.pushed,
            "merged": self.merged,
            "kept": self.kept,
            "conflicts": [c.to_json() for c in self.conflicts],
            "summary": self.summary(),
        }
