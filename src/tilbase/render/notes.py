"""Drawing notes: lists (``til log``) and single notes (``til show``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tilbase.model import Note
from tilbase.render import escape, is_terminal, print_plain, stdout_console

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["note_header", "print_id_line", "print_note", "print_note_list"]

_LIST_INDENT = 12  # under the title, past the date column


def print_id_line(
    console: Console, note_id: str, meta: str = "", indent: int = 0, *, meta_first: bool = False
) -> None:
    """A note's id and ``meta`` (Rich markup) on one line when both fit, else on two.

    The id is never broken: when it does not fit beside ``meta`` each gets
    its own line; when it is wider than the terminal the indent is dropped
    and the line is left to the terminal to wrap (no newline is put inside
    it), so a double-click still selects the whole id. ``meta_first`` puts
    ``meta`` before the id.
    """
    from rich.text import Text

    width = console.width
    pad = " " * indent
    shown_id = f"[dim]{escape(note_id)}[/]"
    meta_width = Text.from_markup(meta).cell_len if meta else 0
    if meta and indent + len(note_id) + 2 + meta_width <= width:
        console.print(pad + (f"{meta}  {shown_id}" if meta_first else f"{shown_id}  {meta}"))
        return
    if meta and meta_first:
        console.print(pad + meta)
    id_indent = indent if indent + len(note_id) <= width else max(0, width - len(note_id))
    console.print(" " * id_indent + shown_id, soft_wrap=True)
    if meta and not meta_first:
        console.print(pad + meta)


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
    indent = _LIST_INDENT if console.width >= 60 else 2
    for note in notes:
        console.print(f"[cyan]{_date_text(note):<10}[/]  [bold]{escape(note.title)}[/]")
        print_id_line(console, note.id, _meta_markup(note), indent)


def _meta_markup(note: Note) -> str:
    parts = []
    if note.topic:
        parts.append(f"[magenta]{escape(note.topic)}[/]")
    if note.tags:
        parts.append(" ".join(f"[green]#{escape(tag)}[/]" for tag in note.tags))
    return "  ".join(parts)


#: A line led by a typographic bullet: notes kept as plain text often list things this way.
_BULLET_LINE = re.compile(r"^([ \t]*)[\u2022\u25e6\u25aa\u2023\u2219]([ \t]+)", re.MULTILINE)


def displayed_markdown(body: str) -> str:
    """``body`` as Markdown to show: lines led by ``•`` (or ◦ ▪ ‣ ∙) become list items.

    Markdown reads such lines as one paragraph and runs them together; a
    plain-text log imported as notes is full of them. Code blocks are left as
    they are, and the file is not changed.
    """
    if not _BULLET_LINE.search(body):
        return body
    from tilbase.query.weighting import split_code

    return "".join(
        part if code else _BULLET_LINE.sub(r"\1-\2", part) for part, code in split_code(body)
    )


def print_note(note: Note, raw_text: str) -> None:
    """One note: rendered Markdown under a header on a terminal, the file's text in a pipe."""
    if not is_terminal():
        print_plain(raw_text.rstrip("\n"))
        return
    from rich.markdown import Markdown
    from rich.rule import Rule

    console = stdout_console()
    console.print(f"[bold]{escape(note.title)}[/]")
    print_id_line(console, note.id, note_header(note), meta_first=True)
    console.print(Rule(style="dim"))
    console.print(Markdown(displayed_markdown(note.body)))
