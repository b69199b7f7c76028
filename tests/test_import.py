"""The importer as a library: matching entries to notes, idempotency, updates, kept edits."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import tilbase.importer as importer_module
from tilbase.errors import ImportFailed
from tilbase.importer import ImportOptions, ImportReport, collect_sources, import_sources
from tilbase.kb import KnowledgeBase
from tilbase.notefile import read_note

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """A writable copy of the ingest fixtures."""
    target = tmp_path / "src"
    shutil.copytree(FIXTURES, target)
    return target


def run_import(kb: KnowledgeBase, *paths: Path, **options: object) -> ImportReport:
    sources = collect_sources(list(paths), [kb.config.notes_dir, kb.config.state_dir])
    report = import_sources(kb, sources, ImportOptions(**options))  # type: ignore[arg-type]
    kb.notes_changed()
    return report


def actions(report: ImportReport) -> dict[str, str]:
    return {item.note.title: item.action for item in report.notes}


def note_files(kb: KnowledgeBase) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(kb.config.notes_dir.glob("*.md"))}


def test_imports_the_fixture_folder(kb: KnowledgeBase, src: Path) -> None:
    report = run_import(kb, src)
    assert report.counts == {"created": 23, "updated": 0, "unchanged": 0, "kept": 0}
    assert report.files_read == 14
    assert sorted((s.display.removeprefix(str(src) + "/"), s.reason) for s in report.skipped) == [
        ("garden/journal/2024-03-10_BASE_4242.md", "empty file"),
        ("til/README.txt", "plain-text file without dated or headed entries"),
    ]
    notes = {n.title: n for n in kb.notes()}
    assert len(kb.notes()) == 23
    undo = notes["Undo A Commit"]
    assert (undo.topic, undo.source.path if undo.source else None) == (
        "til/git",
        "til/git/undo-a-commit.md",
    )
    assert notes["What is a reflog?"].date is None
    assert any(
        w.endswith(
            "learned.md:17: '31.02.2024' is not a real date (day is out of range for month); "
            "the entry is kept undated"
        )
        for w in report.warnings
    )
    # Ids are date + slug, the date not doubled for daily notes, repeats made unique.
    ids = {n.id for n in kb.notes()}
    assert {"2024-03-10", "2024-03-10-local-4242", "2024-01-05-day-2", "2024-01-05-day-2-2"} <= ids


def test_written_notes_are_canonical_and_keep_unknown_frontmatter(
    kb: KnowledgeBase, src: Path
) -> None:
    run_import(kb, src / "handbook.md")
    text = (kb.config.notes_dir / "handbook.md").read_text(encoding="utf-8")
    assert text.startswith(
        "---\nid: handbook\ntitle: Handbook\ntags: []\n"
        "source: {path: handbook.md, line: 5, key: page, digest: "
    )
    assert f", root: {src.resolve().as_posix()}}}\n" in text
    assert "\ndescription: team handbook notes\n---\n\n## Onboarding\n" in text


def test_second_import_changes_nothing(kb: KnowledgeBase, src: Path) -> None:
    run_import(kb, src)
    before = {p: p.stat().st_mtime_ns for p in kb.config.notes_dir.iterdir()}
    again = run_import(kb, src)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 23, "kept": 0}
    assert {p: p.stat().st_mtime_ns for p in kb.config.notes_dir.iterdir()} == before


def test_a_changed_entry_is_updated_and_the_rest_unchanged(kb: KnowledgeBase, src: Path) -> None:
    run_import(kb, src / "learned.md")
    log = src / "learned.md"
    log.write_text(log.read_text().replace("- a local history", "- a local, per-clone history"))
    report = run_import(kb, log)
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 3, "kept": 0}
    assert actions(report)["What is a reflog?"] == "updated"
    reflog = next(n for n in kb.notes() if n.title == "What is a reflog?")
    assert reflog.body == "- a local, per-clone history of where HEAD has been\n\n"
    assert reflog.id == "what-is-a-reflog"
    assert run_import(kb, log).counts["unchanged"] == 4


def test_a_note_edited_in_the_kb_is_kept_when_the_source_changes(
    kb: KnowledgeBase, src: Path
) -> None:
    run_import(kb, src / "learned.md")
    note = next(n for n in kb.notes() if n.title == "What is a reflog?")
    assert note.path is not None
    edited = note.path.read_text().replace("HEAD has been", "HEAD has been (my words)")
    note.path.write_text(edited)
    kb.notes_changed()
    # Source unchanged: nothing to do, the KB's edit stays.
    assert run_import(kb, src / "learned.md").counts["kept"] == 0
    log = src / "learned.md"
    log.write_text(log.read_text().replace("- a local history", "- a local, per-clone history"))
    report = run_import(kb, log)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 3, "kept": 1}
    assert note.path.read_text() == edited


def test_new_entries_on_top_of_a_newest_first_log_are_just_created(
    kb: KnowledgeBase, src: Path
) -> None:
    log = src / "learned.md"
    run_import(kb, log)
    text = log.read_text()
    log.write_text(
        text.replace("---\n", "---\n# 04.03.2024 Rust: What is a borrow?\n- a reference\n\n", 1)
    )
    report = run_import(kb, log)
    assert report.counts == {"created": 1, "updated": 0, "unchanged": 4, "kept": 0}


def test_entries_removed_at_the_source_leave_their_notes(kb: KnowledgeBase, src: Path) -> None:
    log = src / "learned.md"
    run_import(kb, log)
    text = log.read_text()
    log.write_text(text[: text.index("# 31.02.2024")])
    report = run_import(kb, log)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 2, "kept": 0}
    assert len(kb.notes()) == 4


def test_a_fixed_heading_finds_its_note_by_body(kb: KnowledgeBase, src: Path) -> None:
    log = src / "learned.md"
    run_import(kb, log)
    log.write_text(log.read_text().replace("# 31.02.2024 Git:", "# 29.02.2024 Git:"))
    report = run_import(kb, log)
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 3, "kept": 0}
    reflog = next(n for n in kb.notes() if n.title == "What is a reflog?")
    assert reflog.date == dt.date(2024, 2, 29)
    assert reflog.source is not None
    assert reflog.source.key == "29-02-2024-git-what-is-a-reflog"


@pytest.mark.parametrize(
    "text",
    [
        "# Release 2023-01-05 notes\nundated, but its id holds a date\n",
        "# \\*starred\\* title\nclean_title is applied again on reading\n",
        "---\ntitle: x\ncreated: not a date\n---\nbody\n",
    ],
)
def test_round_trip_quirks_do_not_break_idempotency(
    kb: KnowledgeBase, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "page.md"
    path.write_text(text)
    assert run_import(kb, path).counts["created"] == 1
    assert run_import(kb, path).counts == {"created": 0, "updated": 0, "unchanged": 1, "kept": 0}


def test_dry_run_writes_nothing_but_predicts(kb: KnowledgeBase, src: Path) -> None:
    report = run_import(kb, src, dry_run=True)
    assert report.dry_run
    assert report.counts["created"] == 23
    assert list(kb.config.notes_dir.iterdir()) == []
    assert {item.note.id for item in report.notes} >= {"handbook", "undo-a-commit"}


def test_same_relative_path_from_two_roots_is_not_mixed_up(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    # Regression: both files are "notes.md" relative to what was imported; the second import
    # used to match (and could overwrite) the first one's notes. The source root tells them apart.
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "notes.md").write_text(f"# From {name}\ntext {name}\n")
    together = run_import(kb, tmp_path / "a", tmp_path / "b")
    assert together.counts["created"] == 2
    later = run_import(kb, tmp_path / "b")
    assert later.counts == {"created": 0, "updated": 0, "unchanged": 1, "kept": 0}
    assert sorted(n.body for n in kb.notes()) == ["text a\n", "text b\n"]
    roots = {n.source.root for n in kb.notes() if n.source}
    assert roots == {(tmp_path / "a").resolve().as_posix(), (tmp_path / "b").resolve().as_posix()}


def test_a_file_and_its_folder_are_the_same_source(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "insights.md").write_text("# 01.02.2023 A\nx\n# 02.02.2023 B\ny\n")
    assert run_import(kb, tmp_path / "logs").counts["created"] == 2
    again = run_import(kb, tmp_path / "logs" / "insights.md")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "kept": 0}


def test_the_source_root_is_written_with_a_tilde_under_home(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "old-notes").mkdir()
    (tmp_path / "old-notes" / "a.md").write_text("# A\nbody\n")
    run_import(kb, tmp_path / "old-notes")
    [note] = kb.notes()
    assert note.source is not None
    assert note.source.root == "~/old-notes"


def test_files_of_the_kb_itself_hidden_files_and_folders_are_skipped(
    kb: KnowledgeBase, kb_dir: Path
) -> None:
    kb.add("already a note")
    (kb_dir / ".hidden").mkdir()
    (kb_dir / ".hidden" / "x.md").write_text("# x\n")
    (kb_dir / ".draft.md").write_text("# draft\n")
    (kb_dir / ".md").write_text("-\n")
    report = run_import(kb, kb_dir)
    assert sorted(s.reason for s in report.skipped) == [
        "a file of this knowledge base",
        "hidden file",
    ]
    assert [item.note.title for item in report.notes] == ["Untitled"]


def test_binary_and_legacy_encoded_files(kb: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "legacy.md").write_bytes("# Caf\u00e9 notes\nna\u00efve\n".encode("cp1252"))
    report = run_import(kb, tmp_path)
    assert [(s.display.rsplit("/", 1)[1], s.reason) for s in report.skipped] == [
        ("image.md", "binary file")
    ]
    assert report.warnings == [f"{tmp_path}/legacy.md:1: not valid UTF-8 (byte 5); read as cp1252"]
    assert [n.title for n in kb.notes()] == ["Café notes"]


def test_export_ids_are_kept_when_free(kb: KnowledgeBase, tmp_path: Path) -> None:
    marker = '{"id": "%s", "title": "T", "date": null, "topic": null, "tags": []}'
    export = tmp_path / "export.md"
    export.write_text(
        f"## T\n<!-- til {marker % 'my-id'} -->\nx\n<!-- /til -->\n\n"
        f"## T\n<!-- til {marker % 'Bad Id!'} -->\ny\n<!-- /til -->\n"
    )
    kb.add("taken", title="my id")
    report = run_import(kb, export)
    assert [item.note.id for item in report.notes] == ["my-id", "t"]
    other = tmp_path / "other.md"
    other.write_text(f"## T\n<!-- til {marker % 'my-id'} -->\nz\n<!-- /til -->\n")
    assert [item.note.id for item in run_import(kb, other).notes] == ["t-2"]


def test_dates_from_a_tsv_table(kb: KnowledgeBase, src: Path, tmp_path: Path) -> None:
    table = tmp_path / "dates.tsv"
    table.write_text(
        f"{src.name}/til/git/undo-a-commit.md\t2015-02-10T09:50:03-06:00\n"
        "not a row\n"
        f"{src.name}/til/python/walrus.md\tyesterday\n"
        f"{src.name}/learned.md\t2020-01-01\n"
    )
    report = run_import(kb, src / "til", src / "learned.md", dates_from=str(table))
    dates = {item.note.title: item.note.date for item in report.notes}
    assert dates["Undo A Commit"] == dt.date(2015, 2, 10)
    assert dates["The := Operator"] is None
    # Only one-note files are dated this way; a split file's undated entry stays undated.
    assert dates["What is a reflog?"] is None
    assert report.warnings[:2] == [
        f"{table}:2: expected 'path<TAB>date'; row ignored",
        f"{table}:3: 'yesterday' is not an ISO date",
    ]


def test_dates_table_rows_naming_no_file_are_warned_about(
    kb: KnowledgeBase, src: Path, tmp_path: Path
) -> None:
    table = tmp_path / "dates.tsv"
    table.write_text(
        f"{src.name}/til/git/undo-a-commit.md\t2015-02-10\n{src.name}/til/git/gone.md\t2015-02-11\n"
    )
    report = run_import(kb, src / "til", dates_from=str(table))
    assert f"{table}:2: no file '{src.name}/til/git/gone.md' next to the table; row ignored" in (
        report.warnings
    )
    many = tmp_path / "many.tsv"
    many.write_text("".join(f"missing-{n}.md\t2015-02-11\n" for n in range(5)))
    report = run_import(kb, src / "til", dates_from=str(many))
    [summary] = [w for w in report.warnings if "name no file" in w]
    assert summary.startswith(f"{many}:1: 5 rows name no file (the first: 'missing-0.md')")


def test_dates_from_must_be_git_or_a_table(kb: KnowledgeBase, src: Path) -> None:
    with pytest.raises(ImportFailed, match="is neither 'git' nor a dates table"):
        run_import(kb, src, dates_from="nope.tsv")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_dates_from_git_use_the_first_commit_that_added_each_file(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / "git").mkdir(parents=True)

    def git(*args: str, date: str | None = None) -> None:
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=repo,
            check=True,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env},
        )

    git("init", "-q")
    (repo / "git" / "first note.md").write_text("# First\n")
    git("add", ".")
    git("commit", "-qm", "one", date="2016-03-04T23:30:00-06:00")
    (repo / "git" / "first note.md").write_text("# First\nchanged later\n")
    (repo / "git" / "second.md").write_text("# Second\n")
    (repo / "git" / "dated.md").write_text("---\ndate: 2001-01-01\n---\n# Dated\n")
    git("add", ".")
    git("commit", "-qm", "two", date="2019-07-08T10:00:00+02:00")
    (repo / "git" / "new.md").write_text("# Not committed\n")
    report = run_import(kb, repo / "git", dates_from="git")
    assert {item.note.title: item.note.date for item in report.notes} == {
        "Dated": dt.date(2001, 1, 1),
        "First": dt.date(2016, 3, 4),
        "Not committed": None,
        "Second": dt.date(2019, 7, 8),
    }


def test_dates_from_git_outside_a_repository_is_an_error(kb: KnowledgeBase, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tmp_path / "n.md").write_text("# n\n")
    with pytest.raises(ImportFailed, match="--dates-from git: "):
        run_import(kb, tmp_path, dates_from="git")


def test_progress_is_reported_per_file(kb: KnowledgeBase, src: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    sources = collect_sources([src / "til", src / "links.md"])
    importer_module.import_sources(kb, sources, progress=lambda d, n, t: calls.append((d, n, t)))
    assert [(n, t) for _, n, t in calls] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_parser_bug_skips_the_file_instead_of_failing_the_import(
    kb: KnowledgeBase, src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(importer_module, "parse_file", broken)
    report = run_import(kb, src / "links.md")
    assert [s.reason for s in report.skipped] == [
        "could not be parsed (RuntimeError: boom); a tilbase bug"
    ]


def test_missing_path_and_unknown_style_fail_before_writing(kb: KnowledgeBase, src: Path) -> None:
    with pytest.raises(ImportFailed, match="no such file or folder"):
        run_import(kb, src / "nope")
    with pytest.raises(ImportFailed, match="unknown style 'nope'"):
        run_import(kb, src, style="nope")
    assert list(kb.config.notes_dir.iterdir()) == []


def test_written_notes_read_back_with_their_digest(kb: KnowledgeBase, src: Path) -> None:
    run_import(kb, src)
    for note in kb.notes():
        assert note.source is not None
        assert note.source.digest == note.fingerprint, note.id
        assert note.path is not None
        again = read_note(note.path.read_text(encoding="utf-8"), note.path.name)
        assert again.warnings == []


def test_a_fifo_named_like_a_note_is_not_read(kb: KnowledgeBase, tmp_path: Path) -> None:
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "real.md").write_text("# Real\n")
    report = run_import(kb, tmp_path)
    assert [item.note.title for item in report.notes] == ["Real"]


def test_an_export_imported_into_its_own_kb_creates_no_duplicates(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    note = kb.add("- a body line\n", title="Why is Python slow?", topic="Python", tags=["python"])
    marker = json.dumps(
        {
            "id": note.id,
            "title": note.title,
            "date": note.date.isoformat() if note.date else None,
            "topic": note.topic,
            "tags": list(note.tags),
        }
    )
    export = tmp_path / "export.md"
    export.write_text(
        f"# TIL\n\n## {note.title}\n<!-- til {marker} -->\n{note.body}<!-- /til -->\n"
    )
    assert run_import(kb, export).counts == {"created": 0, "updated": 0, "unchanged": 1, "kept": 0}
    # A different body under the same id is a different note: it gets its own id.
    export.write_text(export.read_text().replace("a body line", "another body"))
    report = run_import(kb, export)
    assert report.counts["created"] == 1
    assert report.notes[0].note.id != note.id


def test_a_file_that_cannot_be_read_is_skipped(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked.md").write_text("# x\n")
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = run_import(kb, tmp_path)
    assert [s.reason for s in report.skipped] == ["cannot read (Permission denied)"]


def test_an_import_waits_for_the_kb_write_lock_and_writes_nothing_without_it(
    kb: KnowledgeBase, src: Path
) -> None:
    # Matching and writing must see one consistent KB: another til holding the write lock
    # (a tag rename, a second import) makes this import wait, then give up whole.
    import threading

    from tilbase.errors import KBBusy

    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with kb.store.write_lock():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        holding.wait(10)
        kb.store.lock_timeout = 0.2
        with pytest.raises(KBBusy):
            run_import(kb, src / "handbook.md")
        assert list(kb.config.notes_dir.iterdir()) == []
    finally:
        release.set()
        holder.join()
    assert run_import(kb, src / "handbook.md").counts["created"] == 1
