"""``til sync`` at the library level: a bare remote on disk and two devices."""

from __future__ import annotations

from pathlib import Path

import pytest

from tilbase.config import load_config
from tilbase.kb import KnowledgeBase
from tilbase.sync import SyncError, init_repository

from .sync_helpers import (
    Device,
    git,
    isolate_git,
    make_remote,
    new_device,
    note_text,
    snapshot,
)


@pytest.fixture(autouse=True)
def _no_git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_git(monkeypatch, tmp_path)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return make_remote(tmp_path)


@pytest.fixture
def a(tmp_path: Path, remote: Path) -> Device:
    """The first machine: notes written, then synced to an empty remote."""
    device = new_device(tmp_path, "laptop", remote)
    device.write("2026-12-01-alpha.md", note_text("2026-12-01-alpha", "Alpha from the laptop.\n"))
    report = device.sync(first=True)
    assert report.created_repository
    assert report.pushed == ["notes/2026-12-01-alpha.md"]
    return device


@pytest.fixture
def b(tmp_path: Path, remote: Path, a: Device) -> Device:
    """The second machine: a fresh `til init`, joined with `til sync --remote`."""
    device = new_device(tmp_path, "desktop", remote)
    report = device.sync(first=True)
    assert report.pulled == ["notes/2026-12-01-alpha.md"]
    return device


def shared_note(a: Device, b: Device, body: str, tags: str = "[]") -> str:
    """One note on both machines, in sync; returns its file name."""
    a.write("shared.md", note_text("shared", body, tags))
    a.sync()
    b.sync()
    assert b.read("shared.md") == a.read("shared.md")
    return "shared.md"


def test_first_push_to_an_empty_remote_then_a_second_machine_adopts_it(
    a: Device, b: Device
) -> None:
    assert b.read("2026-12-01-alpha.md") == a.read("2026-12-01-alpha.md")
    assert git(b.root, "rev-parse", "HEAD") == git(a.root, "rev-parse", "HEAD")
    assert git(b.root, "log", "--format=%s", "-1").startswith("til sync on laptop")
    assert b.status() == ""


def test_notes_added_on_both_sides_arrive_on_both(a: Device, b: Device) -> None:
    a.write("from-a.md", note_text("from-a", "written on a\n"))
    b.write("from-b.md", note_text("from-b", "written on b\n"))
    first = a.sync()
    second = b.sync()
    third = a.sync()
    assert first.pushed == ["notes/from-a.md"]
    assert second.pulled == ["notes/from-a.md"]
    assert second.pushed == ["notes/from-b.md"]
    assert third.pulled == ["notes/from-b.md"]
    for device in (a, b):
        assert device.note("from-a.md").exists()
        assert device.note("from-b.md").exists()
    assert git(a.root, "rev-parse", "HEAD") == git(b.root, "rev-parse", "HEAD")


def test_commit_message_lists_added_edited_and_removed_ids(a: Device) -> None:
    a.write("2026-12-01-alpha.md", note_text("2026-12-01-alpha", "changed\n"))
    a.write("new.md", note_text("brand-new", "new\n"))
    report = a.sync()
    assert report.committed == {"edited": ["2026-12-01-alpha"], "added": ["brand-new"]}
    a.note("new.md").unlink()
    assert a.sync().committed == {"removed": ["brand-new"]}
    message = git(a.root, "log", "--format=%B", "-2")
    assert "removed: brand-new" in message
    assert "added: brand-new" in message
    assert "edited: 2026-12-01-alpha" in message


def test_edits_of_different_lines_merge_cleanly(a: Device, b: Device) -> None:
    name = shared_note(a, b, "one\ntwo\nthree\nfour\nfive\nsix\n")
    a.write(name, note_text("shared", "ONE\ntwo\nthree\nfour\nfive\nsix\n"))
    b.write(name, note_text("shared", "one\ntwo\nthree\nfour\nfive\nSIX\n"))
    a.sync()
    report = b.sync()
    a.sync()
    expected = note_text("shared", "ONE\ntwo\nthree\nfour\nfive\nSIX\n")
    assert b.read(name) == expected
    assert a.read(name) == expected
    assert not report.conflicts


