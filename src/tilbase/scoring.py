"""BM25F weighting: one field holding a note's title, topic, tags and body, with weights.

Searching each field on its own and adding (or taking the best of) the
per-field BM25 scores counts a word's IDF and saturation once per field. True
BM25F, like SQLite FTS5's ``bm25()`` with column weights, adds the word's
weighted counts first (title x2, topic and tags x1.5, body x1) and saturates
that sum once, under one IDF. ``weighted_text`` builds the text of that one
field: each part is preceded by a marker that sets the boost of its tokens
(see ``tilbase.analysis``), and the index stores the boosted count as each
posting's weight, which Whoosh's BM25 uses as the term frequency.

``proximity_query`` and ``rerank`` add a bonus for the best notes where
neighbouring query words sit close together (a sloppy two-word phrase).
Whoosh is imported only inside ``proximity_query`` (the query module calls it).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from tilbase.analysis import FIELD_MARK

__all__ = [
    "FIELD_WEIGHTS",
    "PROXIMITY",
    "PROXIMITY_SLOP",
    "RERANK_DEPTH",
    "SEARCH_FIELD",
    "proximity_query",
    "rerank",
    "weighted_text",
]

#: The field free words are searched in.
SEARCH_FIELD = "all"
#: How much one occurrence of a word counts in each part of a note.
FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "topic": 1.5, "tags": 1.5, "body": 1.0}
#: Normalise each part by its own length (BM25F proper) instead of the note's whole length.
PER_FIELD_LENGTH = True
#: Length normalisation strength per part (BM25's b) and the length that counts as typical.
LENGTH_B: dict[str, float] = {"title": 0.5, "topic": 0.0, "tags": 0.0, "body": 0.75}
REFERENCE_LENGTH: dict[str, float] = {"title": 6.0, "topic": 2.0, "tags": 3.0, "body": 200.0}
_WORDS = re.compile(r"\w+")
#: BM25's b for the weighted field as a whole: none left when the parts are normalised.
SEARCH_FIELD_B = 0.0 if PER_FIELD_LENGTH else 0.75
#: Weight of the bonus for two neighbouring query words found close together (0: none).
PROXIMITY = 0.5
#: How far apart (in words) the two may be and still count as together.
PROXIMITY_SLOP = 3
#: How many of the best notes get the proximity bonus (and may change places).
RERANK_DEPTH = 30


def _mark(weight: float) -> str:
    return f"{FIELD_MARK}{weight:g}{FIELD_MARK}"


def _part_weight(name: str, text: str) -> float:
    """A part's weight, divided by its length normalisation when ``PER_FIELD_LENGTH``."""
    weight = FIELD_WEIGHTS[name]
    if not PER_FIELD_LENGTH:
        return weight
    b = LENGTH_B[name]
    length = len(_WORDS.findall(text))
    # Longer than typical costs weight; shorter gains none (a two-line body must not
    # outweigh a title that has the word).
    return weight / max(1.0, (1 - b) + b * length / REFERENCE_LENGTH[name])


def weighted_text(title: str, topic: str | None, tags: Iterable[str], body: str) -> str:
    """The text of the weighted search field: each part led by its weight marker."""
    parts = {
        "title": title,
        "topic": (topic or "").replace("/", " "),
        "tags": " ".join(tag.replace("/", " ") for tag in tags),
        "body": body,
    }
    return "\n".join(
        f"{_mark(_part_weight(name, text))} {text}" for name, text in parts.items() if text
    )


def proximity_query(query: Any, words_class: Any) -> Any | None:
    """The bonus query for neighbouring free words of ``query``, or None.

    Only a top-level OR of free words (a ``words_class``) has one: an OR of
    two-word phrases in the weighted field, each pair of neighbouring words
    with ``PROXIMITY_SLOP`` words of slack, boosted by ``PROXIMITY``. It is
    scored only for the best ``RERANK_DEPTH`` notes (see ``rerank``):
    phrase matching on every match cost more than the rest of the search.
    """
    from whoosh import query as wq

    if not PROXIMITY or not isinstance(query, words_class):
        return None
    words = [q for q in query.subqueries if isinstance(q, wq.Term) and q.fieldname == SEARCH_FIELD]
    words.sort(key=lambda q: q.startchar if q.startchar is not None else 0)
    pairs = [
        wq.Phrase(SEARCH_FIELD, [a.text, b.text], slop=PROXIMITY_SLOP, boost=PROXIMITY)
        for a, b in itertools.pairwise(words)
        if a.text != b.text
    ]
    if not pairs:
        return None
    return pairs[0] if len(pairs) == 1 else wq.Or(pairs)


def rerank(ranked: list[tuple[float, int]], bonus: dict[int, float]) -> list[tuple[float, int]]:
    """Add each note's proximity ``bonus`` to its score and re-sort the best ``RERANK_DEPTH``.

    ``ranked`` is (score, docnum) best first, every match; notes below the
    depth keep their place, so the order never depends on how many are shown.
    """
    head = [(score + bonus.get(doc, 0.0), doc) for score, doc in ranked[:RERANK_DEPTH]]
    head.sort(key=lambda pair: (-pair[0], pair[1]))
    return head + ranked[RERANK_DEPTH:]
