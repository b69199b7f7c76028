"""Commands that capture and browse notes: init, config, add, show, edit, rm, log."""

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer  # noqa: TID251

from tilbase.cli.common import (
    TagOption,
    TopicOption,
    open_kb,
    paged_output,
    parse_date_option,
    show_warnings,
)
from tilbase.cli.complete import complete_note_id

__all__ = ["register"]


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _stdin_has_data() -> bool:
    """True when piped stdin holds text (an empty pipe or /dev/null does not count)."""
    try:
        import select

        try:
            sys.stdin.fileno()
        except (OSError, ValueError):  # not a real file (a test runner's stream)
            return bool(sys.stdin.read().strip())
        ready, _, _ = select.select([sys.stdin], [], [], 0)
        if not ready:
            return False
        peek = getattr(getattr(sys.stdin, "buffer", None), "peek", None)
        return bool(peek(1)) if peek else True
    except (OSError, ValueError, TypeError):
        return False


def init(
    folder: Annotated[
        Path, typer.Argument(help="Folder for the new KB (created if missing).")
    ] = Path("."),
    git: Annotated[
        bool, typer.Option("--git", help="Also make it a git repository, for `til sync`.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Create it even inside another knowledge base.")
    ] = False,
) -> None:
    """Create a knowledge base: config.yaml, notes/ and a .gitignore for derived files.

    \b
    Examples:
      til init ~/til
      til init            (the current folder)
    """
    from tilbase.config import enclosing_kb, found_without_flag, init_kb
    from tilbase.errors import ConfigError
    from tilbase.render import escape, info

    outer = enclosing_kb(folder) if not force else None
    if outer is not None and outer.parent.resolve() != folder.expanduser().resolve():
        raise ConfigError(
            f"{folder} is inside the knowledge base at {outer.parent}; nothing was created",
            "add notes to that one, or run `til init --force` for a separate KB inside it",
        )

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
    # Inside the new KB `til` finds it on its own; elsewhere it needs to be told where.
    flag = "" if found_without_flag(config_path) else f"--config {shlex.quote(str(config_path))} "
    command = f"til {flag}add 'what I learned'"
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
        "notes": len(kb.log()),  # counted in the catalog, no note file read
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
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[TEXT]...",
            help="The note (quotes optional). '-' or a pipe reads stdin; none opens $EDITOR.",
        ),
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
    append_daily: Annotated[
        bool,
        typer.Option(
            "--append", "-a", help="Add the text as a bullet to the day's daily note (YYYY-MM-DD)."
        ),
    ] = False,
) -> None:
    """Capture a note and print its id.

    The text comes from the argument, from stdin ('-' or a pipe), or from
    your editor when neither is given. The title is its first sentence;
    #hashtags in it become tags.

    \b
    Examples:
      til add "git worktree checks out a second branch in another folder" -t git
      echo "jq -r strips the quotes" | til add -t shell
      til add git worktree is neat
      til add --append "pytest -k picks tests by name"   (today's daily note)
      til add --date yesterday --topic Python "functools.cache memoizes"
      til add            (opens $EDITOR)

    Piped text may start with frontmatter (---, title:, tags:, topic:, date:);
    the options given on the command line win over it.
    """
    from tilbase.render import print_plain

    text = " ".join(words) if words else None
    kb = open_kb(ctx)
    note_date = parse_date_option(date, "--date", kb.config.date_order)
    if append_daily:
        if title or topic:
            from tilbase.errors import InvalidInput

            raise InvalidInput(
                "--append adds a bullet to the daily note; it takes no --title or --topic",
                "drop --title/--topic, or add a note of its own without --append",
            )
        if text is None and _stdin_is_terminal():
            from tilbase.errors import InvalidInput

            raise InvalidInput(
                "--append needs the text to add", 'til add --append "what I learned"'
            )
        body = sys.stdin.read() if text in (None, "-") else text
        note = kb.add_to_daily(body or "", day=note_date, tags=tags or ())
        show_warnings(kb)
        print_plain(note.id)
        return
    if text is None and _stdin_is_terminal():
        from tilbase.editor import open_in_editor

        note = kb.add_with_editor(
            open_in_editor, title=title, topic=topic, tags=tags or (), date=note_date
        )
    else:
        if text in (None, "-"):
            note = kb.add_document(
                sys.stdin.read(), title=title, topic=topic, tags=tags or (), date=note_date
            )
        else:
            note = kb.add(text or "", title=title, topic=topic, tags=tags or (), date=note_date)
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
    from tilbase.render import is_terminal, print_json
    from tilbase.render.notes import print_note
    from tilbase.serialize import note_record

    kb = open_kb(ctx)
    # In a pipe the file is printed as it is: it need not be parsed (nor PyYAML imported).
    note, text = kb.show(note_id) if as_json or is_terminal() else kb.show_file(note_id)
    show_warnings(kb)
    if as_json:
        print_json(note_record(note))
        return
    with paged_output(ctx):
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
    """Open a note in your editor; it is saved only if you changed it.

    You edit a copy: the note is replaced (atomically) when the editor exits
    cleanly and the text changed. If the file changed meanwhile (say
    `til tag add` in another terminal), both changes are merged when they
    touch different lines; otherwise your edit is kept as a draft and
    nothing is overwritten. To add piped text, use `til append`.

    \b
    Examples:
      til edit 2023-01-05-git-worktree
      TILBASE_EDITOR="code --wait" til edit 2023-01-05
    """
    from tilbase.editor import open_in_editor
    from tilbase.errors import InvalidInput
    from tilbase.render import escape, info

    if not _stdin_is_terminal() and _stdin_has_data():
        raise InvalidInput(
            "til edit opens your editor and does not read piped text",
            f"to add it to the note: ... | til append {note_id}",
        )
    kb = open_kb(ctx)
    outcome = kb.edit_note(note_id, open_in_editor)
    show_warnings(kb)
    if not outcome.changed:
        info(f"No changes to {escape(outcome.note.id)}")
        return
    merged = " (merged with a change made meanwhile)" if outcome.merged else ""
    if outcome.note.id != outcome.old_id:
        info(f"Saved {escape(outcome.old_id)}, now {escape(outcome.note.id)}{merged}")
    else:
        info(f"Saved {escape(outcome.note.id)}{merged}")


