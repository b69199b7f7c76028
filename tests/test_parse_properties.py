"""Property tests: the parser never raises, and heading-based entries lose no text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tilbase.parse import Document, ParseOptions, parse_file, split_lines, style_names

MARKDOWNISH = [
    "# 14.02.2023 Neural Networks: How to learn? (Theory)",
    "# 14.111.2022 MLFlow: What is MLFlow?",
    "## 2024-01-02 Topic: Sub: Title #tag",
    "### Feb 30, 2024 impossible",
    "## Day 1: 31 Aug 2022",
    "Day 87: Nov 25, 2022",
    "Day 2: 1 Sep 2022 and more",
    "  • a bullet",
    "\u00a0",
    "- item",
    "  - nested item",
    "> quote",
    "```",
    "```python",
    "~~~",
    "    indented code",
    "---",
    "...",
    "===",
    "title: x",
    "tags: [a, b",
    '<!-- til {"id": "a", "title": "A", "date": null, "topic": null, "tags": []} -->',
    "<!-- til {broken -->",
    "<!-- /til -->",
    "<div>",
    "# ",
    "#",
    "## How to X?",
    "Setext",
    "# 3 things about Git",
    "\ufeff# BOM heading",
    "",
]

line = st.one_of(st.sampled_from(MARKDOWNISH), st.text(max_size=40))
ending = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])
document = st.lists(st.tuples(line, ending), max_size=40).map(
    lambda parts: "".join(text + end for text, end in parts)
)
names = st.sampled_from(
    ["notes.md", "log.txt", "2024-01-05.md", "_posts/2012-05-03-x.md", ".md", "a b/c d.md", "x"]
)
styles = st.sampled_from([None, *style_names()])
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(text=st.one_of(document, st.text(max_size=400)), name=names, style=styles)
def test_parser_never_raises_and_notes_are_sane(text: str, name: str, style: str | None) -> None:
    result = parse_file(text, name, ParseOptions(style=style))
    keys = [n.source.key for n in result.notes if n.source]
    assert len(keys) == len(set(keys)) == len(result.notes)
    lines = len(Document(text.removeprefix("\ufeff")).lines)
    for note in result.notes:
        assert note.title
        assert "\r" not in note.title
        assert "\n" not in note.title
        assert "\ufeff" not in note.title
        assert note.source is not None
        assert note.source.path == name
        assert 1 <= (note.source.line or 0) <= max(lines, 1)
    for warning in result.warnings:
        assert str(warning).startswith(f"{name}:")


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_entries_reproduce_text(text: str, style: str) -> None:
    result = parse_file(text, "notes.md", ParseOptions(style=style))
    if result.style != style:
        return  # nothing in this style; the file was read as one page
    doc = Document(text)
    lf = _lf  # bodies come with "\n" line endings, the note file's
    starts = [(n.source.line or 1) - 1 for n in result.notes if n.source]
    assert starts == sorted(starts)
    rebuilt = []
    for index, note in enumerate(result.notes):
        end = starts[index + 1] if index + 1 < len(starts) else len(doc.lines)
        region = doc.slice(starts[index], end)
        body = doc.slice(end - len(split_lines(note.body)), end) if note.body else ""
        assert region.endswith(body)
        assert lf(body) == note.body
        heading = region[: len(region) - len(body)]
        # The heading part is whole lines: one for ATX and plain day lines, more for setext.
        count = len(split_lines(heading))
        assert count >= 1
        assert "".join(doc.lines[starts[index] : starts[index] + count]) == heading
        rebuilt.append(heading + body)
    assert "".join(rebuilt) == doc.slice(starts[0])


@FAST
@given(text=document, style=st.sampled_from(["dated-headings", "day-log", "questions"]))
def test_heading_entries_concatenate_back_to_the_file(text: str, style: str) -> None:
    _check_entries_reproduce_text(text.removeprefix("\ufeff"), style)


@FAST
@given(text=document)
def test_detected_heading_entries_concatenate_back_to_the_file(text: str) -> None:
    text = text.removeprefix("\ufeff")
    detected = parse_file(text, "notes.md").style
    if detected in ("dated-headings", "day-log", "questions"):
        _check_entries_reproduce_text(text, detected)


def test_a_ten_megabyte_file_parses() -> None:
    paragraph = "words of a long pasted log line, " * 40 + "\n\n"
    block = "# 2024-01-02 Topic: Title\n" + paragraph * 30 + "```\n# not a heading\n```\n"
    count = 10_000_000 // len(block) + 1
    result = parse_file(block * count, "big.md")
    assert result.style == "dated-headings"
    assert len(result.notes) == count
    assert result.notes[-1].body == block.split("\n", 1)[1]
