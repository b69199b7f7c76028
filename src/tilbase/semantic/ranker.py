"""The one object search, related, add and reindex talk to: embeddings plus fusion.

ranker = SemanticRanker.open(kb_derived_dir)          # loads (or fetches) the model
ranker.sync(notes, progress=bar)                      # reindex: embeds what changed
ranker.sync([note], complete=False)                   # add / edit: one note
ranker.forget(removed_ids)                            # rm
ranked = ranker.rank(query, bm25_by_id, pool=ids_passing_filters, alpha=0.5)
similar = ranker.related(note_id, pool=all_ids, limit=10)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tilbase.semantic.fusion import DEFAULT_ALPHA, fuse
from tilbase.semantic.store import EmbeddingStore, EmbedProgress, UpdateStats
from tilbase.semantic.texts import embedding_text

if TYPE_CHECKING:
    from tilbase.semantic.modelfiles import DownloadProgress

EMBEDDINGS_DIR = "embeddings"
DENSE_CANDIDATES = 50
"""Notes the cosine side may add to the lexical hits (its best ones within the pool)."""


class NoteText(Protocol):
    """What a note must offer to be embedded (``tilbase.model.Note`` does)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...


class TextEncoder(Protocol):
    """What the ranker needs from an encoder (``Encoder``, or a fake in tests)."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> Any: ...


class SemanticRanker:
    """A KB's note embeddings and the sentence model that makes them."""

    def __init__(self, folder: Path, encoder: TextEncoder) -> None:
        """Use ``encoder`` with the embedding store in ``folder``."""
        self.encoder = encoder
        self.store = EmbeddingStore(folder, encoder.model_id)

    @classmethod
    def open(
        cls, derived_dir: Path, *, download_progress: DownloadProgress | None = None
    ) -> SemanticRanker:
        """Load the model (fetching it on first use) for the KB whose ``.tilbase/`` is given.

        Raises ``SemanticUnavailable`` (extra missing), ``ModelMissing`` or
        ``ModelMismatch``: one-line ``TilError`` s.
        """
        from tilbase.semantic.deps import require_extra
        from tilbase.semantic.encoder import Encoder
        from tilbase.semantic.modelfiles import locate_model

        require_extra()  # first: no model download for an extra that is not installed
        folder = locate_model(progress=download_progress)
        return cls(derived_dir / EMBEDDINGS_DIR, Encoder(folder))

    def sync(
        self,
        notes: Iterable[NoteText],
        *,
        progress: EmbedProgress | None = None,
        complete: bool = True,
    ) -> UpdateStats:
        """Embed new or changed notes; with ``complete`` (all notes given) drop the others."""
        items = ((note.id, embedding_text(note.title, note.body)) for note in notes)
        return self.store.update(items, self.encoder.encode, progress=progress, complete=complete)

    def pending(self, notes: Iterable[NoteText]) -> int:
        """How many of ``notes`` ``sync`` would embed (to decide whether to show progress)."""
        return self.store.pending((n.id, embedding_text(n.title, n.body)) for n in notes)

    def forget(self, ids: Iterable[str]) -> int:
        """Drop the vectors of removed notes."""
        return self.store.remove(ids)

    def cosine(self, query: str, ids: Iterable[str] | None = None) -> dict[str, float]:
        """Cosine similarity of ``query`` with each embedded note (or each of ``ids``)."""
        vector = self.encoder.encode([query])[0]
        return self.store.query(vector, ids)

    def rank(
        self,
        query: str,
        bm25: dict[str, float],
        *,
        pool: Iterable[str] | None = None,
        alpha: float = DEFAULT_ALPHA,
        dense_candidates: int = DENSE_CANDIDATES,
    ) -> list[tuple[str, float]]:
        """Fused ranking: the lexical hits plus the best cosine notes within ``pool``.

        ``bm25`` maps the ids Whoosh found (already filtered) to their scores;
        ``pool`` is the set of ids a hit may come from (the notes passing the
        filters; None for the whole KB). Pass ``dense_candidates=0`` to only
        re-rank the lexical hits (for queries whose syntax must hold, such as
        ``title:`` or ``AND``).
        """
        allowed = None if pool is None else set(pool)
        dense = self.cosine(query, None if allowed is None else allowed | set(bm25))
        best = sorted(
            (key for key in dense if allowed is None or key in allowed),
            key=lambda key: -dense[key],
        )[:dense_candidates]
        candidates = {key: dense[key] for key in {*bm25, *best} if key in dense}
        return fuse(bm25, candidates, alpha)

    def related(
        self, note_id: str, *, pool: Iterable[str] | None = None, limit: int = 10
    ) -> list[tuple[str, float]]:
        """The notes nearest to ``note_id`` by cosine, best first (itself excluded)."""
        found, rows = self.store.vectors([note_id])
        if not found:
            return []
        scores = self.store.query(rows[0], pool)
        scores.pop(note_id, None)
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
