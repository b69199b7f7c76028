"""``til import``: bring notes files of any shape into the knowledge base.

Idempotent without a manifest: the truth is in the notes. Every imported note
records in its frontmatter ``source`` the file it came from (``path`` relative
to the import root), the entry's ``line``, a stable ``key`` and a ``digest``
(the note's fingerprint as written). On the next import an entry is matched to
its note by source (root and path) and key, then:

* same fingerprint as the digest -> ``unchanged`` (nothing is written);
* changed at the source, note not edited in the KB -> rewritten, ``updated``;
* changed at the source, but the note was edited in the KB since -> ``kept``;
* no note yet -> ``created``;
* its note was removed with ``til rm`` (it is in the trash) -> ``removed``,
  not created again (``ImportOptions.restore_removed`` brings it back).

Entries that disappeared from the source leave their notes alone. The ``~N`` keys
of repeated headings are positions, trusted only while they line up (see
``_Importer._match_file``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from tilbase.errors import ImportFailed, TilError
from tilbase.filedates import FileDates, load_file_dates
from tilbase.importplan import ACTIONS, Action, ImportPlanner, PlannedNote
from tilbase.model import Note
from tilbase.parse import STYLES, ParseOptions, ParseResult, get_style, parse_file
from tilbase.parse.repo import RepoExport, find_repo_export
from tilbase.serialize import import_record
from tilbase.store.walk import walk_files
from tilbase.text import decode_bytes

if TYPE_CHECKING:
    from tilbase.kb import KnowledgeBase

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
#: Called before each file is read: (display path, files done, files in all).
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """What ``til import`` was asked to do."""

    style: str | None = None
    dry_run: bool = False
    dates_from: str | None = None
    #: Create again the entries whose notes were removed with ``til rm``.
    restore_removed: bool = False


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
        """Notes per action, in the order created, updated, unchanged, kept (then removed).

        ``removed`` (entries skipped because their notes were removed with
        ``til rm``) is there only when there were some.
        """
        counts: dict[str, int] = {action: self.count(action) for action in ACTIONS}
        removed = self.count("removed")
        if removed:
            counts["removed"] = removed
        return counts

    def to_json(self) -> dict[str, Any]:
        """The ``til import --json`` shape: counts, one record per note, skipped files, warnings."""
        return {
            "dry_run": self.dry_run,
            "files_read": self.files_read,
            "counts": self.counts,
            "notes": [import_record(i.note, i.action, i.file) for i in self.notes],
            "skipped": [{"file": s.display, "reason": s.reason} for s in self.skipped],
            "warnings": list(self.warnings),
        }


# -- finding the files ----------------------------------------------------------


def _is_hidden(name: str) -> bool:
    # A file named just ".md" is a note whose name is empty, not a dotfile.
    return name.startswith(".") and name.lower() not in IMPORT_SUFFIXES


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def _is_import_name(name: str) -> bool:
    return name.lower().endswith(IMPORT_SUFFIXES)


def _walk(root: Path) -> list[Path]:
    """The files under ``root`` that may hold notes (hidden ones too: listed as skipped)."""
    return [
        Path(entry.path) for _rel, entry in walk_files(root, _is_import_name, hidden_files=True)
    ]


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


class _Importer:
    def __init__(self, kb: KnowledgeBase, options: ImportOptions) -> None:
        self.kb = kb
        self.options = options
        self.order = kb.config.date_order
        self.report = ImportReport(dry_run=options.dry_run)
        # The catalog says which notes came from which source file; only the notes of the
        # files being imported (and of ids entries carry) are read.
        known = kb.catalogs.known_notes(kb.scan())
        self.planner = ImportPlanner(rel_of=self._kb_rel, order=self.order, known=known)
        if not options.restore_removed:
            self.planner.remember_removed(kb.store.removed_imports())
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
        for planned in self.planner.plan_file(entries):
            note = self._carry_out(planned, result.extra)
            self.report.notes.append(ImportedNote(note, planned.action, source.display))

    def _carry_out(self, planned: PlannedNote, extra: dict[str, Any]) -> Note:
        """Write what the plan says (nothing in a dry run); the note as saved."""
        if self.options.dry_run or planned.action not in ("created", "updated"):
            return planned.note
        self.wrote = True
        if planned.action == "created":
            return self.kb.store.add(planned.note, extra=extra or None)
        return self.kb.store.rewrite(planned.note)

    def _kb_rel(self, note: Note) -> str:
        return f"{note.id}.md" if note.path is None else self.kb.store.relpath(note.path)


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