def test_edits_of_the_same_lines_keep_both_versions_without_markers(a: Device, b: Device) -> None:
    name = shared_note(a, b, "The answer is 41.\n")
    a.write(name, note_text("shared", "The answer is 42 (laptop).\n"))
    b.write(name, note_text("shared", "The answer is 43 (desktop).\n"))
    a.sync()
    report = b.sync()
    copy_id = "shared-conflict-desktop-2026-12-01"
    assert report.summary() == f"1 pulled, 2 pushed, 1 conflict kept as {copy_id}"
    [copy] = report.conflicts
    assert (copy.note_id, copy.path) == ("shared", "notes/shared.md")
    assert copy.copy_path == f"notes/{copy_id}.md"
    remote_version = b.read(name)
    local_copy = b.note(f"{copy_id}.md").read_text(encoding="utf-8")
    assert "42 (laptop)" in remote_version
    assert "43 (desktop)" in local_copy
    for text in (remote_version, local_copy):
        assert "<<<<<<<" not in text
        assert ">>>>>>>" not in text
        assert "`shared`" in text
        assert f"`{copy_id}`" in text
    kb = KnowledgeBase(load_config(b.config_path))
    copy_note = kb.get(copy_id)
    assert copy_note.title == "shared"
    assert f"id: {copy_id}" in local_copy
    assert "conflict_of: shared" in local_copy
    a.sync()
    assert a.read(name) == remote_version
    assert a.note(f"{copy_id}.md").read_text(encoding="utf-8") == local_copy


def test_tags_added_on_both_sides_merge_as_a_set_with_a_body_change(a: Device, b: Device) -> None:
    name = shared_note(a, b, "first line\n", tags="[git, old]")
    a.write(name, note_text("shared", "first line\n", tags="[git, old, laptop-tag]"))
    b.write(
        name,
        note_text("shared", "first line\nappended on the desktop\n", tags="[git, desktop-tag]"),
    )
    a.sync()
    report = b.sync()
    assert not report.conflicts
    assert report.merged == ["shared"]
    text = b.read(name)
    assert "tags: [git, desktop-tag, laptop-tag]" in text or "- laptop-tag" in text
    note = KnowledgeBase(load_config(b.config_path)).get("shared")
    assert set(note.tags) == {"git", "desktop-tag", "laptop-tag"}  # "old" removed on b
    assert note.body == "first line\nappended on the desktop\n"
    a.sync()
    assert a.read(name) == text


def test_tag_added_on_one_side_and_line_appended_on_the_other(a: Device, b: Device) -> None:
    name = shared_note(a, b, "first line\n", tags="[git]")
    a.write(name, note_text("shared", "first line\n", tags="[git, merge]"))
    b.write(name, note_text("shared", "first line\nsecond line\n", tags="[git]"))
    a.sync()
    report = b.sync()
    assert not report.conflicts
    assert b.read(name) == note_text("shared", "first line\nsecond line\n", tags="[git, merge]")


@pytest.mark.parametrize("deleter", ["a", "b"])
def test_a_note_deleted_on_one_side_and_edited_on_the_other_is_kept(
    a: Device, b: Device, deleter: str
) -> None:
    name = shared_note(a, b, "keep me\n")
    deleting, editing = (a, b) if deleter == "a" else (b, a)
    editing.write(name, note_text("shared", "keep me, edited\n"))
    deleting.note(name).unlink()
    editing.sync()
    report = deleting.sync()
    assert report.kept == ["shared"]
    assert deleting.read(name) == note_text("shared", "keep me, edited\n")
    editing.sync()
    assert editing.read(name) == deleting.read(name)


