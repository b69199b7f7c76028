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


# -- deletions remembered: notes removed with til rm (read from the trash) ---------------

R1 = entry("## R", "removed one\n")
R_OLD = stored("r", R1)
REPEATED = [entry("## D", "first\n"), entry("## D~2", "second\n"), entry("## D~3", "third\n")]
D_OLD = [stored(f"d{n}", e) for n, e in enumerate(REPEATED, start=1)]

# (name, entries of one file, existing notes, removed notes, expected (action, id) per entry)
REMOVED_CASES = [
    (
        "a removed entry is not created again",
        [A1, R1],
        [A_OLD],
        [R_OLD],
        [("unchanged", "a"), ("removed", "r")],
    ),
    (
        "changed at the source since it was removed: still removed",
        [A1, entry("## R", "removed one, edited at the source\n")],
        [A_OLD],
        [R_OLD],
        [("unchanged", "a"), ("removed", "r")],
    ),
    (
        "a note in the KB wins over a removed copy of it (restored, then imported)",
        [R1],
        [R_OLD],
        [R_OLD.with_changes(id="r-old")],
        [("unchanged", "r")],
    ),
    (
        "the middle one of three repeated headings removed",
        REPEATED,
        [D_OLD[0], D_OLD[2]],
        [D_OLD[1]],
        [("unchanged", "d1"), ("removed", "d2"), ("unchanged", "d3")],
    ),
    (
        "removed twice (two copies in the trash): one removed entry",
        [R1],
        [],
        [R_OLD, R_OLD.with_changes(id="r-2")],
        [("removed", "r")],
    ),
    (
        "a removed note of another file is never matched",
        [entry("## R", "removed one\n", path="other.md")],
        [],
        [R_OLD],
        [("created", "")],
    ),
    (
        "a removed note that was not imported (no source) is ignored",
        [R1],
        [],
        [R_OLD.with_changes(source=None)],
        [("created", "")],
    ),
    (
        "a new entry next to a removed one is created",
        [R1, B1],
        [],
        [R_OLD],
        [("removed", "r"), ("created", "")],
    ),
]


@pytest.mark.parametrize(
    ("entries", "existing", "removed", "expected"),
    [c[1:] for c in REMOVED_CASES],
    ids=[c[0] for c in REMOVED_CASES],
)
def test_plan_table_with_removed_notes(
    entries: list[Note],
    existing: list[Note],
    removed: list[Note],
    expected: list[tuple[str, str]],
) -> None:
    [plan] = plan_import([entries], existing, removed=removed)
    got = [(p.action, p.note.id if p.action != "created" else "") for p in plan]
    assert got == expected


def test_without_removed_notes_a_removed_entry_is_created_again() -> None:
    """What ``--restore-removed`` does: the trash is not consulted, the entry comes back."""
    [[planned]] = plan_import([[R1]], [])
    assert planned.action == "created"
    assert planned.note.id == "2024-01-01-r"
