"""The pure import plan: entries + existing notes -> created / updated / unchanged / kept."""

from __future__ import annotations

import datetime as dt

import pytest

from tilbase.importplan import ImportPlanner, plan_import, stored_fingerprint
from tilbase.model import Note, Source
from tilbase.notefile import read_note, render_note

ROOT = "~/til"


def entry(key: str, body: str, title: str | None = None, path: str = "til.md") -> Note:
    """An entry as a parser gives it: no id, a source with a key."""
    return Note(
        id="",
        title=title or key,
        date=dt.date(2024, 1, 1),
        body=body,
        source=Source(path, 1, key, None, ROOT),
    )


def stored(note_id: str, from_entry: Note) -> Note:
    """The note an earlier import wrote for ``from_entry``, as a scan reads it back."""
    assert from_entry.source is not None
    note = from_entry.with_changes(id=note_id, source=None)
    read_back = read_note(render_note(note), f"{note_id}.md").note
    source = Source(**{**from_entry.source.__dict__, "digest": read_back.fingerprint})
    return read_back.with_changes(source=source)


def edited_in_kb(note: Note, body: str) -> Note:
    return note.with_changes(body=body)


A1 = entry("## A", "alpha\n")
B1 = entry("## B", "beta\n")
A_OLD = stored("a", A1)
B_OLD = stored("b", B1)

# (name, entries of one file, existing notes, expected (action, id) per entry)
CASES = [
    ("new file: every entry is created", [A1, B1], [], [("created", ""), ("created", "")]),
    (
        "same entries again: unchanged",
        [A1, B1],
        [A_OLD, B_OLD],
        [("unchanged", "a"), ("unchanged", "b")],
    ),
    (
        "changed at the source, untouched in the KB: updated",
        [entry("## A", "alpha, more\n"), B1],
        [A_OLD, B_OLD],
        [("updated", "a"), ("unchanged", "b")],
    ),
    (
        "changed at the source and edited in the KB: the KB's note is kept",
        [entry("## A", "alpha, more\n")],
        [edited_in_kb(A_OLD, "my own words\n")],
        [("kept", "a")],
    ),
    (
        "heading renamed at the source: found by its unchanged body",
        [entry("## A renamed", "alpha\n", title="A")],
        [A_OLD],
        [("unchanged", "a")],
    ),
    (
        "entries swapped in the file: each finds its own note",
        [B1, A1],
        [A_OLD, B_OLD],
        [("unchanged", "b"), ("unchanged", "a")],
    ),
    (
        "a note of another file is never matched",
        [entry("## A", "alpha\n", path="other.md")],
        [A_OLD],
        [("created", "")],
    ),
]


@pytest.mark.parametrize(
    ("entries", "existing", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_plan_table(
    entries: list[Note], existing: list[Note], expected: list[tuple[str, str]]
) -> None:
    [plan] = plan_import([entries], existing)
    got = [(p.action, p.note.id if p.action != "created" else "") for p in plan]
    assert got == expected


def test_created_notes_get_free_ids_and_a_digest() -> None:
    taken = Note(id="2024-01-01-a", title="x", date=None, body="x\n")
    [plan] = plan_import([[A1, entry("## A~2", "again\n", title="A")]], [taken])
    ids = [p.note.id for p in plan]
    assert ids[0] != "2024-01-01-a"
    assert len(set(ids)) == 2
    for planned in plan:
        assert planned.note.source is not None
        assert planned.note.source.digest == stored_fingerprint(
            planned.note, f"{planned.note.id}.md"
        )


def test_a_note_is_matched_once_per_run() -> None:
    planner = ImportPlanner([A_OLD])
    first = planner.plan_file([A1])
    second = planner.plan_file([entry("## A", "alpha\n")])
    assert [p.action for p in first] == ["unchanged"]
    assert [p.action for p in second] == ["created"]


def test_an_export_imported_back_is_unchanged_by_id() -> None:
    kb_note = Note(id="x", title="X", date=dt.date(2024, 2, 2), body="body\n")
    exported = kb_note.with_changes(source=Source("export.md", 1, "x", None, ROOT))
    [plan] = plan_import([[exported]], [kb_note])
    assert [(p.action, p.note.id) for p in plan] == [("unchanged", "x")]


def test_updated_note_keeps_the_existing_id_and_path() -> None:
    [[planned]] = plan_import([[entry("## A", "alpha v2\n")]], [A_OLD])
    assert planned.action == "updated"
    assert planned.note.id == "a"
    assert planned.note.body == "alpha v2\n"
