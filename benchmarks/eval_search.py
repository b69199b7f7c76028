"""Search quality on judged queries: top-1, top-3 and MRR (mean reciprocal rank, top 10).

    python benchmarks/eval_search.py                 # every set in judged_queries.yaml
    python benchmarks/eval_search.py --set sample -v # one set, every query shown
    python benchmarks/eval_search.py --all-words     # the same queries with every word required
    python benchmarks/eval_search.py --set seeds --kb /tmp/seedkb   # a KB imported beforehand

Each set is evaluated on a fresh copy of its KB in a temporary folder: the
repository's sample KB, or the corpora imported with ``til import`` (skipped
while the importer does not exist). Tuning knobs (``--title-boost``,
``--tiebreak``, ``--coordination``) override the query module's constants so
alternatives can be compared on the same judgements.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from tilbase.config import load_config  # noqa: E402
from tilbase.filters import NoteFilter  # noqa: E402
from tilbase.kb import KnowledgeBase  # noqa: E402
from tilbase.model import Note  # noqa: E402

JUDGED = Path(__file__).resolve().parent / "judged_queries.yaml"
DEPTH = 10


@dataclass
class Outcome:
    query: str
    kind: str
    rank: int | None
    suggestion: str | None
    corrected_rank: int | None


def matches(note: Note, expect: dict[str, Any]) -> bool:
    """True when ``note`` is the one the judgement names."""
    if "id" in expect and note.id != expect["id"]:
        return False
    if "title" in expect and str(expect["title"]).casefold() not in note.title.casefold():
        return False
    return not ("date" in expect and (note.date is None or str(note.date) != str(expect["date"])))


def rank_of(kb: KnowledgeBase, query: str, expect: dict[str, Any]) -> tuple[int | None, Any]:
    result = kb.search(NoteFilter(query=query), limit=DEPTH)
    for rank, hit in enumerate(result.hits, start=1):
        if matches(hit.note, expect):
            return rank, result
    return None, result


def require_all(query: str) -> str:
    return " AND ".join(query.split())


def sample_kb(folder: Path, spec: dict[str, Any]) -> KnowledgeBase:
    config = REPO / spec["config"]
    shutil.copy(config, folder / "config.yaml")
    shutil.copytree(config.parent / "notes", folder / "notes")
    return KnowledgeBase(load_config(folder / "config.yaml"))


def imported_kb(folder: Path, spec: dict[str, Any]) -> KnowledgeBase | None:
    from typer.testing import CliRunner

    from tilbase.cli import app

    source = (REPO / spec["import"]).resolve()
    if not source.exists():
        print(f"  skipped: {source} is not here")
        return None
    commands = {command.name or command.callback.__name__ for command in app.registered_commands}
    if "import" not in commands:
        print("  skipped: there is no `til import` command yet")
        return None
    (folder / "config.yaml").write_text("notes_dir: notes\n", encoding="utf-8")
    (folder / "notes").mkdir()
    result = CliRunner().invoke(
        app, ["--config", str(folder / "config.yaml"), "import", str(source)]
    )
    if result.exit_code != 0:
        print(f"  skipped: til import failed ({result.exit_code}): {result.output[-300:]}")
        return None
    return KnowledgeBase(load_config(folder / "config.yaml"))


def evaluate(kb: KnowledgeBase, queries: list[dict[str, Any]], all_words: bool) -> list[Outcome]:
    outcomes = []
    for item in queries:
        query = require_all(item["query"]) if all_words else item["query"]
        rank, result = rank_of(kb, query, item["expect"])
        corrected = None
        if result.suggestion:
            corrected, _ = rank_of(kb, result.suggestion, item["expect"])
        outcomes.append(Outcome(query, item["kind"], rank, result.suggestion, corrected))
    return outcomes


def summary(outcomes: list[Outcome], corrected: bool = False) -> str:
    ranks = [(o.corrected_rank if corrected and o.suggestion else o.rank) for o in outcomes]
    top1 = sum(r == 1 for r in ranks) / len(ranks)
    top3 = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
    mrr = statistics.fmean(1 / r if r else 0.0 for r in ranks)
    found = sum(r is not None for r in ranks) / len(ranks)
    return (
        f"n={len(ranks):2}  top-1 {top1:5.1%}  top-3 {top3:5.1%}  MRR {mrr:.3f}  "
        f"in top {DEPTH} {found:5.1%}"
    )


def tune(args: argparse.Namespace) -> None:
    import tilbase.query.scoring
    import tilbase.query.syntax

    if args.title_boost is not None:
        tilbase.query.syntax.FIELD_BOOSTS["title"] = args.title_boost
    if args.tiebreak is not None:
        tilbase.query.scoring.FIELD_TIEBREAK = args.tiebreak
    if args.coordination is not None:
        tilbase.query.scoring.COORDINATION = args.coordination


def main() -> None:
    """Evaluate every judged set and print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="only", help="evaluate only this set")
    parser.add_argument(
        "--kb",
        type=Path,
        help="evaluate the set on a copy of this KB folder instead of building one",
    )
    parser.add_argument("--all-words", action="store_true", help="AND every word")
    parser.add_argument("--title-boost", type=float)
    parser.add_argument("--tiebreak", type=float)
    parser.add_argument("--coordination", type=float)
    parser.add_argument("-v", "--verbose", action="store_true", help="show every query")
    args = parser.parse_args()
    tune(args)
    judged = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))
    for name, spec in judged.items():
        if args.only and name != args.only:
            continue
        print(f"{name}:")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            if args.kb:
                shutil.copytree(args.kb, folder / "kb", ignore=shutil.ignore_patterns(".tilbase"))
                kb = KnowledgeBase(load_config(folder / "kb" / "config.yaml"))
            elif "config" in spec:
                kb = sample_kb(folder, spec)
            else:
                kb = imported_kb(folder, spec)
            if kb is None:
                continue
            outcomes = evaluate(kb, spec["queries"], args.all_words)
        if args.verbose:
            for o in outcomes:
                rank = o.rank if o.rank else "-"
                extra = (
                    f"   did you mean: {o.suggestion} -> {o.corrected_rank}" if o.suggestion else ""
                )
                print(f"  {rank!s:>2}  {o.kind:<10} {o.query}{extra}")
        print(f"  all          {summary(outcomes)}")
        by_kind: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            by_kind[outcome.kind].append(outcome)
        for kind, items in sorted(by_kind.items()):
            print(f"  {kind:<12} {summary(items)}")
        if any(o.suggestion for o in outcomes):
            print(f"  after did-you-mean {summary(outcomes, corrected=True)}")


if __name__ == "__main__":
    main()
