"""Proof: a fuzz of the parser and of ``til import`` -- no source line is ever lost silently.

For generated files (dated headings, day lines, questions, fences, HTML comments,
export markers real and fake, frontmatter, CRLF and CR line ends, a BOM), every
non-blank source line must land in exactly one note (its heading or its body) or
be reported: in the preamble warning, in a warning naming its lines, or as frontmatter.
The import fuzz then checks that ``til import`` writes one note per parsed entry and
that importing again creates nothing.

Example counts: ``TILBASE_FUZZ_EXAMPLES`` (parser, default 400) and
``TILBASE_FUZZ_IMPORT_EXAMPLES`` (import, default 40).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tilbase.config import init_kb, load_config
from tilbase.importer import ImportOptions, collect_sources, import_sources
from tilbase.kb import KnowledgeBase
from tilbase.model import Note
from tilbase.parse import Document, ParseResult, parse_file, split_lines

pytestmark = pytest.mark.proof

EXAMPLES = int(os.environ.get("TILBASE_FUZZ_EXAMPLES", "400"))
IMPORT_EXAMPLES = int(os.environ.get("TILBASE_FUZZ_IMPORT_EXAMPLES", "40"))

FRAGMENTS = [
    "# 14.02.2023 Neural Networks: How to learn? (Theory)\n",
    "## 2024-01-02 Git: Worktrees #tag\n",
    "### 2022-11-25 Third level\n",
    "# 3 things about Git\n",
    "## How to rebase?\n",
    "## Why does it fail?\n",
    "# A title\n",
    "Day 87: Nov 25, 2022\n",
    "## Day 1: 31 Aug 2022\n",
    "Day 2: 1 Sep 2022 and more words\n",
    "<!--\nDay 3: Nov 1, 2022\n-->\n",
    "<!-- Day 4: Nov 2, 2022 -->\n",
    "<div>\n# 2023-01-01 in html\n</div>\n",
    "```\n# 2023-05-05 in a fence\nDay 9: Nov 9, 2022\n```\n",
    "```\nan unclosed fence\n",
    "~~~\n## 2023-06-06 tilde fence\n~~~\n",
    "    # 2023-07-07 indented code\n",
    "> # 2023-08-08 in a quote\n",
    "- # 2023-09-09 in a list\n",
    '## 2022-11-25 Exported\n<!-- til {"id": "exp-a", "title": "Exported"} -->\nbody\n<!-- /til -->\n',
    '```\n## Fake\n<!-- til {"id": "fake", "title": "Fake"} -->\n```\n',
    "<!-- til {broken -->\n",
    "- a bullet #hashtag\n",
    "• rendered bullet\n",
    "plain text line\n",
    "another line of prose\n",
    "Setext title\n===\n",
    "---\n",
    "\n",
    "\n\n",
    "  \t \n",
    "ünïcödé ✓ 日本語\n",
    "text without newline",
]
FRONTMATTER = [
    "",
    "---\ntitle: Page\ntags: [a, b]\n---\n",
    "---\ntopic: T\nlayout: post\n---\n",
    "---\n: broken: [\n---\n",
    "+++\ntitle = 'toml'\n+++\n",
]
ENDINGS = ["\n", "\r\n", "\r"]


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14))
    text = draw(st.sampled_from(FRONTMATTER)) + "".join(parts)
    ending = draw(st.sampled_from(ENDINGS))
    if ending != "\n":
        text = text.replace("\n", ending)
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


_FURNITURE = re.compile(
    r"^(?:#{1,2}[ \t].*|\d+ notes?, .*Exported by tilbase; .*|- \[.*\]\(#[^)]*\)(?: \(\d+\))?"
    r"|Also tagged .*:|(?:`{3,}|~{3,}))\s*$"
)
_RANGE = re.compile(r"^lines? (?P<a>\d+)(?:-(?P<b>\d+))?:")
_PREAMBLE = re.compile(r"before the first entry \(line (?P<first>\d+)\)")


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _reported(result: ParseResult) -> set[int]:
    """0-based lines a warning names as not imported (ranges and the preamble)."""
    lines: set[int] = set()
    for warning in result.warnings:
        found = _RANGE.match(warning.message)
        if found:
            a = int(found["a"])
            b = int(found["b"] or a)
            lines.update(range(a - 1, b))
        preamble = _PREAMBLE.search(warning.message)
        if preamble:
            lines.update(range(warning.line - 1, int(preamble["first"]) - 1))
    return lines


def claimed_lines(text: str, result: ParseResult) -> list[int]:
    """How many notes hold each line of ``text`` (asserting each note is an exact slice)."""
    doc = Document(text)
    claims = [0] * len(doc.lines)
    notes = result.notes
    if result.style in ("page", "daily", "jekyll"):
        [note] = notes
        body_lines = len(split_lines(note.body))
        start = len(doc.lines) - body_lines
        assert _lf(doc.slice(start)) == note.body
        for i in range(doc.body_line, len(doc.lines)):
            claims[i] += 1  # the body, and the heading read as the title
        return claims
    if result.style == "export":
        for note in notes:
            assert note.source is not None
            heading = (note.source.line or 1) - 1
            body_end = heading + 2 + len(split_lines(note.body))
            assert doc.slice(heading + 2, body_end).startswith(note.body.rstrip("\n")) or (
                not note.body
            )
            has_end = body_end < len(doc.lines) and doc.lines[body_end].startswith("<!-- /til")
            for i in range(heading, min(body_end + (1 if has_end else 0), len(doc.lines))):
                claims[i] += 1
        return claims
    starts = [(n.source.line or 1) - 1 for n in notes if n.source]
    assert starts == sorted(starts)
    for index, note in enumerate(notes):
        end = starts[index + 1] if index + 1 < len(starts) else len(doc.lines)
        body_start = end - len(split_lines(note.body)) if note.body else end
        assert body_start > starts[index]  # at least the heading line is left
        assert _lf(doc.slice(body_start, end)) == note.body
        for i in range(starts[index], end):
            claims[i] += 1
    return claims


def check_no_line_lost(text: str) -> ParseResult:
    result = parse_file(text, "fuzz.md")
    if not text.strip():
        return result
    doc = Document(text.removeprefix("\ufeff"))
    claims = claimed_lines(text.removeprefix("\ufeff"), result)
    reported = _reported(result)
    for index, line in enumerate(doc.lines):
        if index < doc.body_line or not line.strip():
            continue  # frontmatter: kept as metadata, or named in a warning
        assert claims[index] <= 1, f"line {index + 1} is in {claims[index]} notes"
        if claims[index] == 1 or index in reported:
            continue
        if set(line.strip()) <= set("-*_=# "):
            continue  # a rule or an empty heading: no text
        if result.style == "export" and (
            _FURNITURE.match(line) or line.startswith("<!-- /til -->")
        ):
            continue
        raise AssertionError(f"line {index + 1} {line!r} is in no note and no warning")
    return result


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents())
def test_every_source_line_lands_in_one_note_or_a_warning(text: str) -> None:
    check_no_line_lost(text)


@pytest.mark.parametrize(
    "text",
    [
        "<!--\nDay 3: Nov 1, 2022\n-->\n# Page\ntext\n",
        "# TIL\n\n# 2023-01-01 A\nx\n",
        '## X\n<!-- til {"id": "x", "title": "X"} -->\nb\n<!-- /til -->\nstray\n',
    ],
)
def test_known_cases(text: str) -> None:
    check_no_line_lost(text)


@pytest.mark.parametrize("text", ["\ufeff", "\ufeff\n", "\ufeff \r\n\n"])
def test_a_file_of_only_a_bom_is_empty_for_the_parser_as_for_import(text: str) -> None:
    """Found by the import fuzz: the parser made a note of a lone BOM, import skipped it."""
    assert parse_file(text, "fuzz.md").notes == []


def _kb(folder: Path) -> KnowledgeBase:
    init_kb(folder)
    return KnowledgeBase(load_config(folder / "config.yaml"))


def _identity(note: Note) -> tuple[str, str]:
    return (note.title, note.body)


@settings(
    max_examples=IMPORT_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(documents(), min_size=1, max_size=3))
def test_import_writes_every_parsed_entry_and_again_nothing(
    texts: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    source = base / "src"
    source.mkdir()
    expected = 0
    for number, text in enumerate(texts):
        path = source / f"file{number}.md"
        path.write_bytes(text.encode("utf-8"))
        result = check_no_line_lost(text)
        expected += len(result.notes)
    kb = _kb(base / "kb")
    report = import_sources(kb, collect_sources([source]), ImportOptions())
    assert report.count("created") == expected
    kb.rescan()
    assert len(kb.notes()) == expected
    again = import_sources(kb, collect_sources([source]), ImportOptions())
    assert again.count("created") == 0
    assert again.count("updated") == 0
