"""Notes on disk: atomic writes, no overwrite, trash, scanning with a cache."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tilbase.config import Config, load_config
from tilbase.errors import (
    InvalidInput,
    KBBusy,
    NoteExists,
    NoteNotFound,
    NoteUnreadable,
    WriteFailed,
)
from tilbase.model import Note
from tilbase.store import NoteStore, ScanResult, atomic_write
from tilbase.store.freshness import CatalogKeeper


@pytest.fixture
def config(kb_dir: Path) -> Config:
    return load_config(kb_dir / "config.yaml")


@pytest.fixture
def store(config: Config) -> NoteStore:
    return NoteStore(config)


def scan_of(store: NoteStore) -> ScanResult:
    """What a command sees: one freshness walk of the catalog, with its warnings."""
    warnings: list[str] = []
    keeper = CatalogKeeper(store, warnings)
    keeper.refresh()
    view = keeper.view()
    view.files  # noqa: B018 - read the rows before the connection closes
    view.warnings = warnings
    keeper.close()
    return view


def _note(title: str, day: int | None = 1, **kw: object) -> Note:
    date = dt.date(2023, 2, day) if day else None
    return Note(id="", title=title, date=date, body=f"{title}\n", **kw)  # type: ignore[arg-type]


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    atomic_write(target, "one\r\n", overwrite=False)
    atomic_write(target, "two\n", overwrite=True)
    assert target.read_bytes() == b"two\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_atomic_write_never_overwrites_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("precious")
    with pytest.raises(NoteExists, match="already exists"):
        atomic_write(target, "new", overwrite=False)
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.md"
    target.write_text("old")

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, "new", overwrite=True)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_add_writes_a_canonical_file_named_by_id(store: NoteStore, config: Config) -> None:
    saved = store.add(_note("Hello World", tags=("Git",)))
    assert saved.id == "2023-02-01-hello-world"
    assert saved.path == config.notes_dir / "2023-02-01-hello-world.md"
    assert saved.path.read_text() == (
        "---\nid: 2023-02-01-hello-world\ntitle: Hello World\ndate: 2023-02-01\n"
        "tags: [git]\n---\nHello World\n"
    )


def test_add_never_overwrites_and_picks_the_next_free_id(store: NoteStore, config: Config) -> None:
    squatter = config.notes_dir / "2023-02-01-same.md"
    squatter.write_text("hand-written, no frontmatter\n")
    first = store.add(_note("Same"), taken_ids=["2023-02-01-same"])
    second = store.add(_note("Same"), taken_ids=["2023-02-01-same", first.id])
    assert (first.id, second.id) == ("2023-02-01-same-2", "2023-02-01-same-3")
    assert squatter.read_text() == "hand-written, no frontmatter\n"


def test_add_skips_a_file_name_taken_on_disk_even_if_not_in_taken_ids(store: NoteStore) -> None:
    first = store.add(_note("Twice"))
    second = store.add(_note("Twice"))
    assert first.id != second.id


def test_scan_reads_every_md_file_and_skips_hidden_ones(store: NoteStore, config: Config) -> None:
    store.add(_note("One"))
    (config.notes_dir / "sub").mkdir()
    (config.notes_dir / "sub" / "2023-01-05.md").write_text("daily\n")
    (config.notes_dir / ".obsidian").mkdir()
    (config.notes_dir / ".obsidian" / "x.md").write_text("hidden\n")
    (config.notes_dir / ".#lock.md").write_text("editor lock\n")
    (config.notes_dir / "image.png").write_bytes(b"\x89PNG")
    scan = scan_of(store)
    assert list(scan.stats) == ["2023-02-01-one.md", "sub/2023-01-05.md"]
    daily = scan.by_path()["sub/2023-01-05.md"]
    assert (daily.id, daily.date, daily.title) == ("2023-01-05", dt.date(2023, 1, 5), "daily")


def test_scan_uses_the_catalog_and_sees_outside_edits(store: NoteStore, config: Config) -> None:
    saved = store.add(_note("Cached"))
    assert scan_of(store).notes[0].title == "Cached"
    assert (config.state_dir / "catalog.sqlite").exists()
    assert saved.path is not None
    text = saved.path.read_text().replace("title: Cached", "title: Edited outside")
    saved.path.write_text(text)
    os.utime(saved.path, ns=(1, 1))
    assert scan_of(store).notes[0].title == "Edited outside"


def test_a_corrupt_catalog_is_rebuilt(store: NoteStore, config: Config) -> None:
    store.add(_note("Survives"))
    config.state_dir.mkdir(exist_ok=True)
    (config.state_dir / "catalog.sqlite").write_text("{not a database")
    assert [n.title for n in scan_of(store).notes] == ["Survives"]


def test_a_refresh_parses_only_the_files_that_changed(store: NoteStore, config: Config) -> None:
    store.add(_note("Kept"))
    edited = store.add(_note("Edited", day=2))
    first = CatalogKeeper(store, [])
    first.refresh()
    assert first.parsed == 2
    assert edited.path is not None
    edited.path.write_text(edited.path.read_text().replace("title: Edited", "title: Changed"))
    os.utime(edited.path, ns=(1, 1))
    (config.notes_dir / "new.md").write_text("brand new\n")
    second = CatalogKeeper(store, [])
    second.refresh()
    assert second.parsed == 2  # the edited file and the new one, not the kept one
    titles = {row.title for row in second.catalog.newest()}
    assert titles == {"Kept", "Changed", "brand new"}
    first.close()
    second.close()


def test_a_batch_syncs_each_folder_once_at_the_end(
    store: NoteStore, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tilbase.store.atomic
    import tilbase.store.notes

    synced: list[Path] = []
    monkeypatch.setattr(tilbase.store.atomic, "fsync_dir", synced.append)
    monkeypatch.setattr(tilbase.store.notes, "fsync_dir", synced.append)
    with store.batch():
        for day in (1, 2, 3):
            store.add(_note(f"Batch {day}", day=day))
        assert synced == []
        assert len(scan_of(store).notes) == 3  # the notes are there before the batch ends
    assert synced.count(config.notes_dir) == 1
    store.add(_note("Alone", day=4))
    assert synced.count(config.notes_dir) == 2


# -- regressions from the code review ---------------------------------------------------


def test_rewrite_of_a_file_with_a_bom_dropped_its_custom_keys(
    store: NoteStore, config: Config
) -> None:
    path = config.notes_dir / "post.md"
    path.write_bytes("\ufeff---\nid: post\ntitle: Post\nlayout: post\n---\nold\n".encode())
    note = scan_of(store).notes[0]
    store.rewrite(note.with_changes(body="new\n"))
    assert path.read_bytes() == (
        "\ufeff---\nid: post\ntitle: Post\ntags: []\nlayout: post\n---\nnew\n".encode()
    )


def test_rewrite_silently_dropping_keys_of_broken_frontmatter_is_refused(
    store: NoteStore, config: Config
) -> None:
    path = config.notes_dir / "post.md"
    original = b"---\nid: post\nlayout: [unclosed\n---\nold\n"
    path.write_bytes(original)
    note = scan_of(store).notes[0]
    with pytest.raises(InvalidInput, match=r"^post\.md: cannot update the note, its frontmatter"):
        store.rewrite(note.with_changes(body="new\n"))
    assert path.read_bytes() == original


def test_set_tags_rewriting_a_cp1252_file_is_refused(store: NoteStore, config: Config) -> None:
    path = config.notes_dir / "old.md"
    original = "---\ntags: [a]\n---\ncafé \x81\n".encode("cp1252", errors="ignore") + b"\x81"
    path.write_bytes(original)
    note = scan_of(store).notes[0]
    with pytest.raises(InvalidInput, match=r"^old\.md: is not valid UTF-8 .*nothing was changed$"):
        store.set_tags(note, ["a", "b"])
    with pytest.raises(InvalidInput, match="is not valid UTF-8"):
        store.write_text(note, "---\ntags: [a, b]\n---\n")
    assert path.read_bytes() == original


def test_set_tags_dropped_the_bom(store: NoteStore, config: Config) -> None:
    path = config.notes_dir / "bom.md"
    path.write_bytes("\ufeff---\nid: bom\ntags: [a]\n---\nbody\n".encode())
    note = scan_of(store).notes[0]
    updated = store.set_tags(note, ["a", "b"])
    assert path.read_bytes() == "\ufeff---\nid: bom\ntags: [a, b]\n---\nbody\n".encode()
    assert updated.tags == ("a", "b")
    store.write_text(updated, "---\nid: bom\ntags: [c]\n---\nbody\n")
    assert path.read_bytes() == "\ufeff---\nid: bom\ntags: [c]\n---\nbody\n".encode()


@pytest.mark.skipif(sys.platform != "linux", reason="needs /proc and POSIX symlinks")
def test_one_unreadable_note_file_broke_every_command(store: NoteStore, config: Config) -> None:
    store.add(_note("Fine"))
    (config.notes_dir / "mem.md").symlink_to("/proc/self/mem")  # stat works, read gives EIO
    (config.notes_dir / "loop.md").symlink_to(config.notes_dir / "loop.md")  # ELOOP
    (config.notes_dir / "dangling.md").symlink_to(config.notes_dir / "nowhere.md")
    scan = scan_of(store)
    assert [n.title for n in scan.notes] == ["Fine"]
    assert scan.warnings == [
        "loop.md:1: cannot read (Too many levels of symbolic links)",
        "mem.md:1: cannot read (Input/output error)",
    ]
    # The lean walk the index uses does not trip over them either.
    assert "loop.md" not in store.file_stats()
    with pytest.raises(NoteUnreadable, match=r"^mem\.md: cannot read \(Input/output error\)$"):
        store.read_file(config.notes_dir / "mem.md")


def test_a_note_file_without_read_permission_is_skipped_with_a_warning(
    store: NoteStore, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(_note("Fine"))
    secret = config.notes_dir / "secret.md"
    secret.write_text("no access\n")
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "secret.md":  # root may read anything, so EACCES is simulated
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    scan = scan_of(store)
    assert [n.title for n in scan.notes] == ["Fine"]
    assert scan.warnings == ["secret.md:1: cannot read (Permission denied)"]


def test_io_errors_were_reported_as_note_not_found(store: NoteStore, config: Config) -> None:
    gone = config.notes_dir / "gone.md"
    with pytest.raises(NoteNotFound, match=r"^gone\.md: the file is gone"):
        store.read_file(gone)
    folder = config.notes_dir / "folder.md"
    folder.mkdir()
    with pytest.raises(NoteUnreadable, match=r"^folder\.md: cannot read \(Is a directory\)$"):
        store.read_file(folder)
    assert not issubclass(NoteUnreadable, NoteNotFound)


def test_a_missing_notes_folder_was_a_silently_empty_kb(store: NoteStore, config: Config) -> None:
    config.notes_dir.rmdir()
    scan = scan_of(store)
    assert scan.notes == []
    assert scan.warnings == [
        "notes: the notes folder does not exist, so there are no notes (`til add` creates it)"
    ]
    store.add(_note("First"))  # adding creates it
    assert scan_of(store).warnings == []


def _fail_with(error: int) -> Callable[..., None]:
    def fail(*_args: object, **_kw: object) -> None:
        raise OSError(error, os.strerror(error))

    return fail


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (errno.EROFS, "cannot write notes/2023-02-01-x.md (Read-only file system)"),
        (errno.ENOSPC, "cannot write notes/2023-02-01-x.md (No space left on device)"),
    ],
)
def test_read_only_kb_or_full_disk_was_reported_as_a_bug(
    store: NoteStore, monkeypatch: pytest.MonkeyPatch, error: int, message: str
) -> None:
    saved = store.add(_note("X"))
    monkeypatch.setattr(tempfile, "mkstemp", _fail_with(error))
    with pytest.raises(WriteFailed) as info:
        store.add(_note("X"))
    assert info.value.message == message.replace("-x.md", "-x-2.md")
    with pytest.raises(WriteFailed) as info:
        store.set_tags(saved, ["t"])
    assert info.value.message == message
    assert info.value.hint


def test_trash_on_a_read_only_kb_is_one_line(
    store: NoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = store.add(_note("X"))
    monkeypatch.setattr(shutil, "move", _fail_with(errno.EROFS))
    with pytest.raises(WriteFailed) as info:
        store.trash(saved)
    assert info.value.message == (
        "cannot move notes/2023-02-01-x.md to .tilbase/trash/2023-02-01-x.md "
        "(Read-only file system)"
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_every_written_file_was_mode_0600(store: NoteStore, config: Config) -> None:
    old_umask = os.umask(0o002)
    try:
        import tilbase.store.atomic as store_module

        store_module._UMASK = None  # read the umask this test set
        saved = store.add(_note("Shared"))
        assert saved.path is not None
        assert stat.S_IMODE(saved.path.stat().st_mode) == 0o664
        saved.path.chmod(0o640)
        store.set_tags(saved, ["t"])
        assert stat.S_IMODE(saved.path.stat().st_mode) == 0o640
        target = config.root / "out.txt"
        atomic_write(target, "x", overwrite=False)
        assert stat.S_IMODE(target.stat().st_mode) == 0o664
    finally:
        os.umask(old_umask)
        store_module._UMASK = None


# -- the write lock -----------------------------------------------------------------------


def test_the_write_lock_is_reentrant_within_a_process(config: Config) -> None:
    first, second = NoteStore(config, lock_timeout=0.5), NoteStore(config, lock_timeout=0.5)
    with first.write_lock(), first.write_lock(), second.write_lock():
        pass
    assert (config.state_dir / "write.lock").exists()
    with second.write_lock():  # released by all three
        pass


def test_the_write_lock_keeps_other_threads_waiting(config: Config) -> None:
    store = NoteStore(config, lock_timeout=0.2)
    outcome: list[str] = []

    def other_thread() -> None:
        try:
            with store.write_lock():
                outcome.append("got it")
        except KBBusy:
            outcome.append("busy")

    with store.write_lock():
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert outcome == ["busy"]


def test_the_write_lock_waits_for_another_process_then_gives_up(config: Config) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from tilbase import writelock\n"
            "with writelock.hold(Path(sys.argv[1])):\n"
            "    print('held', flush=True); time.sleep(30)\n",
            str(config.state_dir / "write.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        store = NoteStore(config, lock_timeout=0.3)
        with (
            pytest.raises(KBBusy, match=r"for over 0\.3 s; nothing was changed$"),
            store.write_lock(),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    with store.write_lock():  # the OS released the dead process's lock
        pass


def test_an_unlistable_subfolder_is_skipped_with_a_warning(
    store: NoteStore, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(_note("Fine"))
    (config.notes_dir / "private").mkdir()
    (config.notes_dir / "private" / "x.md").write_text("hidden\n")
    real_scandir = os.scandir

    def scandir(folder: str) -> Iterator[os.DirEntry[str]]:
        if folder.endswith("private"):
            raise PermissionError(errno.EACCES, "Permission denied", folder)
        return real_scandir(folder)

    monkeypatch.setattr(os, "scandir", scandir)
    scan = scan_of(store)
    assert [n.title for n in scan.notes] == ["Fine"]
    assert scan.warnings == ["private/: cannot list this folder (Permission denied); skipped"]


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (errno.EROFS, "no lock needed"),  # nothing can be written, the write says so
        (errno.EACCES, "cannot write .tilbase/write.lock (Permission denied)"),
    ],
)
def test_the_write_lock_when_its_file_cannot_be_created(
    config: Config, monkeypatch: pytest.MonkeyPatch, error: int, outcome: str
) -> None:
    real_open = os.open

    def fake_open(path: str, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith("write.lock"):
            raise OSError(error, os.strerror(error), str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", fake_open)
    store = NoteStore(config)
    if outcome == "no lock needed":
        with store.write_lock():
            pass
    else:
        with pytest.raises(WriteFailed) as info, store.write_lock():
            pass
        assert info.value.message == outcome
