"""``til edit`` on a temporary copy: no lost changes, no empty notes, merges when it can."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import Run
from tilbase.errors import EditorError, InvalidInput
from tilbase.kb import KnowledgeBase
from tilbase.textmerge import merge3


def _replace(old: str, new: str):  # type: ignore[no-untyped-def]
    def editor(path: Path, _configured: str | None) -> None:
        path.write_text(path.read_text().replace(old, new))

    return editor


def test_unchanged_edit_writes_nothing(kb: KnowledgeBase) -> None:
    note = kb.add("stays the same")
    assert note.path is not None
    before = note.path.stat().st_mtime_ns
    outcome = kb.edit_note(note.id, lambda path, _c: None)
    assert not outcome.changed
    assert note.path.stat().st_mtime_ns == before
    assert not list((kb.config.state_dir / "drafts").glob("*"))


def test_changed_edit_is_saved(kb: KnowledgeBase) -> None:
    note = kb.add("old words here")
    outcome = kb.edit_note(note.id, _replace("old words", "new words"))
    assert outcome.changed
    assert "new words" in outcome.note.body


def test_an_empty_result_is_refused_and_the_note_stays(kb: KnowledgeBase) -> None:
    """Regression (issue 12): an editor that truncated the file left a 0-byte note."""
    note = kb.add("precious text")
    assert note.path is not None
    with pytest.raises(InvalidInput, match="empty"):
        kb.edit_note(note.id, lambda path, _c: path.write_text(""))
    assert "precious text" in note.path.read_text()


def test_editor_failing_after_saving_applies_nothing_and_keeps_a_draft(
    kb: KnowledgeBase,
) -> None:
    """Regression (issue 12): `:w` then `:cq` kept the changes although edit failed."""
    note = kb.add("original body")
    assert note.path is not None

    def failing(path: Path, _c: str | None) -> None:
        path.write_text(path.read_text().replace("original", "half-done"))
        raise EditorError("editor 'vim' exited with status 1")

    with pytest.raises(EditorError) as caught:
        kb.edit_note(note.id, failing)
    assert "original body" in note.path.read_text()
    assert caught.value.hint is not None
    assert "drafts" in caught.value.hint
    drafts = list((kb.config.state_dir / "drafts").glob("*.md"))
    assert len(drafts) == 1
    assert "half-done" in drafts[0].read_text()


def test_a_concurrent_tag_add_is_merged_not_lost(kb: KnowledgeBase) -> None:
    """Regression (issue 12): a tag added while the editor was open was silently dropped."""
    note = kb.add("First line of body.\n\nSecond paragraph to change.\n", tags=["a"])

    def editor(path: Path, _c: str | None) -> None:
        other = KnowledgeBase(kb.config)
        other.tag_add(note.id, ["important"])
        path.write_text(path.read_text().replace("Second paragraph", "Edited paragraph"))

    outcome = kb.edit_note(note.id, editor)
    assert outcome.merged
    assert "important" in outcome.note.tags
    assert "Edited paragraph" in outcome.note.body


def test_overlapping_changes_keep_a_draft_and_overwrite_nothing(kb: KnowledgeBase) -> None:
    note = kb.add("one line only")
    assert note.path is not None

    def editor(path: Path, _c: str | None) -> None:
        assert note.path is not None
        note.path.write_text(note.path.read_text().replace("one line", "their line"))
        path.write_text(path.read_text().replace("one line", "my line"))

    with pytest.raises(InvalidInput, match="changed on disk") as caught:
        kb.edit_note(note.id, editor)
    assert "their line" in note.path.read_text()
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("merge by hand")
    drafts = list((kb.config.state_dir / "drafts").glob("*.md"))
    assert len(drafts) == 1
    assert "my line" in drafts[0].read_text()


def test_edit_reports_the_final_id(kb: KnowledgeBase) -> None:
    """Regression (issue 11): edit named the old id after the id changed."""
    note = kb.add("rename me")
    outcome = kb.edit_note(note.id, _replace(f"id: {note.id}", "id: brand-new-id"))
    assert outcome.note.id == "brand-new-id"
    assert outcome.old_id == note.id


def _editor_script(tmp_path: Path, body: str | None, status: int = 0) -> str:
    script = tmp_path / "editor.py"
    action = f"p=sys.argv[1]; open(p,'a').write({body!r})" if body is not None else "pass"
    script.write_text(f"import sys\n{action}\nsys.exit({status})\n")
    return f"{sys.executable} {script}"


def test_cli_says_no_changes(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (issue 11): edit said Saved when nothing changed."""
    note_id = run("add", "untouched").stdout.strip()
    monkeypatch.setenv("EDITOR", _editor_script(tmp_path, None))
    result = run("edit", note_id)
    assert result.exit_code == 0
    assert "No changes" in result.stderr


def test_cli_saves_and_names_the_note(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id = run("add", "touched").stdout.strip()
    monkeypatch.setenv("EDITOR", _editor_script(tmp_path, "more\n"))
    result = run("edit", note_id)
    assert result.exit_code == 0, result.stderr
    assert f"Saved {note_id}" in result.stderr


def test_merge3_combines_separate_changes_and_refuses_overlaps() -> None:
    base = "a\nb\nc\nd\ne\n"
    assert merge3(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n") == "A\nb\nc\nd\nE\n"
    assert merge3(base, "A\nb\nc\nd\ne\n", "a\nB\nc\nd\ne\n") is None
    assert merge3(base, "X\nb\nc\nd\ne\n", "X\nb\nc\nd\ne\n") == "X\nb\nc\nd\ne\n"
    assert merge3(base, base, "changed\n") == "changed\n"
