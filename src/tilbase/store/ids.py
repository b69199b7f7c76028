"""Note ids in a KB: resolving an id or unique prefix, and making duplicate ids unique."""

from __future__ import annotations

from collections.abc import Iterable

from tilbase.errors import (
    AmbiguousId,
    NoteNotFound,
)
from tilbase.model import Note, unique_id

#: How many matching ids an "ambiguous id" message lists.
_AMBIGUOUS_SHOWN = 5


def resolve_id(notes: Iterable[Note], id_or_prefix: str) -> Note:
    """Find the note whose id is ``id_or_prefix``, or the only one it is a prefix of."""
    wanted = id_or_prefix.strip().casefold()
    if not wanted:
        raise NoteNotFound("an empty id matches no note")
    matches = []
    for note in notes:
        folded = note.id.casefold()
        if folded == wanted:
            return note
        if folded.startswith(wanted):
            matches.append(note)
    if not matches:
        raise NoteNotFound(
            f"no note has id '{id_or_prefix}' or an id starting with it",
            "`til log` lists ids; `til search` finds notes by content",
        )
    if len(matches) > 1:
        shown = ", ".join(n.id for n in matches[:_AMBIGUOUS_SHOWN])
        more = ", ..." if len(matches) > _AMBIGUOUS_SHOWN else ""
        raise AmbiguousId(
            f"'{id_or_prefix}' matches {len(matches)} notes: {shown}{more}",
            "type more of the id",
        )
    return matches[0]


def dedupe_ids(notes: list[Note], rel_paths: list[str]) -> tuple[list[Note], list[str]]:
    """Give a note whose id another file already uses (earlier in path order) a unique id."""
    seen: set[str] = set()
    owner: dict[str, str] = {}
    result: list[Note] = []
    warnings: list[str] = []
    for note, rel in zip(notes, rel_paths, strict=True):
        folded = note.id.casefold()
        if folded in seen:
            new_id = unique_id(note.id, seen)
            warnings.append(
                f"{rel}:1: id '{note.id}' is also used by {owner[folded]}; "
                f"using '{new_id}' for this file until one of them is changed"
            )
            note = note.with_changes(id=new_id)
            folded = new_id.casefold()
        seen.add(folded)
        owner[folded] = rel
        result.append(note)
    return result, warnings
