"""BM25F weighting: one field holding a note's title, topic, tags and body, with weights.

Searching each field on its own and adding (or taking the best of) the
per-field BM25 scores counts a word's IDF and saturation once per field. True
BM25F, like SQLite FTS5's ``bm25()`` with column weights, adds the word's
weighted counts first (title x2, topic and tags x1.5, body x1) and saturates
that sum once, under one IDF. ``weighted_text`` builds the text of that one
field: each part is preceded by a marker that sets the boost of its tokens
(see ``tilbase.analysis``), and the index stores the boosted count as each
posting's weight, which Whoosh's BM25 uses as the term frequency.

``with_proximity`` adds a bonus for notes where neighbouring query words
sit close together (a sloppy two-word phrase), on top of the OR-ed words.
Whoosh is imported only inside it (the index and query modules call it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from tilbase.analysis import FIELD_MARK

__all__ = ["FIELD_WEIGHTS", "PROXIMITY", "PROXIMITY_SLOP", "SEARCH_FIELD", "weighted_text"]

#: The field free words are searched in.
SEARCH_FIELD = "all"
#: How much one occurrence of a word counts in each part of a note.
FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "topic": 1.5, "tags": 1.5, "body": 1.0}
#: Weight of the bonus for two neighbouring query words found close together (0: none).
PROXIMITY = 0.5
#: How far apart (in words) the two may be and still count as together.
PROXIMITY_SLOP = 3


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
    return "\n".join(f"{_mark(FIELD_WEIGHTS[name])} {text}" for name, text in parts.items() if text)


def with_proximity(query: Any, words_class: Any) -> Any:
    """``query`` plus a bonus for neighbouring free words found near each other.

    Only a top-level OR of free words (a ``words_class``) is changed: it becomes ``words ANDMAYBE
    (pair1 OR pair2 ...)``, each pair a two-word phrase in the weighted field
    with ``PROXIMITY_SLOP`` words of slack, so what matches stays the same.
    """
    from whoosh import query as wq

    if not PROXIMITY or not isinstance(query, words_class):
        return query
    words = [q for q in query.subqueries if isinstance(q, wq.Term) and q.fieldname == SEARCH_FIELD]
    words.sort(key=lambda q: q.startchar if q.startchar is not None else 0)
    pairs = [
        wq.Phrase(SEARCH_FIELD, [a.text, b.text], slop=PROXIMITY_SLOP, boost=PROXIMITY)
        for a, b in itertools.pairwise(words)
        if a.text != b.text
    ]
    if not pairs:
        return query
    return wq.AndMaybe(query, pairs[0] if len(pairs) == 1 else wq.Or(pairs))
