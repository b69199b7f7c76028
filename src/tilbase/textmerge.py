"""A line-based three-way merge (pure Python, on ``difflib``) for ``til edit``.

When a note's file changed on disk while it was open in the editor (a
``til tag add`` in another terminal), the two sets of changes are combined
when they touch different lines; when they touch the same or neighbouring
lines there is no merge, and the caller keeps the edit as a draft.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

__all__ = ["merge3"]


@dataclass(frozen=True)
class _Hunk:
    """Base lines ``start:end`` replaced by ``lines``."""

    start: int
    end: int
    lines: tuple[str, ...]


def _hunks(base: list[str], other: list[str]) -> list[_Hunk]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Hunk(i1, i2, tuple(other[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _clash(a: _Hunk, b: _Hunk) -> bool:
    """True when two changes touch the same or neighbouring base lines."""
    return a.start <= b.end and b.start <= a.end


def merge3(base: str, ours: str, theirs: str) -> str | None:
    """``base`` with the changes of both ``ours`` and ``theirs``, or ``None`` when they clash.

    Identical changes on both sides count once. Changes on adjacent lines
    clash (a merge there is a guess); the caller then keeps both versions.
    """
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    base_lines = base.splitlines(keepends=True)
    our_hunks = _hunks(base_lines, ours.splitlines(keepends=True))
    their_hunks = _hunks(base_lines, theirs.splitlines(keepends=True))
    kept: list[_Hunk] = list(our_hunks)
    for hunk in their_hunks:
        if hunk in our_hunks:
            continue
        if any(_clash(hunk, mine) for mine in our_hunks):
            return None
        kept.append(hunk)
    merged = list(base_lines)
    for hunk in sorted(kept, key=lambda h: (h.start, h.end), reverse=True):
        merged[hunk.start : hunk.end] = hunk.lines
    return "".join(merged)
