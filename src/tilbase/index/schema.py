"""The index schema: fields, analyzers, and the document stored for one note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh import columns, fields
from whoosh.analysis import LowercaseFilter as _Lowercase
from whoosh.analysis import RegexTokenizer, StopFilter
from whoosh.scoring import BM25F

from tilbase.index.analysis import text_analyzer
from tilbase.model import Note
from tilbase.query.keys import (
    KEY_SEPARATOR,
    tag_analyzer,
    tag_keys,
    topic_keys,
)
from tilbase.query.weighting import SEARCH_FIELD, SEARCH_FIELD_B, weighted_text

#: Bump when the schema or what goes into it changes: older indexes are rebuilt.
SCHEMA_VERSION = 6
INDEX_NAME = "MAIN"
# MANIFEST_NAME = "tilbase-manifest.json"


class _BM25F(BM25F):  # type: ignore[misc]  # Whoosh is untyped
    """Whoosh's BM25F, whose IDF does not fail on an index with no documents."""

    def idf(self, searcher: Any, fieldname: str, text: str) -> float:
        """Whoosh's IDF, ``log(N / (n + 1)) + 1``; 1.0 while there are no notes.

        Whoosh takes the log of 0 there: searching two words in an empty KB
        failed with "math domain error".
        """
        if not searcher.get_parent().doc_count_all():
            return 1.0
        return float(super().idf(searcher, fieldname, text))


#: BM25F with a lower length normalisation for titles (short, and all about the note);
#: the weighted field's parts are length-normalised at index time (query.weighting).
SCORING = _BM25F(B=0.75, K1=1.2, title_B=0.5, **{f"{SEARCH_FIELD}_B": SEARCH_FIELD_B})

# -- schema and documents ----------------------------------------------------------


def _spell_analyzer() -> Any:
    # Real words only (no digits, no stop words): what "did you mean" may suggest.
    return RegexTokenizer(r"[^\W\d_]{2,}") | _Lowercase() | StopFilter()


def build_schema() -> fields.Schema:
    """The index's fields. ``path`` (relative to the notes folder) is the unique key."""
    text = text_analyzer()
    keys = RegexTokenizer(f"[^{KEY_SEPARATOR}]+")
    return fields.Schema(
        path=fields.ID(stored=True, unique=True),
        id=fields.ID(stored=True),
        title=fields.TEXT(analyzer=text, stored=True),
        # Title, topic, tags and body with their weights, for BM25F (see query.weighting).
        all=fields.TEXT(analyzer=text, multitoken_query="or"),  # SEARCH_FIELD
        body=fields.TEXT(analyzer=text),
        topic=fields.TEXT(analyzer=text, stored=True),
        topic_path=fields.TEXT(analyzer=keys, phrase=False),
        tags=fields.TEXT(analyzer=tag_analyzer(), phrase=False, stored=True),
        # Undated notes get 0 in the sort column, so newest-first puts them last.
        date=fields.DATETIME(stored=True, sortable=columns.NumericColumn("Q", default=0)),
        # Unstemmed words of every text field, so "did you mean" names real words.
        spell=fields.TEXT(analyzer=_spell_analyzer(), phrase=False),
    )


def note_document(rel_path: str, note: Note) -> dict[str, Any]:
    """The fields Whoosh indexes for one note."""
    doc: dict[str, Any] = {
        "path": rel_path,
        "id": note.id,
        "title": note.title,
        "body": note.body,
        "topic": note.topic or "",
        "topic_path": KEY_SEPARATOR.join(topic_keys(note.topic)),
        "tags": KEY_SEPARATOR.join(tag_keys(note.tags)),
        "_stored_tags": list(note.tags),
        SEARCH_FIELD: weighted_text(note.title, note.topic, note.tags, note.body),
        "spell": "\n".join(
            [note.title, note.topic or "", " ".join(note.tags).replace("-", " "), note.body]
        ),
    }
    if note.date is not None:
        doc["date"] = dt.datetime(note.date.year, note.date.month, note.date.day)
    return doc
