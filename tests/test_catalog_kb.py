"""The catalog behind the KB and the CLI: it heals itself, follows outside edits, and writes
touch only what they change."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run
from tilbase.config import load_config
from tilbase.filters import NoteFilter
from tilbase.kb import KnowledgeBase
from tilbase.store import NoteStore
from tilbase.store.catalog import SCHEMA_VERSION


def _catalog(kb_dir: Path) -> Path:
    return kb_dir / ".tilbase" / "catalog.sqlite"


def _log_titles(run: Run) -> list[str]:
    result = run("log", "--json")
    assert result.exit_code == 0, result.stderr
    return sorted(entry["title"] for entry in json.loads(result.stdout))


def _three_notes(run: Run) -> None:
    for text in ("Alpha about sqlite", "Beta about whoosh", "Gamma about rust"):
        assert run("add", text).exit_code == 0


def _break_by_deleting(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _break_by_garbage(path: Path) -> None:
    _break_by_deleting(path)
    path.write_bytes(b"this is not a database, it is a note someone saved here" * 40)


def _break_by_schema_bump(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    db.commit()
    db.close()


@pytest.mark.parametrize("damage", [_break_by_deleting, _break_by_garbage, _break_by_schema_bump])
def test_the_next_command_rebuilds_a_lost_or_damaged_catalog_silently(
    run: Run, kb_dir: Path, damage: object
) -> None:
    _three_notes(run)
    assert _catalog(kb_dir).exists()
    damage(_catalog(kb_dir))  # type: ignore[operator]
    result = run("log", "--json")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert sorted(e["title"] for e in json.loads(result.stdout)) == [
        "Alpha about sqlite",
        "Beta about whoosh",
        "Gamma about rust",
    ]
    assert run("tag", "list").exit_code == 0
    found = run("search", "whoosh", "--json")
    assert [hit["title"] for hit in json.loads(found.stdout)] == ["Beta about whoosh"]


def test_a_catalog_damaged_after_opening_is_rebuilt_by_the_kb(kb_dir: Path) -> None:
    kb = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    kb.add("First note")
    kb.catalogs.close()
    _break_by_garbage(_catalog(kb_dir))
    again = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    assert [note.title for note in again.log()] == ["First note"]


def test_outside_edits_deletions_and_new_files_are_seen_by_the_next_command(
    run: Run, kb_dir: Path
) -> None:
    _three_notes(run)
    notes = kb_dir / "notes"
    alpha, beta, _gamma = sorted(notes.glob("*.md"))
    alpha.write_text(alpha.read_text().replace("Alpha about sqlite", "Alpha renamed"))
    os.utime(alpha, ns=(1, 1))
    beta.unlink()
    (notes / "sub").mkdir()
    (notes / "sub" / "delta.md").write_text("# Delta written in vim\n\nabout zebras\n")
    assert _log_titles(run) == ["Alpha renamed", "Delta written in vim", "Gamma about rust"]
    found = run("search", "zebras", "--json")
    assert [hit["title"] for hit in json.loads(found.stdout)] == ["Delta written in vim"]
    assert json.loads(run("search", "whoosh", "--json").stdout) == []
    shown = run("show", "delta")
    assert shown.exit_code == 0
    assert "about zebras" in shown.stdout


def test_one_kb_object_sees_outside_edits_between_calls(kb_dir: Path) -> None:
    kb = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    note = kb.add("about kedro pipelines", title="Pipelines")
    assert [n.id for n in kb.log()] == [note.id]
    (kb_dir / "notes" / "later.md").write_text("# Later\n")
    assert sorted(n.title for n in kb.log()) == ["Later", "Pipelines"]
    assert kb.get("later").title == "Later"


def test_add_reads_no_other_note(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(kb_dir / "config.yaml")
    warm = KnowledgeBase(config)
    for n in range(30):
        warm.add(f"note number {n} about things")
    assert warm.search(NoteFilter(query="things")).total == 30  # index built and current
    warm.catalogs.close()
    read: list[str] = []
    original = NoteStore._parse

    def counting(self: NoteStore, data: bytes, rel: str, path: Path) -> object:
        read.append(rel)
        return original(self, data, rel, path)

    monkeypatch.setattr(NoteStore, "_parse", counting)
    kb = KnowledgeBase(config)
    note = kb.add("one more, about sqlite catalogs")
    assert kb.warnings == []
    assert note.path is not None
    assert set(read) == {note.path.name}
    read.clear()
    found = KnowledgeBase(config).search(NoteFilter(query="catalogs"))
    assert [hit.note.id for hit in found.hits] == [note.id]
    assert set(read) == {note.path.name}  # only the hit's file, for its snippet


def test_add_ignores_a_broken_note_it_does_not_need(kb_dir: Path) -> None:
    config = load_config(kb_dir / "config.yaml")
    kb = KnowledgeBase(config)
    kb.add("a note to keep the catalog warm")
    kb.catalogs.close()
    broken = kb_dir / "notes" / "broken.md"
    broken.write_bytes(b"---\ntitle: [unclosed\n---\nbody\n")
    again = KnowledgeBase(config)
    again.add("added while another note is broken")
    assert not any("broken.md" in warning for warning in again.warnings)
    reader = KnowledgeBase(config)
    reader.log()  # the next reading command walks, parses the broken file and says so
    assert any(warning.startswith("broken.md:") for warning in reader.warnings)


def _til(kb_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tilbase", "--config", str(kb_dir / "config.yaml"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_ten_concurrent_adds_and_a_search_lose_nothing(run: Run, kb_dir: Path) -> None:
    assert run("add", "seed note so the index exists").exit_code == 0
    assert run("search", "seed").exit_code == 0
    adders = [_til(kb_dir, "add", f"parallel note {n} about quokkas") for n in range(10)]
    searcher = _til(kb_dir, "search", "quokkas")
    for proc in [*adders, searcher]:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    found = run("search", "quokkas", "--limit", "50", "--json")
    assert found.exit_code == 0, found.stderr
    titles = sorted(hit["title"] for hit in json.loads(found.stdout))
    assert titles == sorted(f"parallel note {n} about quokkas" for n in range(10))
    assert len(_log_titles(run)) == 11


def test_importing_again_reads_only_the_notes_of_that_source(
    kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tilbase.importer import ImportOptions, collect_sources

    source = tmp_path / "log.md"
    source.write_text(
        "# 01.02.2023 Git: What is a reflog?\n\nIt records where HEAD was.\n\n"
        "# 02.02.2023 Shell: Brace expansion\n\necho {a,b}\n",
        encoding="utf-8",
    )
    config = load_config(kb_dir / "config.yaml")
    kb = KnowledgeBase(config)
    kb.import_(collect_sources([source]), ImportOptions())
    for n in range(20):
        kb.add(f"unrelated note {n}")
    kb.catalogs.close()
    imported = {n.path.name for n in KnowledgeBase(config).search_notes(NoteFilter()) if n.source}
    assert len(imported) == 2
    read: list[str] = []
    original = NoteStore._parse

    def counting(self: NoteStore, data: bytes, rel: str, path: Path) -> object:
        read.append(rel)
        return original(self, data, rel, path)

    monkeypatch.setattr(NoteStore, "_parse", counting)
    again = KnowledgeBase(config)
    report = again.import_(collect_sources([source]), ImportOptions())
    assert [item.action for item in report.notes] == ["unchanged", "unchanged"]
    assert set(read) == imported


def test_notes_changed_after_a_write_outside_the_store_walks_once(kb_dir: Path) -> None:
    kb = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    kb.add("first note about otters")
    assert kb.search(NoteFilter(query="otters")).total == 1
    (kb_dir / "notes" / "moved-in.md").write_text("# Moved in\n\nmore otters\n")
    kb.notes_changed()  # e.g. after a restore or a merge that moved files itself
    assert kb.search(NoteFilter(query="otters")).total == 2
