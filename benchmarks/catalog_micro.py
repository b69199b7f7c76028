"""Time the SQLite catalog in isolation on a generated KB (in-process, no CLI).

    python benchmarks/catalog_micro.py            # 10,000 notes
    python benchmarks/catalog_micro.py --count 50000

Uses the KB ``benchmarks/run.py`` generates (cached under its ``--cache``).
Times: the freshness walk with nothing changed (``Catalog.diff``) beside a
bare ``os.scandir`` walk that stats every file, ``newest(5)``, tag counts,
an id-prefix resolve, one upsert, a full build from an empty catalog, and
the cost of importing the module in a fresh interpreter. Medians and
min-max of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from run import cached_kb  # noqa: E402
from tilbase.notefile import read_note  # noqa: E402
from tilbase.store.catalog import Catalog, CatalogEntry, file_sig  # noqa: E402
from tilbase.text import decode_bytes  # noqa: E402

LOG_LIKE = """
from pathlib import Path
from tilbase.store.catalog import Catalog
with Catalog.open(Path({db!r})) as catalog:
    assert not catalog.diff(Path({notes!r}))
    for row in catalog.newest(5):
        print(row.date, row.id, row.title, sep="\\t")
"""


def parse(rel: str, path: Path) -> CatalogEntry | None:
    """Read one note file into its catalog entry (what a freshness service would pass)."""
    try:
        decoded = decode_bytes(path.read_bytes())
    except FileNotFoundError:
        return None
    result = read_note(decoded.text if decoded else "", rel)
    return CatalogEntry.from_note(result.note, rel, result.warnings)


def bare_walk(folder: str) -> int:
    """A plain recursive scandir that stats every .md file: the floor for any freshness check."""
    count = 0
    stack = [folder]
    while stack:
        for entry in os.scandir(stack.pop()):
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(".md"):
                entry.stat()
                count += 1
    return count


def timed(
    action: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> tuple[float, float, float]:
    """(median, min, max) milliseconds of ``repeat`` calls (``before`` each, untimed)."""
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def process_ms(code: str, repeat: int) -> float:
    """Median wall ms of a fresh interpreter running ``code``."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}  # the code under test
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env, stdout=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Build a catalog of the generated KB and print the timings as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "tilbase-bench")
    args = parser.parse_args()
    notes_dir, _meta = cached_kb(args.count, args.cache, args.seed)
    with tempfile.TemporaryDirectory(prefix="catalog-micro-") as tmp:
        db_path = Path(tmp) / "catalog.sqlite"
        catalog = Catalog.open(db_path)
        start = time.perf_counter()
        diff = catalog.refresh(notes_dir, parse)
        build_s = time.perf_counter() - start
        assert len(diff.added) == args.count, len(diff.added)
        some = sorted(diff.added)[args.count // 2]
        prefix = some[: max(len(some) - 6, 12)]
        row = catalog.get(some)
        assert row is not None
        some_path = notes_dir / some
        some_entry = parse(some, some_path)
        assert some_entry is not None
        new_entry = CatalogEntry(path="zz-new.md", id="zz-new", title="New", tags=("x", "y/z"))

        def upsert_one() -> None:
            catalog.upsert(some_entry, file_sig(some_path))

        def add_and_remove() -> None:
            catalog.upsert(new_entry, file_sig(some_path))
            catalog.delete("zz-new.md")

        def no_change() -> None:
            assert not catalog.diff(notes_dir)

        # The walk floor and the freshness diff, interleaved so that load bursts hit both.
        floor: list[float] = []
        fresh: list[float] = []
        for _ in range(args.repeat):
            floor.append(timed(lambda: bare_walk(str(notes_dir)), 1)[0])
            fresh.append(timed(no_change, 1)[0])
        results = {
            "bare os.scandir walk + stat (floor), interleaved with the next": (
                statistics.median(floor),
                min(floor),
                max(floor),
            ),
            "freshness: diff, nothing changed (snapshot)": (
                statistics.median(fresh),
                min(fresh),
                max(fresh),
            ),
            "Catalog.open (existing file)": timed(
                lambda: Catalog.open(db_path).close(), args.repeat
            ),
            "freshness: diff, nothing changed, after a write (all rows)": timed(
                no_change, args.repeat, before=upsert_one
            ),
            "newest(5)": timed(lambda: catalog.newest(5), args.repeat),
            "newest(5, tag='lang')": timed(lambda: catalog.newest(5, tag="lang"), args.repeat),
            "newest(5, since, until)": timed(
                lambda: catalog.newest(5, since=row.date, until=row.date), args.repeat
            ),
            "tag_totals()": timed(catalog.tag_totals, args.repeat),
            f"resolve('{prefix}')": timed(lambda: catalog.resolve(prefix), args.repeat),
            "select(topic='ml') (path order, all rows)": timed(
                lambda: catalog.select(topic="ml"), args.repeat
            ),
            "upsert one existing note (+ stat)": timed(upsert_one, args.repeat),
            "upsert one new note + delete it": timed(add_and_remove, args.repeat),
        }
        catalog.close()
        size_mb = db_path.stat().st_size / 2**20
    import_ms = process_ms("import tilbase.store.catalog", 7)
    bare_ms = process_ms("pass", 7)
    # A whole process doing what `til log -n 5` needs from the catalog (no Typer, no Rich):
    # what the command could cost once it answers from the catalog.
    with tempfile.TemporaryDirectory(prefix="catalog-micro-") as tmp:
        db_path = Path(tmp) / "catalog.sqlite"
        with Catalog.open(db_path) as catalog:
            catalog.refresh(notes_dir, parse)
            catalog.diff(notes_dir)  # stores the snapshot
        log_ms = process_ms(LOG_LIKE.format(db=str(db_path), notes=str(notes_dir)), 7)
    print(f"### Catalog micro-benchmark, {args.count:,} notes (load {os.getloadavg()[0]:.1f})\n")
    print("| operation | median ms | min–max ms |")
    print("|---|---:|---:|")
    for name, (med, low, high) in results.items():
        print(f"| {name} | {med:.2f} | {low:.2f}–{high:.2f} |")
    print(
        f"| full build from empty (parse every file) | {build_s * 1000:.0f} "
        f"({args.count / build_s:.0f} notes/s) | |"
    )
    print(f"| `python -c 'import tilbase.store.catalog'` vs `python -c pass` | {import_ms:.0f} vs "
          f"{bare_ms:.0f} | |")  # fmt: skip
    print(
        f"| process: open, diff, newest(5), print (a catalog-backed `til log -n 5` without "
        f"Typer/Rich) | {log_ms:.0f} (python -c pass: {bare_ms:.0f}) | |"
    )
    print(f"\ncatalog file: {size_mb:.1f} MB")


if __name__ == "__main__":
    main()
