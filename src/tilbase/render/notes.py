"""Drawing notes: lists (``til log``) and single notes (``til show``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markdown import Markdown
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table

from tilbase.model import Note
from tilbase.render import is_terminal, print_plain, stdout_console

__all__ = ["note_header", "print_note", "print_note_list"]


def _date_text(note: Note) -> str:
    return note.date.isoformat() if note.date else "undated"


def note_header(note: Note) -> str:
    """A one-line description: date, topic and tags, with Rich markup."""
    parts = [f"[cyan]{_date_text(note)}[/]"]
    if note.topic:
        parts.append(f"[magenta]{escape(note.topic)}[/]")
    if note.tags:
        parts.append(" ".join(f"[green]#{escape(tag)}[/]" for tag in note.tags))
    return "  ".join(parts)


def print_note_list(notes: Sequence[Note]) -> None:
    """A list of notes: a table on a terminal, ``date<TAB>id<TAB>title`` lines in a pipe."""
    if not is_terminal():
        for note in notes:
            print_plain(f"{_date_text(note)}\t{note.id}\t{note.title}")
        return
    table = Table(box=None, show_header=False, pad_edge=False, expand=False)
    table.add_column("date", style="cyan", no_wrap=True)
    table.add_column("id", style="dim", overflow="fold")
    table.add_column("title", style="bold")
    table.add_column("tags", style="green")
    for note in notes:
        tags = " ".join(f"#{tag}" for tag in note.tags)
        table.add_row(_date_text(note), note.id, escape(note.title), escape(tags))
    stdout_console().print(table)


def print_note(note: Note, raw_text: str) -> None:
    """One note: rendered Markdown under a header on a terminal, the file's text in a pipe."""
    if not is_terminal():
        print_plain(raw_text.rstrip("\n"))
        return
    console = stdout_console()
    console.print(f"[bold]{escape(note.title)}[/]")
    console.print(note_header(note) + f"  [dim]{escape(note.id)}[/]")
    console.print(Rule(style="dim"))
    console.print(Markdown(note.body))
