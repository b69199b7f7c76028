"""Searching the notes: queries and filters -> ranked hits with snippets.

``Searcher`` is what ``KnowledgeBase.search`` and ``related`` use. It asks the
``IndexKeeper`` to bring the index up to date before every read (so edits made
in an editor or by ``git pull`` are found), reads the notes of the hits, and
returns plain values; nothing prints. Messages go to ``warnings``.

Importing this module does not import Whoosh: the query and index modules are
imported when a search runs, so ``til --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tilbase.errors import InvalidInput, NoteNotFound, NoteUnreadable, SearchError
from tilbase.filters import NoteFilter
from tilbase.model import Note
from tilbase.ordering import SortOrder, sort_newest_first

if TYPE_CHECKING:
    from tilbase.index.highlight import Snippet
    from tilbase.index.keeper import IndexKeeper
    from tilbase.index.reader import IndexHit
    from tilbase.semantic_search import SemanticSearch
    from tilbase.store import NoteStore, ScanResult

__all__ = ["SearchHit", "SearchResult", "Searcher"]


@dataclass(frozen=True)
class SearchHit:
    """One note found, with its score and what to show of it.

    ``title`` and ``snippet`` are (text, is_match) pieces so a renderer can
    highlight the matched words; ``snippet_text`` is the plain snippet.
    """

    note: Note
    score: float | None
    title: Snippet
    snippet: Snippet

    @property
    def snippet_text(self) -> str:
        """The snippet without highlighting."""
        return "".join(text for text, _is_match in self.snippet)


@dataclass(frozen=True)
class SearchResult:
    """The hits of a search, how many notes match in all, and notes for the person.

    ``fallback`` says why the query was searched as plain words; ``suggestion``
    is a corrected query ("did you mean") when some words are not in any note.
    """

    hits: list[SearchHit]
    total: int
    query: str | None = None
    fallback: str | None = None
    suggestion: str | None = None
    searched: str | None = field(default=None)
    #: The hits are the suggestion's: words in no note were searched as their closest word.
    corrected: bool = False


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise InvalidInput(f"--limit must be 0 or more, not {limit}")


class Searcher:
    """Searches one KB's notes through its index.

    ``scan`` gives the KB's notes (cached, files read lazily); ``rescan``
    gives them as the catalog lists them now, and is what the keeper calls
    with the index lock held. ``select`` answers metadata-only filters from
    the catalog, newest first.
    """

    #: Fused BM25 + cosine ranking (issue 14), set by the KB when semantic search is on.
    semantic: SemanticSearch | None = None

    def __init__(
        self,
        store: NoteStore,
        keeper: IndexKeeper,
        scan: Callable[[], ScanResult],
        rescan: Callable[[], ScanResult],
        warnings: list[str],
        select: Callable[[NoteFilter], Sequence[Note]] | None = None,
    ) -> None:
        self.store = store
        self.keeper = keeper
        self.scan = scan
        self.rescan = rescan
        self.warnings = warnings
        self.select = select

    def search(
        self,
        note_filter: NoteFilter,
        *,
        limit: int | None = 10,
        sort: SortOrder = "relevance",
    ) -> SearchResult:
        """Find the notes matching ``note_filter`` (its query and metadata filters).

        Ranked by relevance (BM25F) or by date, newest first (best first within
        a day). Without a query, every note passing the filters matches (newest
        first) and scores are ``None``. ``SearchResult.total`` counts every
        match, whatever the limit; the ranking does not depend on the limit.
        """
        _check_limit(limit)
        text = (note_filter.query or "").strip()
        if not text:
            notes = self._filtered_by_metadata(note_filter)
            shown = notes if limit is None else notes[:limit]
            return SearchResult(
                [SearchHit(n, None, ((n.title, False),), _opening(n)) for n in shown], len(notes)
            )
        if self.semantic is not None and sort == "relevance":  # issue 14: fused ranking
            return self.semantic.search(self, note_filter, limit)
        from tilbase.query.syntax import filter_query, parse_query

        index = self.keeper.index
        parsed = parse_query(text, index.schema)
        matches = self.keeper.read(
            self.rescan,
            lambda: index.search(
                parsed, filter_query=filter_query(note_filter), limit=limit, sort=sort
            ),
        )
        hits = []
        for hit, note in self._hit_notes(matches.hits):
            if not note_filter.matches_metadata(note):
                continue
            hits.append(_search_hit(note, hit.score, matches.terms))
        return SearchResult(
            hits,
            max(matches.total, len(hits)),
            query=text,
            fallback=parsed.fallback,
            suggestion=matches.suggestion,
            searched=parsed.text,
            corrected=matches.corrected,
        )

    def candidates(self, note_filter: NoteFilter, *, depth: int = 50) -> list[tuple[Note, float]]:
        """The best ``depth`` notes for ``note_filter``'s query with their BM25F scores.

        The lexical stage alone (BM25F with word coordination and the
        proximity bonus), best first, metadata filters applied, no snippets:
        the seam a re-ranker (semantic scores) starts from. Without a query
        there is nothing to rank and the list is empty.
        """
        _check_limit(depth)
        text = (note_filter.query or "").strip()
        if not text:
            return []
        from tilbase.query.syntax import filter_query, parse_query

        index = self.keeper.index
        parsed = parse_query(text, index.schema)
        matches = self.keeper.read(
            self.rescan,
            lambda: index.search(parsed, filter_query=filter_query(note_filter), limit=depth),
        )
        return [
            (note, hit.score or 0.0)
            for hit, note in self._hit_notes(matches.hits)
            if note_filter.matches_metadata(note)
        ]

    def search_notes(self, note_filter: NoteFilter) -> list[Note]:
        """Every note matching ``note_filter``, best first (no limit, no snippets).

        Without a query this is the notes passing the metadata filters, newest
        first, and the index is not used at all.
        """
        text = (note_filter.query or "").strip()
        if not text:
            return list(self._filtered_by_metadata(note_filter))
        from tilbase.query.syntax import filter_query, parse_query

        index = self.keeper.index
        parsed = parse_query(text, index.schema)
        matches = self.keeper.read(
            self.rescan,
            lambda: index.search(parsed, filter_query=filter_query(note_filter), limit=None),
        )
        by_path = self.scan().by_path()
        found = (by_path.get(hit.path) for hit in matches.hits)
        return [n for n in found if n is not None and note_filter.matches_metadata(n)]

    def related(self, note: Note, *, limit: int = 10) -> SearchResult:
        """The notes most like ``note`` (Whoosh's more-like-this over titles and bodies)."""
        _check_limit(limit)
        if note.path is None:
            raise SearchError(f"note '{note.id}' has no file under {self.store.notes_dir}")
        rel = self.store.relpath(note.path)
        if self.semantic is not None:  # issue 14: fused ranking
            return self.semantic.related(self, note, rel, limit)
        index = self.keeper.index
        text = f"{note.title}\n{note.topic or ''}\n{note.body}"
        matches = self.keeper.read(self.rescan, lambda: index.related(rel, text, limit=limit))
        by_path = self.scan().by_path()
        hits = []
        for hit in matches.hits:
            other = by_path.get(hit.path)
            if other is None or other.id == note.id:
                continue
            hits.append(_search_hit(other, hit.score, matches.terms))
        return SearchResult(hits, len(hits), query=note.id)

    def _hit_notes(self, hits: list[IndexHit]) -> Iterator[tuple[IndexHit, Note]]:
        """The notes of the hits, read from their files (a scan of every note is not needed).

        The id comes from the index, which holds the id the note has in the KB
        (a file whose id another file already uses is known by a unique one).
        """
        for hit in hits:
            try:
                note, warnings = self.store.read_file(self.store.notes_dir / hit.path)
            except (NoteNotFound, NoteUnreadable):  # gone or unreadable since the index synced
                continue
            self.warnings.extend(warnings)
            yield hit, note if note.id == hit.id else note.with_changes(id=hit.id)

    def _filtered_by_metadata(self, note_filter: NoteFilter) -> Sequence[Note]:
        if self.select is not None:  # the catalog answers; bodies are read when shown
            return self.select(note_filter)
        return sort_newest_first(n for n in self.scan().notes if note_filter.matches_metadata(n))


def _search_hit(note: Note, score: float | None, terms: frozenset[str]) -> SearchHit:
    """A hit with its title and body snippet, the matched words marked."""
    from tilbase.index.highlight import highlight_text

    return SearchHit(
        note,
        score,
        highlight_text(note.title, terms, whole=True),
        highlight_text(note.body, terms),
    )


highlighted_hit = _search_hit  # for the semantic ranking (tilbase.semantic_search)


def _opening(note: Note) -> Snippet:
    from tilbase.index.highlight import flatten_markdown

    text = flatten_markdown(note.body)
    if len(text) > 200:
        text = text[:200].rsplit(" ", 1)[0] + "…"
    return ((text, False),) if text else ()
