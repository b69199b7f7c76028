"""Decoding note files and turning headings into titles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith says e.g. use i.e. properly.", "Dr. Smith says e.g. use i.e. properly."),
        (
            "Dr. Smith says e.g. use i.e. properly. Second one.",
            "Dr. Smith says e.g. use i.e. properly.",
        ),
        ("Mr. and Mrs. Smith met Prof. X. Later more", "Mr. and Mrs. Smith met Prof. X."),
        ("Tabs vs. spaces: a war. Over", "Tabs vs. spaces: a war."),
        ("Fruit, nuts, etc. Are all good. Really", "Fruit, nuts, etc. Are all good."),
        ("Python 3.11 adds TaskGroup. More soon", "Python 3.11 adds TaskGroup."),
        ("Upgrade to v1.2.3 today. It fixes it", "Upgrade to v1.2.3 today."),
        ("Use v1.2.3. It fixes it", "Use v1.2.3."),
        ("Pi is about 3.14 and e is 2.72. Neat", "Pi is about 3.14 and e is 2.72."),
        ("A 3.5 inch disk. Old", "A 3.5 inch disk."),
        ("J. R. R. Tolkien wrote it. Yes", "J. R. R. Tolkien wrote it."),
        ("The U.S. Army uses it. Ok", "The U.S. Army uses it."),
        ("Use node.js. It is fast", "Use node.js."),
        ("Learned X. And then Y.", "Learned X."),
        ("It works! Amazing", "It works!"),
        ("Why? Because", "Why?"),
        ("Wait... it works. Sure", "Wait... it works."),
        ('He said "stop." Then left', 'He said "stop."'),
        ("See fig. 3 for details. Then", "See fig. 3 for details."),
        ("no end punctuation", "no end punctuation"),
        ("🎉 Shipped it. Party", "🎉 Shipped it."),
    ],
)
def test_derive_title_ends_at_the_first_real_sentence_end(text: str, expected: str) -> None:
    assert derive_title(text) == expected


def test_a_cut_title_fits_the_cap_ellipsis_included() -> None:
    assert derive_title("x" * 300, 10) == "x" * 9 + "…"
    assert len(derive_title("word " * 60)) == 100


_TITLE_PIECES = st.sampled_from(
    [*"abcXYZ019 .!?,;:-\n\t", "e.g. ", "Dr. ", "v1.2", "3.5", "🎉", "é", "# ", "- ", "**"]
)
_TITLE_TEXT = st.lists(_TITLE_PIECES, max_size=150).map("".join)


@given(text=_TITLE_TEXT, cap=st.integers(min_value=1, max_value=120))
def test_a_title_is_never_empty_for_text_with_words_and_never_over_the_cap(
    text: str, cap: int
) -> None:
    title = derive_title(text, cap)
    assert len(title) <= cap
    assert "\n" not in title
    if any(char.isalnum() for char in text):
        assert title
        assert title.strip() == title


@given(st.text(max_size=200))
def test_derive_title_never_raises_and_respects_the_cap(text: str) -> None:
    assert len(derive_title(text)) <= 100


@pytest.mark.parametrize("text", ["The answer is no. But why", "I sat. Then stood"])
def test_common_words_that_look_like_abbreviations_still_end_a_sentence(text: str) -> None:
    assert derive_title(text) == text.split(". ")[0] + "."


@given(st.text(alphabet="[]()<>#*_`\\> ab.!-", max_size=30))
def test_clean_title_is_idempotent(raw: str) -> None:
    # A title written into a file and read back (a repo export re-imported) must not change:
    # hypothesis found '[>]' -> '>' -> '' ("Untitled") in the repo export round trip.
    once = clean_title(raw)
    assert clean_title(once) == once


def test_a_bracketed_marker_title_cleans_in_one_go() -> None:
    assert clean_title("[>]") == ""
