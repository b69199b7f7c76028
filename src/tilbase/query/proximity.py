"""The proximity bonus: notes where the query's words sit close together rank higher.

For each of the best ``RERANK_DEPTH`` notes (``query.scoring.rerank``), every
pair of distinct free words of the query found within ``WINDOW`` positions of
each other in the weighted search field adds up ``1 / distance**2`` over all
their occurrences (side by side 1, two apart 1/4, five apart 1/25). A pair's
sum is saturated and length-normalised as BM25 treats a term's frequency, and
weighted by the commoner word of the pair (the smaller of the two IDFs times
the words' query weights), so common words close together count little. This
is the term-proximity model of Rasolofo and Savoy ("BM25TP", ECIR 2003).

A word expanded to the longer words it begins (``query.expansion``) is close
wherever any of its forms is. The bonus does not grow with how often each word
occurs on its own, which the BM25F score already counts.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from tilbase.query.scoring import matchers_at
from tilbase.query.weighting import SEARCH_FIELD

__all__ = ["PROXIMITY", "WINDOW", "NearWords", "near_words", "proximity_bonus"]

#: Weight of the bonus (0: none). 0.5 and 0.75 measured: docs/search.md.
PROXIMITY = 1.0
#: Words further apart than this many positions do not count as close (3 and 8: the same).
WINDOW = 5
#: BM25's k1 and b for a pair's summed closeness.
K1 = 1.2
B = 0.75
#: At most this many positions of one word in one note are looked at.
MAX_POSITIONS = 200


@dataclass(frozen=True)
class NearWords:
    """The free words of a query whose closeness counts.

    Each is (the analysed word, the indexed forms that stand for it — itself
    and its expansions —, its query weight).
    """

    words: tuple[tuple[str, tuple[str, ...], float], ...]


def near_words(query: wq.Query) -> NearWords | None:
    """The free words of a top-level OR of words (two or more distinct ones), else None."""
    if isinstance(query, wq.AndNot):  # free words NOT others
        query = query.a
    if not isinstance(query, wq.Or):
        return None
    seen: dict[str, tuple[str, tuple[str, ...], float]] = {}
    for sub in query.subqueries:
        word = getattr(sub, "word", sub)  # an expanded word (query.expansion.Expanded)
        if not isinstance(word, wq.Term) or word.fieldname != SEARCH_FIELD:
            continue
        forms = [word] if word is sub else sub.subqueries
        texts = tuple(t.text for t in forms if isinstance(t, wq.Term))
        seen.setdefault(word.text, (word.text, texts, float(word.boost)))
    return NearWords(tuple(seen.values())) if len(seen) > 1 else None


def _positions(searcher: Any, text: str, docnums: Sequence[int]) -> dict[int, list[int]]:
    """Where ``text`` is in the weighted field of each of ``docnums`` that has it."""

    def postings(sub: Any) -> Any | None:
        reader = sub.reader()
        return reader.postings(SEARCH_FIELD, text) if (SEARCH_FIELD, text) in reader else None

    return {
        doc: list(matcher.value_as("positions"))[:MAX_POSITIONS]
        for doc, matcher in matchers_at(searcher, docnums, postings)
    }


def closeness(first: Sequence[int], second: Sequence[int]) -> float:
    """The sum of ``1 / distance**2`` over pairs of positions at most ``WINDOW`` apart."""
    total = 0.0
    for a in first:
        for b in second:
            distance = abs(a - b)
            if 0 < distance <= WINDOW:
                total += 1.0 / (distance * distance)
    return total


def proximity_bonus(searcher: Any, near: NearWords, docnums: Sequence[int]) -> dict[int, float]:
    """The bonus of each of ``docnums`` that has two of the words close together."""
    if not PROXIMITY or not docnums:
        return {}
    wanted = sorted(docnums)
    positions: dict[str, dict[int, list[int]]] = {}
    for word, forms, _boost in near.words:
        merged = positions.setdefault(word, {})
        for form in forms:
            for doc, found in _positions(searcher, form, wanted).items():
                merged.setdefault(doc, []).extend(found)
    weight = {word: searcher.idf(SEARCH_FIELD, word) * boost for word, _f, boost in near.words}
    average = searcher.avg_field_length(SEARCH_FIELD) or 1.0
    bonus: dict[int, float] = {}
    for doc in wanted:
        length = searcher.doc_field_length(doc, SEARCH_FIELD, 0) / average
        norm = K1 * ((1 - B) + B * length)
        total = 0.0
        for (a, _fa, _ba), (b, _fb, _bb) in itertools.combinations(near.words, 2):
            in_a, in_b = positions[a].get(doc), positions[b].get(doc)
            close = closeness(in_a, in_b) if in_a and in_b else 0.0
            if close:
                total += min(weight[a], weight[b]) * (K1 + 1) * close / (norm + close)
        if total:
            bonus[doc] = PROXIMITY * total
    return bonus
