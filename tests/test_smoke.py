"""A first end-to-end check that the CLI runs against a fresh KB."""

from __future__ import annotations

from tests.conftest import Run


def test_add_then_log_lists_the_note(run: Run) -> None:
    added = run("add", "Learned that git worktree gives a second checkout", "-t", "git")
    assert added.exit_code == 0, added.stderr
    note_id = added.stdout.strip()
    logged = run("log")
    assert note_id in logged.stdout
