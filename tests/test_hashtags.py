"""Inline hashtags: only in prose, with exact positions for renames."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.hashtags import can_write_as_hashtag, find_hashtags, hashtag_tags, replace_hashtags


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Learned about #git today", ("git",)),
        ("#push at the start of a line", ("push",)),
        ("Tags #Machine_Learning and #lang/python.", ("machine-learning", "lang/python")),
        ("## A heading, not a tag", ()),
        ("# Heading with #tag inside", ("tag",)),
        ("issue #1 and #42 are numbers", ()),
        ("see https://example.com/page#section", ()),
        ("[link](https://example.com/#frag) text", ()),
        ("<https://example.com/#frag>", ()),
        ("mail me at someone@example.com#x", ()),
        ("inline `#code` span", ()),
        ("``double `#code` span``", ()),
        ("```sh\n# comment #notatag\n```\n", ()),
        ("    #indented code\n", ()),
        ("&#35; entity and C#", ()),
        ("repeat #a #a #A", ("a",)),
    ],
)
def test_hashtags_in_prose_only(text: str, expected: tuple[str, ...]) -> None:
    assert hashtag_tags(text) == expected


def test_positions_point_at_the_hashtag() -> None:
    text = "one #alpha two #beta/gamma"
    found = find_hashtags(text)
    assert [text[h.start : h.end] for h in found] == ["#alpha", "#beta/gamma"]


def test_replace_renames_tags_and_children_and_nothing_else() -> None:
    text = "Use #lang and #lang/python, not `#lang`.\n```\n#lang\n```\n#language stays\n"
    new, count = replace_hashtags(text, {"lang": "language"})
    assert count == 2
    assert new == (
        "Use #language and #language/python, not `#lang`.\n```\n#lang\n```\n#language stays\n"
    )


@given(st.text(alphabet=st.sampled_from("ab #`/\n-_:1@."), max_size=80))
def test_replace_with_no_matching_tag_changes_nothing(text: str) -> None:
    assert replace_hashtags(text, {"zzz": "yyy"}) == (text, 0)
    for hashtag in find_hashtags(text):
        assert text[hashtag.start] == "#"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("git", True),
        ("lang/python", True),
        ("a-b", True),
        ("über", True),
        ("lang/2024", True),
        ("c++", False),  # "#c++" reads back as "c"
        ("node.js", False),  # "#node.js" reads back as "node"
        ("2024", False),  # a number is not a hashtag
        ("2024/lang", False),
    ],
)
def test_can_write_as_hashtag(tag: str, expected: bool) -> None:
    assert can_write_as_hashtag(tag) is expected
