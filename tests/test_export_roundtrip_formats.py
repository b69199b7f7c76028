"""Every export format round-trips (issue 12): JSON and repository exports, as the markdown
one in ``test_export_roundtrip.py``: generated notes -> export -> ``til import`` into a fresh
KB -> the same ids, titles, dates, topics, tags and bodies; importing into the KB the
export came from creates nothing.

Example counts: ``TILBASE_ROUNDTRIP_EXAMPLES`` (default 25 per format).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings

from tests.test_export_roundtrip import Key, fresh_kb, import_into, kb_at, kb_notes, key, til
from tilbase.export import ExportRequest, export_notes
from tilbase.model import Note

EXAMPLES = int(os.environ.get("TILBASE_ROUNDTRIP_EXAMPLES", "25"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

IdKey = tuple[str, Key]


def id_key(note: Note) -> IdKey:
    return (note.id, key(note))


def round_trip(notes: list[Note], fmt: str) -> tuple[Counter[IdKey], Counter[IdKey], str]:
    with fresh_kb() as source_dir, fresh_kb() as target_dir:
        source = kb_at(source_dir)
        for note in notes:
            source.store.add(note, taken_ids=[])
        source.notes_changed()
        before = Counter(id_key(n) for n in source.notes())
        out = source_dir.parent / ("all.json" if fmt == "json" else "repo")
        export_notes(source, ExportRequest(format=fmt, output=out))
        import_into(target_dir, out)
        after = Counter(id_key(n) for n in kb_at(target_dir).notes())
        again = til(source_dir, "import", str(out))
        assert again.exit_code == 0, again.output
    return before, after, again.stderr


@SETTINGS
@given(notes=kb_notes())
def test_json_export_then_import_gives_the_same_notes(notes: list[Note]) -> None:
    assume(len({n.id for n in notes}) == len(notes))
    before, after, again = round_trip(notes, "json")
    assert after == before
    assert "0 created" in again


@SETTINGS
@given(notes=kb_notes())
def test_repo_export_then_import_gives_the_same_notes(notes: list[Note]) -> None:
    assume(len({n.id for n in notes}) == len(notes))
    before, after, again = round_trip(notes, "repo")
    assert after == before
    assert "0 created" in again


def test_repo_import_of_a_subfolder_finds_the_index_above(tmp_path: Path) -> None:
    notes = [Note(id="a", title="A", topic="git", body="x\n"), Note(id="b", title="B", body="y")]
    with fresh_kb() as source_dir, fresh_kb() as target_dir:
        source = kb_at(source_dir)
        for note in notes:
            source.store.add(note, taken_ids=[])
        source.notes_changed()
        out = tmp_path / "parent" / "repo"
        export_notes(source, ExportRequest(format="repo", output=out))
        import_into(target_dir, tmp_path / "parent")  # the export is one folder down
        after = {n.id: n.body for n in kb_at(target_dir).notes()}
    assert after == {"a": "x\n", "b": "y"}
