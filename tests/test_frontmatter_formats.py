"""One reading of a note file: YAML, TOML (Hugo, Zola) and JSON frontmatter, store and import alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tilbase.config import load_config
from tilbase.filters import NoteFilter
from tilbase.frontmatter_handlers import handler_for
from tilbase.importer import ImportOptions, collect_sources
from tilbase.index.memory import MemoryIndex
from tilbase.kb import KnowledgeBase
from tilbase.notefile import load_frontmatter, read_note, split_frontmatter

HUGO = """+++
title = "Rebase onto"
date = 2023-03-04T10:00:00Z
tags = ["git", "history"]
draft = false
+++

Move a branch with `git rebase --onto`.  \r\ntrailing spaces kept
"""

ZOLA = """+++
title = "Borrow checker"
date = 2022-11-02

[taxonomies]
tags = ["rust"]
+++
Lifetimes are inferred in most functions.
"""

HUGO_JSON = """{
  "title": "JSON front",
  "date": "2021-05-06",
  "tags": ["json"]
}
Body of a JSON-fronted page.
"""


@pytest.fixture
def ram_kb(kb_dir: Path) -> KnowledgeBase:
    return KnowledgeBase(load_config(kb_dir / "config.yaml"), index=MemoryIndex())


def test_toml_split_is_exact_and_the_body_byte_for_byte() -> None:
    split = split_frontmatter(HUGO)
    assert split.format == "toml"
    assert HUGO[: split.body_offset] + split.body == HUGO
    assert split.body.startswith("\nMove a branch")
    assert "  \r\ntrailing" in split.body
    assert split.frontmatter is not None
    assert HUGO[split.frontmatter_offset :].startswith(split.frontmatter)


def test_handlers_follow_python_frontmatters_api() -> None:
    handler = handler_for("toml")
    assert handler.detect(HUGO)
    assert not handler.detect("---\ntitle: x\n---\n")
    fm, body = handler.split(HUGO)
    assert handler.load(fm)["title"] == "Rebase onto"
    assert body == split_frontmatter(HUGO).body
    assert handler_for("yaml").load("date: 2023-02-30\n") == {"date": "2023-02-30"}  # text


def test_toml_note_reads_title_date_and_tags() -> None:
    result = read_note(HUGO, "rebase-onto.md")
    assert result.warnings == []
    assert result.note.title == "Rebase onto"
    assert result.note.date == dt.date(2023, 3, 4)
    assert result.note.tags == ("git", "history")


def test_zola_taxonomies_tags_are_the_notes_tags() -> None:
    note = read_note(ZOLA, "borrow.md").note
    assert note.tags == ("rust",)
    assert note.date == dt.date(2022, 11, 2)
    assert load_frontmatter(split_frontmatter(ZOLA)).get("taxonomies") is None


def test_json_frontmatter_is_read_too() -> None:
    note = read_note(HUGO_JSON, "json.md").note
    assert (note.title, note.date, note.tags) == ("JSON front", dt.date(2021, 5, 6), ("json",))
    assert note.body == "Body of a JSON-fronted page.\n"


def test_broken_toml_is_a_warning_and_plain_text() -> None:
    result = read_note('+++\ntitle = "unclosed\n+++\nbody\n', "bad.md")
    assert result.note.body.startswith("+++")
    assert "broken frontmatter" in result.warnings[0]


def test_toml_notes_in_the_kb_are_read_and_found(ram_kb: KnowledgeBase) -> None:
    notes_dir = ram_kb.config.notes_dir
    notes_dir.mkdir(parents=True, exist_ok=True)
    (notes_dir / "rebase-onto.md").write_text(HUGO, encoding="utf-8", newline="")
    (notes_dir / "borrow.md").write_text(ZOLA, encoding="utf-8")
    by_id = {note.id: note for note in ram_kb.notes()}
    assert by_id["rebase-onto"].title == "Rebase onto"
    assert by_id["borrow"].tags == ("rust",)
    hits = ram_kb.search(NoteFilter(query="lifetimes"), limit=None).hits
    assert [hit.note.id for hit in hits] == ["borrow"]
    by_tag = ram_kb.search(NoteFilter(tags=("git",))).hits
    assert [hit.note.id for hit in by_tag] == ["rebase-onto"]


def test_tag_add_rewrites_a_toml_note_as_yaml_and_says_so(ram_kb: KnowledgeBase) -> None:
    notes_dir = ram_kb.config.notes_dir
    notes_dir.mkdir(parents=True, exist_ok=True)
    path = notes_dir / "rebase-onto.md"
    path.write_text(HUGO, encoding="utf-8", newline="")
    edit = ram_kb.tag_add("rebase-onto", ["vcs"])
    assert set(edit.note.tags) == {"git", "history", "vcs"}
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("---\n")
    assert text.endswith(split_frontmatter(HUGO).body)  # the body, byte for byte
    assert "draft: false" in text  # other keys kept
    assert any("TOML frontmatter was rewritten as YAML" in w for w in ram_kb.warnings)
    assert read_note(text, "rebase-onto.md").note.date == dt.date(2023, 3, 4)


def test_importing_a_hugo_and_zola_content_folder_keeps_titles_dates_tags(
    ram_kb: KnowledgeBase, tmp_path: Path
) -> None:
    content = tmp_path / "content" / "posts"
    content.mkdir(parents=True)
    (content / "rebase-onto.md").write_text(HUGO, encoding="utf-8", newline="")
    (content / "borrow.md").write_text(ZOLA, encoding="utf-8")
    report = ram_kb.import_(collect_sources([tmp_path / "content"]), ImportOptions())
    assert report.counts["created"] == 2
    got = {n.title: (n.date, n.tags) for n in ram_kb.notes()}
    assert got["Rebase onto"] == (dt.date(2023, 3, 4), ("git", "history"))
    assert got["Borrow checker"] == (dt.date(2022, 11, 2), ("rust",))


def test_a_bad_frontmatter_date_reads_the_same_in_the_kb_and_on_import(
    ram_kb: KnowledgeBase, tmp_path: Path
) -> None:
    """Regression (issue 8): undated in the KB but dated 2023-01-05 when imported."""
    text = "---\ntitle: Leap\ndate: 2023-02-30\n---\nno such day\n"
    notes_dir = ram_kb.config.notes_dir
    notes_dir.mkdir(parents=True, exist_ok=True)
    (notes_dir / "2023-01-05.md").write_text(text, encoding="utf-8")
    [in_kb] = ram_kb.notes()
    assert any("2023-02-30" in w and "from the file name" in w for w in ram_kb.warnings)

    source = tmp_path / "src"
    source.mkdir()
    (source / "2023-01-05.md").write_text(text, encoding="utf-8")
    other = KnowledgeBase(load_config(ram_kb.config.config_path), index=MemoryIndex())
    (notes_dir / "2023-01-05.md").unlink()
    report = other.import_(collect_sources([source]), ImportOptions())
    [imported] = [item.note for item in report.notes]
    assert in_kb.date == imported.date == dt.date(2023, 1, 5)
    assert any("from the file name" in w for w in report.warnings)
