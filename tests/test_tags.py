"""Tag logic over a KB: add, rm, count (tree roll-up) and rename, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tilbase.errors import InvalidInput, NoteNotFound
from tilbase.kb import KnowledgeBase
from tilbase.model import Note
from tilbase.tags import (
    TagInBody,
    add_tags,
    count_tags,
    plan_rename,
    remove_tags,
    rename_tag,
    renamed_tag,
)


def write(kb: KnowledgeBase, name: str, text: str) -> Path:
    """Put a hand-written note file, byte for byte, into the KB."""
    path = kb.config.notes_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    kb.notes_changed()
    return path


def snapshot(kb: KnowledgeBase) -> dict[str, bytes]:
    return {
        p.relative_to(kb.config.notes_dir).as_posix(): p.read_bytes()
        for p in sorted(kb.config.notes_dir.rglob("*.md"))
    }


# A file with everything that must survive a tag change: comments, unknown keys,
# odd spacing, a block list, CRLF in the body and no final newline.
MESSY = (
    "---\n"
    "id: messy\n"
    "title:   Messy   note   # a YAML comment\n"
    "layout: post\n"
    "tags:\n"
    "  - alpha\n"
    "  - Beta Gamma\n"
    "aliases: [m1, m2]\n"
    "---\n"
    "Body line one\r\n"
    "\r\n"
    "  indented, trailing spaces   \r\n"
    "last line without newline"
)


def test_add_changes_only_the_tags_key(kb: KnowledgeBase) -> None:
    path = write(kb, "messy.md", MESSY)
    edit = add_tags(kb, "messy", ["New Tag", "alpha"])
    assert edit.changed == ("new-tag",)
    assert edit.unchanged == ("alpha",)
    expected = MESSY.replace(
        "tags:\n  - alpha\n  - Beta Gamma\n", "tags: [alpha, beta-gamma, new-tag]\n"
    )
    assert path.read_bytes() == expected.encode("utf-8")
    assert kb.get("messy").tags == ("alpha", "beta-gamma", "new-tag")


def test_rm_changes_only_the_tags_key(kb: KnowledgeBase) -> None:
    path = write(kb, "messy.md", MESSY)
    edit = remove_tags(kb, "mess", ["beta gamma"])
    assert edit.changed == ("beta-gamma",)
    expected = MESSY.replace("tags:\n  - alpha\n  - Beta Gamma\n", "tags: [alpha]\n")
    assert path.read_bytes() == expected.encode("utf-8")


def test_add_to_a_file_without_frontmatter_creates_it(kb: KnowledgeBase) -> None:
    path = write(kb, "plain.md", "# Plain\n\nText.\n")
    add_tags(kb, "plain", ["x"])
    assert path.read_text() == "---\ntags: [x]\n---\n# Plain\n\nText.\n"
    assert kb.get("plain").title == "Plain"


def test_add_a_tag_the_note_has_as_hashtag_is_a_no_op(kb: KnowledgeBase) -> None:
    path = write(kb, "h.md", "---\nid: h\ntags: []\n---\nI like #rust.\n")
    before = path.read_bytes()
    edit = add_tags(kb, "h", ["rust"])
    assert (edit.changed, edit.unchanged) == ((), ("rust",))
    assert path.read_bytes() == before


def test_rm_a_tag_the_note_lacks_is_a_no_op(kb: KnowledgeBase) -> None:
    path = write(kb, "a.md", "---\nid: a\ntags: [x]\n---\nbody\n")
    before = path.read_bytes()
    edit = remove_tags(kb, "a", ["y"])
    assert (edit.changed, edit.unchanged) == ((), ("y",))
    assert path.read_bytes() == before


def test_rm_of_an_inline_hashtag_is_refused_naming_file_and_line(kb: KnowledgeBase) -> None:
    text = "---\nid: a\ntags: [x, rust]\n---\nfirst\nsecond #Rust here\n"
    path = write(kb, "a.md", text)
    with pytest.raises(TagInBody) as info:
        remove_tags(kb, "a", ["x", "rust"])
    assert info.value.message.startswith("a.md:6: 'rust' is an inline #Rust")
    assert "nothing was changed" in info.value.message
    assert path.read_text() == text  # not even "x" was removed


def test_rm_a_tag_in_code_only_is_not_a_hashtag(kb: KnowledgeBase) -> None:
    path = write(kb, "a.md", "---\nid: a\ntags: [rust]\n---\n```\n#rust\n```\n")
    remove_tags(kb, "a", ["rust"])
    assert path.read_text() == "---\nid: a\ntags: []\n---\n```\n#rust\n```\n"
    assert kb.get("a").tags == ()


def test_rm_from_a_singular_tag_key_shadows_it(kb: KnowledgeBase) -> None:
    # cboettig-style `tag: value`: the new `tags` key wins on reading, so the tag is gone.
    path = write(kb, "a.md", "---\nid: a\ntag: ropensci\n---\nbody\n")
    remove_tags(kb, "a", ["ropensci"])
    assert kb.get("a").tags == ()
    assert path.read_text() == "---\nid: a\ntag: ropensci\ntags: []\n---\nbody\n"


@pytest.mark.parametrize("bad", ["###", "  ", "/"])
def test_unusable_tags_are_refused(kb: KnowledgeBase, bad: str) -> None:
    write(kb, "a.md", "---\nid: a\n---\nbody\n")
    with pytest.raises(InvalidInput, match="not a usable tag"):
        add_tags(kb, "a", [bad])


def test_unknown_note_is_not_found(kb: KnowledgeBase) -> None:
    with pytest.raises(NoteNotFound):
        add_tags(kb, "nope", ["x"])


def test_broken_frontmatter_is_refused_with_the_file_name(kb: KnowledgeBase) -> None:
    path = write(kb, "bad.md", "---\nid: [unclosed\n---\nbody\n")
    before = path.read_bytes()
    with pytest.raises(InvalidInput, match=r"bad\.md: cannot change tags"):
        add_tags(kb, "bad", ["x"])
    assert path.read_bytes() == before


# -- counting ---------------------------------------------------------------------------


def n(note_id: str, *tags: str) -> Note:
    return Note(id=note_id, title=note_id, tags=tags)


def test_count_rolls_children_up_into_parents() -> None:
    notes = [
        n("a", "lang/python", "web"),
        n("b", "lang/python/typing"),
        n("c", "lang", "lang/rust"),
        n("d", "web"),
    ]
    rows = {(c.tag, c.count, c.total) for c in count_tags(notes)}
    assert rows == {
        ("lang", 1, 3),
        ("lang/python", 1, 2),
        ("lang/python/typing", 1, 1),
        ("lang/rust", 1, 1),
        ("web", 2, 2),
    }


def test_a_parent_no_note_has_is_listed_with_count_zero() -> None:
    rows = [(c.tag, c.count, c.total) for c in count_tags([n("a", "x/y")])]
    assert rows == [("x", 0, 1), ("x/y", 1, 1)]


def test_a_note_with_parent_and_child_is_counted_once_in_the_total() -> None:
    (parent, _child) = count_tags([n("a", "x", "x/y")])
    assert (parent.count, parent.total) == (1, 1)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["a", "b", "b/x", "b/y", "c"]),
        ("count", ["b", "b/y", "b/x", "c", "a"]),
    ],
)
def test_sort_keeps_children_under_their_parent(sort: str, expected: list[str]) -> None:
    notes = [n("1", "a"), n("2", "b/x"), n("3", "b/y"), n("4", "b/y"), n("5", "c"), n("6", "c")]
    assert [c.tag for c in count_tags(notes, sort=sort)] == expected


def test_unknown_sort_is_refused() -> None:
    with pytest.raises(InvalidInput):
        count_tags([], sort="size")


# -- renaming ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("lang", "language"),
        ("lang/python", "language/python"),
        ("language", None),
        ("lang-x", None),
        ("golang", None),
    ],
)
def test_renamed_tag(tag: str, expected: str | None) -> None:
    assert renamed_tag(tag, "lang", "language") == expected


HASHTAG_BODY = (
    "I use #lang and #lang/python in prose.\n"
    "\n"
    "## lang heading is not a tag\n"
    "\n"
    "Inline `#lang` code and a link http://example.com/#lang stay.\n"
    "\n"
    "```python\n"
    "x = 1  # lang\n"
    "#lang\n"
    "```\n"
    "\n"
    "    #lang in indented code\n"
    "\n"
    "End #Lang.\n"
)


def test_rename_frontmatter_and_prose_hashtags_never_code(kb: KnowledgeBase) -> None:
    path = write(kb, "a.md", "---\nid: a\ntags: [lang, other]\n---\n" + HASHTAG_BODY)
    plan = rename_tag(kb, "lang", "language")
    assert [c.note.id for c in plan.changes] == ["a"]
    assert plan.hashtags_renamed == 3
    expected_body = HASHTAG_BODY.replace(
        "I use #lang and #lang/python", "I use #language and #language/python"
    ).replace("End #Lang.", "End #language.")
    assert path.read_text() == "---\nid: a\ntags: [language, other]\n---\n" + expected_body
    assert kb.get("a").tags == ("language", "other", "language/python")


def test_rename_merges_without_duplicates(kb: KnowledgeBase) -> None:
    path = write(kb, "a.md", "---\nid: a\ntags: [py, python, x]\n---\nSee #py and #python.\n")
    rename_tag(kb, "py", "python")
    assert path.read_text() == "---\nid: a\ntags: [python, x]\n---\nSee #python and #python.\n"
    assert kb.get("a").tags == ("python", "x")


def test_rename_parent_renames_children(kb: KnowledgeBase) -> None:
    write(kb, "a.md", "---\nid: a\ntags: [lang/python, lang/rust]\n---\nx\n")
    write(kb, "b.md", "---\nid: b\ntags: [lang]\n---\nx\n")
    write(kb, "c.md", "---\nid: c\ntags: [golang]\n---\nx\n")
    plan = rename_tag(kb, "Lang", "Language")
    assert (plan.old, plan.new) == ("lang", "language")
    assert {c.note.id for c in plan.changes} == {"a", "b"}
    tags = {note.id: note.tags for note in kb.notes()}
    assert tags == {
        "a": ("language/python", "language/rust"),
        "b": ("language",),
        "c": ("golang",),
    }


def test_rename_only_a_child(kb: KnowledgeBase) -> None:
    write(kb, "a.md", "---\nid: a\ntags: [lang, lang/py]\n---\nx\n")
    rename_tag(kb, "lang/py", "lang/python")
    assert kb.get("a").tags == ("lang", "lang/python")


def test_rename_keeps_every_other_byte(kb: KnowledgeBase) -> None:
    path = write(kb, "messy.md", MESSY)
    rename_tag(kb, "alpha", "omega")
    expected = MESSY.replace("tags:\n  - alpha\n  - Beta Gamma\n", "tags: [omega, beta-gamma]\n")
    assert path.read_bytes() == expected.encode("utf-8")


def test_dry_run_writes_nothing(kb: KnowledgeBase) -> None:
    write(kb, "a.md", "---\nid: a\ntags: [lang]\n---\nUses #lang.\n")
    write(kb, "b.md", "---\nid: b\ntags: [other]\n---\nx\n")
    before = snapshot(kb)
    plan = rename_tag(kb, "lang", "language", dry_run=True)
    assert plan.dry_run
    assert [(c.note.id, c.frontmatter_after, c.hashtags_renamed) for c in plan.changes] == [
        ("a", ("language",), 1)
    ]
    assert snapshot(kb) == before


def test_rename_of_a_tag_no_note_has_is_refused(kb: KnowledgeBase) -> None:
    write(kb, "a.md", "---\nid: a\ntags: [golang]\n---\nx\n")
    with pytest.raises(InvalidInput, match="no note has the tag 'lang'"):
        rename_tag(kb, "lang", "language")


@pytest.mark.parametrize(("old", "new"), [("x", "X"), ("x", "###"), ("", "y")])
def test_rename_refuses_same_or_unusable_names(kb: KnowledgeBase, old: str, new: str) -> None:
    write(kb, "a.md", "---\nid: a\ntags: [x]\n---\nx\n")
    with pytest.raises(InvalidInput):
        rename_tag(kb, old, new)


def test_rename_in_a_file_with_broken_frontmatter_changes_only_its_hashtags(
    kb: KnowledgeBase,
) -> None:
    # Such a file is read as plain text: its tags are its hashtags, so only those change.
    write(kb, "a.md", "---\nid: a\ntags: [lang]\n---\nx\n")
    write(kb, "b.md", "---\nid: b\ntags: [lang]\nbad: [\n---\nx #lang\n")
    before = snapshot(kb)
    assert {c.note.id for c in plan_rename(kb, "lang", "language").changes} == {"a", "b"}
    rename_tag(kb, "lang", "language")
    after = snapshot(kb)
    assert after["a.md"].decode() == "---\nid: a\ntags: [language]\n---\nx\n"
    assert after["b.md"].decode() == before["b.md"].decode().replace("#lang", "#language")


# -- regressions from the code review ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "---\n{id: flow, title: Flow note, date: 2023-01-01, tags: [a]}\n---\nbody\n",
            "flow mapping",
        ),
        ("---\nid: flow\nbase: &t [a]\ntags: *t\n---\nbody\n", "anchor or alias"),
        ("---\nid: flow\ntags: [a]\ntags: [b]\n---\nbody\n", "'tags' is set 2 times"),
    ],
)
def test_tag_add_destroying_unusual_frontmatter_is_refused(
    kb: KnowledgeBase, text: str, problem: str
) -> None:
    path = write(kb, "flow.md", text)
    with pytest.raises(InvalidInput, match=rf"^flow\.md: cannot change tags: .*{problem}"):
        add_tags(kb, "flow", ["x"])
    with pytest.raises(InvalidInput, match=r"nothing was renamed$"):
        rename_tag(kb, "a" if "[a]" in text else "b", "z")
    assert path.read_text() == text


def test_tag_rm_keeps_a_comment_line_after_the_list(kb: KnowledgeBase) -> None:
    text = "---\nid: c\ntags:\n  - a\n  - b\n# b goes soon\n---\nbody\n"
    path = write(kb, "c.md", text)
    remove_tags(kb, "c", ["b"])
    assert path.read_text() == "---\nid: c\ntags: [a]\n# b goes soon\n---\nbody\n"


@pytest.mark.parametrize("new", ["c++", "2024", "node.js", "2024/lang"])
def test_rename_to_a_tag_that_is_no_hashtag_corrupted_inline_tags(
    kb: KnowledgeBase, new: str
) -> None:
    write(kb, "a.md", "---\nid: a\ntags: [foo]\n---\nabout it\n")
    inline = write(kb, "h.md", "---\nid: h\n---\nfirst line\nOnly inline #foo here.\n")
    before = snapshot(kb)
    with pytest.raises(InvalidInput) as info:
        rename_tag(kb, "foo", new)
    assert info.value.message == (
        f"h.md:5: '{new}' cannot be written as an inline hashtag, and this note has #foo "
        "in its text; nothing was renamed"
    )
    assert snapshot(kb) == before
    assert inline.read_text().endswith("#foo here.\n")


def test_rename_to_a_tag_that_is_no_hashtag_is_fine_in_frontmatter_only(
    kb: KnowledgeBase,
) -> None:
    path = write(kb, "a.md", "---\nid: a\ntags: [cpp]\n---\n`#cpp` in code is no hashtag\n")
    rename_tag(kb, "cpp", "c++")
    assert path.read_text() == "---\nid: a\ntags: [c++]\n---\n`#cpp` in code is no hashtag\n"
    assert kb.get("a").tags == ("c++",)


def test_tag_add_on_a_cp1252_note_rewrote_its_body(kb: KnowledgeBase) -> None:
    path = kb.config.notes_dir / "old.md"
    original = "---\nid: old\n---\nCafé crème\n".encode("cp1252")
    path.write_bytes(original)
    kb.notes_changed()
    with pytest.raises(InvalidInput, match=r"^old\.md: is not valid UTF-8 .*nothing was changed$"):
        add_tags(kb, "old", ["x"])
    assert path.read_bytes() == original


def test_tag_rename_dropped_a_bom(kb: KnowledgeBase) -> None:
    path = kb.config.notes_dir / "bom.md"
    path.write_bytes("\ufeff---\nid: bom\ntags: [lang]\n---\nUses #lang.\n".encode())
    kb.notes_changed()
    rename_tag(kb, "lang", "language")
    assert path.read_bytes() == (
        "\ufeff---\nid: bom\ntags: [language]\n---\nUses #language.\n".encode()
    )
    add_tags(kb, "bom", ["x"])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf---\nid: bom\ntags: [language, x]\n")


def test_tag_add_decides_on_a_fresh_read_of_the_file(kb: KnowledgeBase) -> None:
    # Another process added "y" after this KB scanned: the scan is stale, the file is not.
    path = write(kb, "a.md", "---\nid: a\ntags: [x]\n---\nbody\n")
    assert kb.get("a").tags == ("x",)
    path.write_text("---\nid: a\ntags: [x, y]\n---\nbody, longer now\n")
    edit = add_tags(kb, "a", ["z", "y"])
    assert (edit.changed, edit.unchanged) == (("z",), ("y",))
    assert path.read_text() == "---\nid: a\ntags: [x, y, z]\n---\nbody, longer now\n"


def test_tag_rename_plans_from_the_files_not_the_scan(kb: KnowledgeBase) -> None:
    path = write(kb, "a.md", "---\nid: a\ntags: [lang]\n---\nbody\n")
    kb.notes()
    path.write_text("---\nid: a\ntags: [lang, new-since]\n---\nbody, edited\n")
    rename_tag(kb, "lang", "language")
    assert path.read_text() == "---\nid: a\ntags: [language, new-since]\n---\nbody, edited\n"