def rm(
    ctx: typer.Context,
    note_ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...",
            help="Note ids or unique prefixes.",
            autocompletion=complete_note_id,
        ),
    ],
) -> None:
    """Move notes to the trash (.tilbase/trash/); nothing is deleted (see til restore).

    \b
    Examples:
      til rm 2023-01-05-git-worktree
      til rm 2023-01-05-a 2023-01-06-b
      til trash; til restore 2023-01-05-git-worktree
    """
    from tilbase.render import escape, info

    kb = open_kb(ctx)
    removed = kb.remove_many(note_ids)
    show_warnings(kb)
    for item in removed:
        info(f"Moved {escape(item.note.id)} to {escape(str(item.trash_path))}")
    info(f"Undo with: til restore {escape(removed[0].note.id)}")


def log(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Only notes on or after.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only notes on or before.")] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Only notes of this day (or period: 'last week').")
    ] = None,
    week: Annotated[
        bool, typer.Option("--week", help="Only this week's notes (or --on D's week).")
    ] = False,
    month: Annotated[
        bool, typer.Option("--month", help="Only this month's notes (or --on D's month).")
    ] = False,
    tags: TagOption = None,
    topic: TopicOption = None,
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
      til log --on yesterday
      til log --week --tag git
    """
    from tilbase.dateoptions import log_period
    from tilbase.render import print_json
    from tilbase.render.notes import print_note_list
    from tilbase.serialize import log_listing

    kb = open_kb(ctx)
    since_date, until_date = log_period(
        on=on, week=week, month=month, since=since, until=until, order=kb.config.date_order
    )
    notes = kb.log(since_date, until_date, limit, tags=tags or (), topic=topic)
    show_warnings(kb)
    if as_json:
        print_json([log_listing(note) for note in notes])
        return
    with paged_output(ctx):
        print_note_list(notes)


def today(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List today's notes, newest first.

    \b
    Examples:
      til today
      til add --append "what I just learned"; til today
    """
    from tilbase.render import info, print_json
    from tilbase.render.notes import print_note_list
    from tilbase.serialize import log_listing

    kb = open_kb(ctx)
    notes = kb.today()
    show_warnings(kb)
    if as_json:
        print_json([log_listing(note) for note in notes])
        return
    if not notes:
        info('No notes today yet. Capture one with: til add --append "what I learned"')
        return
    print_note_list(notes)


