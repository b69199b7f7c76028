"""Scoring: Whoosh queries and matchers that score every match.

- ``BestField``: one word in several fields, scored by its best field;
- ``AnyWords``: free words OR-ed with a coordination bonus for notes that hold
  more of the query's IDF mass;
- ``Unpruned``: every match scored and counted whatever the limit;
- ``rerank``: adds a bonus (``tilbase.query.proximity``) to the best
  ``RERANK_DEPTH`` notes and re-sorts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from whoosh import query as wq
from whoosh.matching import CoordMatcher, NullMatcher, UnionMatcher, WrappingMatcher
from whoosh.qparser import OrGroup
from whoosh.qparser.syntax import DisMaxGroup

from tilbase.query.weighting import SEARCH_FIELD

#: How much a note gains for matching more of the free words (Whoosh's OrGroup factor).
COORDINATION = 0.6
#: Count each matched word by its IDF for the coordination bonus (rare words count more).
IDF_COORDINATION = True
#: How many of the best notes get the proximity bonus (and may change places).
RERANK_DEPTH = 30
#: Fields whose terms count for a free word's IDF.
_TEXT_FIELDS = frozenset({"title", "body", "topic", SEARCH_FIELD})
#: How much the other fields matching a word add to its best field (0: nothing, 1: all).
FIELD_TIEBREAK = 0.1


# -- matchers that score every match ---------------------------------------------
#
# Whoosh's collector calls ``replace(minscore)`` on the matcher tree every ten
# matches, even with ``optimize=False``, once it holds ``limit`` hits. A
# ``UnionMatcher`` then turns itself into additive ``AndMaybe`` or
# ``Intersection`` matchers that skip documents the sum of its sides' maximum
# scores says cannot reach the top N. The matchers below do not add their
# sides up, so that swap changed both the scores and which notes were
# counted: the ranking and the total depended on ``--limit``. They replace
# only finished sub-matchers, never prune by quality, and never take part in
# Whoosh's block-quality skipping.


def _unpruned_union(matcher: Any) -> Any:
    """``replace()`` for a union that must keep its class: drop finished sides only."""
    a, b = matcher.a, matcher.b
    a_active, b_active = a.is_active(), b.is_active()
    if not (a_active or b_active):
        return NullMatcher()
    # A lone side scores exactly what the union would give it.
    if not a_active:
        return b.replace(0)
    if not b_active:
        return a.replace(0)
    new_a, new_b = a.replace(0), b.replace(0)
    if new_a is not a or new_b is not b:
        return matcher.__class__(new_a, new_b)
    matcher._id = None
    return matcher


class _BestFieldMatcher(UnionMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """Matches a document when any field does; scores the best field plus a little of the rest.

    Whoosh's own ``DisjunctionMaxMatcher`` takes the max of both sides even
    when they sit on different documents, so it cannot be used as it is.
    """

    def replace(self, minquality: float = 0) -> Any:
        """Drop finished fields; never prune by quality (see the comment above)."""
        return _unpruned_union(self)

    def supports_block_quality(self) -> bool:
        """Never: block-quality skipping assumes scores that add up."""
        return False

    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active():
            return float(b.score())
        if not b.is_active():
            return float(a.score())
        if a.id() != b.id():
            return float(a.score() if a.id() < b.id() else b.score())
        first, second = a.score(), b.score()
        return float(max(first, second) + FIELD_TIEBREAK * min(first, second))


class BestField(wq.DisjunctionMax):  # type: ignore[misc]  # Whoosh is untyped
    """One word searched in several fields, scored by its best field.

    Summing the fields instead would count a common word up to four times
    when it is in a note's title, topic, tags and body.
    """

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        return self._tree_matcher(subs, _BestFieldMatcher, searcher, context, None)


class BestFieldGroup(DisMaxGroup):  # type: ignore[misc]  # Whoosh is untyped
    qclass = BestField


class _WordsMatcher(UnionMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """The union of the free words' matchers (one child subtree per word)."""

    def replace(self, minquality: float = 0) -> Any:
        """Drop finished words; never prune by quality (the coordination bonus is not a sum)."""
        return _unpruned_union(self)

    def supports_block_quality(self) -> bool:
        """Never: the score above this matcher is multiplied by a per-document bonus."""
        return False


