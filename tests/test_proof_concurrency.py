"""Proof: mixed concurrent writers -- adds, tag adds, an import and a tag rename at once.

All start together as real processes on one KB; every one must succeed and nothing
any of them wrote may be lost. Writers per kind: ``TILBASE_PROOF_WRITERS`` (default 6).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.proof_helpers import env_count, kb_notes, make_kb, read_all, start, til

pytestmark = [pytest.mark.proof, pytest.mark.slow]

WRITERS = env_count("TILBASE_PROOF_WRITERS", 6)


def test_mixed_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    config = make_kb(tmp_path / "kb")
    home = tmp_path / "home"
    seed = tmp_path / "seed.md"
    seed.write_text(
        "".join(f"# 2022-01-{i + 1:02d} Seed {i}\nseed body {i} #old\n\n" for i in range(WRITERS))
    )
    assert til(config, home, "import", str(seed)).returncode == 0
    seeded = {n.title: n.id for n in kb_notes(config)}
    source = tmp_path / "src" / "log.md"
    source.parent.mkdir()
    source.write_text(
        "".join(f"# 2023-02-{i + 1:02d} Imported {i}\nimported body {i}\n\n" for i in range(20))
    )

    procs = [
        start(config, home, "add", f"concurrent add {i}", "-t", "fresh") for i in range(WRITERS)
    ]
    procs += [
        start(config, home, "tag", "add", seeded[f"Seed {i}"], f"extra-{i}") for i in range(WRITERS)
    ]
    procs.append(start(config, home, "import", str(source)))
    procs.append(start(config, home, "tag", "rename", "old", "renamed"))
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, (proc.args, err)
        assert "Traceback" not in err

    read_all(tmp_path / "kb")
    notes = kb_notes(config)
    bodies = {n.body.strip() for n in notes}
    assert {f"concurrent add {i}" for i in range(WRITERS)} <= bodies
    titles = {n.title for n in notes}
    assert {f"Imported {i}" for i in range(20)} <= titles
    by_title = {n.title: n for n in notes}
    for i in range(WRITERS):
        seeded_note = by_title[f"Seed {i}"]
        assert f"extra-{i}" in seeded_note.tags
        assert "renamed" in seeded_note.tags
        assert "old" not in seeded_note.tags
    assert len(notes) == WRITERS + WRITERS + 20
    search = til(config, home, "search", "concurrent", "--json", "--limit", "100")
    assert search.returncode == 0, search.stderr
