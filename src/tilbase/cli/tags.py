"""The ``til tag`` sub-app: add, rm, list, rename."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer  # noqa: TID251

from tilbase.cli.common import open_kb, show_warnings
from tilbase.cli.complete import complete_note_id, complete_tag

__all__ = ["register"]

TAG_HELP = """Add, remove, list and rename tags.

\b
Examples:
  til tag list
  til tag add 2023-01-05-git-worktree git
  til tag rename ml machine-learning --dry-run
"""

tag_app = typer.Typer(name="tag", rich_markup_mode=None)


@tag_app.callback(invoke_without_command=True, help=TAG_HELP)
def _tag_group(ctx: typer.Context) -> None:
    """``til tag`` alone: its help, and success (a bare group is a question, not an error)."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


class TagSort(StrEnum):
    """The orders of ``til tag list``."""

    COUNT = "count"
    NAME = "name"


_ID = typer.Argument(
    metavar="ID", help="A note id or unique prefix.", autocompletion=complete_note_id
)


@tag_app.command("add")
def add(
    ctx: typer.Context,
    note_id: Annotated[str, _ID],
    tags: Annotated[
        list[str],
        typer.Argument(metavar="TAG...", help="Tags to add.", autocompletion=complete_tag),
    ],
) -> None:
    """Add tags to a note's frontmatter (the rest of the file is left byte for byte).

    \b
    Examples:
      til tag add 2023-01-05-git-worktree git tools
    """
    from tilbase.render.tags import print_tag_edit

    kb = open_kb(ctx)
    edit = kb.tag_add(note_id, tags)
    show_warnings(kb)
    print_tag_edit(edit, verb="add")


@tag_app.command("rm")
def rm(
    ctx: typer.Context,
    note_id: Annotated[str, _ID],
    tags: Annotated[
        list[str],
        typer.Argument(metavar="TAG...", help="Tags to remove.", autocompletion=complete_tag),
    ],
) -> None:
    """Remove tags from a note's frontmatter (an inline #hashtag is refused, not deleted).

    \b
    Examples:
      til tag rm 2023-01-05-git-worktree tools
    """
    from tilbase.render.tags import print_tag_edit

    kb = open_kb(ctx)
    edit = kb.tag_rm(note_id, tags)
    show_warnings(kb)
    print_tag_edit(edit, verb="rm")


@tag_app.command("list")
def list_tags(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    sort: Annotated[
        TagSort, typer.Option("--sort", help="Order: count (most used first) or name.")
    ] = TagSort.NAME,
) -> None:
    """Every tag with its number of notes; a/b tags roll up into a.

    \b
    Examples:
      til tag list
      til tag list --sort count --json
    """
    from tilbase.render.tags import print_tag_list

    kb = open_kb(ctx)
    counts = kb.tag_list(sort=sort.value)
    show_warnings(kb)
    print_tag_list(counts, as_json=as_json)


@tag_app.command("rename")
def rename(
    ctx: typer.Context,
    old: Annotated[
        str, typer.Argument(metavar="OLD", help="The tag to rename.", autocompletion=complete_tag)
    ],
    new: Annotated[str, typer.Argument(metavar="NEW", help="Its new name (merged if in use).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
) -> None:
    """Rename a tag and its children in every note, in frontmatter and inline #hashtags.

    \b
    Examples:
      til tag rename ml machine-learning --dry-run
      til tag rename py lang/python
    """
    from tilbase.render.tags import print_rename

    kb = open_kb(ctx)
    plan = kb.tag_rename(old, new, dry_run=dry_run)
    show_warnings(kb)
    print_rename(plan)


def register(app: typer.Typer) -> None:
    """Mount ``til tag`` on the ``til`` app."""
    app.add_typer(tag_app)
