"""Real processes: concurrent writers, a writer killed mid-write, and lazy imports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.search_fixtures import write_notes

REPO = Path(__file__).resolve().parent.parent


def til(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tilbase", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_twenty_concurrent_adds_all_save_and_are_all_found(kb_dir: Path) -> None:
    config = kb_dir / "config.yaml"
    write_notes(kb_dir / "notes")
    assert til(config, "reindex").returncode == 0
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tilbase",
                "--config",
                str(config),
                "add",
                f"Concurrent capture number {i} about axolotls",
                "--title",
                f"Axolotl fact {i}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(20)
    ]
    outputs = [process.communicate(timeout=180) for process in processes]
    assert [p.returncode for p in processes] == [0] * 20, [err for _out, err in outputs]
    ids = [out.strip() for out, _err in outputs]
    assert len(set(ids)) == 20
    for _out, err in outputs:
        assert "Traceback" not in err
    found = til(config, "search", "axolotls", "--limit", "100", "--json")
    assert found.returncode == 0, found.stderr
    assert "rebuilt" not in found.stderr
    hits = json.loads(found.stdout)
    assert sorted(hit["id"] for hit in hits) == sorted(ids)
    assert len(list((kb_dir / "notes").glob("*axolotl*.md"))) == 20


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_writer_killed_mid_write_leaves_a_working_search(kb_dir: Path) -> None:
    config = kb_dir / "config.yaml"
    write_notes(kb_dir / "notes")
    assert til(config, "search", "kedro").returncode == 0
    index_dir = kb_dir / ".tilbase" / "index"
    script = textwrap.dedent(
        f"""
        import sys, time
        from whoosh import index
        from tilbase.index import INDEX_NAME, build_schema
        ix = index.open_dir({str(index_dir)!r}, indexname=INDEX_NAME, schema=build_schema())
        writer = ix.writer(procs=1, limitmb=1)
        for i in range(3000):
            writer.add_document(path=f"fake/{{i}}.md", id=f"fake-{{i}}", title="kedro " * 50,
                                body="kedro pipeline " * 200)
        sys.stdout.write("ready\\n")
        sys.stdout.flush()
        writer.commit()
        sys.stdout.write("committed\\n")
        sys.stdout.flush()
        time.sleep(60)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    result = til(config, "search", "kedro", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    ids = {hit["id"] for hit in json.loads(result.stdout)}
    assert "2022-11-14-what-is-kedro" in ids
    assert not any(note_id.startswith("fake-") for note_id in ids)
    # The killed writer leaves MAIN.tmp/ and a partial segment: one line says it was rebuilt.
    assert len(result.stderr.strip().splitlines()) <= 1
    again = til(config, "search", "kedro", "--json")
    assert again.stderr == ""


@pytest.mark.parametrize(
    "args",
    [["-c", "import tilbase.cli"], ["-m", "tilbase", "--help"], ["-m", "tilbase", "search", "-h"]],
)
def test_cli_startup_does_not_import_whoosh(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    imported = [line.split("|")[-1].strip() for line in result.stderr.splitlines()]
    assert "tilbase.cli" in imported
    assert not [name for name in imported if name.startswith("whoosh")]
    assert "tilbase.search" not in imported


def test_index_dir_at_a_folder_of_notes_is_refused_in_a_real_process(
    kb_dir: Path, tmp_path: Path
) -> None:
    """Review finding #1 as a user meets it: one error line, exit 1, the folder untouched."""
    config = kb_dir / "config.yaml"
    write_notes(kb_dir / "notes")
    elsewhere = tmp_path / "my-notes"
    elsewhere.mkdir()
    (elsewhere / "p.md").write_text("precious\n", "utf-8")
    config.write_text(f"notes_dir: notes\nindex_dir: {elsewhere}\n", "utf-8")
    result = til(config, "search", "kedro", "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: search index folder {elsewhere} is not empty")
    assert len(result.stderr.strip().splitlines()) == 1
    assert [p.name for p in elsewhere.iterdir()] == ["p.md"]
    config.write_text("notes_dir: notes\nindex_dir: notes\n", "utf-8")
    result = til(config, "search", "kedro")
    assert result.returncode == 1
    assert f"{config}:2: 'index_dir' (notes) is the notes folder" in result.stderr
    assert (kb_dir / "notes" / "2022-11-14-what-is-kedro.md").is_file()
