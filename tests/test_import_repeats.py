"""Importing again when headings repeat: ``k``, ``k~2`` keys are positions, not identities.

Regression tests for review finding #3: deleting or inserting one of several
entries with the same heading (or the same day in a day log) shifted the
``~N`` keys, and the next import overwrote a different entry's note.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tilbase.config import init_kb, load_config
from tilbase.importer import ImportReport, collect_sources, import_sources
from tilbase.kb import KnowledgeBase

HEADED = "# 15.02.2023 Git: Worktrees\n- body {}\n\n"
DAY = "## Day {n}: 15 Feb 2023\n- body {body}\n\n"


def import_file(kb: KnowledgeBase, path: Path) -> ImportReport:
    exclude = [kb.config.notes_dir, kb.config.state_dir]
    report = import_sources(kb, collect_sources([path], exclude))
    kb.notes_changed()
    return report


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    """(created, updated, unchanged, kept)."""
    c = report.counts
    return c["created"], c["updated"], c["unchanged"], c["kept"]


def bodies(kb: KnowledgeBase) -> dict[str, str]:
    return {note.id: note.body.strip() for note in kb.notes()}


def headed(*names: str) -> str:
    return "".join(HEADED.format(name) for name in names)


def day_log(*entries: tuple[int, str]) -> str:
    return "# Log\n\n" + "".join(DAY.format(n=n, body=body) for n, body in entries)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "s.md"


def test_deleting_the_first_repeated_entry_does_not_overwrite_the_second(
    kb: KnowledgeBase, log: Path
) -> None:
    # The reviewer's repro: both notes used to end up saying "body three".
    log.write_text(headed("two", "three"))
    assert counts(import_file(kb, log)) == (2, 0, 0, 0)
    before = bodies(kb)
    assert sorted(before.values()) == ["- body three", "- body two"]
    log.write_text(headed("three"))
    report = import_file(kb, log)
    assert counts(report) == (0, 0, 1, 0)
    assert bodies(kb) == before
    # The entry is the note that held "body three", not the first note.
    assert report.notes[0].note.body.strip() == "- body three"
    assert counts(import_file(kb, log)) == (0, 0, 1, 0)


def test_inserting_a_repeated_entry_above_creates_it_and_leaves_the_other(
    kb: KnowledgeBase, log: Path
) -> None:
    log.write_text(headed("old"))
    import_file(kb, log)
    (old_id,) = bodies(kb)
    log.write_text(headed("new", "old"))
    report = import_file(kb, log)
    assert [(item.note.body.strip(), item.action) for item in report.notes] == [
        ("- body new", "created"),
        ("- body old", "unchanged"),
    ]
    assert bodies(kb)[old_id] == "- body old"
    assert sorted(bodies(kb).values()) == ["- body new", "- body old"]
    assert counts(import_file(kb, log)) == (0, 0, 2, 0)


def test_editing_the_second_repeated_entry_updates_it_in_place(
    kb: KnowledgeBase, log: Path
) -> None:
    log.write_text(headed("one", "two"))
    import_file(kb, log)
    ids = {body: note_id for note_id, body in bodies(kb).items()}
    log.write_text(headed("one", "two, edited"))
    report = import_file(kb, log)
    assert counts(report) == (0, 1, 1, 0)
    assert bodies(kb) == {ids["- body one"]: "- body one", ids["- body two"]: "- body two, edited"}


def test_swapped_repeated_entries_are_unchanged(kb: KnowledgeBase, log: Path) -> None:
    log.write_text(headed("one", "two"))
    import_file(kb, log)
    before = bodies(kb)
    log.write_text(headed("two", "one"))
    assert counts(import_file(kb, log)) == (0, 0, 2, 0)
    assert bodies(kb) == before


def test_swapped_and_edited_repeated_entries_never_swap_notes(kb: KnowledgeBase, log: Path) -> None:
    log.write_text(headed("one", "two"))
    import_file(kb, log)
    ids = {body: note_id for note_id, body in bodies(kb).items()}
    # "two" moved up unchanged; "one" moved down and changed. The unchanged one keeps its note;
    # the changed one's key (~2) is now the other's, so it cannot prove which note it was.
    log.write_text(headed("two", "one, edited"))
    report = import_file(kb, log)
    assert counts(report) == (1, 0, 1, 0)
    after = bodies(kb)
    assert (after[ids["- body one"]], after[ids["- body two"]]) == ("- body one", "- body two")
    assert "- body one, edited" in after.values()


def test_after_a_repeated_entry_was_deleted_an_edit_makes_a_new_note(
    kb: KnowledgeBase, log: Path
) -> None:
    # Once the group's keys no longer line up, a changed entry cannot prove which note it was:
    # a new note (a duplicate one can remove) is made rather than overwriting another's.
    log.write_text(headed("two", "three"))
    import_file(kb, log)
    before = bodies(kb)
    log.write_text(headed("three, edited"))
    assert counts(import_file(kb, log)) == (1, 0, 0, 0)
    after = bodies(kb)
    assert {k: after[k] for k in before} == before
    assert counts(import_file(kb, log)) == (0, 0, 1, 0)


def test_a_note_edited_in_the_kb_keeps_its_edit_when_a_repeat_is_deleted(
    kb: KnowledgeBase, log: Path
) -> None:
    log.write_text(headed("two", "three"))
    import_file(kb, log)
    second = next(n for n in kb.notes() if n.body.strip() == "- body three")
    assert second.path is not None
    edited = second.path.read_text().replace("- body three", "- body three, my words")
    second.path.write_text(edited)
    kb.notes_changed()
    log.write_text(headed("three"))
    assert counts(import_file(kb, log)) == (0, 0, 1, 0)
    assert second.path.read_text() == edited


def test_day_log_repeated_dates_deleting_the_first(kb: KnowledgeBase, log: Path) -> None:
    log.write_text(day_log((7, "morning"), (8, "evening")))
    assert counts(import_file(kb, log)) == (2, 0, 0, 0)
    keys = sorted(n.source.key for n in kb.notes() if n.source and n.source.key)
    assert keys == ["day-2023-02-15", "day-2023-02-15~2"]
    before = bodies(kb)
    log.write_text(day_log((8, "evening")))
    assert counts(import_file(kb, log)) == (0, 0, 1, 0)
    assert bodies(kb) == before


def test_day_log_repeated_dates_inserting_above(kb: KnowledgeBase, log: Path) -> None:
    log.write_text(day_log((8, "evening")))
    import_file(kb, log)
    before = bodies(kb)
    log.write_text(day_log((7, "morning"), (8, "evening")))
    assert counts(import_file(kb, log)) == (1, 0, 1, 0)
    after = bodies(kb)
    assert {k: after[k] for k in before} == before
    assert sorted(after.values()) == ["- body evening", "- body morning"]


def test_day_log_repeated_dates_editing_the_second(kb: KnowledgeBase, log: Path) -> None:
    log.write_text(day_log((7, "morning"), (8, "evening")))
    import_file(kb, log)
    ids = {body: note_id for note_id, body in bodies(kb).items()}
    log.write_text(day_log((7, "morning"), (8, "evening, edited")))
    assert counts(import_file(kb, log)) == (0, 1, 1, 0)
    assert bodies(kb) == {
        ids["- body morning"]: "- body morning",
        ids["- body evening"]: "- body evening, edited",
    }


# -- properties: whatever is deleted, inserted or moved, no other entry's note is rewritten ------


def _render(style: str, labels: list[str]) -> str:
    if style == "day":  # each entry keeps its own day number wherever it moves
        return day_log(*((int(label.split()[1].rstrip(",")) + 1, label) for label in labels))
    return headed(*labels)


def _fresh_kb(folder: Path) -> KnowledgeBase:
    return KnowledgeBase(load_config(init_kb(folder / "kb")))


LABELS = [f"entry {i}" for i in range(8)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    style=st.sampled_from(["headed", "day"]),
    data=st.data(),
)
def test_repeated_entries_moved_deleted_or_inserted_never_update_a_note(
    style: str, data: st.DataObject
) -> None:
    old = data.draw(st.lists(st.sampled_from(LABELS[:5]), min_size=1, max_size=4, unique=True))
    if data.draw(st.booleans(), label="insert"):
        added = data.draw(st.lists(st.sampled_from(LABELS[5:]), min_size=1, unique=True))
        new = data.draw(st.permutations(old + added))
    else:
        added = []
        kept = data.draw(st.lists(st.sampled_from(old), min_size=1, unique=True))
        new = data.draw(st.permutations(kept))
    with tempfile.TemporaryDirectory() as tmp:
        kb = _fresh_kb(Path(tmp))
        log = Path(tmp) / "log.md"
        log.write_text(_render(style, old))
        import_file(kb, log)
        before = bodies(kb)
        log.write_text(_render(style, new))
        report = import_file(kb, log)
        assert counts(report) == (len(added), 0, len(new) - len(added), 0)
        after = bodies(kb)
        assert {k: after[k] for k in before} == before
        assert {f"- body {label}" for label in new} <= set(after.values())
        assert counts(import_file(kb, log)) == (0, 0, len(new), 0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(style=st.sampled_from(["headed", "day"]), data=st.data())
def test_editing_one_of_unmoved_repeated_entries_updates_just_its_note(
    style: str, data: st.DataObject
) -> None:
    old = data.draw(st.lists(st.sampled_from(LABELS), min_size=2, max_size=4, unique=True))
    where = data.draw(st.integers(0, len(old) - 1))
    new = [label + (", edited" if i == where else "") for i, label in enumerate(old)]
    with tempfile.TemporaryDirectory() as tmp:
        kb = _fresh_kb(Path(tmp))
        log = Path(tmp) / "log.md"
        log.write_text(_render(style, old))
        import_file(kb, log)
        ids = {body: note_id for note_id, body in bodies(kb).items()}
        log.write_text(_render(style, new))
        assert counts(import_file(kb, log)) == (0, 1, len(old) - 1, 0)
        assert bodies(kb) == {
            ids[f"- body {o}"]: f"- body {n}" for o, n in zip(old, new, strict=True)
        }


def test_removing_the_outdated_notes_of_a_group_lines_its_keys_up_again(
    kb: KnowledgeBase, log: Path
) -> None:
    log.write_text(headed("two", "three"))
    import_file(kb, log)
    log.write_text(headed("three, edited"))
    assert counts(import_file(kb, log)) == (1, 0, 0, 0)
    current = {body: note_id for note_id, body in bodies(kb).items()}["- body three, edited"]
    for note_id in [n for n in bodies(kb) if n != current]:
        kb.remove(note_id)
    log.write_text(headed("three, edited again"))
    assert counts(import_file(kb, log)) == (0, 1, 0, 0)
    assert bodies(kb) == {current: "- body three, edited again"}
