"""Fusing a lexical (BM25) and a dense (cosine) score into one ranking.

Both score sets are min-max normalised to [0, 1] over the candidates they
cover, then mixed: ``alpha * bm25 + (1 - alpha) * cosine``. A candidate one
side did not score gets 0 from that side. A side whose scores are all equal
(one hit, or ties) carries no ranking signal, so every candidate it scored
gets 1.0 from it: it neither reorders them nor favours it over the other side.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

DEFAULT_ALPHA = 0.4
"""BM25's weight: the best on both dev sets (jbranchaud, 80 queries; the sample KB, 35).

Measured by benchmarks/eval_semantic.py: 0.3-0.7 all beat FTS5-OR there."""


def minmax(scores: Mapping[K, float]) -> dict[K, float]:
    """Scale ``scores`` to [0, 1]; all-equal (or a single) scores become 1.0; NaNs are dropped."""
    finite = {key: value for key, value in scores.items() if not math.isnan(value)}
    if not finite:
        return {}
    low, high = min(finite.values()), max(finite.values())
    span = high - low
    if span <= 0 or not math.isfinite(span):
        return dict.fromkeys(finite, 1.0)
    return {key: (value - low) / span for key, value in finite.items()}


def fuse(
    bm25: Mapping[K, float], cosine: Mapping[K, float], alpha: float = DEFAULT_ALPHA
) -> list[tuple[K, float]]:
    """Rank the union of both candidate sets by ``alpha·minmax(bm25) + (1-alpha)·minmax(cosine)``.

    Returns ``(key, fused score)`` pairs, best first. Ties keep the lexical
    order (higher raw BM25 first), then the dense one, so equal fused scores
    rank deterministically for a given input.
    """
    if not 0.0 <= alpha <= 1.0 or math.isnan(alpha):
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")
    lexical, dense = minmax(bm25), minmax(cosine)
    fused = {
        key: alpha * lexical.get(key, 0.0) + (1.0 - alpha) * dense.get(key, 0.0)
        for key in {**lexical, **dense}
    }
    lexical_order = {key: rank for rank, key in enumerate(sorted(lexical, key=lambda k: -bm25[k]))}
    dense_order = {key: rank for rank, key in enumerate(sorted(dense, key=lambda k: -cosine[k]))}
    unranked = len(fused)
    return sorted(
        fused.items(),
        key=lambda item: (
            -item[1],
            lexical_order.get(item[0], unranked),
            dense_order.get(item[0], unranked),
        ),
    )
