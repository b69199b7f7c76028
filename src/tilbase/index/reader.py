"""Reading an index: search, more-like-this; Whoosh failures become ``IndexBroken``."""

from __future__ import annotations

import contextlib
import gc
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from whoosh import fields
from whoosh import query as wq
from whoosh.analysis import STOP_WORDS

from tilbase.index.errors import IndexBroken
from tilbase.index.highlight import highlight_terms
from tilbase.index.manifest import SyncReport
from tilbase.index.schema import SCORING
from tilbase.index.spelling import suggest
from tilbase.ordering import SortOrder
from tilbase.query.expansion import with_prefixes
from tilbase.query.proximity import near_words, proximity_bonus
from tilbase.query.scoring import RERANK_DEPTH, Unpruned, matchers_at, rerank
from tilbase.query.syntax import FIELD_BOOSTS, ParsedQuery, parse_query
from tilbase.store import FileStat, ScanResult

_T = TypeVar("_T")

#: Search the "did you mean" word too when a query word is in no note.
CORRECT_TYPOS = True
#: How many distinctive words of a note ``related`` searches for.
RELATED_TERMS = 12
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IndexHit:
    """One matching note: its path relative to the notes folder, its id and its score."""

    path: str
    id: str
    score: float | None


@dataclass(frozen=True)
class Matches:
    """What a search found: the hits in order, how many match in all, and how to show them.

    ``terms`` are the analysed words to highlight; ``suggestion`` is a
    corrected query text when some words are not in the index.
    """

    hits: list[IndexHit]
    total: int
    terms: frozenset[str] = field(default_factory=frozenset)
    suggestion: str | None = None
    #: The hits are those of ``suggestion`` (unknown words replaced by their closest word).
    corrected: bool = False


