"""Search quality on judged queries, beside an SQLite FTS5 baseline run on the same notes.

    python benchmarks/eval_search.py FOLDER QUERIES.tsv [--split dev|test|all] [--json] [-v]
    python benchmarks/eval_search.py --set jbranchaud   # a set named in benchmarks/queries/sets.tsv
    python benchmarks/eval_search.py --all              # every named set

FOLDER is a folder of notes as a person has them; it is imported into a scratch
KB with tilbase's own importer (so topics come from folders, entries are split
as users get them). QUERIES is a TSV file: ``query<TAB>answer[,answer]``;
``#`` starts a comment line. An answer is a path relative to FOLDER, either
plain (``notes/git.md``: any note imported from that file is right) or with a
1-based line (``log.md:120``: only the note imported from that file whose
entry starts at that line is right, for files that hold many entries). The
line is the one the importer records as the note's source (``Source.line``:
the entry's heading or first line); notes carry no end line, so a line inside
an entry does not match, and the script warns about any ``path:LINE`` that no
imported note starts at. Every query runs through tilbase's search and
through the baseline: one FTS5 table (title, body), unicode61 tokenizer, the
query's words OR-ed, ranked by ``bm25(t, 2.0, 1.0)``.

``--split`` keeps a deterministic held-out part: a query is in ``test`` when the
first byte of the SHA-1 of its text is below 77 (about 30%), else in ``dev``.
Ranking changes are tuned on ``dev`` only. The scratch KB is cached under
``--cache`` (one folder per corpus) so repeated runs do not re-import; the
index inside it is brought up to date (or rebuilt on a schema change) as usual.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from tilbase.config import init_kb, load_config  # noqa: E402
from tilbase.filters import NoteFilter  # noqa: E402
from tilbase.kb import KnowledgeBase  # noqa: E402
from tilbase.model import Note  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "queries"
SETS = QUERIES / "sets.tsv"
DEPTH = 10
#: A query is held out (``test``) when the first byte of its SHA-1 is below this (~30%).
TEST_CUT = 77
_FTS_WORD = re.compile(r"\w+")


#: Where a ranked note came from: its source file (relative to the folder) and start line.
Found = tuple[str, int | None]


@dataclass(frozen=True)
class Judged:
    """One judged query: the text and the answers (``path`` or ``path:LINE``) that are right."""

    query: str
    expected: tuple[str, ...]

    @property
    def split(self) -> str:
        """``test`` (held out) or ``dev``, fixed by the query's text."""
        digest = hashlib.sha1(self.query.encode("utf-8")).digest()
        return "test" if digest[0] < TEST_CUT else "dev"

    def is_answer(self, found: Found) -> bool:
        """Whether a ranked note (source file, start line) is one of the right answers."""
        return any(answers(expected, found) for expected in self.expected)


def split_answer(expected: str) -> Found:
    """``path`` -> (path, None); ``path:LINE`` -> (path, LINE)."""
    path, sep, line = expected.rpartition(":")
    if sep and path and line.isdigit():
        return path, int(line)
    return expected, None


def answers(expected: str, found: Found) -> bool:
    """Whether ``found`` is what ``expected`` names: the file, or the entry starting at LINE."""
    path, line = split_answer(expected)
    return found[0] == path and (line is None or found[1] == line)


def show_found(found: Found | None) -> str | None:
    """``path:LINE`` (or ``path`` when the note has no line) for the misses."""
    if found is None:
        return None
    return f"{found[0]}:{found[1]}" if found[1] is not None else found[0]


@dataclass
class Outcome:
    """Where the right note came for one query, and what came first instead."""

    query: str
    expected: tuple[str, ...]
    rank: int | None
    first: str | None


def read_judged(path: Path) -> list[Judged]:
    """The queries of a TSV file (``query<TAB>answer[,answer]``, ``#`` comments)."""
    judged = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        query, sep, paths = line.partition("\t")
        if not sep or not paths.strip():
            raise SystemExit(f"{path}:{number}: expected 'query<TAB>path[:LINE][,path[:LINE]]'")
        expected = tuple(p.strip() for p in paths.split(",") if p.strip())
        judged.append(Judged(query.strip(), expected))
    return judged


