"""The judged-query script's answers: a plain path, or ``path:LINE`` for one entry of a file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tilbase.model import Note, Source

_SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "eval_search.py"


def _eval_search() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_search", _SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_search", module)
    spec.loader.exec_module(module)
    return module


def _note(path: str, line: int | None) -> Note:
    return Note(id=f"n{line}", title="t", source=Source(path=path, line=line))


def test_a_plain_path_takes_any_entry_of_the_file_and_a_line_only_its_own() -> None:
    es = _eval_search()
    plain = es.Judged("q", ("log.md",))
    assert plain.is_answer(("log.md", 7))
    assert plain.is_answer(("log.md", None))
    assert not plain.is_answer(("other.md", 7))
    entry = es.Judged("q", ("log.md:7", "b.md:3"))
    assert entry.is_answer(("log.md", 7))
    assert entry.is_answer(("b.md", 3))
    assert not entry.is_answer(("log.md", 8))
    assert not entry.is_answer(("log.md", None))


def test_an_answer_line_that_no_note_starts_at_is_reported() -> None:
    es = _eval_search()
    notes = [_note("log.md", 1), _note("log.md", 25), _note("a:b.md", None)]
    judged = [es.Judged("q", ("log.md:25", "a:b.md")), es.Judged("r", ("log.md:24",))]
    (problem,) = es.unknown_answers(judged, notes)
    assert problem.startswith("log.md:24: no imported note starts there")
    assert "25" in problem


def test_ranks_count_the_first_right_entry() -> None:
    es = _eval_search()
    ranked = [("log.md", 1), ("log.md", 25)]
    (outcome,) = es.evaluate(lambda _query: ranked, [es.Judged("q", ("log.md:25",))])
    assert outcome.rank == 2
    assert outcome.first == "log.md:1"


def test_every_docvault_answer_is_a_page_the_fetch_script_makes() -> None:
    queries = _SCRIPT.parent / "queries"
    pages = set((queries / "docvault-files.txt").read_text(encoding="utf-8").split())
    answers = [
        path.partition(":")[0]
        for line in (queries / "docvault.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
        for path in line.split("\t")[1].split(",")
    ]
    assert len(answers) >= 60
    assert set(answers) <= pages


def test_every_awsnotes_answer_is_in_a_service_the_fetch_script_takes() -> None:
    spec = importlib.util.spec_from_file_location(
        "fetch_heldout", _SCRIPT.parent / "fetch_heldout.py"
    )
    assert spec is not None
    assert spec.loader is not None
    fetch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fetch)
    lines = (_SCRIPT.parent / "queries" / "awsnotes.tsv").read_text(encoding="utf-8").splitlines()
    answers = [path for line in lines if line.strip() for path in line.split("\t")[1].split(",")]
    assert len(lines) == 40
    assert {path.split("/")[0] for path in answers} <= set(fetch.AWS_SERVICES)
    assert all(path.endswith(".md") for path in answers)