def _words_at(matcher: Any, docnum: int) -> float:
    """How many distinct words of a ``_WordsMatcher`` tree match ``docnum`` (IDF-weighted)."""
    if isinstance(matcher, _WordsMatcher):
        return sum(
            _words_at(child, docnum)
            for child in (matcher.a, matcher.b)
            if child.is_active() and child.id() == docnum
        )
    return float(getattr(matcher, "word_weight", 1.0))


def _word_count(matcher: Any) -> float:
    if isinstance(matcher, _WordsMatcher):
        return _word_count(matcher.a) + _word_count(matcher.b)
    return float(getattr(matcher, "word_weight", 1.0))


def _leaf_count(matcher: Any) -> int:
    if isinstance(matcher, _WordsMatcher):
        return _leaf_count(matcher.a) + _leaf_count(matcher.b)
    return 1


class _WeightedWordMatcher(WrappingMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """One free word's matcher, carrying how much the word counts for coordination."""

    def __init__(self, child: Any, word_weight: float) -> None:
        super().__init__(child)
        self.word_weight = word_weight

    def _replacement(self, newchild: Any) -> Any:
        return self.__class__(newchild, self.word_weight)


class _WeightedWord(wq.WrappingQuery):  # type: ignore[misc]  # Whoosh is untyped
    """A free word whose share of the coordination bonus is its IDF."""

    def __init__(self, child: Any, word_weight: float) -> None:
        super().__init__(child)
        self.word_weight = word_weight

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """The word's matcher, marked with its weight."""
        return _WeightedWordMatcher(self.child.matcher(searcher, context), self.word_weight)


def _idf(searcher: Any, query: wq.Query) -> float:
    """The largest IDF of the terms of a free word (1.0 when it has none, e.g. a prefix).

    A word expanded to longer words (``query.expansion``) counts by its own terms.
    """
    query = getattr(query, "word", query)
    idfs = [
        searcher.idf(name, text) for name, text in query.iter_all_terms() if name in _TEXT_FIELDS
    ]
    return float(max(idfs)) * float(query.boost) if idfs else 1.0


class _WordCoordMatcher(CoordMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """A coordination bonus that counts distinct words and multiplies the score.

    Whoosh counts a word found in a title and a body as two matches, which
    rewards the same word twice instead of a note that has more of the words;
    it also walks every term of the tree for each document, where this looks
    at one node per word. Its bonus (SQR) is added to the score, so with three
    words a lone common word in a title still beat a note holding all three in
    its body; here a note with all ``n`` words scores ``1 + scale`` times what
    its words alone give, one with ``m`` of them ``1 + scale * (m-1)/(n-1)``.

    With ``IDF_COORDINATION`` each word counts by its IDF: the matched share
    ``f`` of the query's IDF gives ``1 + scale * (f - 1/n) / (1 - 1/n)`` (at
    least 1), which is the formula above when all words are equally rare, and
    lets a note holding only the rarest word keep up with one holding the
    common ones.
    """

    def __init__(
        self, child: Any, scale: float = 1.0, words: tuple[float, int] | None = None
    ) -> None:
        super().__init__(child, scale=scale)
        self._words = (_word_count(child), _leaf_count(child)) if words is None else words

    def _replacement(self, newchild: Any) -> Any:
        # Keep the query's word count when Whoosh prunes finished sub-matchers.
        return self.__class__(newchild, scale=self._scale, words=self._words)

    def replace(self, minquality: float = 0) -> Any:
        """Replace finished sub-matchers only: ``minquality`` is on the scale of the bonus."""
        child = self.child.replace(0)
        return self if child is self.child else self._replacement(child)

    def supports_block_quality(self) -> bool:
        """Never: the bonus depends on each document's words."""
        return False

    def _sqr(self, score: float, matching: float) -> float:
        total, words = self._words
        if words <= 1 or total <= 0:
            return score
        share = (matching / total - 1 / words) / (1 - 1 / words)
        return float(score * (1 + self._scale * max(share, 0.0)))

    def score(self) -> float:
        child = self.child
        return float(self._sqr(child.score(), _words_at(child, child.id())))


class AnyWords(wq.Or):  # type: ignore[misc]  # Whoosh is untyped
    """Free words OR-ed, with a bonus for documents that match more distinct words."""

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        reader = searcher.reader()
        if IDF_COORDINATION and len(subs) > 1:
            subs = [_WeightedWord(q, _idf(searcher, q)) for q in subs]
        matcher = self._tree_matcher(
            subs, _WordsMatcher, searcher, context, lambda q: q.estimate_size(reader)
        )
        if self.scale and _word_count(matcher) > 1:
            matcher = _WordCoordMatcher(matcher, scale=self.scale)
        return matcher


class AnyWordsGroup(OrGroup):  # type: ignore[misc]  # Whoosh is untyped
    qclass = AnyWords

    def __init__(self, nodes: Any = None, **kwargs: Any) -> None:
        kwargs["scale"] = COORDINATION
        super().__init__(nodes=nodes, **kwargs)


class _UnprunedMatcher(WrappingMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """Passes the collector's ``replace(minscore)`` down as ``replace(0)``."""

    def replace(self, minquality: float = 0) -> Any:
        """Replace finished sub-matchers only, so every match is scored and counted."""
        child = self.child.replace(0)
        return self if child is self.child else self._replacement(child)

    def supports_block_quality(self) -> bool:
        """Never: skipping blocks would leave matches uncounted."""
        return False


class Unpruned(wq.WrappingQuery):  # type: ignore[misc]  # Whoosh is untyped
    """Runs ``child`` so that every match is scored and counted, whatever the limit.

    Even Whoosh's own matchers (``a AND b``, ``a NOT b``) skip documents that
    cannot make the top N once the collector is full, so the number of matches
    it reports would depend on the limit.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """The child's matcher, shielded from quality pruning."""
        return _UnprunedMatcher(self.child.matcher(searcher, context))


# -- re-ranking the best notes -------------------------------------------------


def matchers_at(
    searcher: Any, docnums: Iterable[int], make: Callable[[Any], Any | None]
) -> Iterator[tuple[int, Any]]:
    """``(docnum, matcher)`` for each of ``docnums`` that ``make``'s matcher matches.

    ``make`` gets one segment's searcher and returns a matcher (or None when the
    segment has nothing for it); each segment's matcher skips straight to the
    wanted documents, so a few of them cost little next to a search.
    """
    subsearchers = searcher.subsearchers or [(searcher, 0)]
    ends = [offset for _sub, offset in subsearchers[1:]] + [searcher.doc_count_all()]
    wanted = sorted(docnums)
    for (sub, offset), end in zip(subsearchers, ends, strict=True):
        mine = [doc - offset for doc in wanted if offset <= doc < end]
        matcher = make(sub) if mine else None
        if matcher is None:
            continue
        for local in mine:
            if matcher.is_active() and matcher.id() < local:
                matcher.skip_to(local)
            if not matcher.is_active():
                break
            if matcher.id() == local:
                yield local + offset, matcher


def rerank(ranked: list[tuple[float, int]], bonus: dict[int, float]) -> list[tuple[float, int]]:
    """Add each note's ``bonus`` (proximity) to its score and re-sort the best ``RERANK_DEPTH``.

    ``ranked`` is (score, docnum) best first, every match; notes below the
    depth keep their place, so the order never depends on how many are shown.
    """
    head = [(score + bonus.get(doc, 0.0), doc) for score, doc in ranked[:RERANK_DEPTH]]
    head.sort(key=lambda pair: (-pair[0], pair[1]))
    return head + ranked[RERANK_DEPTH:]