def import_folder(folder: Path, kb_dir: Path) -> KnowledgeBase:
    """A KB at ``kb_dir`` holding ``folder`` imported by tilbase (reused if already there)."""
    from tilbase.importer import collect_sources, import_sources

    config = kb_dir / "config.yaml"
    if config.exists():
        return KnowledgeBase(load_config(config))
    init_kb(kb_dir)
    kb = KnowledgeBase(load_config(config))
    sources = collect_sources([folder], exclude=[kb.config.notes_dir, kb.config.state_dir])
    import_sources(kb, sources)
    (kb_dir / "imported-from.txt").write_text(str(folder), encoding="utf-8")
    return kb


def source_of(note: Note) -> Found:
    """The source file a note was imported from (relative to the folder) and its start line."""
    return (note.source.path, note.source.line) if note.source is not None else ("", None)


def unknown_answers(judged: Sequence[Judged], notes: Sequence[Note]) -> list[str]:
    """The ``path:LINE`` answers that no imported note starts at (a typo, or a moved entry)."""
    starts: dict[str, set[int | None]] = {}
    for note in notes:
        path, line = source_of(note)
        starts.setdefault(path, set()).add(line)
    problems = []
    for item in judged:
        for expected in item.expected:
            path, line = split_answer(expected)
            if line is None or line in starts.get(path, set()):
                continue
            known = sorted(n for n in starts.get(path, set()) if n is not None)
            near = sorted(known, key=lambda n: abs(n - line))[:3]
            hint = f" (entries start at {', '.join(map(str, sorted(near)))} nearby)" if near else ""
            problems.append(f"{expected}: no imported note starts there{hint}: {item.query!r}")
    return problems


def tilbase_ranker(kb: KnowledgeBase) -> Callable[[str], list[Found]]:
    """Rank with tilbase's own search: where the top hits came from."""

    def rank(query: str) -> list[Found]:
        result = kb.search(NoteFilter(query=query), limit=DEPTH)
        return [source_of(hit.note) for hit in result.hits]

    return rank


def fts5_ranker(notes: Sequence[Note]) -> Callable[[str], list[Found]]:
    """The baseline: FTS5 (title, body), unicode61, words OR-ed, ``bm25(t, 2.0, 1.0)``."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='unicode61')")
    sources = [source_of(note) for note in notes]
    db.executemany(
        "INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)",
        [(i, note.title, note.body) for i, note in enumerate(notes)],
    )

    def rank(query: str) -> list[Found]:
        words = _FTS_WORD.findall(query)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = db.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 2.0, 1.0) LIMIT ?",
            (match, DEPTH),
        ).fetchall()
        return [sources[rowid] for (rowid,) in rows]

    return rank


def evaluate(rank: Callable[[str], list[Found]], judged: Sequence[Judged]) -> list[Outcome]:
    """Run every query and note the rank of the first right answer (top ``DEPTH``)."""
    outcomes = []
    for item in judged:
        found = rank(item.query)
        position = next((i for i, hit in enumerate(found, start=1) if item.is_answer(hit)), None)
        first = show_found(found[0]) if found else None
        outcomes.append(Outcome(item.query, item.expected, position, first))
    return outcomes


def scores(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """top-1, top-3 and MRR@10 of a list of outcomes."""
    if not outcomes:
        return {"n": 0, "top1": 0.0, "top3": 0.0, "mrr": 0.0}
    ranks = [o.rank for o in outcomes]
    return {
        "n": len(ranks),
        "top1": round(sum(r == 1 for r in ranks) / len(ranks), 3),
        "top3": round(sum(r is not None and r <= 3 for r in ranks) / len(ranks), 3),
        "mrr": round(statistics.fmean(1 / r if r else 0.0 for r in ranks), 3),
    }


def line(name: str, s: dict[str, float]) -> str:
    """One row of the table."""
    return (
        f"  {name:<9} n={s['n']:<3} top-1 {s['top1']:.3f}  top-3 {s['top3']:.3f}"
        f"  MRR@10 {s['mrr']:.3f}"
    )


def run_set(
    name: str, folder: Path, tsv: Path, split: str, cache: Path, verbose: bool
) -> dict[str, object]:
    """Evaluate one set; returns the scores and misses of tilbase and the baseline."""
    judged = [j for j in read_judged(tsv) if split == "all" or j.split == split]
    kb = import_folder(folder.resolve(), cache / name)
    notes = kb.notes()
    for problem in unknown_answers(judged, notes):
        print(f"warning: {tsv.name}: {problem}", file=sys.stderr)
    started = time.perf_counter()
    ours = evaluate(tilbase_ranker(kb), judged)
    seconds = time.perf_counter() - started
    base = evaluate(fts5_ranker(notes), judged)
    result: dict[str, object] = {
        "set": name,
        "split": split,
        "notes": len(notes),
        "tilbase": scores(ours),
        "fts5": scores(base),
        "seconds": round(seconds, 2),
        "misses": [asdict(o) for o in ours if o.rank != 1],
        "fts5_misses": [asdict(o) for o in base if o.rank != 1],
    }
    if verbose:
        for o, b in zip(ours, base, strict=True):
            print(f"  {o.rank or '-':>2} {b.rank or '-':>2}  {o.query}")
    return result


def show(result: dict[str, object], misses: bool) -> None:
    """Print one set's table, and its misses (query, expected, what came first)."""
    print(f"{result['set']} ({result['notes']} notes, split {result['split']}):")
    print(line("tilbase", result["tilbase"]))  # type: ignore[arg-type]
    print(line("fts5-or", result["fts5"]))  # type: ignore[arg-type]
    if misses:
        for miss in result["misses"]:  # type: ignore[attr-defined]
            rank = miss["rank"] or "-"
            print(f"    miss {rank!s:>2}  {miss['query']!r}")
            print(f"             want {', '.join(miss['expected'])}")
            print(f"             got  {miss['first']}")


