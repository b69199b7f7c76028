"""Time whole ``til`` processes on generated KBs, beside ripgrep and bare Python start-up.

    python benchmarks/run.py                 # 1,000 and 10,000 notes
    python benchmarks/run.py --big           # and 50,000
    python benchmarks/run.py --sizes 10000 --rounds 5

For each size a deterministic KB is generated once (150-400 words a note,
Zipf-distributed words, dated over four years, topics and hierarchical tags)
and cached under ``--cache``; every run works on a fresh copy of it. Then,
in interleaved rounds (each round runs every command once, so a busy
machine slows all of them alike), it times ``til --help``, ``til search
WORD``, ``til search WORD`` after one outside edit, ``til log -n 5``, ``til
tag list``, ``til show ID``, ``til add TEXT`` and the freshness check alone,
next to ``rg -il WORD`` over the same notes and ``python -c pass``. Builds
(``til reindex``, a first ``til import`` of the notes folder into an empty
KB) are timed apart, as notes per second. Peak memory is each child's own
(GNU ``time -f %M`` when installed, else ``ru_maxrss`` from ``os.wait4``,
which cannot go below this runner's own size). Prints one Markdown table per size:
medians, min-max, and ratios to the baselines of the same run.

The code under test is whatever ``--python -m tilbase`` imports (by default
this interpreter's). It is a measurement, not a test; Linux/macOS only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

GENERATOR_VERSION = 1  # bump when the generated notes change, to drop cached KBs
WORDS_PER_NOTE = (150, 400)
BENCH_TAGS = [
    "python",
    "git",
    "shell",
    "lang/go",
    "lang/rust",
    "lang/python",
    "lang/python/typing",
    "theory",
    "til",
    "ml",
    "ml/vision",
    "db",
    "db/postgres",
    "db/sqlite",
    "perf",
    "ops/docker",
    "ops/k8s",
    "writing",
    "career",
    "security",
]

# In-process freshness check, printed in ms. With the SQLite catalog it times
# ``CatalogKeeper.refresh`` with nothing changed (one walk compared with the
# catalog, and its stored warnings read), as every reading command pays it;
# otherwise (0.1, main before the catalog) the store scan every reading command
# ran (stat every file, load and compare catalog.json).
FRESHNESS_SNIPPET = r"""
import sys, time
from pathlib import Path
from tilbase.config import load_config
config = load_config(Path(sys.argv[1]))
try:
    from tilbase.store.freshness import CatalogKeeper
except ImportError:
    CatalogKeeper = None
from tilbase.store import NoteStore
store = NoteStore(config)
if CatalogKeeper is not None:
    CatalogKeeper(store, []).refresh()  # catch up untimed, as the previous command would
    keeper = CatalogKeeper(store, [])
    start = time.perf_counter()
    keeper.refresh()
    took = time.perf_counter() - start
    assert keeper.parsed == 0, keeper.parsed
else:
    start = time.perf_counter()
    store.scan()
    took = time.perf_counter() - start
