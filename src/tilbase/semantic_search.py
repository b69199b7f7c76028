"""Semantic recall wired into a knowledge base (issue 14): BM25 from Whoosh fused with cosine.

Imported only when semantic ranking is on (``semantic: true`` in config.yaml, or
``til search --semantic``); with it off, neither this module nor ``tilbase.semantic``
nor numpy is loaded. ``KnowledgeBase`` owns one ``SemanticSearch`` and hands it to
the ``Searcher``; everything here goes through the KB's own index and notes:

- Whoosh finds and filters: its hits (every match, scored) are the lexical side;
  the notes passing the metadata filters (``--tag``, ``--topic``, dates) are the
  pool the cosine side may add candidates from. A query written in strict syntax
  (``AND``, ``NOT``, ``"phrases"``, ``field:``, ``prefix*``) only re-ranks Whoosh's hits.
- Embeddings are derived data in ``.tilbase/embeddings`` keyed by note text: before
  ranking, the notes lacking a current vector are embedded (after ``til add`` that
  is one note; after an outside edit, the edited ones), and removed notes dropped.
- ``til reindex`` and ``til import`` call ``refresh`` with a progress callback;
  Ctrl-C keeps what was embedded and the next run continues.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tilbase.errors import TilError
from tilbase.semantic.errors import INSTALL_HINT, SemanticUnavailable

if TYPE_CHECKING:
    from tilbase.config import Config
    from tilbase.filters import NoteFilter
    from tilbase.model import Note
    from tilbase.search import Searcher, SearchResult
    from tilbase.semantic.ranker import SemanticRanker
    from tilbase.store.view import ScanResult

__all__ = ["SemanticProgress", "SemanticSearch", "forget_notes", "is_strict_syntax"]

SemanticProgress = Callable[[str, int, "int | None"], None]
"""``progress(task, done, total)``: "downloading model.safetensors" (bytes) or
"embedding notes" (notes); called with ``done=0`` when a task starts."""

#: Records the catalog generation the vectors were last brought up to date with.
GENERATION_FILE = "catalog-generation"
#: The lexical side of ``til related``: Whoosh's more-like-this hits considered.
RELATED_CANDIDATES = 50

_STRICT = re.compile(r'\b(?:AND|NOT)\b|"|\*|\b[A-Za-z_]+:|(?:^|\s)[-+]\w')
_SYNTAX = re.compile(r'\b(?:AND|OR|NOT)\b|"|\*|\b[A-Za-z_]+:|[()\[\]]')
_DISABLE_HINT = "or turn it off: `til search --lexical`, or `semantic: false` in config.yaml"


def is_strict_syntax(text: str) -> bool:
    """True when the query uses syntax whose meaning must hold (AND, NOT, phrases, fields)."""
    return bool(_STRICT.search(text))


def query_words(text: str) -> str:
    """The words of a query without its syntax (what is embedded for the cosine side)."""
    return " ".join(_SYNTAX.sub(" ", text).split()) or text


def embeddings_dir(config: Config) -> Path:
    """Where a KB's note vectors live (``.tilbase/embeddings``)."""
    from tilbase.semantic.ranker import EMBEDDINGS_DIR

    return config.state_dir / EMBEDDINGS_DIR


