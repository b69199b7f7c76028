"""`til tag add|rm|list|rename` through the CLI: exit codes, stdout, stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run


@pytest.fixture
def notes_dir(kb_dir: Path) -> Path:
    return kb_dir / "notes"


def put(notes_dir: Path, name: str, text: str) -> Path:
    path = notes_dir / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.fixture
def sample(notes_dir: Path) -> dict[str, Path]:
    return {
        "py": put(
            notes_dir,
            "py.md",
            "---\nid: 2024-01-02-py\ntitle: Py\ndate: 2024-01-02\ntags: [lang/python, web]\n---\n"
            "Uses #lang/python in prose.\n",
        ),
        "rs": put(
            notes_dir,
            "rs.md",
            "---\nid: 2024-01-03-rs\ntitle: Rs\ndate: 2024-01-03\ntags: [lang/rust]\n---\nx\n",
        ),
        "theory": put(
            notes_dir,
            "th.md",
            "---\nid: 2023-02-14-lifelong\ntitle: Lifelong\ntags: [theory]\n---\n"
            "```\n#theory\n```\n",
        ),
    }


def test_tag_add_reports_on_stderr(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "add", "2024-01-03", "Systems", "lang/rust")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Added systems to 2024-01-03-rs" in result.stderr
    assert "2024-01-03-rs already has tag 'lang/rust'; nothing to add" in result.stderr
    assert "tags: [lang/rust, systems]\n" in sample["rs"].read_text()


def test_tag_add_unknown_note_exits_1(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "add", "nope", "x")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no note has id 'nope'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_tag_add_ambiguous_prefix_exits_1(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "add", "2024-01", "x")
    assert result.exit_code == 1
    assert "'2024-01' matches 2 notes" in result.stderr


def test_tag_add_needs_a_tag(run: Run, sample: dict[str, Path]) -> None:
    assert run("tag", "add", "2024-01-03").exit_code == 2


def test_tag_rm(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "rm", "2024-01-03", "lang/rust", "nothere")
    assert result.exit_code == 0, result.stderr
    assert "Removed lang/rust from 2024-01-03-rs" in result.stderr
    assert "has no tag 'nothere' in its frontmatter; nothing to remove" in result.stderr
    assert "tags: []\n" in sample["rs"].read_text()


def test_tag_rm_inline_hashtag_is_refused(run: Run, sample: dict[str, Path]) -> None:
    before = sample["py"].read_bytes()
    result = run("tag", "rm", "2024-01-02", "lang/python")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: py.md:7: 'lang/python' is an inline #lang/python in the body of 2024-01-02-py"
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert sample["py"].read_bytes() == before


def test_tag_list_plain_when_piped(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "list")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2\tlang\n1\tlang/python\n1\tlang/rust\n1\ttheory\n1\tweb\n"


def test_tag_list_sort_count(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "list", "--sort", "count")
    assert result.stdout.splitlines()[0] == "2\tlang"


def test_tag_list_bad_sort_is_a_usage_error(run: Run) -> None:
    result = run("tag", "list", "--sort", "size")
    assert result.exit_code == 2


def test_tag_list_json(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "list", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data[0] == {"tag": "lang", "count": 0, "total": 2}
    assert {"tag": "theory", "count": 1, "total": 1} in data


def test_tag_list_empty(run: Run) -> None:
    result = run("tag", "list")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "No tags yet" in result.stderr
    assert json.loads(run("tag", "list", "--json").stdout) == []


def test_tag_list_tree_on_a_terminal(
    run: Run, sample: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tilbase.render.tags.is_terminal", lambda: True)
    result = run("tag", "list")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines == ["2  lang", "1    python", "1    rust", "1  theory", "1  web"]


def test_tag_rename_dry_run_lists_and_writes_nothing(
    run: Run, sample: dict[str, Path], notes_dir: Path
) -> None:
    before = {p.name: p.read_bytes() for p in notes_dir.iterdir()}
    result = run("tag", "rename", "lang", "language", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "2024-01-02-py\ttags: lang/python, web -> language/python, web; 1 inline hashtag\n"
        "2024-01-03-rs\ttags: lang/rust -> language/rust\n"
    )
    assert "Would rename 'lang' to 'language' in 2 notes (dry run" in result.stderr
    assert {p.name: p.read_bytes() for p in notes_dir.iterdir()} == before


def test_tag_rename_then_list(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "rename", "theory", "deep-theory")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2023-02-14-lifelong\ttags: theory -> deep-theory\n"
    assert "Renamed 'theory' to 'deep-theory' in 1 note" in result.stderr
    # the #theory inside the code fence is not a tag and stays as it was
    assert sample["theory"].read_text().endswith("---\n```\n#theory\n```\n")
    tags = [row["tag"] for row in json.loads(run("tag", "list", "--json").stdout)]
    assert "theory" not in tags
    assert "deep-theory" in tags


def test_tag_rename_unknown_tag_exits_1_with_one_line(run: Run, sample: dict[str, Path]) -> None:
    result = run("tag", "rename", "nosuch", "other")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: no note has the tag 'nosuch'")


def test_tag_help_lists_every_subcommand(run: Run) -> None:
    result = run("tag", "--help")
    assert result.exit_code == 0
    for name in ("add", "rm", "list", "rename"):
        assert name in result.stdout


def _til(kb_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "tilbase", "--config", str(kb_dir / "config.yaml"), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_subprocess_tag_rename_and_list(kb_dir: Path, sample: dict[str, Path]) -> None:
    renamed = _til(kb_dir, "tag", "rename", "web", "www")
    assert renamed.returncode == 0, renamed.stderr
    listed = _til(kb_dir, "tag", "list")
    assert listed.returncode == 0
    assert "1\twww\n" in listed.stdout
    missing = _til(kb_dir, "tag", "rename", "web", "www")
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1
    assert "Traceback" not in missing.stderr


# -- regressions from the code review ---------------------------------------------------


def test_concurrent_tag_adds_lost_updates(kb_dir: Path, notes_dir: Path) -> None:
    note = put(notes_dir, "n.md", "---\nid: 2023-01-01-n\ntitle: N\ntags: []\n---\nbody\n")
    command = [sys.executable, "-m", "tilbase", "--config", str(kb_dir / "config.yaml")]
    env = {**os.environ, "NO_COLOR": "1"}
    runs = [
        subprocess.Popen(
            [*command, "tag", "add", "2023-01-01", f"t{i}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(10)
    ]
    results = [(proc.wait(timeout=120), *proc.communicate()) for proc in runs]
    assert [code for code, _out, _err in results] == [0] * 10, [err for *_, err in results]
    listed = _til(kb_dir, "show", "2023-01-01", "--json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(json.loads(listed.stdout)["tags"]) == sorted(f"t{i}" for i in range(10))
    assert note.read_text().startswith("---\nid: 2023-01-01-n\ntitle: N\ntags: [")


def test_tag_add_on_a_read_only_kb_was_reported_as_a_bug(
    run: Run, sample: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    def read_only(*_args: object, **_kw: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    before = sample["rs"].read_bytes()
    result = run("tag", "add", "2024-01-03", "x")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write notes/rs.md (Read-only file system)")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bug" not in result.stderr
    assert sample["rs"].read_bytes() == before


@pytest.mark.skipif(sys.platform != "linux", reason="needs /proc and POSIX symlinks")
def test_one_unreadable_file_broke_tag_commands(
    run: Run, sample: dict[str, Path], notes_dir: Path
) -> None:
    (notes_dir / "u.md").symlink_to("/proc/self/mem")
    (notes_dir / "loop.md").symlink_to(notes_dir / "loop.md")
    result = run("tag", "add", "2024-01-03", "x")
    assert result.exit_code == 0, result.stderr
    assert "warning: u.md:1: cannot read (Input/output error)" in result.stderr
    assert "warning: loop.md:1: cannot read (Too many levels of symbolic links)" in result.stderr
    assert "tags: [lang/rust, x]\n" in sample["rs"].read_text()
    listed = run("tag", "list")
    assert listed.exit_code == 0
    assert "1\tx\n" in listed.stdout


def test_tag_add_on_flow_frontmatter_exits_1_and_keeps_the_file(run: Run, notes_dir: Path) -> None:
    text = "---\n{id: flow, title: Flow note, date: 2023-01-01, tags: [a]}\n---\nbody\n"
    path = put(notes_dir, "flow.md", text)
    result = run("tag", "add", "flow", "x")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: flow.md: cannot change tags: the frontmatter is written as a {...} flow"
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert path.read_text() == text
