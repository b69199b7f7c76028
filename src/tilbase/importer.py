"""``til import``: bring notes files of any shape into the knowledge base.

Idempotent without a manifest: the truth is in the notes. Every imported note
records in its frontmatter ``source`` the file it came from (``path`` relative
to the import root), the entry's ``line``, a stable ``key`` and a ``digest``
(the note's fingerprint as written). On the next import an entry is matched to
its note by source (root and path) and key, then:

* same fingerprint as the digest -> ``unchanged`` (nothing is written);
* changed at the source, note not edited in the KB -> rewritten, ``updated``;
* changed at the source, but the note was edited in the KB since -> ``kept``;
* no note yet -> ``created``.

Entries that disappeared from the source leave their notes alone. The ``~N`` keys
of repeated headings are positions, trusted only while they line up (see
``_Importer._match_file``).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from tilbase.errors import ImportFailed, TilError
from tilbase.filedates import FileDates, load_file_dates
from tilbase.kb import KnowledgeBase
from tilbase.model import Note, Source, free_id, is_safe_id, make_id, slugify
from tilbase.notefile import read_note, render_note
from tilbase.parse import STYLES, ParseOptions, ParseResult, get_style, parse_file
from tilbase.parse.headings import key_group
from tilbase.parse.repo import RepoExport, find_repo_export
from tilbase.text import decode_bytes

__all__ = [
    "IMPORT_SUFFIXES",
    "Action",
    "ImportOptions",
    "ImportReport",
    "ImportedNote",
    "SkippedFile",
    "SourceFile",
    "SourceSet",
    "collect_sources",
    "import_sources",
]

IMPORT_SUFFIXES = (".md", ".markdown", ".txt")
Action = Literal["created", "updated", "unchanged", "kept"]
ACTIONS: tuple[Action, ...] = ("created", "updated", "unchanged", "kept")
#: Called before each file is read: (display path, files done, files in all).
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """What ``til import`` was asked to do."""

    style: str | None = None
    dry_run: bool = False
    dates_from: str | None = None


@dataclass(frozen=True)
class SourceFile:
    """A file to import: ``rel`` is its path relative to the import root (POSIX separators).

    ``display`` names it the way the person typed it, for messages; ``walked`` is
    true when it was found inside a folder rather than named on the command line.
    """

    path: Path
    rel: str
    display: str
    root: Path
    walked: bool


@dataclass(frozen=True)
class SkippedFile:
    """A file that gave no notes, and why."""

    display: str
    reason: str


@dataclass
class SourceSet:
    """The files an import will read, and the ones already passed over."""

    files: list[SourceFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


@dataclass(frozen=True)
class ImportedNote:
    """One entry's outcome: the note as written (or as it would be, in a dry run)."""

    note: Note
    action: Action
    file: str


@dataclass
class ImportReport:
    """What an import did: files read and skipped, every note's action, and warnings."""

    dry_run: bool = False
    files_read: int = 0
    notes: list[ImportedNote] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, action: Action) -> int:
        """How many notes had this outcome."""
        return sum(1 for item in self.notes if item.action == action)

    @property
    def counts(self) -> dict[str, int]:
        """Notes per action, in the order created, updated, unchanged, kept."""
        return {action: self.count(action) for action in ACTIONS}

    def to_json(self) -> dict[str, Any]:
        """The ``til import --json`` shape: counts, one record per note, skipped files, warnings."""
        return {
            "dry_run": self.dry_run,
            "files_read": self.files_read,
            "counts": self.counts,
            "notes": [_note_json(item) for item in self.notes],
            "skipped": [{"file": s.display, "reason": s.reason} for s in self.skipped],
            "warnings": list(self.warnings),
        }


def _note_json(item: ImportedNote) -> dict[str, Any]:
    note = item.note
    source = note.source
    return {
        "id": note.id,
        "title": note.title,
        "date": note.date.isoformat() if note.date else None,
        "topic": note.topic,
        "tags": list(note.tags),
        "action": item.action,
        "file": item.file,
        "source": None
        if source is None
        else {"path": source.path, "line": source.line, "key": source.key},
        "path": str(note.path) if note.path else None,
    }


# -- finding the files ----------------------------------------------------------


def _is_hidden(name: str) -> bool:
    # A file named just ".md" is a note whose name is empty, not a dotfile.
    return name.startswith(".") and name.lower() not in IMPORT_SUFFIXES


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def _is_regular_file(entry: os.DirEntry[str]) -> bool:
    # A FIFO or device named "x.md" would block or never end; only plain files are read.
    try:
        return entry.is_file()
    except OSError:
        return False


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    stack.append(Path(entry.path))
            elif entry.name.lower().endswith(IMPORT_SUFFIXES) and _is_regular_file(entry):
                found.append(Path(entry.path))
    return found