class SemanticSearch:
    """A KB's semantic side: the model (loaded when first needed), its vectors, the fusion."""

    def __init__(
        self,
        config: Config,
        *,
        open_ranker: Callable[[Path, SemanticProgress | None], SemanticRanker] | None = None,
    ) -> None:
        """Semantic ranking for ``config``'s KB; ``open_ranker`` replaces the model in tests."""
        self.config = config
        self.alpha = config.semantic_alpha
        self.progress: SemanticProgress | None = None
        self._open_ranker = open_ranker or _open_ranker
        self._ranker: SemanticRanker | None = None

    @property
    def ranker(self) -> SemanticRanker:
        """The loaded model and vectors (one-line errors when the extra or model is missing)."""
        if self._ranker is None:
            self._ranker = self._open_ranker(self.config.state_dir, self.progress)
        return self._ranker

    def refresh(self, notes: Sequence[Note]) -> int:
        """Embed the notes lacking a current vector; drop the vectors of notes that are gone.

        ``notes`` is every note of the KB. Returns how many were embedded.
        """
        ranker = self.ranker
        progress = self.progress
        pending = ranker.pending(notes)
        if progress is not None and pending:
            progress("embedding notes", 0, pending)

        def advance(done: int, total: int) -> None:
            if progress is not None:
                progress("embedding notes", done, total)

        stats = ranker.sync(notes, progress=advance if pending else None, complete=True)
        return stats.embedded

    def _refresh_for_reading(self, notes: Sequence[Note], warnings: list[str]) -> None:
        """``refresh`` before a search: vectors that cannot be saved still serve this search."""
        try:
            self.refresh(notes)
        except OSError as exc:  # a read-only or full disk: the vectors are derived data
            warnings.append(
                f"semantic vectors in {embeddings_dir(self.config)} could not be saved "
                f"({exc.strerror or exc}); notes are embedded again next time"
            )

    def _refresh_if_changed(self, scan: ScanResult, warnings: list[str]) -> None:
        """``refresh`` before a search, unless no note changed since the last one.

        The catalog's generation changes with every note written, removed or edited
        outside tilbase; with it (and the vectors file) unchanged, every note already
        has its vector and no note file needs reading.
        """
        marker = embeddings_dir(self.config) / GENERATION_FILE
        if _read_marker(marker) == self._stamp(scan):
            return
        self._refresh_for_reading(scan.notes, warnings)
        with contextlib.suppress(OSError):
            marker.write_text(self._stamp(scan), encoding="utf-8")

    def _stamp(self, scan: ScanResult) -> str:
        from tilbase.semantic.store import STORE_FILE

        try:
            vectors = (embeddings_dir(self.config) / STORE_FILE).stat().st_mtime_ns
        except OSError:
            vectors = 0
        return f"{scan.generation} {vectors}"

    # -- searching -----------------------------------------------------------------------

    def search(
        self, searcher: Searcher, note_filter: NoteFilter, limit: int | None
    ) -> SearchResult:
        """``Searcher.search`` ranked by fused BM25 and cosine (relevance order only)."""
        from tilbase.query.syntax import filter_query, parse_query
        from tilbase.search import SearchResult, highlighted_hit

        text = (note_filter.query or "").strip()
        index = searcher.keeper.index
        parsed = parse_query(text, index.schema)
        matches = searcher.keeper.read(
            searcher.rescan,
            # No typo guesses: a guessed word's lone hit would take the whole BM25 share of
            # the fusion, and the sentence model already bridges words not in any note.
            lambda: index.search(
                parsed, filter_query=filter_query(note_filter), limit=None, correct_typos=False
            ),
        )
        scan = searcher.scan()
        ids_by_path = scan.ids  # from the catalog: no note file is read for ranking
        pool = _pool(searcher, note_filter, ids_by_path)
        allowed = set(pool)
        bm25: dict[str, float] = {}
        for hit in matches.hits:
            note_id = ids_by_path.get(hit.path)
            if note_id is not None and note_id in allowed:
                bm25[note_id] = hit.score or 0.0
        self._refresh_if_changed(scan, searcher.warnings)
        strict = parsed.fallback is None and is_strict_syntax(text)
        ranked = self.ranker.rank(
            query_words(text),
            bm25,
            pool=pool,
            alpha=self.alpha,
            dense_candidates=0 if strict else _dense_candidates(),
        )
        shown = ranked if limit is None else ranked[:limit]
        by_path = scan.by_path()
        path_of = {note_id: rel for rel, note_id in ids_by_path.items()}
        hits = [
            highlighted_hit(by_path[path_of[key]], score, matches.terms) for key, score in shown
        ]
        return SearchResult(
            hits,
            len(ranked),
            query=text,
            fallback=parsed.fallback,
            suggestion=matches.suggestion,
            searched=parsed.text,
        )

    def related(self, searcher: Searcher, note: Note, rel_path: str, limit: int) -> SearchResult:
        """``Searcher.related`` ranked by fused more-like-this BM25 and cosine."""
        from tilbase.search import SearchResult, highlighted_hit
        from tilbase.semantic.fusion import fuse

        index = searcher.keeper.index
        text = f"{note.title}\n{note.topic or ''}\n{note.body}"
        matches = searcher.keeper.read(
            searcher.rescan, lambda: index.related(rel_path, text, limit=RELATED_CANDIDATES)
        )
        scan = searcher.scan()
        by_path = scan.by_path()
        ids_by_path = scan.ids
        path_of = {note_id: rel for rel, note_id in ids_by_path.items()}
        self._refresh_if_changed(scan, searcher.warnings)
        bm25 = {
            other_id: hit.score or 0.0
            for hit in matches.hits
            if (other_id := ids_by_path.get(hit.path)) is not None and other_id != note.id
        }
        cosine = dict(self.ranker.related(note.id, pool=path_of, limit=RELATED_CANDIDATES))
        fused = [(key, score) for key, score in fuse(bm25, cosine, self.alpha) if key in path_of]
        hits = [
            highlighted_hit(by_path[path_of[key]], score, matches.terms)
            for key, score in fused[:limit]
        ]
        return SearchResult(hits, len(hits), query=note.id)


def _read_marker(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _pool(searcher: Searcher, note_filter: NoteFilter, ids_by_path: dict[str, str]) -> list[str]:
    """The ids a fused hit may come from: the notes passing the metadata filters."""
    from tilbase.store.view import NoteRows

    if not (note_filter.tags or note_filter.topic or note_filter.since or note_filter.until):
        return list(ids_by_path.values())
    chosen = searcher.select(note_filter) if searcher.select is not None else None
    if isinstance(chosen, NoteRows):  # the catalog answered: ids without reading files
        return chosen.ids()
    notes = chosen if chosen is not None else searcher.scan().notes
    return [note.id for note in notes if note_filter.matches_metadata(note)]


def _dense_candidates() -> int:
    from tilbase.semantic.ranker import DENSE_CANDIDATES

    return DENSE_CANDIDATES


def _open_ranker(state_dir: Path, progress: SemanticProgress | None) -> SemanticRanker:
    """Load the model and the KB's vectors; missing pieces are one-line errors naming the fixes."""
    from tilbase.semantic.ranker import SemanticRanker

    def downloading(name: str, done: int, total: int | None) -> None:
        if progress is not None:
            progress(f"downloading {name}", done, total)

    try:
        return SemanticRanker.open(state_dir, download_progress=downloading)
    except SemanticUnavailable as exc:
        raise SemanticUnavailable(exc.message, f"{INSTALL_HINT}, {_DISABLE_HINT}") from None


def forget_notes(config: Config, ids: Iterable[str]) -> None:
    """Drop removed notes' vectors (``til rm``), without loading the model.

    Best effort: vectors are derived data, and the next semantic search drops
    the vectors of notes that are gone anyway.
    """
    from tilbase.semantic.modelfiles import MODEL_SHA256
    from tilbase.semantic.store import STORE_FILE, EmbeddingStore

    folder = embeddings_dir(config)
    if not (folder / STORE_FILE).exists():
        return
    with contextlib.suppress(TilError, OSError):
        EmbeddingStore(folder, MODEL_SHA256).remove(ids)
