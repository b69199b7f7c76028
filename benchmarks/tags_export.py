"""Time tag and export commands on a large KB, against baselines in the same session.

Usage: python benchmarks/tags_export.py [--runs N] [--notes N]

Builds a temporary KB of canonical notes -- one per file of the jbranchaud-til
corpus when ../shared/corpora is present (topic = folder, a few tags each,
some as inline #hashtags), else N generated notes -- then times whole ``til``
processes with a warm catalog: ``tag list``, ``tag rename --dry-run``, a real
``tag rename`` (renamed back between runs), ``export`` as markdown, json and
repo (into a fresh folder, and again into the same folder). Baselines:
``cat`` of every note into one file and ``cp -r`` of the notes folder.
Prints medians and ratios; it is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "jbranchaud-til"
TAGS = ["cli", "shell", "lang/python", "lang/ruby", "lang/javascript", "db", "tips", "web"]


def build_kb(folder: Path, generated: int) -> int:
    """Write canonical notes into ``folder/notes`` and return how many."""
    from tilbase.config import init_kb, load_config
    from tilbase.model import Note
    from tilbase.store import NoteStore

    init_kb(folder)
    store = NoteStore(load_config(folder / "config.yaml"))
    taken: list[str] = []
    sources: list[tuple[str, str, str]] = []
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*/*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            title, _, body = text.partition("\n")
            sources.append((path.parent.name, title.lstrip("# ").strip(), body.lstrip("\n")))
    else:
        for i in range(generated):
            sources.append((f"topic{i % 40}", f"Generated note {i}", "Some text.\n" * 20))
    start = dt.date(2015, 1, 1)
    for i, (topic, title, body) in enumerate(sources):
        tags = [TAGS[i % len(TAGS)], TAGS[(i * 7) % len(TAGS)]]
        if i % 3 == 0:
            body += f"\nSee also #{TAGS[(i * 3) % len(TAGS)]}.\n"
        note = Note(
            id="",
            title=title or f"note {i}",
            date=start + dt.timedelta(days=i),
            topic=topic,
            tags=tuple(tags),
            body=body,
        )
        taken.append(store.add(note, taken).id)
    return len(sources)


def median_seconds(
    command: list[str], runs: int, before: Callable[[], None] | None = None, shell: bool = False
) -> float:
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(
            command if not shell else " ".join(command),
            shell=shell,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--notes", type=int, default=2000, help="generated when no corpus")
    args = parser.parse_args()
    runs = args.runs

    with tempfile.TemporaryDirectory() as tmp:
        kb = Path(tmp) / "kb"
        count = build_kb(kb, args.notes)
        til = [sys.executable, "-m", "tilbase", "--config", str(kb / "config.yaml")]
        subprocess.run([*til, "log", "-n", "1"], capture_output=True, check=True)  # warm catalog
        out = Path(tmp) / "out"
        doc = Path(tmp) / "all.md"
        renamed = {"state": False}

        def clear_out() -> None:
            shutil.rmtree(out, ignore_errors=True)
            doc.unlink(missing_ok=True)

        def rename_back() -> None:
            if renamed["state"]:
                subprocess.run([*til, "tag", "rename", "shell-x", "shell"], capture_output=True)
            renamed["state"] = True

        results: dict[str, float] = {}
        results["python -c pass (start-up)"] = median_seconds([sys.executable, "-c", "pass"], runs)
        results["cat notes > one file (baseline)"] = median_seconds(
            ["cat", f"{kb}/notes/*.md", ">", str(doc)], runs, shell=True
        )
        results["cp -r notes (baseline)"] = median_seconds(
            ["cp", "-r", str(kb / "notes"), str(out)], runs, before=clear_out
        )
        results["til tag list"] = median_seconds([*til, "tag", "list"], runs)
        results["til tag list --json"] = median_seconds([*til, "tag", "list", "--json"], runs)
        results["til tag rename --dry-run"] = median_seconds(
            [*til, "tag", "rename", "lang", "language", "--dry-run"], runs
        )
        results["til tag rename (real)"] = median_seconds(
            [*til, "tag", "rename", "shell", "shell-x"], runs, before=rename_back
        )
        results["til export (markdown, stdout)"] = median_seconds([*til, "export"], runs)
        results["til export --group-by tag"] = median_seconds(
            [*til, "export", "--group-by", "tag"], runs
        )
        results["til export --format json"] = median_seconds([*til, "export", "-f", "json"], runs)
        results["til export -f repo (fresh folder)"] = median_seconds(
            [*til, "export", "-f", "repo", "-o", str(out)], runs, before=clear_out
        )
        results["til export -f repo (again, in place)"] = median_seconds(
            [*til, "export", "-f", "repo", "-o", str(out)], runs
        )
        print(f"{count} notes; medians of {runs} runs")
        cat = results["cat notes > one file (baseline)"]
        for name, seconds in results.items():
            print(f"  {name:<38} {seconds * 1000:8.1f} ms   {seconds / cat:6.1f}x cat")


if __name__ == "__main__":
    main()