print(took * 1000)
"""


@dataclass
class Samples:
    """The timings (seconds) and peak memories (bytes) of one command."""

    seconds: list[float] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Timed:
    """One command of a round: how to run it, and what to do (untimed) before it."""

    name: str
    argv: list[str]
    before: Callable[[], None] | None = None
    reports_ms: bool = False  # the process prints its own measurement


def _gnu_time() -> str | None:
    """GNU time, if installed: it forks from a small process, so ``%M`` is the child's own peak.

    (``ru_maxrss`` from ``os.wait4`` starts at this runner's own peak: the child
    is forked from it before it execs.)
    """
    path = shutil.which("time") or "/usr/bin/time"
    try:
        probe = subprocess.run([path, "-f", "%M", "true"], capture_output=True, check=False)
    except OSError:
        return None
    return path if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()

#: The children's environment: byte-code caching on (as for anyone who installed tilbase),
#: kept in one folder of this run's own so no source tree gets ``__pycache__`` folders.
CHILD_ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "tilbase-bench-pycache"),
}
_RSS_MARK = "@@peak-rss-kib "


def run_child(argv: list[str], *, capture: bool = False) -> tuple[float, int, str]:
    """Run a process to the end: (wall seconds, its own peak RSS in bytes, stdout)."""
    wrapped = [GNU_TIME, "-f", f"{_RSS_MARK}%M", *argv] if GNU_TIME else argv
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped,
            stdout=out if capture else subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=CHILD_ENV,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read().decode("utf-8", "replace")
    if GNU_TIME and _RSS_MARK in stderr:
        before, _, kib = stderr.rpartition(_RSS_MARK)
        peak = int(kib.split()[0]) * 1024
        stderr = before
        if "Command exited with non-zero status" in stderr:
            code = int(stderr.rsplit("status", 1)[1].split()[0])
    else:
        # ru_maxrss is KiB on Linux, bytes on macOS.
        peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    if code not in (0, 1):  # rg exits 1 when nothing matches
        raise SystemExit(f"{' '.join(argv)} failed ({code}): {stderr}")
    return took, peak, stdout.decode("utf-8", "replace")


# -- generating KBs -------------------------------------------------------------


def generate_kb(count: int, target: Path, seed: int) -> dict[str, str]:
    """Write ``count`` notes into ``target/notes`` and return facts the benchmark needs."""
    from gen_notes import make_note, vocabulary
    from tilbase.notefile import render_note

    rng = random.Random(seed)
    vocab = vocabulary(rng, extra=max(2000, count * 4))
    notes_dir = target / "notes"
    notes_dir.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    show_id = ""
    for index in range(count):
        note = make_note(rng, vocab, taken, words=WORDS_PER_NOTE, tags=BENCH_TAGS)
        (notes_dir / f"{note.id}.md").write_text(render_note(note), encoding="utf-8")
        if index == count // 2:
            show_id = note.id
    # A real word of middling frequency: common enough to fill a page of results.
    word = vocab[min(150, len(vocab) - 1)]
    meta = {"count": str(count), "word": word, "show_id": show_id}
    (target / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


def cached_kb(count: int, cache: Path, seed: int) -> tuple[Path, dict[str, str]]:
    """The generated KB for ``count`` notes, made on first use."""
    folder = cache / f"kb-{count}-seed{seed}-v{GENERATOR_VERSION}"
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {count} notes in {folder} ...", file=sys.stderr)
        generate_kb(count, folder, seed)
    meta: dict[str, str] = json.loads(meta_path.read_text(encoding="utf-8"))
    return folder / "notes", meta


# -- measuring ----------------------------------------------------------------


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


def spread(values: list[float]) -> str:
    return f"{fmt_ms(min(values))}–{fmt_ms(max(values))}"


def _variant_commands(
    label: str, python: str, kb: Path, meta: dict[str, str], edited: Path
) -> list[Timed]:
    """The timed ``til`` commands of one code version on its own copy of the KB."""
    config = kb / "config.yaml"
    til = [python, "-m", "tilbase", "--config", str(config)]
    word = meta["word"]
    edit_counter = [0]

    def outside_edit() -> None:
        edit_counter[0] += 1
        with edited.open("a", encoding="utf-8") as handle:
            handle.write(f"\n- edited outside til, time {edit_counter[0]}\n")

    tag = f" [{label}]" if label else ""
    return [
        Timed(f"til --help{tag}", [*til, "--help"]),
        Timed(f"til search {word}{tag}", [*til, "search", word]),
        Timed(
            f"til search {word}, after 1 outside edit{tag}", [*til, "search", word], outside_edit
        ),
        Timed(f"til log -n 5{tag}", [*til, "log", "-n", "5"]),
        Timed(f"til tag list{tag}", [*til, "tag", "list"]),
        Timed(f"til show ID{tag}", [*til, "show", meta["show_id"]]),
        Timed(f"til add TEXT{tag}", [*til, "add", "benchmark note about caching #bench"]),
        Timed(
            f"freshness check alone (in-process){tag}",
            [python, "-c", FRESHNESS_SNIPPET, str(config)],
            reports_ms=True,
        ),
    ]


def _copy_kb(source_notes: Path, kb: Path) -> None:
    shutil.rmtree(kb, ignore_errors=True)
    shutil.copytree(source_notes, kb / "notes")
    (kb / "config.yaml").write_text("notes_dir: notes\n", encoding="utf-8")


def _builds(
    label: str, python: str, kb: Path, source_notes: Path, args: argparse.Namespace, work: Path
) -> dict[str, Samples]:
    tag = f" [{label}]" if label else ""
    til = [python, "-m", "tilbase", "--config", str(kb / "config.yaml")]
    builds: dict[str, Samples] = {
        f"til reindex{tag}": Samples(),
        f"til import (first){tag}": Samples(),
    }
    for _ in range(args.build_rounds):
        took, peak, _ = run_child([*til, "reindex"])
        builds[f"til reindex{tag}"].seconds.append(took)
        builds[f"til reindex{tag}"].peak_rss.append(peak)
    for round_no in range(args.build_rounds):
        empty = work / f"import-{label}-{round_no}"
        shutil.rmtree(empty, ignore_errors=True)
        empty.mkdir()
        (empty / "config.yaml").write_text("notes_dir: notes\n", encoding="utf-8")
        took, peak, _ = run_child(
            [
                python,
                "-m",
                "tilbase",
                "--config",
                str(empty / "config.yaml"),
                "import",
                "--json",
                str(source_notes),
            ]
        )
        builds[f"til import (first){tag}"].seconds.append(took)
        builds[f"til import (first){tag}"].peak_rss.append(peak)
        shutil.rmtree(empty, ignore_errors=True)
    return builds


def bench_size(count: int, args: argparse.Namespace, work: Path) -> list[str]:
    """Run every measurement on one KB size; returns the Markdown table's lines.

    With ``--before PYTHON`` the same commands of that interpreter's tilbase run
    on their own copy of the KB, interleaved with this one's in every round.
    """
    source_notes, meta = cached_kb(count, args.cache, args.seed)
    word = meta["word"]
    variants = [("after" if args.before else "", args.python)]
    if args.before:
        variants.append(("before", args.before))
    commands = [
        Timed("python -c pass (baseline)", [args.python, "-c", "pass"]),
        Timed(f"rg -il {word} (baseline)", [args.rg, "-il", word, str(source_notes)]),
    ]
    builds: dict[str, Samples] = {}
    for label, python in variants:
        kb = work / f"kb{count}-{label or 'x'}"
        _copy_kb(source_notes, kb)
        if args.build_rounds and (label != "before" or args.before_builds):
            builds.update(_builds(label, python, kb, source_notes, args, work))
        run_child([python, "-m", "tilbase", "--config", str(kb / "config.yaml"), "search", word])
        edited = sorted((kb / "notes").glob("*.md"))[count // 3]
        commands += _variant_commands(label, python, kb, meta, edited)
    samples = {c.name: Samples() for c in commands}
    for command in commands:  # one untimed warm-up each (page cache, .pyc files)
        if command.before:
            command.before()
        run_child(command.argv)
    for round_no in range(args.rounds):
        order = commands[:] if round_no % 2 == 0 else commands[::-1]
        for command in order:
            if command.before:
                command.before()
            took, peak, out = run_child(command.argv, capture=command.reports_ms)
            if command.reports_ms:
                took = float(out.strip().splitlines()[-1]) / 1000
            samples[command.name].seconds.append(took)
            samples[command.name].peak_rss.append(peak)

    python_s = statistics.median(samples["python -c pass (baseline)"].seconds)
    rg_s = statistics.median(samples[f"rg -il {word} (baseline)"].seconds)
    lines = [
        f"### {count:,} notes ({args.rounds} interleaved rounds; builds: {args.build_rounds}; "
        f"load {os.getloadavg()[0]:.1f})",
        "",
        "| command | median ms | min–max ms | × rg | × python -c pass | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for command in sorted(commands, key=lambda c: c.name.endswith("[before]")):
        s = samples[command.name]
        med = statistics.median(s.seconds)
        ratio_rg = f"{med / rg_s:.2f}"
        ratio_py = f"{med / python_s:.2f}"
        peak = "—" if command.reports_ms else f"{max(s.peak_rss) / 2**20:.0f}"
        lines.append(
            f"| `{command.name}` | {fmt_ms(med)} | {spread(s.seconds)} | {ratio_rg} | "
            f"{ratio_py} | {peak} |"
        )
    if builds:
        lines += [
            "",
            "| build | notes/s (median) | min–max s | peak RSS MB |",
            "|---|---:|---:|---:|",
        ]
    for name, s in builds.items():
        med = statistics.median(s.seconds)
        lines.append(
            f"| `{name}` | {count / med:.0f} | {min(s.seconds):.1f}–{max(s.seconds):.1f} | "
            f"{max(s.peak_rss) / 2**20:.0f} |"
        )
    lines.append("")
    return lines


def main() -> None:
    """Parse options, run every size, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--big", action="store_true", help="also 50,000 notes")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--build-rounds", type=int, default=1, help="0: no builds")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs til")
    parser.add_argument(
        "--before",
        metavar="PYTHON",
        help="also time this interpreter's tilbase (e.g. a wrapper setting PYTHONPATH to main's "
        "src), interleaved with --python's in the same rounds",
    )
    parser.add_argument(
        "--before-builds", action="store_true", help="time the builds of --before too (slow)"
    )
    parser.add_argument("--rg", default=shutil.which("rg") or "rg")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "tilbase-bench")
    args = parser.parse_args()
    if not shutil.which(args.rg):
        raise SystemExit("ripgrep (rg) is needed for the baseline: apt-get install ripgrep")
    sizes = [*args.sizes, 50000] if args.big else args.sizes
    args.cache.mkdir(parents=True, exist_ok=True)
    version = subprocess.run(
        [args.python, "-c", "import tilbase, sys; print(tilbase.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"tilbase from {version}; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}\n")
    with tempfile.TemporaryDirectory(prefix="tilbase-bench-") as tmp:
        for count in sizes:
            print("\n".join(bench_size(count, args, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