def test_a_config_conflict_stops_and_touches_nothing(a: Device, b: Device) -> None:
    a.config_path.write_text("notes_dir: notes\neditor: vim\n", encoding="utf-8")
    a.sync()
    b.config_path.write_text("notes_dir: notes\neditor: nano\n", encoding="utf-8")
    b.write("unsynced.md", note_text("unsynced", "not committed yet\n"))
    head, status, files = b.head(), b.status(), snapshot(b.root)
    with pytest.raises(SyncError, match=r"config\.yaml was changed here and on the remote"):
        b.sync()
    assert (b.head(), b.status(), snapshot(b.root)) == (head, status, files)


def test_config_changes_in_different_lines_merge(a: Device, b: Device) -> None:
    a.config_path.write_text("notes_dir: notes\n\n\n\neditor: vim\n", encoding="utf-8")
    a.sync()
    b.sync()
    b.config_path.write_text(
        "date_order: mdy\nnotes_dir: notes\n\n\n\neditor: vim\n", encoding="utf-8"
    )
    a.config_path.write_text("notes_dir: notes\n\n\n\neditor: nano\n", encoding="utf-8")
    a.sync()
    b.sync()
    assert b.config_path.read_text() == "date_order: mdy\nnotes_dir: notes\n\n\n\neditor: nano\n"


def test_commits_need_no_git_identity(a: Device) -> None:
    assert git(a.root, "log", "-1", "--format=%an <%ae>").strip() == "tilbase <tilbase@laptop>"


def test_sync_name_and_email_from_config_win(a: Device) -> None:
    a.config_path.write_text(
        "notes_dir: notes\nsync_name: Ada\nsync_email: ada@example.org\n", encoding="utf-8"
    )
    a.sync()
    assert git(a.root, "log", "-1", "--format=%an <%ae>").strip() == "Ada <ada@example.org>"


def test_the_repository_identity_is_used_when_config_sets_none(a: Device) -> None:
    git(a.root, "config", "user.name", "Grace")
    git(a.root, "config", "user.email", "grace@example.org")
    a.write("x.md", note_text("x", "x\n"))
    a.sync()
    assert git(a.root, "log", "-1", "--format=%an <%ae>").strip() == "Grace <grace@example.org>"


def test_an_unreachable_remote_changes_nothing_on_first_use(tmp_path: Path, remote: Path) -> None:
    device = new_device(tmp_path, "laptop", remote)
    device.write("n.md", note_text("n", "n\n"))
    files = snapshot(device.root)
    with pytest.raises(SyncError, match="cannot reach the remote") as caught:
        device.sync(remote=str(tmp_path / "does-not-exist.git"))
    assert "\n" not in caught.value.message
    assert not (device.root / ".git").exists()
    assert snapshot(device.root) == files


def test_an_unreachable_remote_changes_nothing_later(a: Device, tmp_path: Path) -> None:
    a.remote.rename(tmp_path / "moved.git")
    a.write("new.md", note_text("new", "new\n"))
    head, status, files = a.head(), a.status(), snapshot(a.root)
    with pytest.raises(SyncError, match="cannot reach the remote"):
        a.sync()
    assert (a.head(), a.status(), snapshot(a.root)) == (head, status, files)


