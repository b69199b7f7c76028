"""Proof: hostile input for ``til import`` and for files dropped into ``notes/``.

YAML tags that would run code, symlinks out of the KB and symlink loops, ``..``
and 5,000-character titles, NUL bytes, invalid UTF-8 and a big file: nothing runs,
nothing outside the KB is read into a write or changed, every command finishes
with one-line messages, and the other notes are untouched. Real subprocesses.

The big file is ``TILBASE_PROOF_BIG_MB`` megabytes (default 8; 50 for the full claim).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.proof_helpers import env_count, kb_notes, make_kb, note_files, til

pytestmark = [pytest.mark.proof, pytest.mark.slow]

BIG_MB = env_count("TILBASE_PROOF_BIG_MB", 8)
MAX_NAME_BYTES = 255


def evil_yaml(marker: Path) -> str:
    return (
        "---\n"
        f"title: !!python/object/apply:os.system ['touch {marker}']\n"
        f"tags: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n"
        "---\n"
        "evil body\n"
    )


def no_traceback(result: object) -> None:
    stderr = getattr(result, "stderr", "")
    assert "Traceback" not in stderr, stderr


@pytest.fixture
def kb(tmp_path: Path) -> tuple[Path, Path, Path]:
    config = make_kb(tmp_path / "kb")
    home = tmp_path / "home"
    assert til(config, home, "add", "a plain note", "--title", "Plain").returncode == 0
    return config, home, tmp_path / "kb"


def test_yaml_tags_never_run_code_on_import_or_in_notes(
    kb: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, home, kb_dir = kb
    marker = tmp_path / "pwned"
    source = tmp_path / "src" / "evil.md"
    source.parent.mkdir()
    source.write_text(evil_yaml(marker))
    imported = til(config, home, "import", str(source))
    no_traceback(imported)
    assert imported.returncode == 0
    (kb_dir / "notes" / "dropped.md").write_text(evil_yaml(marker))
    for args in (("log",), ("search", "evil"), ("reindex",), ("tag", "list"), ("export",)):
        result = til(config, home, *args)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)
    assert not marker.exists()
    bodies = [n.body for n in kb_notes(config)]
    assert sum("evil body" in b for b in bodies) == 2  # both kept as notes, as text


def test_symlinks_out_of_the_kb_and_loops(kb: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config, home, kb_dir = kb
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Outside\ntags: [keep]\n---\nsecret outside text\n")
    before = outside.read_bytes()
    notes = kb_dir / "notes"
    (notes / "link-out.md").symlink_to(outside)
    (notes / "loop-a.md").symlink_to(notes / "loop-b.md")
    (notes / "loop-b.md").symlink_to(notes / "loop-a.md")
    (notes / "folder-loop").symlink_to(notes, target_is_directory=True)
    (notes / "dangling.md").symlink_to(tmp_path / "missing.md")
    src = tmp_path / "src"
    src.mkdir()
    (src / "real.md").write_text("# 2023-01-01 Real\nreal text\n")
    (src / "out.md").symlink_to(outside)
    (src / "self").symlink_to(src, target_is_directory=True)
    (src / "loop.md").symlink_to(src / "loop.md")
    for args in (("log",), ("reindex",), ("search", "secret"), ("import", str(src))):
        result = til(config, home, *args, timeout=60)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)
    linked = [
        n for n in kb_notes(config) if n.title == "Outside" and n.path and n.path.is_symlink()
    ]
    # A tag change on a linked note replaces the link with a file; the target is never written.
    if linked:
        tagged = til(config, home, "tag", "add", linked[0].id, "more")
        no_traceback(tagged)
    rename = til(config, home, "tag", "rename", "keep", "kept")
    no_traceback(rename)
    assert outside.read_bytes() == before
    assert any(n.title == "Real" for n in kb_notes(config))


def test_dot_dot_and_huge_titles_stay_inside_notes(
    kb: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, home, kb_dir = kb
    long_title = "x" * 5000
    for title in ("../../escape", "..", "/etc/passwd", long_title, "a/../../b"):
        result = til(config, home, "add", "body", "--title", title)
        no_traceback(result)
        assert result.returncode == 0, result.stderr
    source = tmp_path / "src" / "hostile.md"
    source.parent.mkdir()
    source.write_text(
        "# 2023-01-01 ../../../outside\nx\n"
        f"# 2023-01-02 {long_title}\ny\n"
        "---\nid: ../../../etc/evil\n---\n"
    )
    imported = til(config, home, "import", str(source))
    no_traceback(imported)
    assert imported.returncode == 0
    notes_dir = (kb_dir / "notes").resolve()
    for path in note_files(kb_dir):
        assert notes_dir in path.resolve().parents
        assert len(path.name.encode()) <= MAX_NAME_BYTES
    assert not list(tmp_path.glob("escape*"))
    assert not list(tmp_path.glob("outside*"))
    titles = {n.title for n in kb_notes(config)}
    assert any(len(t) >= 1000 for t in titles)  # the long title is kept in the note


def test_nul_bytes_and_invalid_utf8(kb: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config, home, kb_dir = kb
    src = tmp_path / "src"
    src.mkdir()
    (src / "nul.md").write_bytes(b"# 2023-01-01 A\x00B\nbody\x00\n")
    (src / "latin.md").write_bytes(b"# 2023-01-02 Caf\xe9\nna\xefve text\n")
    (src / "good.md").write_text("# 2023-01-03 Good\nfine\n")
    imported = til(config, home, "import", str(src))
    no_traceback(imported)
    assert imported.returncode == 0
    assert "binary file" in imported.stderr
    assert "cp1252" in imported.stderr
    notes = kb_dir / "notes"
    (notes / "dropped-nul.md").write_bytes(b"---\ntitle: N\x00\n---\n\x00\x00")
    latin = notes / "dropped-latin.md"
    latin.write_bytes(b"---\ntitle: Caf\xe9\n---\nbody\n")
    for args in (("log",), ("reindex",), ("search", "fine"), ("tag", "list")):
        result = til(config, home, *args)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)
    refused = til(config, home, "tag", "add", "dropped-latin", "x")
    no_traceback(refused)
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert latin.read_bytes() == b"---\ntitle: Caf\xe9\n---\nbody\n"
    titles = {n.title for n in kb_notes(config)}
    assert {"Good", "Café", "Plain"} <= titles


def test_a_big_file_imports_and_is_found(kb: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config, home, _ = kb
    line = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod\n"
    paragraph = line * 9 + "\n"
    count = BIG_MB * 1024 * 1024 // len(paragraph)
    src = tmp_path / "src"
    src.mkdir()
    big = src / "big.md"
    with big.open("w") as handle:
        handle.write("# Big page\n\n")
        for _ in range(count):
            handle.write(paragraph)
    size = big.stat().st_size
    imported = til(config, home, "import", str(src), timeout=900)
    no_traceback(imported)
    assert imported.returncode == 0, imported.stderr
    [note] = [n for n in kb_notes(config) if n.title == "Big page"]
    assert note.path is not None
    assert os.path.getsize(note.path) >= size - 100
    found = til(config, home, "search", "lorem", "--json", timeout=300)
    assert found.returncode == 0, found.stderr
