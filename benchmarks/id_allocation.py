"""Allocating ids for an import: ``model.unique_id`` per note against ``model.free_id``.

An import allocates one id per new note against the set of ids already taken.
``unique_id`` folds a copy of that set on every call (quadratic over an
import); ``free_id`` takes the importer's set, folded once. Prints the median
of ``--runs`` runs for each size.

Usage: python benchmarks/id_allocation.py [--runs 3] [--sizes 2000 10000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from tilbase.model import free_id, unique_id

Allocator = Callable[[str, set[str]], str]


def allocate_all(allocate: Allocator, ids: list[str]) -> float:
    taken: set[str] = set()
    start = time.perf_counter()
    for preferred in ids:
        taken.add(allocate(preferred, taken).casefold())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    args = parser.parse_args()
    allocators: dict[str, Allocator] = {"unique_id": unique_id, "free_id": free_id}
    for size in args.sizes:
        # Every tenth note repeats the one before (same date and title), so some get "-2".
        ids = [f"2023-01-{i % 28 + 1:02d}-title-{i}" for i in range(size)]
        ids = [ids[i - 1] if i % 10 == 9 else ids[i] for i in range(size)]
        medians = {
            name: statistics.median(allocate_all(fn, ids) for _ in range(args.runs))
            for name, fn in allocators.items()
        }
        ratio = medians["unique_id"] / medians["free_id"]
        print(
            f"{size:>6} ids: unique_id {medians['unique_id'] * 1000:9.1f} ms   "
            f"free_id {medians['free_id'] * 1000:7.1f} ms   ({ratio:,.0f}x)"
        )


if __name__ == "__main__":
    main()