def append(
    ctx: typer.Context,
    note_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A note id or unique prefix.", autocompletion=complete_note_id
        ),
    ],
    words: Annotated[
        list[str] | None,
        typer.Argument(metavar="[TEXT]...", help="Text to add (quotes optional); else stdin."),
    ] = None,
) -> None:
    """Add text at the end of a note (from the arguments or stdin).

    \b
    Examples:
      til append 2023-01-05-git-worktree "also: git worktree prune"
      git log -1 --oneline | til append 2023-01-05
    """
    from tilbase.errors import InvalidInput
    from tilbase.render import escape, info

    text = " ".join(words) if words else None
    if text in (None, "-"):
        if _stdin_is_terminal():
            raise InvalidInput(
                "nothing to append", f'til append {note_id} "text", or pipe text into it'
            )
        text = sys.stdin.read()
    kb = open_kb(ctx)
    note = kb.append(note_id, text or "")
    show_warnings(kb)
    info(f"Added to {escape(note.id)}")


def trash(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the notes in the trash, most recently removed first.

    \b
    Examples:
      til trash
      til restore 2023-01-05-git-worktree
    """
    from tilbase.render import info, print_json, print_plain

    kb = open_kb(ctx)
    trashed = kb.trash_list()
    show_warnings(kb)
    if as_json:
        print_json(
            [
                {
                    "id": item.note.id,
                    "title": item.note.title,
                    "removed": item.removed_at.isoformat(),
                    "original": item.original,
                    "path": str(item.path),
                }
                for item in trashed
            ]
        )
        return
    if not trashed:
        info("The trash is empty.")
        return
    for item in trashed:
        removed = item.removed_at.strftime("%Y-%m-%d %H:%M")
        print_plain(f"{removed}\t{item.note.id}\t{item.note.title}")


def restore(
    ctx: typer.Context,
    note_id: Annotated[
        str, typer.Argument(metavar="ID", help="The id (or unique prefix) of a note in the trash.")
    ],
) -> None:
    """Bring a note back from the trash to where it was (never overwriting a file).

    \b
    Examples:
      til restore 2023-01-05-git-worktree
    """
    from tilbase.render import escape, info, print_plain

    kb = open_kb(ctx)
    restored = kb.restore(note_id)
    show_warnings(kb)
    if restored.id_taken:
        info(f"Restored to {escape(str(restored.path))}; another note has its old id")
    else:
        info(f"Restored to {escape(str(restored.path))}")
    print_plain(restored.note.id)


def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
) -> None:
    """Totals, notes per month, top tags and topics, streaks, and a year's heatmap.

    \b
    Examples:
      til stats
      til stats --json
    """
    from tilbase.render.stats import print_stats

    kb = open_kb(ctx)
    numbers = kb.stats()
    show_warnings(kb)
    if as_json:
        print_stats(numbers, as_json=True)
        return
    with paged_output(ctx):
        print_stats(numbers)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``til`` app."""
    app.command()(init)
    app.command()(config)
    app.command()(add)
    app.command()(show)
    app.command()(edit)
    app.command()(rm)
    app.command()(log)
    app.command()(today)
    app.command()(append)
    app.command()(trash)
    app.command()(restore)
    app.command()(stats)
