"""Commands that capture and browse notes: init, config, add, show, edit, rm, log."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer  # noqa: TID251

from tilbase.cli.common import open_kb, parse_date_option, show_warnings
from tilbase.cli.complete import complete_note_id

__all__ = ["register"]


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def init(
    folder: Annotated[
        Path, typer.Argument(help="Folder for the new KB (created if missing).")
    ] = Path("."),
    git: Annotated[
        bool, typer.Option("--git", help="Also make it a git repository, for `til sync`.")
    ] = False,
) -> None:
    """Create a knowledge base: config.yaml, notes/ and a .gitignore for derived files.

    \b
    Examples:
      til init ~/til
      til init            (the current folder)
    """
    from tilbase.config import init_kb
    from tilbase.render import escape, info

    if git:
        from tilbase.sync import find_git

        find_git()  # before creating anything: no git, no KB half made
    config_path = init_kb(folder)
    info(f"Created a knowledge base in {escape(str(config_path.parent.resolve()))}")
    if git:
        from tilbase.config import load_config
        from tilbase.sync import init_repository, target_of

        target = target_of(load_config(config_path))
        init_repository(target.root, target.ignored, notes_dir=target.notes_dir)
        info("It is a git repository: sync it with `til sync --remote URL`")
    command = f"til --config {shlex.quote(str(config_path))} add 'what I learned'"
    info(f"Add a note with: {escape(command)}")


def config(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show where the KB, its notes and its index are.

    \b
    Examples:
      til config
      til --config ~/til/config.yaml config --json
    """
    from tilbase.render import print_json, print_plain

    kb = open_kb(ctx)
    cfg = kb.config
    data = {
        "root": str(cfg.root),
        "config": str(cfg.config_path),
        "notes_dir": str(cfg.notes_dir),
        "index_dir": str(cfg.index_dir),
        "state_dir": str(cfg.state_dir),
        "editor": cfg.editor,
        "date_order": cfg.date_order,
        "notes": len(kb.notes()),
    }
    show_warnings(kb)
    if as_json:
        print_json(data)
        return
    width = max(len(key) for key in data)
    for key, value in data.items():
        print_plain(f"{key:<{width}}  {'' if value is None else value}")


def add(
    ctx: typer.Context,
    text: Annotated[
        str | None,
        typer.Argument(help="The note. '-' or a pipe reads stdin; none opens $EDITOR."),
    ] = None,
    tags: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="A tag (repeatable).")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Title (default: first line or sentence).")
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", help="Topic, e.g. 'Python/Packaging'.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="Date: YYYY-MM-DD, today, yesterday (more: see README)."),
    ] = None,
) -> None:
    """Capture a note and print its id.

    The text comes from the argument, from stdin ('-' or a pipe), or from
    your editor when neither is given. The title is its first sentence;
    #hashtags in it become tags.

    \b
    Examples:
      til add "git worktree checks out a second branch in another folder" -t git
      echo "jq -r strips the quotes" | til add -t shell
      til add --date yesterday --topic Python "functools.cache memoizes"
      til add            (opens $EDITOR)
    """
    from tilbase.render import print_plain

    kb = open_kb(ctx)
    note_date = parse_date_option(date, "--date", kb.config.date_order)
    if text is None and _stdin_is_terminal():
        from tilbase.editor import open_in_editor

        note = kb.add_with_editor(
            open_in_editor, title=title, topic=topic, tags=tags or (), date=note_date
        )
    else:
        body = sys.stdin.read() if text in (None, "-") else text
        note = kb.add(body, title=title, topic=topic, tags=tags or (), date=note_date)
    show_warnings(kb)
    print_plain(note.id)


def show(
    ctx: typer.Context,
    note_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A note id or unique prefix.", autocompletion=complete_note_id
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the note as JSON.")] = False,
) -> None:
    """Show a note: rendered on a terminal, the raw file in a pipe.

    \b
    Examples:
      til show 2023-01-05-git-worktree
      til show 2023-01-05          (a unique prefix is enough)
      til show 2023-01-05 --json
    """
    from tilbase.render import print_json
    from tilbase.render.notes import print_note
    from tilbase.serialize import note_record

    kb = open_kb(ctx)
    note, text = kb.show(note_id)
    show_warnings(kb)
    if as_json:
        print_json(note_record(note))
        return
    print_note(note, text)


def edit(
    ctx: typer.Context,
    note_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A note id or unique prefix.", autocompletion=complete_note_id
        ),
    ],
) -> None:
    """Open a note in your editor.

    \b
    Examples:
      til edit 2023-01-05-git-worktree
      TILBASE_EDITOR="code --wait" til edit 2023-01-05
    """
    from tilbase.editor import open_in_editor
    from tilbase.render import escape, info

    kb = open_kb(ctx)
    updated = kb.edit(note_id, open_in_editor)
    show_warnings(kb)
    info(f"Saved {escape(updated.id)}")


def rm(
    ctx: typer.Context,
    note_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A note id or unique prefix.", autocompletion=complete_note_id
        ),
    ],
) -> None:
    """Move a note to the trash (.tilbase/trash/); nothing is deleted.

    \b
    Examples:
      til rm 2023-01-05-git-worktree
    """
    from tilbase.render import escape, info

    kb = open_kb(ctx)
    removed = kb.remove(note_id)
    show_warnings(kb)
    info(f"Moved {escape(removed.note.id)} to {escape(str(removed.trash_path))}")


def log(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Only notes on or after.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only notes on or before.")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=0, help="At most this many notes.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List notes, newest first (undated notes last).

    \b
    Examples:
      til log -n 10
      til log --since "last monday"
      til log --since 2023-01-01 --until 2023-03-31 --json
    """
    from tilbase.render import print_json
    from tilbase.render.notes import print_note_list
    from tilbase.serialize import note_listing

    kb = open_kb(ctx)
    from tilbase.dateoptions import date_bounds

    since_date, until_date = date_bounds(since, until, order=kb.config.date_order)
    notes = kb.log(since_date, until_date, limit)
    show_warnings(kb)
    if as_json:
        print_json([note_listing(note) for note in notes])
    else:
        print_note_list(notes)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``til`` app."""
    app.command()(init)
    app.command()(config)
    app.command()(add)
    app.command()(show)
    app.command()(edit)
    app.command()(rm)
    app.command()(log)