def named_sets() -> dict[str, tuple[Path, Path]]:
    """The sets listed in ``benchmarks/queries/sets.tsv``: name -> (folder, queries)."""
    sets = {}
    for text in SETS.read_text(encoding="utf-8").splitlines():
        if not text.strip() or text.startswith("#"):
            continue
        name, folder, tsv = text.split("\t")
        sets[name] = ((REPO / folder).resolve(), (REPO / tsv).resolve())
    return sets


def tune(settings: Sequence[str]) -> None:
    """Override module constants (``tilbase.query.proximity.PROXIMITY=0``) to compare variants.

    Constants used at index time (field weights) need a fresh ``--cache``.
    """
    import importlib

    for setting in settings:
        target, _, value = setting.partition("=")
        module_name, _, name = target.rpartition(".")
        module = importlib.import_module(module_name)
        setattr(module, name, eval(value, vars(module)))  # a developer's own input


def main() -> None:
    """Evaluate the sets asked for and print (or dump as JSON) the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="folder of notes to import")
    parser.add_argument("queries", nargs="?", type=Path, help="TSV of judged queries")
    parser.add_argument("--set", dest="sets", action="append", help="a named set (repeatable)")
    parser.add_argument("--all", action="store_true", help="every named set")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--no-misses", action="store_true", help="leave the misses out")
    parser.add_argument("-v", "--verbose", action="store_true", help="rank of every query")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "tilbase-eval",
        help="where the scratch KBs are kept between runs",
    )
    parser.add_argument(
        "--tune",
        action="append",
        default=[],
        metavar="MODULE.NAME=VALUE",
        help="override a ranking constant for this run, e.g. tilbase.query.proximity.PROXIMITY=0",
    )
    args = parser.parse_args()
    tune(args.tune)
    jobs: list[tuple[str, Path, Path]] = []
    if args.folder and args.queries:
        jobs.append((args.folder.resolve().name, args.folder, args.queries))
    known = named_sets() if args.all or args.sets else {}
    for name in known if args.all else args.sets or []:
        folder, tsv = known[name]
        if not folder.is_dir():  # a corpus made on demand (benchmarks/fetch_docvault.py)
            print(f"{name}: skipped, {folder} is missing", file=sys.stderr)
            continue
        jobs.append((name, folder, tsv))
    if not jobs:
        parser.error("give FOLDER QUERIES, --set NAME or --all")
    results = [
        run_set(name, folder, tsv, args.split, args.cache, args.verbose and not args.json)
        for name, folder, tsv in jobs
    ]
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    for result in results:
        show(result, misses=not args.no_misses)


if __name__ == "__main__":
    main()
