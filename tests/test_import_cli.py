"""``til import`` through the CLI: summary, --dry-run, --json, idempotency, errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture
def src(tmp_path: Path) -> Path:
    target = tmp_path / "src"
    shutil.copytree(FIXTURES, target)
    return target


def notes_in(kb_dir: Path) -> list[str]:
    return sorted(p.name for p in (kb_dir / "notes").glob("*.md"))


def test_import_prints_a_summary_with_warnings_on_stderr(run: Run, src: Path) -> None:
    result = run("import", str(src))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert (
        f"warning: {src}/learned.md:17: '31.02.2024' is not a real date "
        "(day is out of range for month); the entry is kept undated" in lines
    )
    assert f"skipped {src}/til/README.txt: plain-text file without dated or headed entries" in lines
    assert "14 files read, 2 skipped; notes: 23 created, 0 updated, 0 unchanged, 0 kept" in lines
    assert lines[-1] == "4 warnings"  # one is a title heading above the first entry


def test_dry_run_writes_nothing(run: Run, src: Path, kb_dir: Path) -> None:
    result = run("import", "--dry-run", str(src))
    assert result.exit_code == 0, result.stderr
    assert "notes: 23 created" in result.stderr
    assert result.stderr.splitlines()[-1] == "dry run: nothing was written"
    assert notes_in(kb_dir) == []
    assert not (kb_dir / ".tilbase" / "index").exists()


def test_json_output_shape(run: Run, src: Path) -> None:
    result = run("import", "--json", str(src / "learned.md"), str(src / "handbook.md"))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"dry_run", "files_read", "counts", "notes", "skipped", "warnings"}
    assert data["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "kept": 0}
    assert data["dry_run"] is False
    assert data["files_read"] == 2
    first = data["notes"][0]
    assert set(first) == {
        "id",
        "title",
        "date",
        "topic",
        "tags",
        "action",
        "file",
        "source",
        "path",
    }
    assert first["id"] == "2024-03-03-why-is-my-index-not-used"
    assert first["title"] == "Why is my index not used?"
    assert first["date"] == "2024-03-03"
    assert first["topic"] == "Databases/Postgres"
    assert first["tags"] == ["sql"]
    assert first["action"] == "created"
    assert first["file"] == str(src / "learned.md")
    assert first["source"] == {
        "path": "learned.md",
        "line": 6,
        "key": "03-03-2024-databases-postgres-why-is-my-index-not-used-sql",
    }
    assert first["path"].endswith("notes/2024-03-03-why-is-my-index-not-used.md")
    assert data["warnings"][-1].startswith(f"{src}/learned.md:17: ")


def test_importing_twice_creates_nothing(run: Run, src: Path, kb_dir: Path) -> None:
    assert run("import", str(src)).exit_code == 0
    before = notes_in(kb_dir)
    again = run("import", "--json", str(src))
    assert json.loads(again.stdout)["counts"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 23,
        "kept": 0,
    }
    assert notes_in(kb_dir) == before


def test_update_after_a_source_change_and_kept_when_edited_in_the_kb(
    run: Run, src: Path, kb_dir: Path
) -> None:
    log = src / "learned.md"
    assert run("import", str(log)).exit_code == 0
    edited_path = kb_dir / "notes" / "2024-03-01-what-does-set-euo-pipefail-do.md"
    edited_path.write_text(edited_path.read_text().replace("stop on errors", "halt on errors"))
    text = log.read_text()
    text = text.replace("stop on errors", "exit on errors").replace("a local history", "a history")
    log.write_text(text)
    result = run("import", str(log))
    assert result.exit_code == 0, result.stderr
    assert "notes: 0 created, 1 updated, 2 unchanged, 1 kept" in result.stderr
    assert (
        f"kept 2024-03-01-what-does-set-euo-pipefail-do ({log}:10): edited in the KB since it "
        "was imported, so the source's changes were not applied"
    ) in result.stderr.splitlines()
    assert "halt on errors" in edited_path.read_text()
    assert "- a history of where" in (kb_dir / "notes" / "what-is-a-reflog.md").read_text()


def test_unknown_style_is_one_line_and_exit_1(run: Run, src: Path, kb_dir: Path) -> None:
    result = run("import", "--style", "fancy", str(src))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "error: unknown style 'fancy'; known styles: export, dated-headings"
    )
    assert notes_in(kb_dir) == []


def test_missing_path_is_one_line_and_exit_1(run: Run, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'nowhere'}: no such file or folder\n"


def test_bad_dates_from_is_one_line_and_exit_1(run: Run, src: Path) -> None:
    result = run("import", "--dates-from", "somewhere.tsv", str(src))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "--dates-from: 'somewhere.tsv' is neither 'git' nor a dates table file" in result.stderr


def test_style_option_applies_to_every_file(run: Run, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Guide\n## One\nx\n## Two\ny\n")
    result = run("import", "--json", "--dry-run", "--style", "questions", str(page))
    assert [n["title"] for n in json.loads(result.stdout)["notes"]] == ["Guide"]
    page.write_text("## One\nx\n## Two\ny\n")
    result = run("import", "--json", "--dry-run", "--style", "page", str(page))
    assert [n["title"] for n in json.loads(result.stdout)["notes"]] == ["One"]


def test_help_lists_import_and_its_options(run: Run) -> None:
    result = run("import", "--help")
    assert result.exit_code == 0
    for option in ("--dry-run", "--json", "--style", "--dates-from"):
        assert option in result.stdout


def test_import_in_a_real_subprocess(kb_dir: Path, src: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tilbase",
            "--config",
            str(kb_dir / "config.yaml"),
            "import",
            "--json",
            str(src / "links.md"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["created"] == 3
    assert done.stderr == ""
    logged = subprocess.run(
        [sys.executable, "-m", "tilbase", "--config", str(kb_dir / "config.yaml"), "log"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "How do I profile Python code?" in logged.stdout


def test_summary_on_a_terminal_is_a_table_and_a_progress_bar_runs(
    run: Run, src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.render.ingest as render_ingest

    monkeypatch.setattr(render_ingest, "_stderr_is_terminal", lambda: True)
    monkeypatch.setattr(render_ingest, "PROGRESS_MIN_FILES", 1)
    result = run("import", str(src))
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stderr.splitlines()]
    assert "14 files read, 2 skipped, 23 notes" in lines
    assert any(line.split()[:2] == ["created", "23"] for line in lines)
    assert any(line.split()[:2] == ["kept", "0"] for line in lines)
