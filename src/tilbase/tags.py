"""Tags across a knowledge base: add, remove, count and rename them.

A note's tags (as ``read_note`` gives them) are its frontmatter tags plus the
inline ``#hashtags`` of its body. ``add`` and ``remove`` change only the
frontmatter ``tags`` key; ``rename`` changes both, and never touches code,
URLs or heading markers (``tilbase.hashtags.replace_hashtags``). Every write
goes through the ``NoteStore``; nothing here prints.

Choices a person relies on:

- Removing a tag that a note has only (or also) as an inline ``#hashtag``
  is refused with ``TagInBody``, naming the file and line, and nothing is
  written: deleting words from someone's prose is not a tag operation.
- Adding a tag the note already has, or removing one it lacks, is not an
  error: it is reported in ``TagEdit.unchanged`` and the file is left alone.
- Renaming renames children too (``lang`` -> ``language`` turns
  ``lang/python`` into ``language/python``) and merges: a note that ends up
  with the same tag twice keeps it once.
- Renaming to a tag that cannot be written as an inline hashtag (``c++``,
  ``node.js``, ``2024``) is refused when some note has the old tag as an
  inline ``#hashtag``: the prose would end up with a different tag.
- Every change is made under the KB's write lock, from a fresh read of the
  file, so concurrent ``til tag`` runs never lose each other's tags.
- A file that is not UTF-8, or whose frontmatter cannot be edited in place
  safely (a ``{...}`` mapping, anchors, a duplicate ``tags`` key), is
  refused with one line, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tilbase.errors import InvalidInput, TilError
from tilbase.filters import NoteFilter
from tilbase.hashtags import (
    Hashtag,
    can_write_as_hashtag,
    find_hashtags,
    hashtag_tags,
    replace_hashtags,
)
from tilbase.model import Note, normalize_tag, normalize_tags, usable_tags

if TYPE_CHECKING:
    from tilbase.kb import KnowledgeBase

__all__ = [
    "NoteRename",
    "RenamePlan",
    "TagCount",
    "TagEdit",
    "TagInBody",
    "add_tags",
    "count_tags",
    "plan_rename",
    "remove_tags",
    "rename_tag",
    "renamed_tag",
]


class TagInBody(TilError):
    """A tag cannot be removed from the frontmatter because it is written in the body."""


@dataclass(frozen=True)
class TagEdit:
    """What ``add_tags``/``remove_tags`` did to one note.

    ``changed`` holds the tags added (or removed); ``unchanged`` those the
    note already had (for add) or did not have (for remove).
    """

    note: Note
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]


@dataclass(frozen=True)
class TagCount:
    """One tag in the KB. ``count``: notes with exactly this tag; ``total``: with it or a child.

    A parent that no note carries itself (``lang`` when only ``lang/python``
    exists) is listed with ``count`` 0 so that the tree can be drawn.
    """

    tag: str
    count: int
    total: int

    @property
    def depth(self) -> int:
        """0 for a top-level tag, 1 for ``a/b``, and so on."""
        return self.tag.count("/")

    @property
    def name(self) -> str:
        """The last level of the tag (``python`` for ``lang/python``)."""
        return self.tag.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class NoteRename:
    """What a rename changes (or would change) in one note."""

    note: Note
    frontmatter_before: tuple[str, ...]
    frontmatter_after: tuple[str, ...]
    hashtags_renamed: int
    new_text: str = field(repr=False, compare=False)

    @property
    def frontmatter_changed(self) -> bool:
        """True when the frontmatter ``tags`` change."""
        return self.frontmatter_before != self.frontmatter_after


@dataclass(frozen=True)
class RenamePlan:
    """A rename across the KB: the notes it touches, in path order."""

    old: str
    new: str
    changes: tuple[NoteRename, ...]
    dry_run: bool

    @property
    def hashtags_renamed(self) -> int:
        """How many inline hashtags are rewritten in all."""
        return sum(change.hashtags_renamed for change in self.changes)


@dataclass(frozen=True)
class _FileTags:
    """A note file's text, read fresh, cut where tags live (``tags``: as ``read_note`` has them)."""

    text: str
    metadata: dict[str, Any]
    body_offset: int
    frontmatter_ok: bool

    @property
    def frontmatter_tags(self) -> tuple[str, ...]:
        """The tags of the frontmatter alone."""
        from tilbase.notemeta import frontmatter_tags

        return frontmatter_tags(self.metadata)

    def all_tags(self) -> tuple[str, ...]:
        """Frontmatter tags and inline hashtags, exactly as ``read_note`` finds them."""
        from tilbase.notemeta import note_tags

        return note_tags(self.metadata, self.text[self.body_offset :])


def _usable_tags(raw: Iterable[str]) -> tuple[str, ...]:
    tags = usable_tags(raw)
    if not tags:
        raise InvalidInput("no tag given")
    return tags


