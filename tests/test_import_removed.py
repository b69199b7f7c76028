"""Deletions are remembered: a note removed with ``til rm`` is not re-created by re-import.

The trash keeps the removed note's file with its ``source`` frontmatter; the import
planner treats an entry whose note is in the trash as ``removed``. The regression
test against 0.1 (where the note came back) is
``tests/test_pending_safety.py::test_reimport_does_not_bring_back_a_removed_note``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run
from tilbase.kb import KnowledgeBase

LOG = "# 2023-01-01 Keep\nx\n# 2023-01-02 Remove me\ny\n# 2023-01-03 Also kept\nz\n"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "log.md"
    path.write_text(LOG)
    return path


def ids_in(kb_dir: Path) -> list[str]:
    return sorted(p.stem for p in (kb_dir / "notes").rglob("*.md"))


def import_json(run: Run, *args: str) -> dict[str, object]:
    result = run("import", "--json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_the_summary_says_how_many_were_skipped_as_removed(
    run: Run, kb_dir: Path, source: Path
) -> None:
    assert run("import", str(source)).exit_code == 0
    assert run("rm", "2023-01-02-remove-me").exit_code == 0
    again = run("import", str(source))
    assert again.exit_code == 0, again.stderr
    assert "2023-01-02-remove-me" not in ids_in(kb_dir)
    lines = again.stderr.splitlines()
    assert (
        "1 file read; notes: 0 created, 0 updated, 2 unchanged, 0 kept, 1 skipped as removed"
        in lines
    )
    assert any("--restore-removed" in line for line in lines)


def test_json_counts_and_records_name_the_removed_entries(
    run: Run, kb_dir: Path, source: Path
) -> None:
    first = import_json(run, str(source))
    assert first["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "kept": 0}
    assert run("rm", "2023-01-02-remove-me").exit_code == 0
    again = import_json(run, str(source))
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "kept": 0, "removed": 1}
    notes = again["notes"]
    assert isinstance(notes, list)
    assert [n["id"] for n in notes if n["action"] == "removed"] == ["2023-01-02-remove-me"]


def test_a_source_changed_since_the_removal_does_not_bring_it_back(
    run: Run, kb_dir: Path, source: Path
) -> None:
    assert run("import", str(source)).exit_code == 0
    assert run("rm", "2023-01-02-remove-me").exit_code == 0
    source.write_text(LOG.replace("\ny\n", "\ny, edited at the source\n"))
    assert import_json(run, str(source))["counts"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "kept": 0,
        "removed": 1,
    }
    assert "2023-01-02-remove-me" not in ids_in(kb_dir)


def test_restore_removed_brings_them_back_under_their_old_ids(
    run: Run, kb_dir: Path, source: Path
) -> None:
    assert run("import", str(source)).exit_code == 0
    before = (kb_dir / "notes" / "2023-01-02-remove-me.md").read_text()
    assert run("rm", "2023-01-02-remove-me").exit_code == 0
    dry = import_json(run, "--dry-run", "--restore-removed", str(source))
    assert dry["counts"] == {"created": 1, "updated": 0, "unchanged": 2, "kept": 0}
    assert "2023-01-02-remove-me" not in ids_in(kb_dir)
    restored = import_json(run, "--restore-removed", str(source))
    assert restored["counts"] == {"created": 1, "updated": 0, "unchanged": 2, "kept": 0}
    assert (kb_dir / "notes" / "2023-01-02-remove-me.md").read_text() == before
    # The trash still holds the old copy, but the note in the KB wins from now on.
    later = import_json(run, str(source))
    assert later["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "kept": 0}


def test_removed_again_after_a_restore_stays_removed(run: Run, kb_dir: Path, source: Path) -> None:
    assert run("import", str(source)).exit_code == 0
    assert run("rm", "2023-01-02-remove-me").exit_code == 0
    assert run("import", "--restore-removed", str(source)).exit_code == 0
    assert run("rm", "2023-01-02-remove-me").exit_code == 0  # a second copy in the trash
    trashed = sorted(p.name for p in (kb_dir / ".tilbase" / "trash").rglob("*.md"))
    assert len(trashed) == 2
    again = import_json(run, str(source))
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "kept": 0, "removed": 1}
    assert "2023-01-02-remove-me" not in ids_in(kb_dir)


def test_a_dry_run_reports_removed_entries_too(run: Run, kb_dir: Path, source: Path) -> None:
    assert run("import", str(source)).exit_code == 0
    assert run("rm", "2023-01-02-remove-me").exit_code == 0
    dry = import_json(run, "--dry-run", str(source))
    assert dry["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "kept": 0, "removed": 1}


def test_removing_a_note_written_by_hand_changes_nothing_for_import(
    run: Run, kb_dir: Path, source: Path
) -> None:
    note_id = run("add", "by hand", "--title", "Mine").stdout.strip()
    assert run("rm", note_id).exit_code == 0
    assert import_json(run, str(source))["counts"]["created"] == 3  # type: ignore[index]


def test_the_store_reads_imported_notes_back_from_the_trash(kb: KnowledgeBase) -> None:
    trash = kb.config.trash_dir
    (trash / "sub").mkdir(parents=True)
    imported = (
        "---\nid: a\ntitle: A\nsource: {path: log.md, line: 3, key: '# A', root: /src}\n---\nbody\n"
    )
    (trash / "sub" / "a.md").write_text(imported)
    (trash / "sub" / "a.20240101T120000123456.md").write_text(imported.replace("id: a", "id: a2"))
    (trash / "mine.md").write_text("---\ntitle: Mine\n---\nwritten by hand\n")
    (trash / "notes.txt").write_text("not a note")
    removed = kb.store.removed_imports()
    assert sorted(n.id for n in removed) == ["a", "a2"]
    assert {n.path for n in removed} == {kb.config.notes_dir / "sub" / "a.md"}
    assert {n.source.key for n in removed if n.source} == {"# A"}


def test_no_trash_folder_means_nothing_removed(kb: KnowledgeBase) -> None:
    assert not kb.config.trash_dir.exists()
    assert kb.store.removed_imports() == []