def collect_sources(paths: Sequence[Path], exclude: Sequence[Path] = ()) -> SourceSet:
    """Find the files to import under ``paths`` (files, or folders walked recursively).

    Hidden folders (``.git``, ``.obsidian``) are not entered; hidden files and
    files inside ``exclude`` (the KB's own folders) are listed as skipped. Raises
    ``ImportFailed`` for a path that does not exist.
    """
    excluded = [folder.resolve() for folder in exclude]
    result = SourceSet()
    seen: set[Path] = set()
    for given in paths:
        if not given.exists():
            raise ImportFailed(f"{given}: no such file or folder")
        if given.is_dir():
            root = given.resolve()
            candidates = sorted(
                ((path, path.relative_to(given).as_posix()) for path in _walk(given)),
                key=lambda item: item[1],
            )
            for path, rel in candidates:
                display = os.path.join(str(given), rel)
                resolved = path.resolve()
                if resolved in seen:
                    continue
                seen.add(resolved)
                if any(_is_hidden(part) for part in PurePosixPath(rel).parts):
                    result.skipped.append(SkippedFile(display, "hidden file"))
                elif _inside(resolved, excluded):
                    result.skipped.append(SkippedFile(display, "a file of this knowledge base"))
                else:
                    result.files.append(SourceFile(resolved, rel, display, root, walked=True))
        else:
            resolved = given.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            if _inside(resolved, excluded):
                result.skipped.append(SkippedFile(str(given), "a file of this knowledge base"))
                continue
            result.files.append(
                SourceFile(resolved, given.name, str(given), resolved.parent, walked=False)
            )
    return result


# -- reading and matching ---------------------------------------------------------


def stored_fingerprint(note: Note, rel_path: str, order: Any = "dmy") -> str:
    """The fingerprint the note will have when read back from its file in the KB.

    Writing and reading a note is not quite the identity (a title is cleaned
    again, an undated note named like a date takes that date), so the digest is
    taken from the round trip: that is what a later scan will compare against.
    """
    text = render_note(note.with_changes(source=None))
    return read_note(text, rel_path, order).note.fingerprint


