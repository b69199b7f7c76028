"""BM25F weighting: one field holding a note's title, topic, tags and body, with weights.

Searching each field on its own and adding (or taking the best of) the
per-field BM25 scores counts a word's IDF and saturation once per field. True
BM25F, like SQLite FTS5's ``bm25()`` with column weights, adds the word's
weighted counts first (title x2, topic and tags x1.5, body x1) and saturates
that sum once, under one IDF. ``weighted_text`` builds the text of that one
field: each part is preceded by a marker that sets the boost of its tokens
(see ``tilbase.analysis``), and the index stores the boosted count as each
posting's weight, which Whoosh's BM25 uses as the term frequency.

No Whoosh here: the index module builds the field from this text.
"""

from __future__ import annotations

from collections.abc import Iterable

from tilbase.analysis import FIELD_MARK

__all__ = ["FIELD_WEIGHTS", "SEARCH_FIELD", "weighted_text"]

#: The field free words are searched in.
SEARCH_FIELD = "all"
#: How much one occurrence of a word counts in each part of a note.
FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "topic": 1.5, "tags": 1.5, "body": 1.0}


def _mark(weight: float) -> str:
    return f"{FIELD_MARK}{weight:g}{FIELD_MARK}"


def weighted_text(title: str, topic: str | None, tags: Iterable[str], body: str) -> str:
    """The text of the weighted search field: each part led by its weight marker."""
    parts = {
        "title": title,
        "topic": (topic or "").replace("/", " "),
        "tags": " ".join(tag.replace("/", " ") for tag in tags),
        "body": body,
    }
    return "\n".join(
        f"{_mark(FIELD_WEIGHTS[name])} {text}" for name, text in parts.items() if text
    )
