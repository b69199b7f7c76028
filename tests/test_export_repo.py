"""The TIL-repository export: layout, README index, and re-exporting in place safely."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tilbase.errors import ExportFailed
from tilbase.export.base import ExportFile, ExportOptions
from tilbase.export.repo import note_file_text, render_repo, topic_folder
from tilbase.export.write import MANIFEST, FolderReport, write_document, write_folder
from tilbase.model import Note


def note(
    note_id: str,
    title: str,
    topic: str | None = None,
    date: str | None = None,
    body: str = "Body.\n",
) -> Note:
    return Note(
        id=note_id,
        title=title,
        topic=topic,
        date=dt.date.fromisoformat(date) if date else None,
        body=body,
    )


NOTES = [
    note("1", "Undo a commit", "git", "2020-01-01"),
    note("2", "Stash only staged changes", "git", "2021-05-01"),
    note("3", "Access instance variables", "Python", "2019-03-03"),
    note("4", "What are good practices?", "Vision Model/Pretraining", "2022-11-01"),
    note("5", "A loose thought"),
    note("6", "Render a list", "react_native", "2018-01-01"),
]


def files_of(notes: list[Note]) -> dict[str, str]:
    return {f.path: f.text for f in render_repo(notes, ExportOptions()).files}


@pytest.mark.parametrize(
    ("topic", "folder"),
    [
        (None, "misc"),
        ("git", "git"),
        ("Python", "python"),
        ("react_native", "react_native"),
        ("github-actions", "github-actions"),
        ("Neural Networks", "neural-networks"),
        ("Vision Model/Pretraining", "vision-model/pretraining"),
        ("C++", "c"),
        ("../etc", "etc"),
        (".hidden", "hidden"),
        ("node.js", "node-js"),
        ("git/rebase.md", "git/rebase-md"),
        ("日本", "note"),
    ],
)
def test_topic_folder(topic: str | None, folder: str) -> None:
    assert topic_folder(topic) == folder


def test_layout_one_file_per_note_in_its_topic_folder() -> None:
    files = files_of(NOTES)
    assert sorted(files) == [
        ".til-notes.json",
        "README.md",
        "git/stash-only-staged-changes.md",
        "git/undo-a-commit.md",
        "misc/a-loose-thought.md",
        "python/access-instance-variables.md",
        "react_native/render-a-list.md",
        "vision-model/pretraining/what-are-good-practices.md",
    ]
    assert files["git/undo-a-commit.md"] == "# Undo a commit\n\nBody.\n"


def test_readme_lists_every_note_once_with_counts() -> None:
    readme = files_of(NOTES)["README.md"]
    assert "_6 TILs and counting..._" in readme
    assert "- [git](#git) (2)\n" in readme
    assert "- [Vision Model/Pretraining](#vision-modelpretraining) (1)\n" in readme
    assert readme.index("### git") < readme.index("### Python") < readme.index("### Misc")
    links = re.findall(r"^- \[[^\]]*\]\(([^)#]+)\)$", readme, re.M)
    assert sorted(links) == sorted(
        p for p in files_of(NOTES) if p.endswith(".md") and p != "README.md"
    )
    # within a topic, notes are in title order, as in the well-known TIL repos
    assert readme.index("Stash only staged") < readme.index("Undo a commit")


def test_same_title_in_one_folder_older_note_keeps_the_name() -> None:
    old = note("old", "Same", "git", "2020-01-01")
    new = note("new", "Same", "git", "2021-01-01")
    files = files_of([new, old])
    assert files["git/same.md"] == note_file_text(old)
    assert files["git/same-2.md"] == note_file_text(new)


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("T", "Body\n", "# T\n\nBody\n"),
        ("T", "\n\nBody", "# T\n\nBody\n"),
        ("T", "", "# T\n"),
        ("Use `git`", "# Use `git`\n\nBody\n", "# Use `git`\n\nBody\n"),  # title already there
        ("Other", "# Different\nBody\n", "# Other\n\n# Different\nBody\n"),
        ("Two  spaces", "x\r\n", "# Two spaces\n\nx\r\n"),
    ],
)
def test_note_file_text(title: str, body: str, expected: str) -> None:
    assert note_file_text(note("a", title, body=body)) == expected


# -- writing a folder -----------------------------------------------------------------------


def export_into(folder: Path, notes: list[Note], *, force: bool = False) -> FolderReport:
    return write_folder(folder, render_repo(notes, ExportOptions()).files, force=force)


def test_first_export_writes_files_and_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = export_into(out, NOTES)
    assert len(report.written) == 8  # six notes, the README and the notes index
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["tool"] == "tilbase"
    assert sorted(manifest["files"]) == sorted(files_of(NOTES))


def test_reexport_updates_in_place_and_leaves_unrelated_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "git").mkdir(parents=True)
    (out / "LICENSE").write_text("mine\n")
    (out / "git" / "my-own-note.md").write_text("# Mine\n")
    export_into(out, NOTES)

    changed = [n if n.id != "1" else n.with_changes(body="New body.\n") for n in NOTES]
    changed = [n for n in changed if n.id != "5"]  # "A loose thought" is no longer exported
    report = export_into(out, changed)
    assert report.written == [".til-notes.json", "README.md", "git/undo-a-commit.md"]
    assert report.removed == ["misc/a-loose-thought.md"]
    assert (out / "git" / "undo-a-commit.md").read_text() == "# Undo a commit\n\nNew body.\n"
    assert not (out / "misc").exists()  # emptied by the export, so removed
    assert (out / "LICENSE").read_text() == "mine\n"
    assert (out / "git" / "my-own-note.md").read_text() == "# Mine\n"


def test_reexport_of_the_same_notes_rewrites_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_into(out, NOTES)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.md")}
    report = export_into(out, NOTES)
    assert report.written == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.md")} == mtimes


def test_a_file_it_did_not_write_is_never_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "git").mkdir(parents=True)
    (out / "git" / "undo-a-commit.md").write_text("someone else's\n")
    with pytest.raises(ExportFailed, match=r"undo-a-commit\.md: already exists; nothing"):
        export_into(out, NOTES)
    assert sorted(p.name for p in out.rglob("*")) == ["git", "undo-a-commit.md"]
    export_into(out, NOTES, force=True)
    assert (out / "git" / "undo-a-commit.md").read_text().startswith("# Undo a commit")


def test_an_existing_readme_is_not_replaced_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("# My repo\n")
    with pytest.raises(ExportFailed, match=r"README\.md: already exists"):
        export_into(out, NOTES)
    assert (out / "README.md").read_text() == "# My repo\n"


def test_an_exported_file_edited_since_is_kept_unless_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_into(out, NOTES)
    edited = out / "git" / "undo-a-commit.md"
    edited.write_text("hand edit\n")
    changed = [n.with_changes(body="v2\n") if n.id == "1" else n for n in NOTES]
    with pytest.raises(ExportFailed, match="was changed since the last export"):
        export_into(out, changed)
    assert edited.read_text() == "hand edit\n"


def test_a_stale_file_edited_since_is_left_and_forgotten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_into(out, NOTES)
    stale = out / "misc" / "a-loose-thought.md"
    stale.write_text("I changed this\n")
    report = export_into(out, [n for n in NOTES if n.id != "5"])
    assert stale.read_text() == "I changed this\n"
    assert report.removed == []
    assert "edited since it was; left in place" in report.warnings[0]
    assert "misc/a-loose-thought.md" not in json.loads((out / MANIFEST).read_text())["files"]


def test_manifest_entries_outside_the_folder_are_ignored(tmp_path: Path) -> None:
    out = tmp_path / "out"
    victim = tmp_path / "victim.md"
    victim.write_text("x")
    out.mkdir()
    digest = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"  # sha256("x")
    (out / MANIFEST).write_text(json.dumps({"files": {"../victim.md": digest}}))
    export_into(out, NOTES)
    assert victim.exists()


def test_a_broken_manifest_stops_the_export(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text("{not json")
    with pytest.raises(ExportFailed, match="cannot read the export manifest"):
        export_into(out, NOTES)


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ExportFailed, match="is a file"):
        write_folder(target, [ExportFile("a.md", "x")])


def test_write_document_refuses_existing_unless_force(tmp_path: Path) -> None:
    target = tmp_path / "all.md"
    write_document(target, "one\n")
    with pytest.raises(ExportFailed, match=r"all\.md: already exists; nothing was written"):
        write_document(target, "two\n")
    assert target.read_text() == "one\n"
    write_document(target, "two\n", force=True)
    assert target.read_text() == "two\n"
    with pytest.raises(ExportFailed, match="is a folder"):
        write_document(tmp_path, "x")
