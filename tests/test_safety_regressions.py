"""Regression tests for issue 12's safety defects, each of which failed on 0.1.

Covered: ``til edit`` on a temporary copy with conflict detection (a tag added while
the editor is open survives; an emptied file or a failing editor changes nothing),
Ctrl-C in ``import``/``reindex`` (one line, exit 130), deletions remembered on
re-import, ``til add`` from stdin honouring frontmatter.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.proof_helpers import make_kb, start, til
from tilbase.config import load_config
from tilbase.kb import KnowledgeBase


def editor_script(tmp_path: Path, body: str) -> str:
    """An $EDITOR: a Python script that runs ``body`` with ``path`` bound to the file."""
    script = tmp_path / "editor.py"
    script.write_text(
        f"import sys, subprocess, pathlib\npath = pathlib.Path(sys.argv[1])\n{body}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return f"{sys.executable} {script}"


def the_note(kb_dir: Path, note_id: str) -> tuple[str, tuple[str, ...], str]:
    kb = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    kb.rescan()
    note = kb.store.resolve(kb.notes(), note_id)
    return note.title, note.tags, note.body


def test_edit_keeps_a_tag_added_while_the_editor_was_open(
    run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id = run("add", "original body", "--title", "Edited").stdout.strip()
    config = kb_dir / "config.yaml"
    body = (
        "text = path.read_text()  # the editor has the file open...\n"
        f"subprocess.run([sys.executable, '-m', 'tilbase', '--config', {str(config)!r}, "
        f"'tag', 'add', {note_id!r}, 'important'], check=True)\n"
        "path.write_text(text.replace('original body', 'edited body'))"
    )
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, body))
    result = run("edit", note_id)
    _, tags, text = the_note(kb_dir, note_id)
    assert "important" in tags
    if "edited body" not in text:  # not merged: then the edit is kept as a draft and said so
        assert result.exit_code != 0 or "draft" in result.stderr


def test_edit_that_empties_the_file_is_refused_and_the_note_stays(
    run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id = run("add", "keep me", "--title", "Kept").stdout.strip()
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, "path.write_text('')"))
    result = run("edit", note_id)
    assert "Saved" not in result.stdout + result.stderr
    assert the_note(kb_dir, note_id)[2].strip() == "keep me"


def test_edit_whose_editor_fails_changes_nothing(
    run: Run, kb_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note_id = run("add", "keep me", "--title", "Kept").stdout.strip()
    script = "path.write_text(path.read_text().replace('keep me', 'changed'))\nsys.exit(1)"
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, script))
    run("edit", note_id)
    assert the_note(kb_dir, note_id)[2].strip() == "keep me"


def test_reimport_does_not_bring_back_a_removed_note(
    run: Run, kb_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "log.md"
    source.write_text("# 2023-01-01 Keep\nx\n# 2023-01-02 Remove me\ny\n")
    assert run("import", str(source)).exit_code == 0
    removed = [p.stem for p in (kb_dir / "notes").rglob("*.md") if "remove-me" in p.stem]
    assert run("rm", removed[0]).exit_code == 0
    again = run("import", str(source))
    assert again.exit_code == 0
    assert not [p for p in (kb_dir / "notes").rglob("*.md") if "remove-me" in p.stem]
    assert "removed" in again.stderr


def test_add_from_stdin_honours_frontmatter(run: Run, kb_dir: Path) -> None:
    result = run("add", "-", input="---\ntitle: x\ntags: [a]\n---\nbody\n")
    assert result.exit_code == 0, result.stderr
    title, tags, body = the_note(kb_dir, result.stdout.strip())
    assert (title, tags, body.strip()) == ("x", ("a",), "body")


@pytest.mark.proof
@pytest.mark.slow
@pytest.mark.parametrize("command", ["import", "reindex"])
def test_ctrl_c_ends_with_one_line_and_exit_130(command: str, tmp_path: Path) -> None:
    config = make_kb(tmp_path / "kb")
    home = tmp_path / "home"
    source = tmp_path / "log.md"
    source.write_text("".join(f"# 2023-01-{1 + i % 28:02d} E{i}\nbody {i}\n" for i in range(3000)))
    if command == "reindex":
        assert til(config, home, "import", str(source)).returncode == 0
    args = ("import", str(source)) if command == "import" else ("reindex",)
    proc = start(config, home, *args, new_session=True)
    # Ctrl-C reaches the whole foreground job: til and Whoosh's writer processes. Send it
    # while the index is being built (its staging folder exists), the moment of the report.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if list((tmp_path / "kb" / ".tilbase").glob(".index.new-*/*")):
            time.sleep(0.5)  # into the writer processes' work
            break
        time.sleep(0.02)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= 1, err
    # The staging folder of the interrupted index build is gone, and so are its writers.
    assert not list((tmp_path / "kb" / ".tilbase").glob(".index.new-*"))
