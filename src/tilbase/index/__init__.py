"""The search index: a disposable Whoosh index of the notes, brought up to date before use.

Where each concern lives:

- ``errors``: ``IndexBusy``, ``IndexBroken``, ``IndexLocationError`` (no Whoosh import);
- ``schema``: the fields, analyzers and the document stored for a note;
- ``manifest``: which note files the index holds, and the diff against the notes on disk;
- ``reader``: searching and more-like-this on an open index (``IndexReader``);
- ``ondisk``: ``NoteIndex``, the index in ``index_dir`` and its lifecycle (sync, rebuild,
  the one ``tilbase.writelock`` lock, swapping a rebuilt folder in);
- ``memory``: ``MemoryIndex``, the same on Whoosh's ``RamStorage`` (tests, one-off use);
- ``spelling``: did-you-mean suggestions; ``highlight``: matched words and snippets.

Only this package and ``tilbase.query`` import Whoosh. The names below are loaded
lazily, so ``from tilbase.index.errors import IndexBusy`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from tilbase import whooshshims

whooshshims.install()  # before any Whoosh module loads (see tilbase.whooshshims)

_WHERE = {
    "IndexBroken": "errors",
    "IndexBusy": "errors",
    "IndexLocationError": "errors",
    "INDEX_NAME": "schema",
    "SCHEMA_VERSION": "schema",
    "build_schema": "schema",
    "note_document": "schema",
    "MANIFEST_NAME": "manifest",
    "IndexDiff": "manifest",
    "SyncReport": "manifest",
    "diff_manifest": "manifest",
    "IndexHit": "reader",
    "IndexReader": "reader",
    "Matches": "reader",
    "NoteIndex": "ondisk",
    "MemoryIndex": "memory",
    "is_plausible_typo": "spelling",
    "Snippet": "highlight",
    "flatten_markdown": "highlight",
    "highlight_text": "highlight",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'tilbase.index' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tilbase.index.{module}"), name)
