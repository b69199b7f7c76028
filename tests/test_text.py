"""Decoding note files and turning headings into titles."""

from __future__ import annotations

import pytest

from tilbase.text import clean_title, decode_bytes, derive_title


def test_decode_utf8_with_and_without_bom() -> None:
    plain = decode_bytes("héllo\r\n".encode())
    assert plain is not None
    assert (plain.text, plain.encoding, plain.warning) == ("héllo\r\n", "utf-8", None)
    with_bom = decode_bytes("\ufeffhéllo".encode())
    assert with_bom is not None
    assert (with_bom.text, with_bom.encoding) == ("héllo", "utf-8-sig")


def test_decode_legacy_8_bit_text_as_cp1252_with_a_warning() -> None:
    decoded = decode_bytes("naïve “quotes”".encode("cp1252"))
    assert decoded is not None
    assert decoded.text == "naïve “quotes”"
    assert decoded.encoding == "cp1252"
    assert decoded.warning
    assert "cp1252" in decoded.warning


def test_binary_data_is_not_text() -> None:
    assert decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("# How to enable *lifelong* learning?", "How to enable lifelong learning?"),
        ("## Use `git worktree` ##", "Use git worktree"),
        ("**ML Workflows by company**", "ML Workflows by company"),
        ("[Pydantic](https://pydantic.dev) models", "Pydantic models"),
        ("\ufeffTitle with BOM\r", "Title with BOM"),
        ("- a list item", "a list item"),
        ("> quoted", "quoted"),
        ("What is C#?", "What is C#?"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("GitBook \\[1711.06861\\] escapes", "GitBook 1711.06861 escapes"),
        ("[[wiki link]] here", "wiki link here"),
        ("<kbd>Ctrl</kbd> + C", "Ctrl + C"),
    ],
)
def test_clean_title(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


def test_derive_title_takes_the_first_sentence_of_the_first_line() -> None:
    assert derive_title("\n\nLearned X. And then Y.\nmore") == "Learned X."
    assert derive_title("---\n\n# Heading\nbody") == "Heading"
    assert derive_title("   \n") == ""


def test_derive_title_cuts_long_lines_at_a_word() -> None:
    title = derive_title("word " * 60)
    assert len(title) <= 101
    assert title.endswith("…")


@pytest.mark.parametrize(
    ("data", "has_bom", "is_exact"),
    [
        (b"plain", False, True),
        ("\ufeffwith bom".encode(), True, True),
        ("café".encode("cp1252"), False, False),
    ],
)
def test_decoded_text_says_whether_it_may_be_written_back(
    data: bytes, has_bom: bool, is_exact: bool
) -> None:
    decoded = decode_bytes(data)
    assert decoded is not None
    assert (decoded.has_bom, decoded.is_exact) == (has_bom, is_exact)
