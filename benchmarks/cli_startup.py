"""Time the capture-and-browse commands as a person runs them, against baselines.

Usage: python benchmarks/cli_startup.py [NOTES_DIR] [--runs N]

Copies NOTES_DIR (default: this repository's sample notes) into a temporary
KB, then times whole processes: ``til --help``, ``til log -n 5`` with a warm
catalog, ``til log`` with a cold one, ``til add`` and ``til show``. Baselines
run in the same session: ``python -c pass`` (interpreter start-up) and
``ls -R`` over the same notes. Prints medians and ratios; it is not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _median_seconds(
    command: list[str], runs: int, before: Callable[[], None] | None = None
) -> float:
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notes", nargs="?", type=Path, default=REPO / "notes")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp)
        shutil.copytree(args.notes, kb / "notes")
        (kb / "config.yaml").write_text("notes_dir: notes\n")
        til = [sys.executable, "-m", "tilbase", "--config", str(kb / "config.yaml")]
        count = sum(1 for _ in (kb / "notes").rglob("*.md"))
        newest = subprocess.run(
            [*til, "log", "-n", "1"], capture_output=True, text=True, check=True
        ).stdout.split("\t")[1]
        catalog = kb / ".tilbase" / "catalog.json"

        def drop_catalog() -> None:
            catalog.unlink(missing_ok=True)

        results = {
            "python -c pass (baseline)": _median_seconds([sys.executable, "-c", "pass"], args.runs),
            "ls -R notes (baseline)": _median_seconds(["ls", "-R", str(kb / "notes")], args.runs),
            "til --help": _median_seconds([*til, "--help"], args.runs),
            "til log -n 5 (warm catalog)": _median_seconds([*til, "log", "-n", "5"], args.runs),
            "til log -n 5 (cold catalog)": _median_seconds(
                [*til, "log", "-n", "5"], max(3, args.runs // 3), before=drop_catalog
            ),
            "til add TEXT": _median_seconds(
                [*til, "add", "benchmark note", "-t", "bench"], args.runs
            ),
            "til show PREFIX": _median_seconds([*til, "show", newest[:-1]], args.runs),
        }
        baseline = results["python -c pass (baseline)"]
        print(f"{count} notes from {args.notes}; medians of {args.runs} runs")
        for name, seconds in results.items():
            ratio = seconds / baseline
            print(f"  {name:<32} {seconds * 1000:8.1f} ms   {ratio:5.1f}x python start-up")


if __name__ == "__main__":
    main()