def test_missing_git_is_one_line(
    a: Device, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(SyncError, match="git is not installed") as caught:
        a.sync()
    assert "\n" not in caught.value.message


def test_state_folder_and_inside_index_dir_are_never_committed(a: Device) -> None:
    a.config_path.write_text("notes_dir: notes\nindex_dir: search-index\n", encoding="utf-8")
    kb = KnowledgeBase(load_config(a.config_path))
    kb.add("a note that builds the index #git")
    assert (a.root / "search-index").is_dir()
    (a.root / ".tilbase" / "stray.txt").write_text("x")
    a.write(".note.md.swp", "an editor's swap file")
    a.write("sub/.hidden.md", "hidden")
    a.sync()
    tracked = git(a.root, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert not [p for p in tracked if p.startswith((".tilbase", "search-index"))]
    assert not [p for p in tracked if "/." in p]
    assert ".gitignore" in tracked
    assert "/search-index/" in (a.root / ".gitignore").read_text()


def test_search_on_one_device_finds_what_the_other_wrote(a: Device, b: Device) -> None:
    from tilbase.filters import NoteFilter

    kb_b = KnowledgeBase(load_config(b.config_path))
    assert kb_b.search(NoteFilter(query="xylophone")).hits == []  # index built, no match
    kb_a = KnowledgeBase(load_config(a.config_path))
    written = kb_a.add("The xylophone is tuned in fifths #music")
    a.sync()
    b.sync()
    kb_b = KnowledgeBase(load_config(b.config_path))
    hits = kb_b.search(NoteFilter(query="xylophone")).hits
    assert [hit.note.id for hit in hits] == [written.id]


def test_without_a_remote_sync_commits_locally(tmp_path: Path, remote: Path) -> None:
    device = new_device(tmp_path, "laptop", remote)
    device.write("n.md", note_text("n", "n\n"))
    report = device.sync()
    assert report.remote is None
    assert report.committed == {"added": ["n"]}
    assert device.status() == ""


def test_a_machine_with_local_history_joins_an_existing_remote(
    a: Device, tmp_path: Path, remote: Path
) -> None:
    c = new_device(tmp_path, "server", remote)
    c.write("from-c.md", note_text("from-c", "written on the server before joining\n"))
    c.sync()  # a local commit, no remote yet
    report = c.sync(remote=str(remote))
    assert "notes/2026-12-01-alpha.md" in report.pulled
    assert report.pushed == ["notes/from-c.md"]
    a.sync()
    assert a.note("from-c.md").exists()


def test_changing_the_remote_is_reported(a: Device, tmp_path: Path) -> None:
    other = tmp_path / "other.git"
    git(tmp_path, "init", "-q", "--bare", str(other))
    report = a.sync(remote=str(other))
    assert report.remote_set
    assert report.previous_remote == str(a.remote)
    assert git(other, "rev-parse", "main") == git(a.root, "rev-parse", "HEAD")


def test_init_repository_makes_a_repo_with_the_state_folder_ignored(tmp_path: Path) -> None:
    from tilbase.config import init_kb

    init_kb(tmp_path / "kb")
    assert init_repository(tmp_path / "kb") is True
    assert init_repository(tmp_path / "kb") is False
    assert (tmp_path / "kb" / ".git").is_dir()
    assert ".tilbase/" in (tmp_path / "kb" / ".gitignore").read_text()


def test_a_kb_inside_another_repository_is_refused(tmp_path: Path, remote: Path) -> None:
    git(tmp_path, "init", "-q")
    device = new_device(tmp_path, "nested", remote)
    with pytest.raises(SyncError, match="inside the git repository"):
        device.sync()


def test_joining_with_a_note_of_the_same_name_keeps_both(
    a: Device, tmp_path: Path, remote: Path
) -> None:
    c = new_device(tmp_path, "server", remote)
    c.write("2026-12-01-alpha.md", note_text("2026-12-01-alpha", "Alpha, written on the server.\n"))
    report = c.sync(first=True)
    [copy] = report.conflicts
    assert copy.copy_id == "2026-12-01-alpha-conflict-server-2026-12-01"
    assert "Alpha from the laptop." in c.read("2026-12-01-alpha.md")
    assert "written on the server" in c.read(f"{copy.copy_id}.md")
    assert git(c.root, "merge-base", "--is-ancestor", a.head(), "HEAD") == ""  # history adopted
    assert c.status() == ""


def test_joining_with_a_config_of_ones_own_that_clashes_stops(
    a: Device, tmp_path: Path, remote: Path
) -> None:
    a.config_path.write_text("notes_dir: notes\neditor: vim\n", encoding="utf-8")
    a.sync()
    c = new_device(tmp_path, "server", remote)
    c.config_path.write_text("notes_dir: notes\neditor: nano\n", encoding="utf-8")
    c.write("mine.md", note_text("mine", "mine\n"))
    files = snapshot(c.root)
    with pytest.raises(SyncError, match=r"config\.yaml was changed here and on the remote"):
        c.sync(first=True)
    assert snapshot(c.root) == files
    assert git(c.root, "rev-parse", "-q", "--verify", "HEAD", check=False) == ""


def test_joining_with_the_untouched_init_config_takes_the_remote_one(
    a: Device, tmp_path: Path, remote: Path
) -> None:
    a.config_path.write_text("notes_dir: notes\neditor: vim\n", encoding="utf-8")
    a.sync()
    c = new_device(tmp_path, "server", remote)
    c.sync(first=True)
    assert c.config_path.read_text() == "notes_dir: notes\neditor: vim\n"


def test_a_push_that_loses_a_race_fetches_merges_and_pushes_again(
    a: Device, b: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tilbase.sync.engine import _SyncRun

    original = _SyncRun._commit_local
    a.write("racing.md", note_text("racing", "pushed by a while b syncs\n"))

    def commit_then_let_a_push(self: _SyncRun) -> dict[str, list[str]]:
        committed = original(self)
        monkeypatch.setattr(_SyncRun, "_commit_local", original)
        a.sync()  # after b fetched: b's first push is rejected
        return committed

    b.write("mine.md", note_text("mine", "b's note\n"))
    monkeypatch.setattr(_SyncRun, "_commit_local", commit_then_let_a_push)
    report = b.sync()
    assert "notes/racing.md" in report.pulled
    assert report.pushed == ["notes/mine.md"]
    a.sync()
    assert a.note("mine.md").exists()


def test_conflicts_in_a_note_without_frontmatter_and_in_an_attachment(a: Device, b: Device) -> None:
    a.write("plain.md", "# Plain\n\nfirst\n")
    a.note("img.png").write_bytes(b"\x89PNG base")
    a.sync()
    b.sync()
    a.write("plain.md", "# Plain\n\nfrom a\n")
    a.note("img.png").write_bytes(b"\x89PNG a")
    b.write("plain.md", "# Plain\n\nfrom b\n")
    b.note("img.png").write_bytes(b"\x89PNG b")
    a.sync()
    report = b.sync()
    copies = {c.path: c for c in report.conflicts}
    assert set(copies) == {"notes/plain.md", "notes/img.png"}
    image_copy = b.root / copies["notes/img.png"].copy_path
    assert image_copy.name == "img-conflict-desktop-2026-12-01.png"
    assert image_copy.read_bytes() == b"\x89PNG b"
    assert b.note("img.png").read_bytes() == b"\x89PNG a"
    plain_copy = (b.root / copies["notes/plain.md"].copy_path).read_text()
    assert plain_copy.startswith(
        "---\nid: plain-conflict-desktop-2026-12-01\nconflict_of: plain\n---\n"
    )
    assert "from b" in plain_copy
    assert "from a" in b.read("plain.md")
    assert b.status() == ""


def test_a_config_conflict_found_by_the_merge_itself_aborts_it(
    a: Device, b: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net behind the early check: git's own merge conflict on config.yaml."""
    from tilbase.sync.engine import _SyncRun

    monkeypatch.setattr(_SyncRun, "_check_config", lambda self, tracking, unborn: False)
    a.config_path.write_text("notes_dir: notes\neditor: vim\n", encoding="utf-8")
    a.sync()
    b.config_path.write_text("notes_dir: notes\neditor: nano\n", encoding="utf-8")
    b.write("unsynced.md", note_text("unsynced", "not committed yet\n"))
    head, files = b.head(), snapshot(b.root)
    with pytest.raises(SyncError, match=r"config\.yaml was changed here and on the remote"):
        b.sync()
    assert (b.head(), snapshot(b.root)) == (head, files)
    assert not (b.root / ".git" / "MERGE_HEAD").exists()
    assert "unsynced.md" in b.status()
