"""Issue 12: import never loses text silently, and tilbase's own exports come back.

Each test here is a regression test for a loss found by the fuzz run of the
issue (each fails on 0.1's main): HTML blocks and code fences never start an
entry, a BOM is dropped before the encoding fallback, an export marker shown in
a code fence is not an entry, text outside an export's entries is named in a
warning, an export of no notes imports as nothing, JSON and repository exports
read back to the same notes, CRLF sources give LF note files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.conftest import Run
from tilbase.config import init_kb, load_config
from tilbase.kb import KnowledgeBase
from tilbase.parse import parse_file
from tilbase.text import decode_bytes


def notes_of(
    kb: KnowledgeBase,
) -> dict[str, tuple[str, dt.date | None, str | None, tuple[str, ...], str]]:
    kb.rescan()
    return {n.id: (n.title, n.date, n.topic, tuple(sorted(n.tags)), n.body) for n in kb.notes()}


# -- the parser ------------------------------------------------------------------------------


def test_day_line_inside_an_html_comment_does_not_make_a_day_log() -> None:
    text = (
        "# Release checklist\n\nIntro text that must stay.\n\n"
        "<!--\nDay 3: Nov 1, 2022\n-->\n\nThe rest of the page.\n"
    )
    result = parse_file(text, "page.md")
    assert result.style == "page"
    [note] = result.notes
    assert note.title == "Release checklist"
    assert "Intro text that must stay." in note.body
    assert "The rest of the page." in note.body


def test_day_line_inside_an_html_block_does_not_start_an_entry() -> None:
    text = "Day 1: Nov 1, 2022\n- one\n<div>\nDay 2: Nov 2, 2022\n</div>\n- still day one\n"
    result = parse_file(text, "log.txt")
    assert result.style == "day-log"
    [note] = result.notes
    assert "still day one" in note.body
    assert "<div>\nDay 2: Nov 2, 2022\n</div>\n" in note.body


def test_bom_then_a_cp1252_byte_keeps_the_first_entry() -> None:
    data = (
        b"\xef\xbb\xbf# 14.02.2023 First entry\ncaf\xe9 au lait\n\n# 15.02.2023 Second entry\nx\n"
    )
    decoded = decode_bytes(data)
    assert decoded is not None
    assert decoded.warning is not None
    assert "cp1252" in decoded.warning
    assert not decoded.text.startswith(("\ufeff", "ï»¿"))
    result = parse_file(decoded.text, "log.md")
    assert [n.title for n in result.notes] == ["First entry", "Second entry"]
    assert result.notes[0].body == "café au lait\n\n"


def test_bom_on_valid_utf8_is_still_dropped_and_remembered() -> None:
    decoded = decode_bytes("\ufeff# T\nü\n".encode())
    assert decoded is not None
    assert (decoded.text, decoded.has_bom, decoded.warning) == ("# T\nü\n", True, None)


def test_export_marker_shown_in_a_code_fence_is_not_an_entry() -> None:
    text = (
        "## How does the export look?\n\n"
        "```markdown\n### 2022-11-25 Example\n"
        '<!-- til {"id": "example", "title": "Example"} -->\nbody\n<!-- /til -->\n```\n\n'
        "## How to import it again?\n\nRun til import.\n"
    )
    result = parse_file(text, "howto.md")
    assert result.style == "questions"
    assert [n.title for n in result.notes] == [
        "How does the export look?",
        "How to import it again?",
    ]
    assert "Run til import." in result.notes[1].body


def test_export_marker_in_a_fence_inside_an_export_body_does_not_split_it() -> None:
    text = (
        "## Real\n"
        '<!-- til {"id": "real", "title": "Real"} -->\n'
        "```\n## Fake\n"
        '<!-- til {"id": "fake", "title": "Fake"} -->\n```\nafter\n'
        "<!-- /til -->\n"
    )
    result = parse_file(text, "export.md")
    assert [n.id for n in result.notes] == ["real"]
    assert result.notes[0].body.endswith("```\nafter\n")


def test_text_outside_the_export_entries_is_named_in_a_warning() -> None:
    text = (
        "# TIL notes\n\n"
        "1 note, newest first. Exported by tilbase; `til import` reads this file back into notes.\n\n"
        "- [A](#a)\n\n"
        "## A\n"
        '<!-- til {"id": "a", "title": "A"} -->\nbody\n<!-- /til -->\n\n'
        "A paragraph I added by hand\nand its second line.\n\n"
        "Another one.\n"
    )
    result = parse_file(text, "export.md")
    assert [n.id for n in result.notes] == ["a"]
    assert [str(w) for w in result.warnings] == [
        "export.md:12: lines 12-13: text outside the export's entries is not imported",
        "export.md:15: line 15: text outside the export's entries is not imported",
    ]


def test_a_real_export_has_no_text_outside_its_entries(
    kb: KnowledgeBase, run: Run, tmp_path: Path
) -> None:
    for text, tag in (("one #x", "a"), ("two\n```\nopen fence", "b"), ("three", "a")):
        assert run("add", text, "-t", tag).exit_code == 0
    for group in ("date", "topic", "tag", "none"):
        out = tmp_path / f"{group}.md"
        assert run("export", "--group-by", group, "-o", str(out)).exit_code == 0
        result = parse_file(out.read_text(), out.name)
        assert result.style == "export"
        assert len(result.notes) == 3
        assert result.warnings == [], group


def test_an_export_of_no_notes_imports_as_nothing(
    run: Run, tmp_path: Path, kb: KnowledgeBase
) -> None:
    for fmt, name in (("markdown", "empty.md"), ("json", "empty.json")):
        out = tmp_path / name
        assert run("export", "--format", fmt, "-o", str(out)).exit_code == 0
        result = parse_file(out.read_text(), name)
        assert result.notes == []
        imported = run("import", str(out))
        assert imported.exit_code == 0, imported.stderr
        assert "0 created" in imported.stderr
    assert kb.notes() == []


# -- line endings ----------------------------------------------------------------------------


def test_crlf_source_gives_note_files_with_lf_only(run: Run, kb_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "log.md"
    source.write_bytes(b"# 2024-01-02 One\r\n- a\r\n- b\r\n\r\n# 2024-01-03 Two\r\ntext\r\n")
    result = run("import", str(source))
    assert result.exit_code == 0, result.stderr
    files = sorted((kb_dir / "notes").rglob("*.md"))
    assert len(files) == 2
    for path in files:
        assert b"\r" not in path.read_bytes()
    again = run("import", str(source))
    assert "2 unchanged" in again.stderr


def test_classic_mac_line_ends_become_lf() -> None:
    result = parse_file("# 2024-01-02 A\rx\ry\r", "mac.md")
    assert result.notes[0].body == "x\ny\n"


# -- JSON export ----------------------------------------------------------------------------


def _fill(run: Run) -> None:
    assert (
        run(
            "add", "body with #hash", "--title", "First", "-t", "a/b", "--date", "2023-01-02"
        ).exit_code
        == 0
    )
    assert (
        run("add", "second\n\n  indented\n", "--title", "Second", "--topic", "Git/Deep").exit_code
        == 0
    )
    assert (
        run("add", "no date here", "--title", "Third", "--date", "2021-05-06", "-t", "x").exit_code
        == 0
    )


def test_json_export_imports_back_to_the_same_notes(
    run: Run, kb: KnowledgeBase, tmp_path: Path
) -> None:
    _fill(run)
    out = tmp_path / "all.json"
    assert run("export", "--format", "json", "-o", str(out)).exit_code == 0
    before = notes_of(kb)
    other = tmp_path / "other"
    init_kb(other)
    result = run("--config", str(other / "config.yaml"), "import", str(out), config=False)
    assert result.exit_code == 0, result.stderr
    after = notes_of(KnowledgeBase(load_config(other / "config.yaml")))
    assert after == before
    # and into the KB it came from: nothing new
    again = run("import", str(out))
    assert "0 created" in again.stderr
    assert notes_of(kb) == before


def test_json_that_is_not_notes_is_refused_with_one_line(
    run: Run, kb: KnowledgeBase, tmp_path: Path
) -> None:
    cases = {
        "config.json": '{"name": "x", "version": 2}\n',
        "list.json": "[1, 2, 3]\n",
        "records.json": '[{"id": "a", "title": "A"}]\n',
        "broken.json": '[{"id": ',
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        result = run("import", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
        skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
        assert len(skipped) == 1, result.stderr
        assert name in skipped[0]
    assert kb.notes() == []


def test_json_records_know_their_lines() -> None:
    text = json.dumps(
        [
            {"id": "a", "title": "A", "date": "2020-01-01", "topic": None, "tags": [], "body": "x"},
            {"id": "b", "title": "B", "date": "bad", "topic": "T", "tags": ["q"], "body": "y"},
        ],
        indent=2,
    )
    result = parse_file(text, "all.json")
    assert result.style == "json"
    assert [(n.id, n.date, n.source.line if n.source else 0) for n in result.notes] == [
        ("a", dt.date(2020, 1, 1), 2),
        ("b", None, 10),
    ]
    assert [w.line for w in result.warnings] == [10]


def test_json_style_is_detected_from_content_in_a_md_file() -> None:
    text = '[{"id": "a", "title": "A", "date": null, "topic": null, "tags": [], "body": "x"}]'
    assert parse_file(text, "a.md").style == "json"
    assert parse_file("[link](x) and a body", "b.md").style == "page"


# -- repository export ----------------------------------------------------------------------


def test_repo_export_imports_back_to_the_same_notes_and_skips_its_readme(
    run: Run, kb: KnowledgeBase, tmp_path: Path
) -> None:
    _fill(run)
    assert run("add", "# Same title\n\nkept heading", "--title", "Same title").exit_code == 0
    assert (
        run(
            "add", "\n\nleading blank lines\n# A heading in the body\n", "--title", "Lead"
        ).exit_code
        == 0
    )
    out = tmp_path / "repo"
    assert run("export", "--format", "repo", "-o", str(out)).exit_code == 0
    before = notes_of(kb)
    other = tmp_path / "other"
    init_kb(other)
    result = run("--config", str(other / "config.yaml"), "import", str(out), config=False)
    assert result.exit_code == 0, result.stderr
    assert "README.md: the repository export's README" in result.stderr
    after = notes_of(KnowledgeBase(load_config(other / "config.yaml")))
    assert after == before
    again = run("import", str(out))
    assert "0 created" in again.stderr, again.stderr


def test_repo_export_file_edited_since_keeps_its_metadata(
    run: Run, kb: KnowledgeBase, tmp_path: Path
) -> None:
    _fill(run)
    out = tmp_path / "repo"
    assert run("export", "--format", "repo", "-o", str(out)).exit_code == 0
    [edited] = [p for p in out.rglob("*.md") if p.name == "first.md"]
    edited.write_text("# First, renamed\n\nNew text #fresh\n")
    other = tmp_path / "other"
    init_kb(other)
    result = run("--config", str(other / "config.yaml"), "import", str(out), config=False)
    assert result.exit_code == 0, result.stderr
    assert "changed since it was exported" in result.stderr
    notes = {n.title: n for n in KnowledgeBase(load_config(other / "config.yaml")).notes()}
    first = notes["First, renamed"]
    assert (first.date, set(first.tags), first.body) == (
        dt.date(2023, 1, 2),
        {"a/b", "hash", "fresh"},  # the exported tags (hashtags included) and the new one
        "\nNew text #fresh\n",  # read as a page: the text under its heading
    )
    assert len(notes) == 3
