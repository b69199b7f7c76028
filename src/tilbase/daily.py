"""The daily note and appending to notes: the pure parts of ``til add --append`` and ``til append``.

One note per day collects quick bullets: its id is the day (``2026-12-01``),
it is created on the first ``til add --append`` of the day and each later one
adds a bullet to it. ``til append ID TEXT`` adds text to any note. Nothing
here touches the disk: these functions build notes and bodies for the store
to write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from tilbase.errors import InvalidInput
from tilbase.model import Note

__all__ = [
    "append_to_body",
    "as_bullet",
    "daily_note_id",
    "daily_note_title",
    "find_daily_note",
    "new_daily_note",
]

_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-+*•]|\d{1,9}[.)])(?:\s|$)")


def daily_note_id(day: dt.date) -> str:
    """The id of the daily note of ``day``: the ISO date."""
    return day.isoformat()


def daily_note_title(day: dt.date) -> str:
    """The title of the daily note of ``day``, e.g. ``2026-12-01 Tuesday``."""
    return f"{day.isoformat()} {day.strftime('%A')}"


def find_daily_note(notes: Iterable[Note], day: dt.date) -> Note | None:
    """The daily note of ``day`` among ``notes``: the note whose id is exactly the date.

    Not a prefix match: ``2026-12-01-git-worktree`` is another note of that day.
    """
    wanted = daily_note_id(day)
    return next((note for note in notes if note.id.casefold() == wanted), None)


def _lines_of(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InvalidInput("there is nothing to add; nothing was changed")
    return lines


def as_bullet(text: str) -> str:
    """``text`` as one Markdown list item, ending with a newline.

    The first line gets ``- `` (unless it already is a list item); later lines
    are indented under it, so a multi-line addition stays one item. Blank
    text is an ``InvalidInput``.
    """
    first, *rest = _lines_of(text)
    head = first.strip() if _LIST_ITEM.match(first) else f"- {first.strip()}"
    tail = [f"  {line}" if line.strip() else "" for line in rest]
    return "\n".join([head, *tail]) + "\n"


def append_to_body(body: str, addition: str) -> str:
    """``body`` with ``addition`` added at its end, ending with a newline.

    A list item added after a list continues it (one newline between);
    anything else starts a new paragraph (a blank line between). The body's
    own text is kept as it was; only trailing blank lines are folded.
    """
    added = "\n".join(_lines_of(addition)) + "\n"
    kept = body.rstrip()
    if not kept:
        return added
    last_line = kept.rsplit("\n", 1)[-1]
    joins_list = bool(_LIST_ITEM.match(last_line)) and bool(_LIST_ITEM.match(added))
    return kept + ("\n" if joins_list else "\n\n") + added


def new_daily_note(day: dt.date, text: str, *, tags: Iterable[str] = ()) -> Note:
    """The daily note of ``day`` holding ``text`` as its first bullet (for ``store.add``)."""
    return Note(
        id=daily_note_id(day),
        title=daily_note_title(day),
        date=day,
        tags=tuple(tags),
        body=as_bullet(text),
    )