def _read_tags(kb: KnowledgeBase, note: Note) -> _FileTags:
    """Read a note's file now (refusing one that may not be written back) and find its tags."""
    from tilbase.notefile import load_frontmatter, split_frontmatter

    text = kb.store.read_editable(note)
    split = split_frontmatter(text)
    if split.frontmatter is None:
        return _FileTags(text, {}, 0, True)
    try:
        metadata = load_frontmatter(split)
    except ValueError:
        # read_note reads such a file as plain text: its tags are the whole text's hashtags.
        return _FileTags(text, {}, 0, False)
    return _FileTags(text, metadata, split.body_offset, True)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _rel(kb: KnowledgeBase, note: Note) -> str:
    return note.id if note.path is None else kb.store.relpath(note.path)


def add_tags(kb: KnowledgeBase, note_id: str, tags: Iterable[str]) -> TagEdit:
    """Add tags to a note's frontmatter; tags it already has (anywhere) are left as they are."""

    wanted = _usable_tags(tags)
    note = kb.get(note_id)
    with kb.store.write_lock():
        current = _read_tags(kb, note)
        has = set(current.all_tags())
        added = tuple(tag for tag in wanted if tag not in has)
        unchanged = tuple(tag for tag in wanted if tag in has)
        if not added:
            return TagEdit(note, (), unchanged)
        updated = kb.store.set_tags(note, (*current.frontmatter_tags, *added))
    kb.notes_changed()
    return TagEdit(_same_id(updated, note), added, unchanged)


def _same_id(updated: Note, note: Note) -> Note:
    """``updated`` known by the id the KB gives ``note`` (a duplicate id is made unique)."""
    return updated if updated.id == note.id else updated.with_changes(id=note.id)


def remove_tags(kb: KnowledgeBase, note_id: str, tags: Iterable[str]) -> TagEdit:
    """Remove tags from a note's frontmatter.

    Raises ``TagInBody`` (and writes nothing) when one of them is an inline
    ``#hashtag`` in the body, since removing it from the frontmatter would
    not remove it from the note.
    """

    wanted = _usable_tags(tags)
    note = kb.get(note_id)
    with kb.store.write_lock():
        current = _read_tags(kb, note)
        body = current.text[current.body_offset :]
        for hashtag in find_hashtags(body):
            if hashtag.tag in wanted:
                line = _line_of(current.text, current.body_offset + hashtag.start)
                raise TagInBody(
                    f"{_rel(kb, note)}:{line}: '{hashtag.tag}' is an inline #{hashtag.raw} in "
                    f"the body of {note.id}; nothing was changed",
                    f"edit the note (`til edit {note.id}`) to remove it from the text",
                )
        removed = tuple(tag for tag in wanted if tag in current.frontmatter_tags)
        unchanged = tuple(tag for tag in wanted if tag not in current.frontmatter_tags)
        if not removed:
            return TagEdit(note, (), unchanged)
        kept = [tag for tag in current.frontmatter_tags if tag not in removed]
        updated = kb.store.set_tags(note, kept)
    kb.notes_changed()
    return TagEdit(_same_id(updated, note), removed, unchanged)


def count_tags(notes: Iterable[Note], sort: str = "name") -> list[TagCount]:
    """Every tag of these notes with its counts, parents of hierarchical tags included.

    ``sort="name"`` orders by tag path, so children follow their parent;
    ``sort="count"`` orders siblings by ``total``, highest first, keeping
    children right after their parent (the order of the tree view).
    """
    if sort not in ("name", "count"):
        raise InvalidInput(f"unknown sort '{sort}'; use 'count' or 'name'")
    exact: dict[str, int] = {}
    below: dict[str, set[int]] = {}
    for index, note in enumerate(notes):
        for tag in note.tags:
            exact[tag] = exact.get(tag, 0) + 1
            parts = tag.split("/")
            for depth in range(1, len(parts) + 1):
                below.setdefault("/".join(parts[:depth]), set()).add(index)
    counts = {tag: TagCount(tag, exact.get(tag, 0), len(ids)) for tag, ids in below.items()}
    return _tree_order(counts, sort)


def counts_in_tree_order(totals: Iterable[Any], sort: str = "name") -> list[TagCount]:
    """``count_tags``'s answer from the catalog's tag totals (``Catalog.tag_totals``)."""
    if sort not in ("name", "count"):
        raise InvalidInput(f"unknown sort '{sort}'; use 'count' or 'name'")
    counts = {t.tag: TagCount(t.tag, t.count, t.total) for t in totals}
    return _tree_order(counts, sort)


def _tree_order(counts: dict[str, TagCount], sort: str) -> list[TagCount]:
    children: dict[str, list[TagCount]] = {}
    for item in counts.values():
        parent = item.tag.rsplit("/", 1)[0] if "/" in item.tag else ""
        children.setdefault(parent, []).append(item)

    def key(item: TagCount) -> tuple[int, str]:
        return (-item.total if sort == "count" else 0, item.tag)

    ordered: list[TagCount] = []

    def walk(parent: str) -> None:
        for item in sorted(children.get(parent, []), key=key):
            ordered.append(item)
            walk(item.tag)

    walk("")
    return ordered


