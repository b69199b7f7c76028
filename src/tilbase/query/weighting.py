"""BM25F weighting: one field holding a note's title, topic, tags and body, with weights.

Searching each field on its own and adding (or taking the best of) the
per-field BM25 scores counts a word's IDF and saturation once per field. True
BM25F, like SQLite FTS5's ``bm25()`` with column weights, adds the word's
weighted counts first (title x2, topic and tags x1.5, body x1) and saturates
that sum once, under one IDF. ``weighted_text`` builds the text of that one
field: each part is preceded by a marker that sets the boost of its tokens
(see ``tilbase.index.analysis``), and the index stores the boosted count as each
posting's weight, which Whoosh's BM25 uses as the term frequency.

The proximity bonus (``tilbase.query.scoring``) searches this field too.
This module imports no Whoosh: the index's analyzer (``tilbase.index.analysis``)
reads the markers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "FIELD_MARK",
    "FIELD_WEIGHTS",
    "SEARCH_FIELD",
    "weighted_text",
]

#: Starts and ends a part's weight marker in weighted text: ``FIELD_MARK + "2" + FIELD_MARK``.
FIELD_MARK = "\x1d"
#: The field free words are searched in.
SEARCH_FIELD = "all"
#: How much one occurrence of a word counts in each part of a note.
FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "topic": 1.5, "tags": 1.5, "body": 1.0}
#: Normalise each part by its own length (BM25F proper) instead of the note's whole length.
PER_FIELD_LENGTH = True
#: Length normalisation strength per part (BM25's b) and the length that counts as typical.
LENGTH_B: dict[str, float] = {"title": 0.5, "topic": 0.0, "tags": 0.0, "body": 0.75}
REFERENCE_LENGTH: dict[str, float] = {"title": 6.0, "topic": 2.0, "tags": 3.0, "body": 200.0}
#: The smallest length divisor: a part shorter than typical gains weight, as in BM25, but at
#: most 2x, so a two-line body does not outweigh a title holding the word (1.0: no gain;
#: 0.5 measured +1 top-1 and +1 top-3 on jbranchaud dev, +1 top-1 on flancian dev, test equal).
SHORTEST_NORM = 0.5
_WORDS = re.compile(r"\w+")
#: BM25's b for the weighted field as a whole: none left when the parts are normalised.
SEARCH_FIELD_B = 0.0 if PER_FIELD_LENGTH else 0.75


def _mark(weight: float) -> str:
    return f"{FIELD_MARK}{weight:g}{FIELD_MARK}"


def _part_weight(name: str, text: str) -> float:
    """A part's weight, divided by its length normalisation when ``PER_FIELD_LENGTH``."""
    weight = FIELD_WEIGHTS[name]
    if not PER_FIELD_LENGTH:
        return weight
    b = LENGTH_B[name]
    length = len(_WORDS.findall(text))
    # Longer than typical costs weight; shorter gains some, at most 1 / SHORTEST_NORM.
    return weight / max(SHORTEST_NORM, (1 - b) + b * length / REFERENCE_LENGTH[name])


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
