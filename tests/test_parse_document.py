"""The document layer: lines cut where markdown-it cuts them, headings, fences, frontmatter."""

from __future__ import annotations

import pytest

from tilbase.hashtags import hashtag_tags
from tilbase.parse import Document, split_lines


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a\n"]),
        ("a\r\nb", ["a\r\n", "b"]),
        ("a\rb\r", ["a\r", "b\r"]),
        ("a\n\nb\n", ["a\n", "\n", "b\n"]),
        # Separators Python's str.splitlines would also cut at are not line ends for Markdown.
        ("a\x0bb\x0cc\u2028d\x85e\n", ["a\x0bb\x0cc\u2028d\x85e\n"]),
    ],
)
def test_split_lines(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines
    assert "".join(lines) == text


def test_token_maps_index_the_lines_with_any_line_ending() -> None:
    doc = Document("# One\r\ntext\r# Two\n\u2028still text\n## Three\n")
    assert [(h.level, h.line, h.text, doc.lines[h.start]) for h in doc.headings] == [
        (1, 1, "One", "# One\r\n"),
        (1, 3, "Two", "# Two\n"),
        (2, 5, "Three", "## Three\n"),
    ]


def test_headings_inside_fences_lists_quotes_and_html_are_not_top_level() -> None:
    doc = Document("```\n# a\n```\n- # b\n> # c\n<div>\n# d\n</div>\n\n# e\n")
    assert [h.text for h in doc.headings] == ["e"]


def test_frontmatter_is_cut_before_tokenising_and_maps_stay_file_lines() -> None:
    doc = Document("---\ntitle: x\n---\n# H\n")
    assert doc.metadata == {"title": "x"}
    assert doc.body_line == 3
    assert [(h.line, h.text) for h in doc.headings] == [(4, "H")]


def test_unclosed_fence_is_found_and_a_closed_one_is_not() -> None:
    assert Document("```\nx\n```\n").unclosed_fence() is None
    fence = Document("a\n~~~~\nx\n~~~\n").unclosed_fence()
    assert fence is not None
    assert fence.start == 1


def test_hashtags_with_lone_carriage_returns_do_not_crash() -> None:
    # Regression: hashtags counted lines on "\n" only while markdown-it also ends lines at
    # a lone "\r", so a fence after "\r"-ended lines indexed past the end of its line table.
    text = "## a #tag\r## b #tag\r## c #tag\r```\n"
    assert hashtag_tags(text) == ("tag",)
