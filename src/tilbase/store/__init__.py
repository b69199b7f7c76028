"""Notes on disk: the only code that writes note files.

- ``notes``: ``NoteStore``, the file <-> note mapping, reads, writes and the KB's write lock;
- ``atomic``: ``atomic_write`` (temp file, fsync, rename or link);
- ``walk``: the one directory walker (``walk_files``) and the note files' stats;
- ``catalog``: the SQLite catalog of every note's metadata and stat (``.tilbase/catalog.sqlite``);
- ``freshness``: ``CatalogKeeper``, keeping the catalog current in one walk;
- ``view``: ``ScanResult``, the notes as the catalog lists them, files read lazily;
- ``ids``: resolving an id or unique prefix, making duplicate ids unique;
- ``trash``: moving a removed note to ``.tilbase/trash/``.
"""

from __future__ import annotations

from tilbase.store.atomic import atomic_write
from tilbase.store.notes import NoteStore
from tilbase.store.view import ScanResult
from tilbase.store.walk import NOTE_SUFFIXES, FileStat

__all__ = [
    "NOTE_SUFFIXES",
    "FileStat",
    "NoteStore",
    "ScanResult",
    "atomic_write",
]
