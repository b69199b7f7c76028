"""Matching imported entries to the KB's notes: a pure plan (create / update / keep).

``til import`` reads source files into entries (notes with a ``Source``: the
file, the line, a key such as ``## Heading~2``). ``ImportPlanner`` decides,
for each entry, without touching any file:

* ``created``: no note came from this entry yet, a new note (with a free id);
* ``updated``: the entry changed at the source and its note was not edited in
  the KB, so the note is rewritten;
* ``unchanged``: the note already says what the entry says;
* ``kept``: the entry changed, but so did its note in the KB: the note wins;
* ``removed``: the entry's note was removed with ``til rm`` (it is in the
  trash, see ``remember_removed``): it is not created again.

Each note records the fingerprint it was written with (``Source.digest``);
comparing it with the note's fingerprint now tells whether it was edited in
the KB. The importer (``tilbase.importer``) then carries the plan out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from tilbase.dates import DateOrder
from tilbase.model import Note, Source, free_id, is_safe_id, make_id, slugify
from tilbase.notefile import read_note, render_note
from tilbase.parse.headings import key_group

__all__ = ["ACTIONS", "Action", "ImportPlanner", "PlannedNote", "plan_import", "stored_fingerprint"]

Action = Literal["created", "updated", "unchanged", "kept", "removed"]
#: The actions every import report counts (``removed`` is counted only when it happened).
ACTIONS: tuple[Action, ...] = ("created", "updated", "unchanged", "kept")


@dataclass(frozen=True)
class PlannedNote:
    """One entry's outcome: the note as it is to be written (or as it stays), and why."""

    note: Note
    action: Action


def stored_fingerprint(note: Note, rel_path: str, order: DateOrder = "dmy") -> str:
    """The fingerprint the note will have when read back from its file in the KB.

    Writing and reading a note is not quite the identity (a title is cleaned
    again, an undated note named like a date takes that date), so the digest is
    taken from the round trip: that is what a later scan will compare against.
    """
    text = render_note(note.with_changes(source=None))
    return read_note(text, rel_path, order).note.fingerprint


def _default_rel(note: Note) -> str:
    return f"{note.id}.md" if note.path is None else note.path.name


@dataclass(frozen=True)
class KnownNotes:
    """The KB's notes as an import needs them, each read only when looked up.

    ``by_source``: imported notes by their source (root, path), with a source key;
    ``by_id``: notes by case-folded id; ``taken``: every case-folded id. A lookup
    must give the same ``Note`` object each time (matches are tracked by identity).
    """

    by_source: Mapping[tuple[str | None, str], list[Note]]
    by_id: Mapping[str, Note]
    taken: Iterable[str]


