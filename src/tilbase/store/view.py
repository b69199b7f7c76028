"""``ScanResult``: the KB's notes as the catalog lists them, each file read only when asked.

The catalog knows every note's path, stat and id without reading a file; a
``ScanResult`` hands that to the search index (which compares it with its
manifest) and reads a note's file only when its ``Note`` is wanted (a changed
file to index, a hit to show). ``notes`` reads them all, for the few commands
that need every body (export of everything, an import, a tag rename).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import overload

from tilbase.model import Note
from tilbase.store.catalog import CatalogRow
from tilbase.store.walk import FileStat

__all__ = ["IdLookup", "LazyNotes", "NoteRows", "ScanResult", "SourceGroups"]

#: Reads one note: (relative path, the id the KB knows it by) -> the note, or None when gone.
NoteLoader = Callable[[str, str], Note | None]


class LazyNotes:
    """Notes keyed by relative path (in path order), each read from its file on first use."""

    def __init__(self, ids: dict[str, str], load: NoteLoader) -> None:
        self._ids = ids
        self._load = load
        self._read: dict[str, Note | None] = {}

    def get(self, rel: str, default: Note | None = None) -> Note | None:
        """The note of ``rel``, or ``default`` when it is not listed or its file is gone."""
        note_id = self._ids.get(rel)
        if note_id is None:
            return default
        if rel not in self._read:
            self._read[rel] = self._load(rel, note_id)
        note = self._read[rel]
        return default if note is None else note

    def __getitem__(self, rel: str) -> Note:
        note = self.get(rel)
        if note is None:
            raise KeyError(rel)
        return note

    def __contains__(self, rel: object) -> bool:
        return rel in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def items(self) -> Iterator[tuple[str, Note]]:
        """(path, note) of every listed file that can still be read, in path order."""
        for rel in self._ids:
            note = self.get(rel)
            if note is not None:
                yield rel, note


class NoteRows(Sequence[Note]):
    """Catalog rows as a list of notes, each note's file read when that item is first used.

    A search without a query shows ten of thousands of matches: only those
    ten files are read. A row whose file has gone is given without a body.
    """

    def __init__(self, rows: Sequence[CatalogRow], notes_dir: Path, load: NoteLoader) -> None:
        self._rows = rows
        self._notes_dir = notes_dir
        self._load = load
        self._read: dict[int, Note] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def ids(self) -> list[str]:
        """The notes' ids, in order, without reading any file."""
        return [row.id for row in self._rows]

    @overload
    def __getitem__(self, index: int) -> Note: ...

    @overload
    def __getitem__(self, index: slice) -> list[Note]: ...

    def __getitem__(self, index: int | slice) -> Note | list[Note]:
        if isinstance(index, slice):
            return [self._note(i) for i in range(*index.indices(len(self._rows)))]
        return self._note(range(len(self._rows))[index])

    def _note(self, i: int) -> Note:
        if i not in self._read:
            row = self._rows[i]
            self._read[i] = self._load(row.path, row.id) or row.to_note(self._notes_dir)
        return self._read[i]


#: A catalog's change log: generation key -> the files changed since (see ``changes_since``).
ChangeLog = Callable[[str], "dict[str, tuple[int, int, str] | None] | None"]


class ScanResult:
    """Every note of the KB as the catalog lists it (one generation of it).

    ``generation`` is the catalog's generation key, read first; ``files``
    (read from the catalog when first asked for) maps each relative path,
    sorted, to (size, mtime_ns, id) as of that generation or a later one. So
    an index stamped with ``generation`` never claims rows newer than it holds.
    """

    def __init__(
        self,
        generation: str,
        files: Callable[[], dict[str, tuple[int, int, str]]],
        load: NoteLoader,
        changes: ChangeLog | None = None,
    ) -> None:
        self.generation = generation
        self._files = files
        self._load = load
        self._changes = changes
        #: Messages about files (set by whoever made the view, when it collects them).
        self.warnings: list[str] = []

    @cached_property
    def files(self) -> dict[str, tuple[int, int, str]]:
        """Each catalogued file: {relative path: (size, mtime_ns, id)}, in path order."""
        return dict(sorted(self._files().items()))

    @cached_property
    def _notes(self) -> LazyNotes:
        return LazyNotes(self.ids, self._load)

    @cached_property
    def ids(self) -> dict[str, str]:
        """The id of each file, as the KB knows it (duplicates made unique)."""
        return {rel: row[2] for rel, row in self.files.items()}

    @cached_property
    def stats(self) -> dict[str, FileStat]:
        """Each file's size and mtime, as the catalog recorded them."""
        return {rel: FileStat(row[0], row[1]) for rel, row in self.files.items()}

    def by_path(self) -> LazyNotes:
        """Notes keyed by their path relative to the notes folder, read when first asked for."""
        return self._notes

    def note(self, rel: str, note_id: str) -> Note | None:
        """The note in ``rel`` under the id the KB knows it by (read now); None when gone."""
        return self._load(rel, note_id)

    def changes_since(self, generation: str) -> dict[str, tuple[int, int, str] | None] | None:
        """The files changed after ``generation``: (size, mtime_ns, id), or None when gone.

        None when that cannot be told (no change log, or one that does not
        reach back that far): then compare ``files`` whole.
        """
        return None if self._changes is None else self._changes(generation)

    @property
    def notes(self) -> list[Note]:
        """Every note, in path order (reads every file not read yet)."""
        return [note for _rel, note in self._notes.items()]


class SourceGroups(Mapping[tuple[str | None, str], list[Note]]):
    """Imported notes grouped by their source (root, path), each group read when first asked.

    ``groups`` maps a source to the relative paths of its notes (from the catalog).
    """

    def __init__(self, groups: dict[tuple[str | None, str], list[str]], notes: LazyNotes) -> None:
        self._groups = groups
        self._notes = notes

    def __getitem__(self, key: tuple[str | None, str]) -> list[Note]:
        found = [self._notes.get(rel) for rel in self._groups[key]]
        return [note for note in found if note is not None and note.source is not None]

    def __iter__(self) -> Iterator[tuple[str | None, str]]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)


class IdLookup(Mapping[str, Note]):
    """Notes by case-folded id, each read when first asked (``find`` gives an id's path)."""

    def __init__(self, find: Callable[[str], str | None], notes: LazyNotes) -> None:
        self._find = find
        self._notes = notes

    def __getitem__(self, folded: str) -> Note:
        rel = self._find(folded)
        note = None if rel is None else self._notes.get(rel)
        if note is None:
            raise KeyError(folded)
        return note

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
