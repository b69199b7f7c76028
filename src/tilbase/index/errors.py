"""What can go wrong with the search index (no Whoosh import: callers catch these cheaply)."""

from __future__ import annotations

from tilbase.errors import SearchError


class IndexBusy(Exception):
    """Another tilbase process held the index lock for longer than the timeout."""


class IndexBroken(Exception):
    """The index cannot be used as it is; the message says why (for a rebuild notice)."""


class IndexLocationError(SearchError):
    """``index_dir`` holds something other than a tilbase index, so it is never replaced."""
