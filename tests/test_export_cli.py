"""`til export` through the CLI, and choosing which notes to export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.test_export_markdown import read_export
from tilbase.export import select_notes
from tilbase.filters import NoteFilter
from tilbase.kb import KnowledgeBase


def put(kb_dir: Path, name: str, text: str) -> None:
    (kb_dir / "notes" / name).write_text(text, encoding="utf-8", newline="")


@pytest.fixture
def sample(kb_dir: Path) -> None:
    put(
        kb_dir,
        "a.md",
        "---\nid: 2022-11-25-python-slow\ntitle: Why is Python slow?\ndate: 2022-11-25\n"
        "topic: Python\ntags: [lang/python, performance]\n---\nThe GIL and dynamic typing.\n",
    )
    put(
        kb_dir,
        "b.md",
        "---\nid: 2022-11-02-kedro\ntitle: Kedro pipelines\ndate: 2022-11-02\n"
        "topic: MLOps/Tools\ntags: [tools]\n---\nKedro structures data pipelines.\n",
    )
    put(
        kb_dir,
        "c.md",
        "---\nid: how-to-classify\ntitle: How to classify unlabeled data?\n---\n"
        "Use clustering. #ml\n",
    )


def exported_ids(text: str) -> list[str]:
    return [meta["id"] for _h, meta, _b in read_export(text)]


def test_markdown_to_stdout_by_default(run: Run, sample: None) -> None:
    result = run("export")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("# TIL notes\n\n3 notes, grouped by month.")
    assert exported_ids(result.stdout) == [
        "2022-11-25-python-slow",
        "2022-11-02-kedro",
        "how-to-classify",
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tag", "lang"], ["2022-11-25-python-slow"]),  # hierarchical
        (["--tag", "ml"], ["how-to-classify"]),  # an inline hashtag
        (["--tag", "lang/python", "--tag", "performance"], ["2022-11-25-python-slow"]),
        (["--tag", "lang", "--tag", "tools"], []),
        (["--topic", "mlops"], ["2022-11-02-kedro"]),
        (["--since", "2022-11-10"], ["2022-11-25-python-slow"]),
        (["--until", "2022-11-10"], ["2022-11-02-kedro"]),
        (["KEDRO"], ["2022-11-02-kedro"]),
        (["gil typing"], ["2022-11-25-python-slow"]),
        (["gil kedro"], ["2022-11-25-python-slow", "2022-11-02-kedro"]),  # OR-ed, as in search
        (["gil AND kedro"], []),
        (["classify", "--topic", "python"], []),
    ],
)
def test_filters(run: Run, sample: None, args: list[str], expected: list[str]) -> None:
    result = run("export", *args)
    assert result.exit_code == 0, result.stderr
    assert exported_ids(result.stdout) == expected


def test_no_match_says_so_on_stderr(run: Run, sample: None) -> None:
    result = run("export", "nothing-like-this")
    assert result.exit_code == 0
    assert "No notes match" in result.stderr
    assert read_export(result.stdout) == []


def test_bad_date_exits_1(run: Run, sample: None) -> None:
    result = run("export", "--since", "31.02.2022")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --since:")


@pytest.mark.parametrize("args", [["--format", "pdf"], ["--group-by", "week"]])
def test_unknown_choices_are_usage_errors(run: Run, args: list[str]) -> None:
    assert run("export", *args).exit_code == 2


def test_json_is_one_array_of_the_design_shape(run: Run, sample: None) -> None:
    result = run("export", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [r["id"] for r in data] == [
        "2022-11-25-python-slow",
        "2022-11-02-kedro",
        "how-to-classify",
    ]
    assert set(data[0]) == {
        "id",
        "title",
        "date",
        "topic",
        "tags",
        "body",
        "links",
        "source",
        "created",
        "path",
    }
    assert data[0]["tags"] == ["lang/python", "performance"]
    assert data[2]["date"] is None
    assert data[2]["tags"] == ["ml"]


def test_output_file_then_refuse_then_force(run: Run, sample: None, tmp_path: Path) -> None:
    target = tmp_path / "all.md"
    first = run("export", "-o", str(target))
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""
    assert f"Exported 3 notes to {target}" in first.stderr
    written = target.read_text()
    assert len(read_export(written)) == 3

    again = run("export", "--format", "json", "-o", str(target))
    assert again.exit_code == 1
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0] == (
        f"error: {target}: already exists; nothing was written — add --force to replace it"
    )
    assert target.read_text() == written

    forced = run("export", "--format", "json", "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert len(json.loads(target.read_text())) == 3


def test_output_to_a_folder_for_markdown_is_refused(run: Run, sample: None, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    result = run("export", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "is a folder" in result.stderr


def _kb_tree(kb_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(kb_dir).as_posix(): p.read_bytes()
        for p in sorted(kb_dir.rglob("*"))
        # The catalog is derived; a read may store its walk snapshot in it.
        if p.is_file() and not p.name.startswith("catalog.sqlite")
    }


@pytest.mark.parametrize(
    ("args", "where", "says"),
    [
        # Review finding #4: `export --format repo -o <KB root> --force` overwrote real notes.
        (["-f", "repo", "--force", "-o"], ".", "holds the KB's notes folder"),
        (["-f", "repo", "-o"], "..", "holds the KB's notes folder"),
        (["-f", "repo", "-o"], ".tilbase", "is the KB's state folder"),
        (["-f", "repo", "-o"], ".tilbase/export", "is inside the KB's state folder"),
        (["-o"], ".tilbase/all.md", "is inside the KB's state folder"),
        (["-f", "json", "-o"], ".tilbase/index/x.json", "is inside the KB's state folder"),
        (["-f", "repo", "-o"], "notes/sub", "is inside the KB's notes folder"),
        (["-o"], "notes/all.md", "is inside the KB's notes folder"),
        (["-o"], "notes", "is the KB's notes folder"),
        (["--force", "-o"], "config.yaml", "is the KB's config file"),
    ],
)
def test_export_into_or_above_the_kb_folders_is_refused(
    run: Run, sample: None, kb_dir: Path, args: list[str], where: str, says: str
) -> None:
    run("search", "python")  # builds the index, so .tilbase has files to lose
    before = _kb_tree(kb_dir)
    result = run("export", *args, str(kb_dir / where))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert says in result.stderr
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "nothing was written" in result.stderr or "config file" in result.stderr
    assert _kb_tree(kb_dir) == before


def test_a_document_export_next_to_the_notes_folder_is_allowed(
    run: Run, sample: None, kb_dir: Path
) -> None:
    result = run("export", "-o", str(kb_dir / "all-notes.md"))
    assert result.exit_code == 0, result.stderr
    assert (kb_dir / "all-notes.md").read_text().startswith("# TIL notes")


@pytest.mark.parametrize(("order", "ids"), [("dmy", []), ("mdy", ["2022-11-02-kedro"])])
def test_export_date_options_follow_the_kb_date_order(
    run: Run, sample: None, kb_dir: Path, order: str, ids: list[str]
) -> None:
    # Review finding #16: 11/02/2022 is 2 November only when date_order is mdy.
    config = kb_dir / "config.yaml"
    config.write_text(config.read_text() + f"date_order: {order}\n")
    result = run("export", "-f", "json", "--since", "11/02/2022", "--until", "11/02/2022")
    assert result.exit_code == 0, result.stderr
    assert [n["id"] for n in json.loads(result.stdout)] == ids


def test_repo_needs_an_output_folder(run: Run, sample: None) -> None:
    result = run("export", "--format", "repo")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --format repo writes a folder; give one with -o DIR")


def test_repo_export_and_reexport(run: Run, sample: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run("export", "--format", "repo", "-o", str(out))
    assert first.exit_code == 0, first.stderr
    assert "Exported 3 notes to" in first.stderr
    assert "5 files written, 0 unchanged, 0 removed" in first.stderr  # + .til-notes.json
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == [
        "README.md",
        "misc/how-to-classify-unlabeled-data.md",
        "mlops/tools/kedro-pipelines.md",
        "python/why-is-python-slow.md",
    ]
    (out / "NOTES.txt").write_text("mine")
    again = run("export", "--format", "repo", "-o", str(out), "--topic", "python")
    assert again.exit_code == 0, again.stderr
    assert "2 files written, 1 unchanged, 2 removed" in again.stderr  # README and the index
    assert (out / "NOTES.txt").read_text() == "mine"


def test_repo_with_no_match_leaves_the_folder_alone(run: Run, sample: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export", "--format", "repo", "-o", str(out)).exit_code == 0
    before = sorted(out.rglob("*"))
    result = run("export", "--format", "repo", "-o", str(out), "--tag", "nosuch")
    assert result.exit_code == 0
    assert "No notes match" in result.stderr
    assert sorted(out.rglob("*")) == before


def test_repo_refuses_a_foreign_file_in_the_way(run: Run, sample: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "python").mkdir(parents=True)
    (out / "python" / "why-is-python-slow.md").write_text("not mine")
    result = run("export", "--format", "repo", "-o", str(out))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "already exists; nothing was written" in result.stderr
    assert not (out / "README.md").exists()


# -- choosing notes -------------------------------------------------------------------------


def test_the_query_is_answered_by_the_search_index(kb: KnowledgeBase, kb_dir: Path) -> None:
    put(kb_dir, "a.md", "---\nid: a\ntitle: Alpha\ntopic: Zeta\ntags: [gamma]\n---\nbeta trees\n")
    put(kb_dir, "b.md", "---\nid: b\ntitle: Other\ntags: [t]\n---\nalpha only\n")
    put(kb_dir, "c.md", "---\nid: c\ntitle: Unrelated\ntags: [t]\n---\nnothing\n")
    kb.notes_changed()
    # Stemmed like search ("tree" finds "trees"), words OR-ed, metadata filters on top.
    assert [n.id for n in select_notes(kb, NoteFilter(query="tree"))] == ["a"]
    assert {n.id for n in select_notes(kb, NoteFilter(query="alpha"))} == {"a", "b"}
    assert [n.id for n in select_notes(kb, NoteFilter(query="alpha", tags=("t",)))] == ["b"]
    assert [n.id for n in select_notes(kb, NoteFilter(query="title:unrelated"))] == ["c"]
    assert len(select_notes(kb, NoteFilter())) == 3


# -- real processes -------------------------------------------------------------------------


def _til(kb_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tilbase", "--config", str(kb_dir / "config.yaml"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
        timeout=60,
    )


def test_subprocess_export_markdown_and_refusal(kb_dir: Path, sample: None, tmp_path: Path) -> None:
    target = tmp_path / "all.md"
    made = _til(kb_dir, "export", "--group-by", "topic", "-o", str(target))
    assert made.returncode == 0, made.stderr
    assert len(read_export(target.read_text(encoding="utf-8"))) == 3
    refused = _til(kb_dir, "export", "-o", str(target))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1
    assert "Traceback" not in refused.stderr


def test_subprocess_export_json_to_a_pipe(kb_dir: Path, sample: None) -> None:
    result = _til(kb_dir, "export", "--format", "json", "--tag", "tools")
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ["2022-11-02-kedro"]
