"""Acceptance checks of ``til import`` on ../shared/corpora (skipped when it is absent)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import CORPORA, requires_corpora
from tilbase.cli import app
from tilbase.config import init_kb

pytestmark = [requires_corpora(), pytest.mark.corpus]

SEEDS = CORPORA / "seeds"
D = dt.date


def til(config: Path, *args: str) -> tuple[int, Any, str]:
    result = CliRunner().invoke(app, ["--config", str(config), *args])
    data = json.loads(result.stdout) if "--json" in args and result.stdout.strip() else None
    return result.exit_code, data, result.stderr


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    config = init_kb(tmp_path_factory.mktemp("seeds-kb"))
    code, first, stderr = til(config, "import", "--json", str(SEEDS))
    assert code == 0, stderr
    code, second, stderr = til(config, "import", "--json", str(SEEDS))
    assert code == 0, stderr
    notes_dir = config.parent / "notes"
    return {"first": first, "second": second, "files": sorted(notes_dir.glob("*.md"))}


def by_file(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for note in report["notes"]:
        grouped.setdefault(note["source"]["path"], []).append(note)
    return grouped


def test_seeds_give_247_notes(seeds: dict[str, Any]) -> None:
    report = seeds["first"]
    assert report["counts"] == {"created": 247, "updated": 0, "unchanged": 0, "kept": 0}
    assert {path: len(notes) for path, notes in by_file(report).items()} == {
        "insights-dated-headings.md": 15,
        "til-daily-log-rendered.txt": 177,
        "link-notes-questions.md": 53,
        "ml-knowledge-gitbook.md": 1,
        "markmap-mindmap.md": 1,
    }
    assert len(seeds["files"]) == 247
    assert [s["file"].rsplit("/", 1)[1] for s in report["skipped"]] == ["SOURCE.txt"]


def test_seed_insights(seeds: dict[str, Any]) -> None:
    notes = by_file(seeds["first"])["insights-dated-headings.md"]
    dated = [D.fromisoformat(n["date"]) for n in notes if n["date"]]
    assert len(dated) == 14
    assert (min(dated), max(dated)) == (D(2022, 11, 2), D(2023, 2, 14))
    undated = [n for n in notes if n["date"] is None]
    assert [(n["title"], n["topic"], n["source"]["line"]) for n in undated] == [
        ("What is MLFlow?", "MLFlow", 52)
    ]
    assert any(
        w.endswith(
            "insights-dated-headings.md:52: '14.111.2022' is not a real date "
            "(month must be in 1..12); the entry is kept undated"
        )
        for w in seeds["first"]["warnings"]
    )
    titles = {n["title"]: n for n in notes}
    vision = titles["What are good practices working with vision models?"]
    assert vision["topic"] == "Vision Model/Pretraining"
    assert titles["How to enable lifelong learning?"]["tags"] == ["theory"]


def test_seed_day_log(seeds: dict[str, Any]) -> None:
    notes = by_file(seeds["first"])["til-daily-log-rendered.txt"]
    dates = [n["date"] for n in notes]
    assert None not in dates
    assert (min(dates), max(dates)) == ("2022-08-31", "2023-02-25")
    nov30 = [n for n in notes if n["date"] == "2022-11-30"]
    assert len(nov30) == 2
    assert len({n["id"] for n in nov30}) == 2
    assert [n["source"]["line"] for n in nov30] == [1771, 1782]


def test_seed_questions_and_pages(seeds: dict[str, Any]) -> None:
    grouped = by_file(seeds["first"])
    assert all(n["date"] is None for n in grouped["link-notes-questions.md"])
    assert [n["title"] for n in grouped["ml-knowledge-gitbook.md"]] == ["ML"]
    assert [n["title"] for n in grouped["markmap-mindmap.md"]] == ["SOTA"]


def test_seeds_second_import_creates_nothing(seeds: dict[str, Any]) -> None:
    assert seeds["second"]["counts"] == {"created": 0, "updated": 0, "unchanged": 247, "kept": 0}
    assert len(seeds["files"]) == 247


@pytest.fixture(scope="module")
def jbranchaud(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    config = init_kb(tmp_path_factory.mktemp("jb-kb"))
    folder = CORPORA / "jbranchaud-til"
    code, report, stderr = til(
        config,
        "import",
        "--dry-run",
        "--json",
        "--dates-from",
        str(folder / "dates.tsv"),
        str(folder),
    )
    assert code == 0, stderr
    return dict(report)


def test_jbranchaud_one_note_per_file_with_topics_from_folders(jbranchaud: dict[str, Any]) -> None:
    notes = jbranchaud["notes"]
    assert len(notes) == 1871
    assert all(n["topic"] == n["source"]["path"].split("/")[0] for n in notes)
    assert len({n["topic"] for n in notes}) == 76
    # Titles come from each file's H1, never from a "# comment" inside a code fence.
    assert all(n["source"]["line"] == 1 for n in notes)
    assert len({n["id"] for n in notes}) == 1871


def test_jbranchaud_dates_from_the_table(jbranchaud: dict[str, Any]) -> None:
    dates = [n["date"] for n in jbranchaud["notes"]]
    assert None not in dates
    assert min(dates) >= "2015-02-01"


def test_cboettig_dated_from_file_names(tmp_path: Path) -> None:
    config = init_kb(tmp_path / "kb")
    code, report, stderr = til(
        config, "import", "--dry-run", "--json", str(CORPORA / "cboettig-labnotebook-2012")
    )
    assert code == 0, stderr
    notes = report["notes"]
    assert len(notes) == 164
    for note in notes:
        name = note["source"]["path"].rsplit("/", 1)[1]
        assert note["date"] == name[:10], name
        assert note["title"]


def test_flancian_one_note_per_daily_file(tmp_path: Path) -> None:
    folder = CORPORA / "flancian-garden-journal"
    config = init_kb(tmp_path / "kb")
    code, report, stderr = til(config, "import", "--dry-run", "--json", str(folder))
    assert code == 0, stderr
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
    assert len(files) == 857
    per_file = Counter(n["source"]["path"] for n in report["notes"])
    assert set(per_file.values()) == {1}
    skipped = [s["file"].removeprefix(str(folder) + "/") for s in report["skipped"]]
    assert skipped == ["SOURCE.txt", "journal/2023-12-11_BASE_277894.md"]
    assert sorted(per_file) == [f for f in files if f != "journal/2023-12-11_BASE_277894.md"]
    # Files sharing a date stay separate notes.
    same_day = [n for n in report["notes"] if n["date"] == "2023-12-11"]
    assert len(same_day) == 4
    assert len({n["id"] for n in same_day}) == 4
