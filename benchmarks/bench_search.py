"""Time search on a generated KB and compare with ripgrep on the same notes.

    python benchmarks/gen_notes.py 10000 /tmp/kb10k
    python benchmarks/bench_search.py /tmp/kb10k --repeat 7

Measures (medians of ``--repeat`` runs, each a fresh ``til`` process unless
noted): interpreter start (``python -c pass``), ``til --help``, a full
``til reindex``, a cold ``til search WORD --json`` on a current index,
``til search`` right after one note was edited (incremental sync included),
``til add``, and ``rg -i -l -w WORD notes/`` for the same words. With
``--in-process`` it also splits one search into its steps and compares full
rebuilds with one and two writer processes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

QUERIES = ["python", "whoosh index", "bofeca", "tilbase date", "git rebase commit"]


def timed(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):  # rg exits 1 when nothing matches
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return elapsed


def median_of(repeat: int, run: Callable[[], float]) -> float:
    return statistics.median(run() for _ in range(repeat))


def til(kb: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tilbase", "--config", str(kb / "config.yaml"), *args]


def words_in(kb: Path) -> list[str]:
    """The benchmark queries, plus a rare word taken from the KB itself."""
    first = sorted((kb / "notes").glob("*.md"))[len(QUERIES)]
    rare = first.stem.split("-")[-1]
    return [*QUERIES, rare]


def report(rows: list[tuple[str, float]], baseline: float) -> None:
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds * 1000:9.1f} ms   x{seconds / baseline:6.2f} rg")


def edit_one(kb: Path, round_: int) -> None:
    path = sorted((kb / "notes").glob("*.md"))[round_]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"- edited in benchmark round {round_}\n")


def in_process(kb: Path, query: str) -> None:
    """Time the steps of one search as ``tilbase.search.search`` runs them."""
    from tilbase.config import load_config
    from tilbase.index import NoteIndex, highlight_text
    from tilbase.kb import KnowledgeBase
    from tilbase.query import parse_query

    config = load_config(kb / "config.yaml")
    steps: dict[str, list[float]] = {}

    def step(name: str, start: float) -> float:
        now = time.perf_counter()
        steps.setdefault(name, []).append(now - start)
        return now

    for _ in range(5):
        kb_ = KnowledgeBase(config)
        t = time.perf_counter()
        stats = kb_.store.file_stats()
        t = step("stat every note file", t)
        index = NoteIndex(config.index_dir, config.notes_dir)
        index.sync(lambda stats=stats: stats, kb_.rescan)
        t = step("read manifest, diff, open index", t)
        parsed = parse_query(query, index.schema)
        t = step("parse query", t)
        matches = index.search(parsed, limit=10)
        t = step("search (10 hits, did-you-mean)", t)
        notes = [kb_.store.read_file(config.notes_dir / hit.path)[0] for hit in matches.hits]
        t = step("read the 10 hit files", t)
        for note in notes:
            highlight_text(note.title, matches.terms, whole=True)
            highlight_text(note.body, matches.terms)
        step("snippets (10 hits)", t)
        index.close()
    print(f"\nin-process steps for '{query}' (median of 5):")
    for name, values in steps.items():
        print(f"  {name:<40} {statistics.median(values) * 1000:8.1f} ms")


def rebuild_procs(kb: Path) -> None:
    import tilbase.index.ondisk
    from tilbase.config import load_config
    from tilbase.kb import KnowledgeBase

    config = load_config(kb / "config.yaml")
    print("\nfull rebuild, in process:")
    default_threshold = tilbase.index.ondisk.MULTIPROCESS_THRESHOLD
    for procs, threshold in ((1, 10**9), (2, 0)):
        tilbase.index.ondisk.MULTIPROCESS_THRESHOLD = threshold
        kb_ = KnowledgeBase(config)
        kb_.scan()
        index = tilbase.index.ondisk.NoteIndex(config.index_dir, config.notes_dir)
        start = time.perf_counter()
        report_ = index.rebuild(kb_.scan)
        elapsed = time.perf_counter() - start
        rate = report_.total / elapsed
        print(f"  procs={procs}: {elapsed:6.1f} s  ({rate:5.0f} notes/s)")
    tilbase.index.ondisk.MULTIPROCESS_THRESHOLD = default_threshold


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kb", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reindex-repeat", type=int, default=1)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()
    kb: Path = args.kb.resolve()
    if not shutil.which("rg"):
        raise SystemExit("ripgrep (rg) is needed: apt-get install -y ripgrep")
    notes = kb / "notes"
    count = len(list(notes.glob("*.md")))
    words = words_in(kb)
    print(f"KB: {kb} ({count} notes), queries: {words}, repeat: {args.repeat}")

    rg = statistics.median(
        median_of(args.repeat, lambda w=w: timed(["rg", "-i", "-l", "-w", w, str(notes)]))
        for w in words
    )
    python = median_of(args.repeat, lambda: timed([sys.executable, "-c", "pass"]))
    helptime = median_of(args.repeat, lambda: timed(til(kb, "--help")))
    timed(til(kb, "search", "warmup"))  # catalog and index exist before timing
    reindex = median_of(args.reindex_repeat, lambda: timed(til(kb, "reindex")))
    search = statistics.median(
        median_of(args.repeat, lambda w=w: timed(til(kb, "search", w, "--json"))) for w in words
    )
    rounds = iter(range(10**6))

    def after_edit() -> float:
        edit_one(kb, next(rounds))
        return timed(til(kb, "search", words[0], "--json"))

    edited = median_of(args.repeat, after_edit)
    add = median_of(args.repeat, lambda: timed(til(kb, "add", "benchmark note about okapis")))

    print(f"\nmedians (rg -i -l -w WORD notes/ = {rg * 1000:.1f} ms):")
    report(
        [
            ("python -c pass", python),
            ("til --help", helptime),
            ("rg -i -l -w WORD", rg),
            ("til search WORD --json (index current)", search),
            ("til search after editing 1 note", edited),
            ("til add (incremental index update)", add),
            ("til reindex (full rebuild)", reindex),
        ],
        rg,
    )
    print(
        json.dumps(
            {
                "notes": count,
                "rg_ms": round(rg * 1000, 1),
                "python_ms": round(python * 1000, 1),
                "help_ms": round(helptime * 1000, 1),
                "search_ms": round(search * 1000, 1),
                "search_after_edit_ms": round(edited * 1000, 1),
                "add_ms": round(add * 1000, 1),
                "reindex_s": round(reindex, 2),
                "search_vs_rg": round(search / rg, 2),
            }
        )
    )
    if args.in_process:
        in_process(kb, words[1])
        rebuild_procs(kb)


if __name__ == "__main__":
    main()
