"""Whoosh's default codec, with the field lengths read once per segment flush.

When a writer flushes a segment, Whoosh's ``W3FieldWriter`` asks the
per-document reader for the length of the posting's field in the posting's
document, once per posting (for each block's shortest and longest document),
and every such call reads the length column through a file. A note has a few
hundred postings over a handful of fields, so the same few lengths are read
again and again: at 10,000 generated notes it was a fifth of ``til reindex``.
This codec's per-document reader remembers each length it has read. Files on
disk are exactly Whoosh's (``W3Codec``): only the reading is cached.

The codec object is pickled into the index's segments, so this class must stay
importable under this name.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader

__all__ = ["TilbaseCodec"]


class _RememberingPerDocReader(W3PerDocReader):  # type: ignore[misc]  # Whoosh is untyped
    """A per-document reader that reads each (document, field) length once."""

    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._lengths: dict[tuple[int, str], int] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        key = (docnum, fieldname)
        found = self._lengths.get(key)
        if found is None:
            found = self._lengths[key] = super().doc_field_length(docnum, fieldname, default)
        return found


class TilbaseCodec(W3Codec):  # type: ignore[misc]  # Whoosh is untyped
    """``W3Codec`` with remembered field lengths (see the module docstring)."""

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _RememberingPerDocReader(storage, segment)
