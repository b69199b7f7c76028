"""Drawing tags: the tag list (a tree on a terminal) and what a rename changes."""

from __future__ import annotations

from collections.abc import Sequence

from tilbase.render import escape, info, is_terminal, print_json, print_plain, stdout_console
from tilbase.tags import NoteRename, RenamePlan, TagCount, TagEdit

__all__ = ["print_rename", "print_tag_edit", "print_tag_list", "tag_list_json"]


def tag_list_json(counts: Sequence[TagCount]) -> list[dict[str, object]]:
    """The ``tag list --json`` shape: ``{"tag", "count", "total"}`` per tag."""
    return [{"tag": c.tag, "count": c.count, "total": c.total} for c in counts]


def print_tag_list(counts: Sequence[TagCount], *, as_json: bool = False) -> None:
    """Every tag with its count: a tree on a terminal, ``total<TAB>tag`` lines in a pipe.

    The number shown is the roll-up (notes with the tag or a tag below it).
    """
    if as_json:
        print_json(tag_list_json(counts))
        return
    if not counts:
        info("No tags yet. Add one with: til tag add ID TAG")
        return
    if not is_terminal():
        for item in counts:
            print_plain(f"{item.total}\t{item.tag}")
        return
    from rich.table import Table

    table = Table(box=None, show_header=False, pad_edge=False, expand=False)
    table.add_column("total", justify="right", style="cyan", no_wrap=True)
    table.add_column("tag", style="green")
    for item in counts:
        label = "  " * item.depth + escape(item.name if item.depth else item.tag)
        if item.count == 0:
            label = f"[dim]{label}[/]"
        table.add_row(str(item.total), label)
    stdout_console().print(table)


def print_tag_edit(edit: TagEdit, *, verb: str) -> None:
    """Report ``tag add``/``tag rm`` on stderr: what changed and what was already so."""
    note_id = escape(edit.note.id)
    if edit.changed:
        tags = ", ".join(escape(tag) for tag in edit.changed)
        if verb == "add":
            info(f"Added {tags} to {note_id}")
        else:
            info(f"Removed {tags} from {note_id}")
    for tag in edit.unchanged:
        if verb == "add":
            info(f"{note_id} already has tag '{escape(tag)}'; nothing to add")
        else:
            info(f"{note_id} has no tag '{escape(tag)}' in its frontmatter; nothing to remove")


def _describe(change: NoteRename) -> str:
    parts = []
    if change.frontmatter_changed:
        before = ", ".join(change.frontmatter_before) or "(none)"
        after = ", ".join(change.frontmatter_after) or "(none)"
        parts.append(f"tags: {before} -> {after}")
    if change.hashtags_renamed:
        plural = "" if change.hashtags_renamed == 1 else "s"
        parts.append(f"{change.hashtags_renamed} inline hashtag{plural}")
    return "; ".join(parts)


def print_rename(plan: RenamePlan) -> None:
    """One ``id<TAB>what changes`` line per note on stdout, a summary on stderr."""
    for change in plan.changes:
        print_plain(f"{change.note.id}\t{_describe(change)}")
    count = len(plan.changes)
    notes = f"{count} note{'' if count == 1 else 's'}"
    what = f"'{escape(plan.old)}' to '{escape(plan.new)}'"
    if plan.dry_run:
        info(f"Would rename {what} in {notes} (dry run: nothing was written)")
    else:
        info(f"Renamed {what} in {notes}")
