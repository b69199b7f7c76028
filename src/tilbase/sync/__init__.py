"""One knowledge base on every machine, through git (``til sync``).

Everything that runs git lives in this package: ``engine`` (the sync),
``merge`` (a note changed on two machines), ``git`` (running the command
line), ``background`` (``sync: auto``). The API takes plain paths and values
and returns a ``GitSyncReport``; ``sync_config`` is the one-call form the KB
facade uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tilbase.sync.background import start_background_sync
from tilbase.sync.engine import (
    ConflictCopy,
    GitSyncReport,
    Identity,
    SyncTarget,
    init_repository,
    sync_repository,
)
from tilbase.sync.git import SyncError, find_git

if TYPE_CHECKING:
    from tilbase.config import Config

__all__ = [
    "ConflictCopy",
    "GitSyncReport",
    "Identity",
    "SyncError",
    "SyncTarget",
    "auto_sync_enabled",
    "find_git",
    "init_repository",
    "start_background_sync",
    "sync_config",
    "sync_repository",
    "target_of",
]


def target_of(config: Config) -> SyncTarget:
    """What a sync of this KB works on (its index folder is never committed)."""
    return SyncTarget(
        root=config.root,
        notes_dir=config.notes_dir,
        config_path=config.config_path,
        ignored=(config.index_dir,),
        write_lock=config.state_dir / "write.lock",  # tilbase.store.WRITE_LOCK_NAME
    )


def sync_config(
    config: Config, *, remote: str | None = None, branch: str | None = None
) -> GitSyncReport:
    """Sync the KB of ``config`` (``til sync``); see ``sync_repository``."""
    identity = Identity(config.sync_name, config.sync_email)
    return sync_repository(target_of(config), remote=remote, branch=branch, identity=identity)


def auto_sync_enabled(config: Config) -> bool:
    """True when the KB asks for a background sync after each write (``sync: auto``)."""
    return config.sync == "auto"