def renamed_tag(tag: str, old: str, new: str) -> str | None:
    """``tag`` after renaming ``old`` to ``new`` (children included), or None if unaffected."""
    if tag == old:
        return new
    if tag.startswith(old + "/"):
        return new + tag[len(old) :]
    return None


def _rename_all(tags: Sequence[str], old: str, new: str) -> tuple[str, ...]:
    return normalize_tags(renamed_tag(tag, old, new) or tag for tag in tags)


def plan_rename(kb: KnowledgeBase, old: str, new: str) -> RenamePlan:
    """Work out, without writing, what renaming ``old`` to ``new`` changes in every note."""
    old_tag, new_tag = normalize_tag(old), normalize_tag(new)
    for raw, tag in ((old, old_tag), (new, new_tag)):
        if not tag:
            raise InvalidInput(f"'{raw}' is not a usable tag (nothing is left after normalising)")
    if old_tag == new_tag:
        raise InvalidInput(f"'{old}' and '{new}' are the same tag; nothing to rename")
    # The catalog picks the notes carrying the tag (or one below it); only their files are read.
    notes = sorted(kb.search_notes(NoteFilter(tags=(old_tag,))), key=lambda n: str(n.path))
    if not any(renamed_tag(tag, old_tag, new_tag) for note in notes for tag in note.tags):
        raise InvalidInput(
            f"no note has the tag '{old_tag}' (or a tag below it); nothing was renamed",
            "`til tag list` shows the tags in use",
        )
    changes = []
    for note in notes:
        if not any(renamed_tag(tag, old_tag, new_tag) for tag in note.tags):
            continue
        change = _plan_note(kb, note, old_tag, new_tag)
        if change is not None:
            changes.append(change)
    return RenamePlan(old_tag, new_tag, tuple(changes), dry_run=True)


def _plan_note(kb: KnowledgeBase, note: Note, old: str, new: str) -> NoteRename | None:
    from tilbase.notefile import set_frontmatter_key, split_frontmatter

    current = _read_tags(kb, note)
    after = _rename_all(current.frontmatter_tags, old, new)
    text = current.text
    if after != current.frontmatter_tags:
        try:
            text = set_frontmatter_key(text, "tags", list(after))
        except ValueError as exc:
            raise InvalidInput(
                f"{_rel(kb, note)}: cannot change tags: {exc}; nothing was renamed",
                f"edit the file by hand (`til edit {note.id}`), then rename again",
            ) from None
    body_offset = split_frontmatter(text).body_offset if current.frontmatter_ok else 0
    old_body = text[body_offset:]
    found = find_hashtags(old_body)
    _check_hashtags_writable(kb, note, text, body_offset, found, old, new)
    body, renamed = replace_hashtags(old_body, {old: new}, found)
    if renamed:
        # A renamed hashtag reads back as itself even next to the text around it.
        expected = {renamed_tag(h.tag, old, new) or h.tag for h in found if h.tag}
        if set(hashtag_tags(body)) != expected:
            raise InvalidInput(
                f"{_rel(kb, note)}: renaming its inline hashtags to '{new}' would change how "
                "its text reads; nothing was renamed",
                f"edit the note by hand (`til edit {note.id}`)",
            )
    text = text[:body_offset] + body
    if text == current.text:
        return None
    return NoteRename(note, current.frontmatter_tags, after, renamed, text)


def _check_hashtags_writable(
    kb: KnowledgeBase,
    note: Note,
    text: str,
    body_offset: int,
    found: list[Hashtag],
    old: str,
    new: str,
) -> None:
    """Refuse a rename whose new name cannot stand in the prose as a ``#hashtag``."""
    for hashtag in found:
        target = renamed_tag(hashtag.tag, old, new)
        if target is not None and not can_write_as_hashtag(target):
            line = _line_of(text, body_offset + hashtag.start)
            raise InvalidInput(
                f"{_rel(kb, note)}:{line}: '{target}' cannot be written as an inline hashtag, "
                f"and this note has #{hashtag.raw} in its text; nothing was renamed",
                "choose a name of letters, digits, '-' and '_' (starting with a letter), "
                "or edit those notes by hand",
            )


def rename_tag(kb: KnowledgeBase, old: str, new: str, *, dry_run: bool = False) -> RenamePlan:
    """Rename a tag (and its children) in every note's frontmatter and inline hashtags.

    Every note is planned before any is written, so a note that cannot be
    changed (broken frontmatter, a hashtag the new name cannot replace)
    stops the rename before it starts. The plan and the writes happen under
    the KB's write lock, from a fresh read of every note. With ``dry_run``
    nothing is written.
    """
    if dry_run:
        return plan_rename(kb, old, new)
    with kb.store.write_lock():
        kb.rescan()
        plan = plan_rename(kb, old, new)
        with kb.store.batch():
            for change in plan.changes:
                kb.store.write_text(change.note, change.new_text)
    kb.notes_changed()
    return RenamePlan(plan.old, plan.new, plan.changes, dry_run=False)
