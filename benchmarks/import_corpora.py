"""Time ``til import`` on each corpus in ../shared/corpora, against ``cat`` and ``rg`` baselines.

Each measurement is the median of ``--runs`` wall-clock runs of a real subprocess
(so Python start-up is included, as a person would see it):

* import    — into a fresh, empty KB (writes every note, fsync and all)
* reimport  — the same import again (every entry "unchanged": the idempotent path)
* dry-run   — a fresh KB with ``--dry-run`` (read + parse + match, no writes)
* cat / rg  — reading the same files with ``cat`` and ``rg -c ''``, the floor for "touch every byte"
* startup   — ``til --version``, the fixed cost inside every import time

Usage: python benchmarks/import_corpora.py [--runs 3] [--corpora ../shared/corpora]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
SUFFIXES = (".md", ".markdown", ".txt")
EXTRA_ARGS = {"jbranchaud-til": ["--dates-from", "{corpus}/dates.tsv"]}


def til(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tilbase", *args], capture_output=True, text=True, check=False
    )


def timed(
    action: Callable[[], object], runs: int, setup: Callable[[], None] | None = None
) -> float:
    samples = []
    for _ in range(runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def corpus_files(folder: Path) -> list[str]:
    return sorted(
        str(p)
        for p in folder.rglob("*")
        if p.is_file()
        and p.name.lower().endswith(SUFFIXES)
        and not any(part.startswith(".") and part.lower() not in SUFFIXES for part in p.parts)
    )


def measure(corpus: Path, runs: int, work: Path) -> dict[str, object]:
    kb = work / "kb"
    config = kb / "config.yaml"
    extra = [arg.format(corpus=corpus) for arg in EXTRA_ARGS.get(corpus.name, [])]

    def fresh_kb() -> None:
        shutil.rmtree(kb, ignore_errors=True)
        til("init", str(kb))

    def do_import(*flags: str) -> subprocess.CompletedProcess[str]:
        done = til("--config", str(config), "import", *flags, *extra, str(corpus))
        if done.returncode != 0:
            raise SystemExit(f"{corpus.name}: til import failed: {done.stderr.strip()}")
        return done

    files = corpus_files(corpus)
    result: dict[str, object] = {"corpus": corpus.name, "files": len(files)}
    result["import"] = timed(do_import, runs, fresh_kb)
    report = json.loads(do_import("--json").stdout)
    result["notes"] = report["counts"]["unchanged"]
    result["reimport"] = timed(do_import, runs)
    result["dry_run"] = timed(lambda: do_import("--dry-run"), runs, fresh_kb)
    result["cat"] = timed(
        lambda: subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True), runs
    )
    if shutil.which("rg"):
        result["rg"] = timed(
            lambda: subprocess.run(
                ["rg", "-c", "--no-messages", "", *files], stdout=subprocess.DEVNULL, check=False
            ),
            runs,
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args()
    if not args.corpora.is_dir():
        raise SystemExit(f"{args.corpora}: corpora folder not found")
    startup = timed(lambda: til("--version"), args.runs)
    print(f"til --version (start-up): {startup:.3f} s (median of {args.runs})")
    header = f"{'corpus':<28}{'files':>6}{'notes':>6}{'import':>9}{'reimport':>9}"
    header += f"{'dry-run':>9}{'cat':>8}{'rg':>8}{'import/rg':>10}"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in sorted(p for p in args.corpora.iterdir() if p.is_dir()):
            row = measure(corpus, args.runs, Path(tmp))
            rg = float(row.get("rg", float("nan")))  # type: ignore[arg-type]
            times = [float(row[k]) for k in ("import", "reimport", "dry_run")]  # type: ignore[arg-type]
            cells = "".join(f"{t:>8.2f}s" for t in times)
            print(
                f"{row['corpus']:<28}{row['files']:>6}{row['notes']:>6}{cells}"
                f"{float(row['cat']):>7.3f}s{rg:>7.3f}s{times[0] / rg:>9.0f}x",  # type: ignore[arg-type]
                flush=True,
            )


if __name__ == "__main__":
    main()
