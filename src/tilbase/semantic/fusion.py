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

DEFAULT_ALPHA = 0.3
"""BM25's weight: the best on both dev sets through tilbase's own search path.

Measured by ``benchmarks/eval_semantic.py --kb DIR --alphas ...`` (Whoosh's BM25F as
the lexical side): jbranchaud (80 queries) top-1/top-3/MRR@10 at 0.2 .812/.925/.874,
0.3 .800/.938/.874, 0.4 .762/.900/.847, 0.5 .750/.900/.839; the sample KB (35) .971/
1.000/.986 for 0.2-0.4. (With SQLite FTS5 as the lexical side 0.4 was best; a
change to Whoosh's ranking may move it: measure again.)"""


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