class IndexReader:
    """Searching a Whoosh index of notes; subclasses say where it lives and keep it current."""

    schema: fields.Schema
    _ix: Any

    def _ensure_open(self) -> None:
        """Open the index (``self._ix``), or raise ``IndexBroken``."""
        raise NotImplementedError

    def sync(
        self,
        stats: Callable[[], Mapping[str, FileStat]],
        scan: Callable[[], ScanResult],
        *,
        changed: bool = False,
        repair: str | None = None,
        generation: str | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the notes (see ``NoteIndex.sync``)."""
        raise NotImplementedError

    def rebuild(
        self, scan: Callable[[], ScanResult], progress: Progress | None = None
    ) -> SyncReport:
        """Rebuild the index from scratch, reporting what changed."""
        raise NotImplementedError

    def _close(self) -> None:
        if self._ix is not None:
            with contextlib.suppress(Exception):
                self._ix.close()
        self._ix = None

    def close(self) -> None:
        """Release the open index (its files stay as they are)."""
        self._close()

    def _read(self, reader: Callable[[Any], _T]) -> _T:
        """Run ``reader`` with a Whoosh searcher; any failure becomes ``IndexBroken``."""
        if self._ix is None:
            self._ensure_open()
        ix = self._ix

        def read() -> _T:
            with ix.searcher(weighting=SCORING) as searcher:
                return reader(searcher)

        result, problem = quietly(read)
        if problem is not None:
            raise IndexBroken(f"it cannot be read ({problem})")
        return result  # type: ignore[return-value]  # None only with a problem

    def search(
        self,
        parsed: ParsedQuery,
        *,
        filter_query: wq.Query | None = None,
        limit: int | None = 10,
        sort: SortOrder = "relevance",
        correct_typos: bool = CORRECT_TYPOS,
    ) -> Matches:
        """Run a parsed query; ``limit=None`` returns every match.

        ``Matches.total`` counts every match whatever the limit. Hits carry
        their relevance score, also when sorted by date (newest first,
        undated notes last). With ``correct_typos``, a word in no note is
        searched as its "did you mean" word as well.
        """

        def run(searcher: Any) -> Matches:
            reader = searcher.reader()
            searched = with_prefixes(parsed, reader)
            hits, total = ranked(searcher, searched, filter_query, limit, sort)
            suggestion = suggest(parsed, reader, found_nothing=not total)
            corrected = False
            if suggestion is not None and correct_typos:
                # A word in no note matches nothing: search its closest real word as well.
                corrected_query = parse_query(suggestion, self.schema)
                if corrected_query.fallback is None:
                    searched = with_prefixes(corrected_query, reader)
                    hits, total = ranked(searcher, searched, filter_query, limit, sort)
                    corrected = True
            terms = highlight_terms(searched.query, reader)
            return Matches(hits, total, terms, suggestion, corrected=corrected)

        return self._read(run)

    def related(self, rel_path: str, text: str, *, limit: int = 10) -> Matches:
        """Notes most like ``text`` (the note at ``rel_path``, which is left out).

        Whoosh's more-like-this: the words of ``text`` that best tell it
        apart from the collection, searched in titles, topics and bodies.
        """

        def run(searcher: Any) -> Matches:
            if limit == 0:
                return Matches([], 0)
            reader = searcher.reader()
            candidates = searcher.key_terms_from_text("body", text, numterms=40, normalize=True)
            # Words no other note has cannot find anything; stop words are not indexed.
            key_terms = [
                (word, weight)
                for word, weight in candidates
                if word not in STOP_WORDS and reader.doc_frequency("body", word) > 1
            ][:RELATED_TERMS]
            if not key_terms:
                return Matches([], 0)
            terms = [
                wq.Term(name, word, boost=weight * FIELD_BOOSTS[name])
                for word, weight in key_terms
                for name in ("title", "topic", "body")
            ]
            results = searcher.search(wq.Or(terms), limit=limit, mask=wq.Term("path", rel_path))
            hits = [IndexHit(hit["path"], hit["id"], _score(hit)) for hit in results]
            return Matches(hits, len(hits), frozenset(word for word, _w in key_terms))

        return self._read(run)


def ranked(
    searcher: Any,
    parsed: ParsedQuery,
    filter_query: wq.Query | None,
    limit: int | None,
    sort: SortOrder,
) -> tuple[list[IndexHit], int]:
    """The best ``limit`` hits of ``parsed`` with their BM25F scores, and how many match.

    The lexical ranking on its own (BM25F, word coordination, the proximity
    bonus for the best ``RERANK_DEPTH``): what a re-ranker starts from.
    """
    # Every match is scored and counted (see query.Unpruned): Whoosh's "quality"
    # shortcuts assume scores that add up, which BestField's do not, and they
    # leave skipped matches out of the count. Whoosh refuses limit=0: ask for
    # one hit and show none.
    query = Unpruned(parsed.query)
    options: dict[str, Any] = {
        # The proximity bonus may reorder the best RERANK_DEPTH: fetch them all.
        "limit": None if limit is None else max(limit, RERANK_DEPTH),
        "filter": filter_query,
        "optimize": False,
    }
    if sort == "date":
        options.update(sortedby="date", reverse=True)
    results = searcher.search(query, **options)
    top = results.top_n
    near = near_words(parsed.query)
    if sort == "relevance" and near is not None:
        docs = [doc for _score, doc in top[:RERANK_DEPTH]]
        top = rerank(top, proximity_bonus(searcher, near, docs))
    shown = top[:limit]
    # Sorted by date, Whoosh gives the sort key as the "score".
    scores = {doc: score for score, doc in shown}
    if sort == "date":
        docs = [doc for _key, doc in shown]
        scores = _scores_of(searcher, query, docs)
        if near is not None:
            for doc, extra in proximity_bonus(searcher, near, docs).items():
                scores[doc] = scores.get(doc, 0.0) + extra
    stored = searcher.reader().stored_fields
    hits = [IndexHit(*_path_and_id(stored(doc)), _round(scores.get(doc))) for _key, doc in shown]
    return hits, len(results)


def _score(hit: Any) -> float | None:
    return _round(hit.score)


def _round(score: Any) -> float | None:
    return None if score is None else round(float(score), 4)


def _path_and_id(stored: Mapping[str, Any]) -> tuple[str, str]:
    return str(stored["path"]), str(stored["id"])


def _scores_of(searcher: Any, query: wq.Query, docnums: Iterable[int]) -> dict[int, float]:
    """The relevance scores of a few matching documents, without scoring every match.

    Each segment's matcher skips straight to the wanted documents, so this
    costs little next to the search that found them; a score is the one the
    same query gets in a relevance search.
    """
    context = searcher.context()
    found = matchers_at(searcher, docnums, lambda sub: query.matcher(sub, context))
    return {doc: float(matcher.score()) for doc, matcher in found}


def quietly(action: Callable[[], _T]) -> tuple[_T, None] | tuple[None, str]:
    """Run Whoosh code that may meet a damaged index: (result, None) or (None, what failed).

    When a segment cannot be read, Whoosh drops the file's handle without
    closing it; closing it later warns, and on a damaged file may even fail.
    The exception (whose traceback keeps those files alive) is dropped and the
    garbage collected here, with those messages silenced, because none of them
    tells the person anything: the index is rebuilt.
    """
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _ignore_unraisable
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                return action(), None
            except Exception as exc:  # a damaged index fails in many ways
                problem = describe(exc)
            gc.collect()
            return None, problem
    finally:
        sys.unraisablehook = previous_hook


def _ignore_unraisable(_unraisable: Any) -> None:
    return None


def describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = text if len(text) <= 80 else text[:77] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