class ImportPlanner:
    """Plans the import of one file after another against the KB's notes (no I/O).

    ``rel_of`` gives a stored note's path relative to the notes folder (it can
    date an undated note); a note is matched to at most one entry per run.
    Notes removed with ``til rm`` are matched too, after the KB's own notes,
    once ``remember_removed`` has been given them.
    """

    def __init__(
        self,
        existing: Iterable[Note] = (),
        *,
        rel_of: Callable[[Note], str] = _default_rel,
        order: DateOrder = "dmy",
        known: KnownNotes | None = None,
    ) -> None:
        """Plan against ``existing`` notes, or against ``known`` (notes looked up when needed).

        With ``known`` (a large KB: the catalog answers), only the notes of the
        source files being imported and of ids entries carry are ever read.
        """
        self.rel_of = rel_of
        self.order: DateOrder = order
        self.claimed: set[int] = set()
        self.removed_by_source: dict[tuple[str | None, str], list[Note]] = defaultdict(list)
        self.removed: set[int] = set()
        self._removed_keys: set[tuple[str | None, str, str]] = set()
        if known is not None:
            self.by_source: Mapping[tuple[str | None, str], list[Note]] = known.by_source
            self.by_id: Mapping[str, Note] = known.by_id
            self.taken: set[str] = set(known.taken)
            return
        existing = list(existing)
        by_source: dict[tuple[str | None, str], list[Note]] = defaultdict(list)
        for note in existing:
            source = note.source
            if source is not None and source.key is not None:
                by_source[(source.root, source.path)].append(note)
        self.by_source = by_source
        self.taken = {note.id.casefold() for note in existing}
        self.by_id = {note.id.casefold(): note for note in existing}

    def remember_removed(self, removed: Iterable[Note]) -> None:
        """Notes removed from the KB (read from the trash): their entries are not created again.

        Only imported notes count (those with a source key); of several removed
        notes of one entry, one is enough.
        """
        for note in removed:
            source = note.source
            if source is None or source.key is None:
                continue
            where = (source.root, source.path, source.key)
            if where in self._removed_keys:
                continue
            self._removed_keys.add(where)
            self.removed_by_source[(source.root, source.path)].append(note)
            self.removed.add(id(note))

    def plan_file(self, entries: Sequence[Note]) -> list[PlannedNote]:
        """The outcome of each entry of one source file, in order."""
        if not entries:
            return []
        matches = self.match_file(entries)
        return [
            self._plan(entry, existing) for entry, existing in zip(entries, matches, strict=True)
        ]

    def match_file(self, entries: Sequence[Note]) -> list[Note | None]:
        """The existing note of each entry of one file (``None``: no note yet).

        Entries are matched to notes within groups that share a heading (a key
        without its ``~N`` occurrence number). A key is trusted as it is only
        while the group's keys are the same in the file as among the notes:
        ``~2`` is a position, and deleting or inserting a repeated entry
        shifts it onto a different entry. Otherwise an entry finds its note
        only by unchanged content, by an unchanged body (a heading edited at
        the source), or not at all: a new note is safer than overwriting
        another entry's note.
        """
        first = entries[0].source
        assert first is not None
        where = (first.root, first.path)
        file_keys = {_key(entry) for entry in entries}
        matches = self._match_among(entries, self.by_source.get(where, []), file_keys)
        removed = self.removed_by_source.get(where)
        open_entries = [index for index, match in enumerate(matches) if match is None]
        if removed and open_entries:
            # Entries without a note in the KB may be ones whose note was removed.
            found = self._match_among([entries[i] for i in open_entries], removed, file_keys)
            for index, match in zip(open_entries, found, strict=True):
                matches[index] = match
        return matches

    def _match_among(
        self, entries: Sequence[Note], notes: list[Note], file_keys: set[str]
    ) -> list[Note | None]:
        """``match_file`` against one set of notes (the KB's, or the removed ones)."""
        old_groups: dict[str, list[Note]] = defaultdict(list)
        for note in notes:
            old_groups[key_group(_key(note))].append(note)
        new_groups: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(entries):
            new_groups[key_group(_key(entry))].append(index)
        matches: list[Note | None] = [None] * len(entries)
        for group, indices in new_groups.items():
            olds = old_groups.get(group)
            if olds:
                self._match_group(entries, indices, olds, matches)
        for index, entry in enumerate(entries):
            if matches[index] is None:
                matches[index] = self._match_by_body(entry, notes, file_keys)
        return matches

    def _match_group(
        self,
        entries: Sequence[Note],
        indices: list[int],
        olds: list[Note],
        matches: list[Note | None],
    ) -> None:
        new_keys = sorted(_key(entries[index]) for index in indices)
        trusted = new_keys == sorted(_key(old) for old in olds)
        if not trusted or len(indices) > 1:
            # Unchanged entries first, wherever they moved: their notes are certain.
            for index in indices:
                matches[index] = self._match_by_content(entries[index], olds)
        if trusted:
            for index in indices:
                if matches[index] is None:
                    key = _key(entries[index])
                    matches[index] = self._claim_first(o for o in olds if _key(o) == key)

    def _match_by_content(self, entry: Note, olds: list[Note]) -> Note | None:
        """The note this entry was imported as, if the entry has not changed since."""
        free = [old for old in olds if id(old) not in self.claimed]
        if not free:
            return None
        key = _key(entry)
        free.sort(key=lambda old: _key(old) != key)  # the same key first
        digest = self._digest_for(entry, free[0])
        return self._claim_first(
            old
            for old in free
            if old.source is not None
            and old.source.digest == digest
            and (old is free[0] or self._digest_for(entry, old) == digest)
        )

    def _match_by_body(self, entry: Note, notes: list[Note], file_keys: set[str]) -> Note | None:
        """An entry whose heading was edited at the source (a new key), by its unchanged body."""
        if not entry.body.strip():
            return None
        candidates = [
            old
            for old in notes
            if id(old) not in self.claimed
            and old.source is not None
            and old.source.key not in file_keys
            and old.body == entry.body
        ]
        return self._claim_first(candidates) if len(candidates) == 1 else None

    def _claim_first(self, notes: Iterable[Note]) -> Note | None:
        for note in notes:
            if id(note) not in self.claimed:
                self.claimed.add(id(note))
                return note
        return None

    def _digest_for(self, entry: Note, existing: Note) -> str:
        """The digest ``entry`` would be written with as an update of ``existing``."""
        candidate = entry.with_changes(id=existing.id, path=existing.path)
        return stored_fingerprint(candidate, self.rel_of(existing), self.order)

    def _plan(self, entry: Note, existing: Note | None) -> PlannedNote:
        assert entry.source is not None
        if existing is None:
            same = self._same_note_by_id(entry)
            if same is not None:
                return PlannedNote(same, "unchanged")
            return PlannedNote(self._new_note(entry), "created")
        assert existing.source is not None
        if id(existing) in self.removed:
            return PlannedNote(existing, "removed")
        digest = self._digest_for(entry, existing)
        if digest == existing.source.digest:
            return PlannedNote(existing, "unchanged")
        if existing.source.digest is None or existing.fingerprint != existing.source.digest:
            return PlannedNote(existing, "kept")
        updated = entry.with_changes(
            id=existing.id, path=existing.path, source=replace(entry.source, digest=digest)
        )
        return PlannedNote(updated, "updated")

    def _same_note_by_id(self, entry: Note) -> Note | None:
        """A KB note that already is this entry: same id (from an export) and same content.

        Importing an export back into the KB it came from then creates no duplicates.
        """
        if not entry.id:
            return None
        other = self.by_id.get(entry.id.casefold())
        if other is None or id(other) in self.claimed:
            return None
        if stored_fingerprint(entry, self.rel_of(other), self.order) != other.fingerprint:
            return None
        self.claimed.add(id(other))
        return other

    def _new_note(self, entry: Note) -> Note:
        """The entry as a new note: a free id (its own when safe and free), and its digest."""
        assert entry.source is not None
        preferred = entry.id if entry.id and is_safe_id(entry.id) else ""
        if not preferred or preferred.casefold() in self.taken:
            preferred = _preferred_id(entry)
        note_id = free_id(preferred, self.taken)
        self.taken.add(note_id.casefold())
        new = entry.with_changes(id=note_id)
        digest = stored_fingerprint(new, f"{note_id}.md", self.order)
        return new.with_changes(source=_with_digest(entry.source, digest))


def plan_import(
    files: Iterable[Sequence[Note]],
    existing: Iterable[Note],
    *,
    removed: Iterable[Note] = (),
    rel_of: Callable[[Note], str] = _default_rel,
    order: DateOrder = "dmy",
) -> list[list[PlannedNote]]:
    """The plan for each file's entries against the ``existing`` notes (see ``ImportPlanner``).

    ``removed``: notes removed from the KB; their entries are planned as ``removed``.
    """
    planner = ImportPlanner(existing, rel_of=rel_of, order=order)
    planner.remember_removed(removed)
    return [planner.plan_file(entries) for entries in files]


def _preferred_id(note: Note) -> str:
    """``date-slug``, without the date twice when the title already starts with it."""
    slug = slugify(note.title)
    if note.date is not None and slug.startswith(note.date.isoformat()):
        return slug
    return make_id(note.title, note.date)


def _key(note: Note) -> str:
    assert note.source is not None
    assert note.source.key is not None
    return note.source.key


def _with_digest(source: Source, digest: str) -> Source:
    return replace(source, digest=digest)
