"""Optional semantic recall: a small sentence model's cosine fused with BM25.

Nothing here imports numpy, tokenizers or safetensors at import time; they
load when an ``Encoder`` or ``EmbeddingStore`` is first used, and their
absence is a one-line ``SemanticUnavailable`` (install ``tilbase[semantic]``).

The integration surface is ``SemanticRanker`` (``ranker.py``): ``open`` it on
the KB's ``.tilbase/`` folder, ``sync`` notes into it, ``rank`` a query's BM25
hits, ``related`` for a note. Underneath (docs/semantic.md for users):

- ``load_encoder()`` → ``Encoder``: ``encode(texts)`` gives unit vectors;
  it locates the model (``$TILBASE_MODEL_DIR`` or the cache, fetched on first
  use with ``locate_model(progress=...)``) and checks its pinned hash.
- ``EmbeddingStore(folder, encoder.model_id)``: ``update(items, encoder)``
  embeds new or changed notes only; ``query(vector, keys)`` gives cosines.
- ``embedding_text(title, body)``: the text a note is embedded from.
- ``fuse(bm25, cosine, alpha)``: the fused ranking.
"""

from __future__ import annotations

from tilbase.semantic.deps import extra_installed, require_extra
from tilbase.semantic.errors import ModelMismatch, ModelMissing, SemanticUnavailable
from tilbase.semantic.fusion import DEFAULT_ALPHA, fuse, minmax
from tilbase.semantic.ranker import SemanticRanker

__all__ = [
    "DEFAULT_ALPHA",
    "ModelMismatch",
    "ModelMissing",
    "SemanticRanker",
    "SemanticUnavailable",
    "extra_installed",
    "fuse",
    "minmax",
    "require_extra",
]
