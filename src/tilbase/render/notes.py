"""Drawing notes: lists (``til log``) and single notes (``til show``)."""

from __future__ import annotations

from collections.abc import Sequence

from tilbase.model import Note
from tilbase.render import escape, is_terminal, print_plain, stdout_console

__all__ = ["note_header", "print_note", "print_note_list"]


def _date_text(note: Note) -> str:
    return note.date.isoformat() if note.date else "undated"


def note_header(note: Note) -> str:
    """A one-line description: date, topic and tags, with Rich markup."""
    meta = _meta_markup(note)
    return f"[cyan]{_date_text(note)}[/]" + (f"  {meta}" if meta else "")


def print_note_list(notes: Sequence[Note]) -> None:
    """A list of notes: two styled lines each on a terminal, ``date<TAB>id<TAB>title`` in a pipe."""
    if not is_terminal():
        for note in notes:
            print_plain(f"{_date_text(note)}\t{note.id}\t{note.title}")
        return
    console = stdout_console()
    indent = " " * 12
    for note in notes:
        console.print(f"[cyan]{_date_text(note):<10}[/]  [bold]{escape(note.title)}[/]")
        meta_plain = "  ".join(filter(None, [note.topic, " ".join(f"#{t}" for t in note.tags)]))
        meta = _meta_markup(note)
        if not meta:
            console.print(f"{indent}[dim]{escape(note.id)}[/]")
        elif len(indent) + len(note.id) + 2 + len(meta_plain) <= console.width:
            console.print(f"{indent}[dim]{escape(note.id)}[/]  {meta}")
        else:
            console.print(f"{indent}[dim]{escape(note.id)}[/]")
            console.print(f"{indent}{meta}")


def _meta_markup(note: Note) -> str:
    parts = []
    if note.topic:
        parts.append(f"[magenta]{escape(note.topic)}[/]")
    if note.tags:
        parts.append(" ".join(f"[green]#{escape(tag)}[/]" for tag in note.tags))
    return "  ".join(parts)


def print_note(note: Note, raw_text: str) -> None:
    """One note: rendered Markdown under a header on a terminal, the file's text in a pipe."""
    if not is_terminal():
        print_plain(raw_text.rstrip("\n"))
        return
    from rich.markdown import Markdown
    from rich.rule import Rule

    console = stdout_console()
    console.print(f"[bold]{escape(note.title)}[/]")
    console.print(note_header(note) + f"  [dim]{escape(note.id)}[/]")
    console.print(Rule(style="dim"))
    console.print(Markdown(note.body))
