"""Proof: SIGKILL at random moments during ``til add``, ``import``, ``tag rename``, ``reindex``.

After every kill: every note file parses as a whole note (old or new, never half
written), the next command (``til log``, ``til search``) works and heals the
derived data, and running the killed command again completes with nothing lost.

Iterations per command: ``TILBASE_PROOF_KILLS`` (default 3). The kill moment is
drawn between 0 and the command's measured run time (a seeded ``random``;
``TILBASE_PROOF_SEED`` to replay).
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

import pytest

from tests.proof_helpers import env_count, kb_notes, make_kb, read_all, start, til

pytestmark = [pytest.mark.proof, pytest.mark.slow]

KILLS = env_count("TILBASE_PROOF_KILLS", 3)
SEED = int(os.environ.get("TILBASE_PROOF_SEED", "12"))
KILLED: list[str] = []  # for the summary line


def kill_at(config: Path, home: Path, delay: float, *args: str) -> bool:
    """Start ``til ARGS``, SIGKILL it after ``delay`` seconds; True when it was killed."""
    proc = start(config, home, *args)
    try:
        proc.wait(timeout=delay)
    except Exception:  # still running: the moment has come
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        KILLED.append(args[0])
        return True
    finally:
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
    return False


def timed(config: Path, home: Path, *args: str) -> float:
    began = time.monotonic()
    done = til(config, home, *args)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - began


def healthy(config: Path, home: Path, kb_dir: Path) -> None:
    """Every file a whole note; the next commands work and heal the index."""
    read_all(kb_dir)
    log = til(config, home, "log")
    assert log.returncode == 0, log.stderr
    assert "Traceback" not in log.stderr
    search = til(config, home, "search", "proof", "--json")
    assert search.returncode == 0, search.stderr
    assert "Traceback" not in search.stderr


def source_file(folder: Path, entries: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "log.md"
    path.write_text(
        "".join(
            f"# 2023-{1 + i // 28:02d}-{1 + i % 28:02d} Entry {i}: proof number {i}\n"
            f"body {i} #proof\n\n"
            for i in range(entries)
        )
    )
    return path


def test_kill_during_add(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    config = make_kb(tmp_path / "kb")
    home = tmp_path / "home"
    span = timed(config, home, "add", "proof warm-up note")
    finished = {"proof warm-up note"}
    for i in range(KILLS):
        text = f"proof add {i}"
        if not kill_at(config, home, rng.uniform(0, span), "add", text, "-t", "proof"):
            finished.add(text)
        healthy(config, home, tmp_path / "kb")
        bodies = {n.body.strip() for n in read_all(tmp_path / "kb")}
        assert finished <= bodies  # every add that finished is there
        again = til(config, home, "add", f"proof add {i} again")
        assert again.returncode == 0, again.stderr
        finished.add(f"proof add {i} again")
    bodies = {n.body.strip() for n in kb_notes(config)}
    assert finished <= bodies


def test_kill_during_import(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    config = make_kb(tmp_path / "kb")
    home = tmp_path / "home"
    source = source_file(tmp_path / "src", 60)
    span = timed(config, home, "import", str(source))
    for _ in range(KILLS):
        # Start from a KB holding some of the notes, so kills hit creates and updates.
        for path in read_all_paths(tmp_path / "kb")[::2]:
            path.unlink()
        text = source.read_text().replace("body ", "body changed ", rng.randint(1, 30))
        source.write_text(text)
        kill_at(config, home, rng.uniform(0, span), "import", str(source))
        healthy(config, home, tmp_path / "kb")
        rerun = til(config, home, "import", str(source))
        assert rerun.returncode == 0, rerun.stderr
        notes = kb_notes(config)
        titles = {n.title for n in notes}
        assert {f"proof number {i}" for i in range(60)} <= titles
        assert len(notes) == 60  # no duplicates either
        again = til(config, home, "import", str(source))
        assert "0 created, 0 updated" in again.stderr


def read_all_paths(kb_dir: Path) -> list[Path]:
    return sorted(p for p in (kb_dir / "notes").rglob("*.md") if not p.name.startswith("."))


def test_kill_during_tag_rename(tmp_path: Path) -> None:
    rng = random.Random(SEED + 2)
    config = make_kb(tmp_path / "kb")
    home = tmp_path / "home"
    source = source_file(tmp_path / "src", 40)
    assert til(config, home, "import", str(source)).returncode == 0
    names = ["proof", "renamed-a", "renamed-b"]
    span = timed(config, home, "tag", "rename", "proof", "renamed-a")
    for i in range(KILLS):
        old, new = names[(i + 1) % 3], names[(i + 2) % 3]
        kill_at(config, home, rng.uniform(0, span), "tag", "rename", old, new)
        healthy(config, home, tmp_path / "kb")
        rerun = til(config, home, "tag", "rename", old, new)
        # Exit 1 only when the killed run had already renamed every note.
        assert rerun.returncode in (0, 1), rerun.stderr
        notes = kb_notes(config)
        assert len(notes) == 40
        for note in notes:
            assert new in note.tags, (note.id, note.tags)
            assert old not in note.tags
            assert f"#{new}" in note.body  # the inline hashtag moved with it, whole


def test_kill_during_reindex(tmp_path: Path) -> None:
    rng = random.Random(SEED + 3)
    config = make_kb(tmp_path / "kb")
    home = tmp_path / "home"
    source = source_file(tmp_path / "src", 80)
    assert til(config, home, "import", str(source)).returncode == 0
    span = timed(config, home, "reindex")
    for _ in range(KILLS):
        kill_at(config, home, rng.uniform(0, span), "reindex")
        search = til(config, home, "search", "proof", "--json", "--limit", "200")
        assert search.returncode == 0, search.stderr
        assert "Traceback" not in search.stderr
        healthy(config, home, tmp_path / "kb")
        rerun = til(config, home, "reindex")
        assert rerun.returncode == 0, rerun.stderr
        hits = json.loads(til(config, home, "search", "proof", "--json", "--limit", "200").stdout)
        assert len(hits) == 80


def test_zz_report_kills() -> None:
    """Not a check: prints how many runs were really killed (pytest -s shows it)."""
    print(f"\nproof: {len(KILLED)} runs killed mid-way and survived: {sorted(set(KILLED))}")
