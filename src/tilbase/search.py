"""Searching a knowledge base: the thin layer between ``KnowledgeBase`` and the index.

Every function here first brings the index up to date with the notes (so
edits made in an editor or by ``git pull`` are found), repairs it when it is
broken, and returns plain values; nothing prints. Messages a person should see
(a rebuild, a busy index) are added to ``kb.warnings``.

Importing this module does not import Whoosh; each function imports the index
when it needs it, so ``til --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from tilbase.errors import InvalidInput, SearchError, TilError
from tilbase.filters import NoteFilter
from tilbase.model import Note

if TYPE_CHECKING:
    from tilbase.index import IndexHit, Matches, NoteIndex, Snippet, SyncReport
    from tilbase.kb import KnowledgeBase

__all__ = [
    "SearchHit",
    "SearchResult",
    "reindex",
    "related",
    "search",
    "search_ids",
    "search_notes",
    "sync_index",
    "update_index_after_write",
]

SortOrder = Literal["relevance", "date"]


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


# -- keeping the index current ---------------------------------------------------


def _index(kb: KnowledgeBase) -> NoteIndex:
    from tilbase.index import NoteIndex

    return NoteIndex(kb.config.index_dir, kb.config.notes_dir)


def _location(kb: KnowledgeBase) -> str:
    index_dir = kb.config.index_dir
    try:
        return index_dir.relative_to(kb.config.root).as_posix()
    except ValueError:
        return str(index_dir)


def _report(kb: KnowledgeBase, report: SyncReport) -> None:
    if report.rebuilt and report.reason:
        notes = "note" if report.total == 1 else "notes"
        kb.warnings.append(
            f"search index {_location(kb)}: {report.reason}; "
            f"rebuilt it from {report.total} {notes} in {report.seconds:.1f} s"
        )


def sync_index(kb: KnowledgeBase, index: NoteIndex | None = None, *, changed: bool = False) -> bool:
    """Bring the index up to date; returns False (and adds a warning) when it could not be.

    That happens when another ``til`` holds the index lock past the timeout,
    or the index folder cannot be written (a read-only or full disk).
    """
    from tilbase.index import IndexBusy

    index = index or _index(kb)
    try:
        _report(kb, index.sync(kb.store.file_stats, kb.rescan, changed=changed))
    except IndexBusy as exc:
        problem = f"busy ({exc})"
    except OSError as exc:
        problem = f"cannot be written ({exc.strerror or exc})"
    else:
        return True
    kb.warnings.append(
        f"search index {_location(kb)}: {problem}; "
        "it will catch up with the notes on the next command"
    )
    return False


def update_index_after_write(kb: KnowledgeBase) -> None:
    """After notes were written: index what changed, or leave it for the next command.

    The notes are saved either way: any failure to update the derived index
    becomes a warning, never an error for the write that succeeded.
    """
    try:
        sync_index(kb, changed=True)
    except TilError as exc:  # e.g. index_dir holds other files: it needs the person
        kb.warnings.append(f"{exc.message}; the notes were saved, the search index not updated")
    except Exception as exc:  # the index is a cache; the note itself is safe on disk
        kb.warnings.append(
            f"search index {_location(kb)}: not updated ({type(exc).__name__}: {exc}); "
            "the next search will bring it up to date"
        )


def reindex(kb: KnowledgeBase, progress: Callable[[int, int], None] | None = None) -> SyncReport:
    """Rebuild the index from scratch (``til reindex``); the report counts what changed."""
    from tilbase.index import IndexBusy

    try:
        return _index(kb).rebuild(kb.rescan, progress)
    except IndexBusy as exc:
        raise SearchError(
            f"search index {_location(kb)} is busy: {exc}", "try again in a moment"
        ) from None
    except OSError as exc:
        raise SearchError(
            f"search index {_location(kb)} cannot be written: {exc.strerror or exc}",
            "check the folder's permissions and free space, or set index_dir in config.yaml",
        ) from None


def _read(kb: KnowledgeBase, index: NoteIndex, reader: Callable[[], Matches]) -> Matches:
    """Run a read on a current index, rebuilding it once if it turns out to be damaged."""
    from tilbase.index import IndexBroken, IndexBusy

    fresh = sync_index(kb, index)
    try:
        return reader()
    except IndexBroken as exc:
        if not fresh:
            raise SearchError(
                f"search index {_location(kb)} could not be brought up to date and "
                f"cannot be read ({exc})",
                "try again in a moment",
            ) from None
        try:
            _report(kb, index.sync(kb.store.file_stats, kb.rescan, repair=str(exc)))
        except IndexBusy:
            raise SearchError(
                f"search index {_location(kb)} is being rebuilt by another til process",
                "try again in a moment",
            ) from None
        except OSError as exc:
            raise SearchError(
                f"search index {_location(kb)} cannot be rebuilt: {exc.strerror or exc}"
            ) from None
    try:
        return reader()
    except IndexBroken as exc:
        raise SearchError(f"search index {_location(kb)}: {exc}, even after a rebuild") from None


# -- searching ---------------------------------------------------------------------


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise InvalidInput(f"--limit must be 0 or more, not {limit}")


def search(
    kb: KnowledgeBase,
    note_filter: NoteFilter,
    *,
    limit: int | None = 10,
    sort: SortOrder = "relevance",
) -> SearchResult:
    """Find the notes matching ``note_filter`` (its query and metadata filters).

    Ranked by relevance (BM25F) or by date, newest first (best first within a
    day). Without a query, every note passing the filters matches (newest
    first) and scores are ``None``. ``SearchResult.total`` counts every match,
    whatever the limit; the ranking does not depend on the limit either.
    """
    _check_limit(limit)
    text = (note_filter.query or "").strip()
    if not text:
        notes = _filtered_by_metadata(kb, note_filter)
        shown = notes if limit is None else notes[:limit]
        return SearchResult(
            [SearchHit(n, None, ((n.title, False),), _opening(n)) for n in shown], len(notes)
        )
    from tilbase.query import filter_query, parse_query

    index = _index(kb)
    parsed = parse_query(text, index.schema)
    matches = _read(
        kb,
        index,
        lambda: index.search(
            parsed, filter_query=filter_query(note_filter), limit=limit, sort=sort
        ),
    )
    hits = []
    for hit, note in _hit_notes(kb, matches.hits):
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
    )


def search_notes(kb: KnowledgeBase, note_filter: NoteFilter) -> list[Note]:
    """Every note matching ``note_filter``, best first (no limit, no snippets).

    Without a query this is the notes passing the metadata filters, newest
    first, and the index is not used at all.
    """
    text = (note_filter.query or "").strip()
    if not text:
        return _filtered_by_metadata(kb, note_filter)
    from tilbase.query import filter_query, parse_query

    index = _index(kb)
    parsed = parse_query(text, index.schema)
    matches = _read(
        kb,
        index,
        lambda: index.search(parsed, filter_query=filter_query(note_filter), limit=None),
    )
    by_path = kb.scan().by_path()
    found = (by_path.get(hit.path) for hit in matches.hits)
    return [n for n in found if n is not None and note_filter.matches_metadata(n)]


def search_ids(kb: KnowledgeBase, note_filter: NoteFilter) -> list[str]:
    """The ids of every note matching ``note_filter``, best first (for ``til export``)."""
    return [note.id for note in search_notes(kb, note_filter)]


def related(kb: KnowledgeBase, id_or_prefix: str, *, limit: int = 10) -> SearchResult:
    """The notes most like one note (Whoosh's more-like-this over titles and bodies)."""
    _check_limit(limit)
    note = kb.get(id_or_prefix)

    index = _index(kb)
    rel = _relpath(kb, note)
    text = f"{note.title}\n{note.topic or ''}\n{note.body}"
    matches = _read(kb, index, lambda: index.related(rel, text, limit=limit))
    by_path = kb.scan().by_path()
    hits = []
    for hit in matches.hits:
        other = by_path.get(hit.path)
        if other is None or other.id == note.id:
            continue
        hits.append(_search_hit(other, hit.score, matches.terms))
    return SearchResult(hits, len(hits), query=note.id)


def _search_hit(note: Note, score: float | None, terms: frozenset[str]) -> SearchHit:
    """A hit with its title and body snippet, the matched words marked."""
    from tilbase.index import highlight_text

    return SearchHit(
        note,
        score,
        highlight_text(note.title, terms, whole=True),
        highlight_text(note.body, terms),
    )


def _hit_notes(kb: KnowledgeBase, hits: list[IndexHit]) -> Iterator[tuple[IndexHit, Note]]:
    """The notes of the hits, read from their files (a scan of every note is not needed).

    The id comes from the index, which holds the id the note has in the KB
    (a file whose id another file already uses is known by a unique one).
    """
    from tilbase.errors import NoteNotFound, NoteUnreadable

    for hit in hits:
        try:
            note, warnings = kb.store.read_file(kb.config.notes_dir / hit.path)
        except (NoteNotFound, NoteUnreadable):  # gone or unreadable since the index was synced
            continue
        kb.warnings.extend(warnings)
        yield hit, note if note.id == hit.id else note.with_changes(id=hit.id)


def _relpath(kb: KnowledgeBase, note: Note) -> str:
    if note.path is None:
        raise SearchError(f"note '{note.id}' has no file under {kb.config.notes_dir}")
    return kb.store.relpath(note.path)


def _filtered_by_metadata(kb: KnowledgeBase, note_filter: NoteFilter) -> list[Note]:
    from tilbase.kb import sort_newest_first

    return sort_newest_first(n for n in kb.notes() if note_filter.matches_metadata(n))


def _opening(note: Note) -> Snippet:
    from tilbase.index import flatten_markdown

    text = flatten_markdown(note.body)
    if len(text) > 200:
        text = text[:200].rsplit(" ", 1)[0] + "…"
    return ((text, False),) if text else ()
