"""``til import``: bring notes files of any shape into the knowledge base.

Idempotent without a manifest: the truth is in the notes. Every imported note
records in its frontmatter ``source`` the file it came from (``path`` relative
to the import root), the entry's ``line``, a stable ``key`` and a ``digest``
(the note's fingerprint as written). On the next import an entry is matched to
its note by path and key, then:

* same fingerprint as the digest -> ``unchanged`` (nothing is written);
* changed at the source, note not edited in the KB -> rewritten, ``updated``;
* changed at the source, but the note was edited in the KB since -> ``kept``;
* no note yet -> ``created``.

Entries that disappeared from the source leave their notes alone.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from tilbase.errors import ImportFailed, TilError
from tilbase.filedates import FileDates, load_file_dates
from tilbase.kb import KnowledgeBase
from tilbase.model import Note, Source, is_safe_id, make_id, slugify
from tilbase.notefile import read_note, render_note
from tilbase.parse import STYLES, ParseOptions, ParseResult, get_style, parse_file
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
    "import_paths",
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
        self.by_key: dict[tuple[str | None, str, str], Note] = {}
        self.by_source: dict[tuple[str | None, str], list[Note]] = defaultdict(list)
        for note in existing:
            source = note.source
            if source is not None and source.key is not None:
                self.by_key.setdefault((source.root, source.path, source.key), note)
                self.by_source[(source.root, source.path)].append(note)
        self.taken: set[str] = {note.id.casefold() for note in existing}
        self.by_id: dict[str, Note] = {note.id.casefold(): note for note in existing}
        self.claimed: set[int] = set()
        self.wrote = False
        self.file_dates: FileDates | None = None

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
        if progress is not None:
            progress("updating the search index" if self.wrote else "", total, total)
        if self.wrote:
            self.kb.notes_changed()
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
            result = parse_file(decoded.text, source.rel, options)
        except TilError:
            raise
        except Exception as exc:  # a parser bug must not lose the rest of the import
            self._skip(source, f"could not be parsed ({type(exc).__name__}: {exc}); a tilbase bug")
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

    def _import_file(self, source: SourceFile) -> None:
        result = self._read(source)
        if result is None:
            return
        self.report.files_read += 1
        one_note = STYLES[result.style].one_note
        keys = {note.source.key for note in result.notes if note.source is not None}
        root = _root_text(source.root)
        for note in result.notes:
            assert note.source is not None
            note = note.with_changes(source=replace(note.source, root=root))
            if one_note and note.date is None and self.file_dates is not None:
                date = self.file_dates.get(source.path)
                if date is not None:
                    note = note.with_changes(date=date)
            existing = self._match(note, keys)
            imported = self._apply(note, existing, result.extra)
            self.report.notes.append(ImportedNote(imported[0], imported[1], source.display))

    def _match(self, note: Note, file_keys: set[str | None]) -> Note | None:
        source = note.source
        assert source is not None
        assert source.key is not None
        found = self.by_key.get((source.root, source.path, source.key))
        if found is not None and id(found) not in self.claimed:
            self.claimed.add(id(found))
            return found
        # A heading edited at the source changes the key; an unchanged body still finds the note.
        if not note.body.strip():
            return None
        candidates = [
            old
            for old in self.by_source.get((source.root, source.path), [])
            if id(old) not in self.claimed
            and old.source is not None
            and old.source.key not in file_keys
            and old.body == note.body
        ]
        if len(candidates) == 1:
            self.claimed.add(id(candidates[0]))
            return candidates[0]
        return None

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
        rel = self._kb_rel(existing)
        candidate = note.with_changes(id=existing.id, path=existing.path)
        digest = stored_fingerprint(candidate, rel, self.order)
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
        note_id = _free_id(preferred, self.taken)
        self.taken.add(note_id.casefold())
        new = note.with_changes(id=note_id)
        digest = stored_fingerprint(new, f"{note_id}.md", self.order)
        new = new.with_changes(source=_with_digest(note.source, digest))
        if self.options.dry_run:
            return new
        self.wrote = True
        return self.kb.store.add(new, extra=extra or None)

    def _kb_rel(self, note: Note) -> str:
        if note.path is None:
            return f"{note.id}.md"
        try:
            return note.path.relative_to(self.kb.config.notes_dir).as_posix()
        except ValueError:
            return note.path.name


def _preferred_id(note: Note) -> str:
    """``date-slug``, without the date twice when the title already starts with it."""
    slug = slugify(note.title)
    if note.date is not None and slug.startswith(note.date.isoformat()):
        return slug
    return make_id(note.title, note.date)


def _free_id(preferred: str, taken_folded: set[str]) -> str:
    """Like ``model.unique_id``, against a set that is already case-folded (no copy per call)."""
    if preferred.casefold() not in taken_folded:
        return preferred
    n = 2
    while f"{preferred}-{n}".casefold() in taken_folded:
        n += 1
    return f"{preferred}-{n}"


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
    return _Importer(kb, options).run(sources, progress)


def import_paths(
    kb: KnowledgeBase,
    paths: Sequence[Path],
    options: ImportOptions | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Find the files under ``paths`` and import them (see ``import_sources``)."""
    exclude = [kb.config.notes_dir, kb.config.state_dir]
    return import_sources(kb, collect_sources(paths, exclude), options, progress)