class _Importer:
    def __init__(self, kb: KnowledgeBase, options: ImportOptions) -> None:
        self.kb = kb
        self.options = options
        self.order = kb.config.date_order
        self.report = ImportReport(dry_run=options.dry_run)
        existing = kb.notes()
        self.by_source: dict[tuple[str | None, str], list[Note]] = defaultdict(list)
        for note in existing:
            source = note.source
            if source is not None and source.key is not None:
                self.by_source[(source.root, source.path)].append(note)
        self.taken: set[str] = {note.id.casefold() for note in existing}
        self.by_id: dict[str, Note] = {note.id.casefold(): note for note in existing}
        self.claimed: set[int] = set()
        self.wrote = False
        self.file_dates: FileDates | None = None
        self.repo_exports: dict[Path, RepoExport | None] = {}

    def run(self, sources: SourceSet, progress: ProgressCallback | None) -> ImportReport:
        if self.options.dates_from:
            roots = [src.root for src in sources.files]
            self.file_dates = load_file_dates(self.options.dates_from, roots)
            self.report.warnings.extend(self.file_dates.warnings)
        self.report.skipped.extend(sources.skipped)
        total = len(sources.files)
        with self.kb.store.batch():
            for done, source in enumerate(sources.files):
                if progress is not None:
                    progress(source.display, done, total)
                self._import_file(source)
        return self.report

    def _skip(self, source: SourceFile, reason: str) -> None:
        self.report.skipped.append(SkippedFile(source.display, reason))

    def _read(self, source: SourceFile) -> ParseResult | None:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            self._skip(source, f"cannot read ({exc.strerror or exc})")
            return None
        decoded = decode_bytes(data)
        if decoded is None:
            self._skip(source, "binary file")
            return None
        options = ParseOptions(style=self.options.style, date_order=self.order)
        try:
            result = self._parse(decoded.text, source, options)
        except TilError:
            raise
        except Exception as exc:  # a parser bug must not lose the rest of the import
            self._skip(source, f"could not be parsed ({type(exc).__name__}: {exc}); a tilbase bug")
            return None
        if result.refused:
            self._skip(source, result.refused)
            return None
        if not result.notes:
            self._skip(source, "empty file")
            return None
        if source.walked and source.rel.lower().endswith(".txt") and STYLES[result.style].one_note:
            self._skip(source, "plain-text file without dated or headed entries")
            return None
        if decoded.warning:
            self.report.warnings.append(f"{source.display}:1: {decoded.warning}")
        self.report.warnings.extend(w.at(source.display) for w in result.warnings)
        return result

    def _parse(self, text: str, source: SourceFile, options: ParseOptions) -> ParseResult:
        """Parse one file; a file of a tilbase repository export is read with its index."""
        repo = None if options.style or not source.walked else self._repo_export(source)
        if repo is not None:
            if repo.is_readme(source.path):
                reason = "the repository export's README (its table of contents)"
                return ParseResult([], [], "page", refused=reason)
            result = repo.parse(text, source.path, source.rel, options)
            if result is not None:
                return result
        return parse_file(text, source.rel, options)

    def _repo_export(self, source: SourceFile) -> RepoExport | None:
        """The repository export (a folder holding its notes index) ``source`` lies in."""
        folder = source.path.parent
        while True:
            if folder not in self.repo_exports:
                self.repo_exports[folder] = find_repo_export(folder)
            found = self.repo_exports[folder]
            if found is not None or folder == source.root or folder == folder.parent:
                return found
            folder = folder.parent

    def _import_file(self, source: SourceFile) -> None:
        result = self._read(source)
        if result is None:
            return
        self.report.files_read += 1
        one_note = STYLES[result.style].one_note
        root = _root_text(source.root)
        entries: list[Note] = []
        for note in result.notes:
            assert note.source is not None
            note = note.with_changes(source=replace(note.source, root=root))
            if one_note and note.date is None and self.file_dates is not None:
                date = self.file_dates.get(source.path)
                if date is not None:
                    note = note.with_changes(date=date)
            entries.append(note)
        for note, existing in zip(entries, self._match_file(entries), strict=True):
            imported = self._apply(note, existing, result.extra)
            self.report.notes.append(ImportedNote(imported[0], imported[1], source.display))

    def _match_file(self, entries: list[Note]) -> list[Note | None]:
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
        notes = self.by_source.get((first.root, first.path), [])
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
        file_keys = {_key(entry) for entry in entries}
        for index, entry in enumerate(entries):
            if matches[index] is None:
                matches[index] = self._match_by_body(entry, notes, file_keys)
        return matches

    def _match_group(
        self, entries: list[Note], indices: list[int], olds: list[Note], matches: list[Note | None]
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
        return stored_fingerprint(candidate, self._kb_rel(existing), self.order)

    def _apply(
        self, note: Note, existing: Note | None, extra: dict[str, Any]
    ) -> tuple[Note, Action]:
        assert note.source is not None
        if existing is None:
            same = self._same_note_by_id(note)
            if same is not None:
                return same, "unchanged"
            return self._create(note, extra), "created"
        assert existing.source is not None
        candidate = note.with_changes(id=existing.id, path=existing.path)
        digest = self._digest_for(note, existing)
        if digest == existing.source.digest:
            return existing, "unchanged"
        if existing.source.digest is None or existing.fingerprint != existing.source.digest:
            return existing, "kept"
        updated = candidate.with_changes(source=_with_digest(note.source, digest))
        if not self.options.dry_run:
            updated = self.kb.store.rewrite(updated)
            self.wrote = True
        return updated, "updated"

    def _same_note_by_id(self, note: Note) -> Note | None:
        """A KB note that already is this entry: same id (from an export) and same content.

        Importing an export back into the KB it came from then creates no duplicates.
        """
        if not note.id:
            return None
        other = self.by_id.get(note.id.casefold())
        if other is None or id(other) in self.claimed:
            return None
        if stored_fingerprint(note, self._kb_rel(other), self.order) != other.fingerprint:
            return None
        self.claimed.add(id(other))
        return other

    def _create(self, note: Note, extra: dict[str, Any]) -> Note:
        assert note.source is not None
        preferred = note.id if note.id and is_safe_id(note.id) else ""
        if not preferred or preferred.casefold() in self.taken:
            preferred = _preferred_id(note)
        note_id = free_id(preferred, self.taken)
        self.taken.add(note_id.casefold())
        new = note.with_changes(id=note_id)
        digest = stored_fingerprint(new, f"{note_id}.md", self.order)
        new = new.with_changes(source=_with_digest(note.source, digest))
        if self.options.dry_run:
            return new
        self.wrote = True
        return self.kb.store.add(new, extra=extra or None)

    def _kb_rel(self, note: Note) -> str:
        return f"{note.id}.md" if note.path is None else self.kb.store.relpath(note.path)


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


def _root_text(root: Path) -> str:
    """The imported folder as recorded in notes: absolute, with ``~`` for the home folder.

    Recording it keeps ``a/notes.md`` and ``b/notes.md`` (both ``notes.md``
    relative to what was imported) apart; moving the folder makes a later
    import create new notes rather than overwrite old ones.
    """
    try:
        return "~/" + root.relative_to(Path.home().resolve()).as_posix()
    except ValueError:
        return root.as_posix()


def import_sources(
    kb: KnowledgeBase,
    sources: SourceSet,
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import the files of ``sources`` into ``kb`` and report what happened to each entry.

    Raises ``ImportFailed`` for an unknown style or unusable ``dates_from``
    before anything is written; odd files become warnings or skipped files.
    """
    options = options or ImportOptions()
    if options.style:
        get_style(options.style)
    total = len(sources.files)
    if options.dry_run:
        report = _Importer(kb, options).run(sources, progress)
        wrote = False
    else:
        # Matching and writing see one consistent KB: another til (a tag rename, a second
        # import) waits; what it wrote before is picked up by the rescan under the lock.
        with kb.store.write_lock():
            kb.rescan()
            importer = _Importer(kb, options)
            report = importer.run(sources, progress)
            wrote = importer.wrote
    if progress is not None:
        progress("updating the search index" if wrote else "", total, total)
    if wrote:
        kb.notes_changed()  # outside the lock: other writers need not wait for the index
    return report
