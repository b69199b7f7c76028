"""The search index: a disposable Whoosh index of the notes, brought up to date before use.

On disk, ``index_dir`` holds Whoosh's files (index name ``MAIN``) and
``tilbase-manifest.json``: the schema version, the notes folder, and the
(size, mtime_ns) of every note file the index holds. Bringing the index up to
date is a diff of that manifest against a scan of the notes, applied in one
Whoosh writer. A lock file next to the index (``<index_dir>.lock``) serialises
tilbase writers across processes for the whole diff-write-manifest step, so
the manifest always describes what the index holds.

Anything wrong with the index (missing, another schema version, unreadable
files, a writer that died mid-commit) is repaired by rebuilding it from the
notes, in a sibling folder that then replaces the old one. Only an empty
folder or one that is recognisably a tilbase index is ever replaced: anything
else at ``index_dir`` raises ``IndexLocationError`` and is left as it is.

Besides ``query.py`` this is the only module that imports Whoosh, and it is
imported only by commands that search or write notes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import re
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from whoosh import columns, fields, highlight, index
from whoosh import query as wq
from whoosh.analysis import STOP_WORDS, RegexTokenizer, StopFilter
from whoosh.analysis import LowercaseFilter as _Lowercase
from whoosh.filedb.filestore import FileStorage
from whoosh.scoring import BM25F
from whoosh.util.filelock import FileLock

from tilbase.analysis import text_analyzer
from tilbase.errors import SearchError
from tilbase.model import Note
from tilbase.query import (
    FIELD_BOOSTS,
    KEY_SEPARATOR,
    ParsedQuery,
    Unpruned,
    query_words,
    tag_analyzer,
    tag_keys,
    topic_keys,
)
from tilbase.scoring import RERANK_DEPTH, SEARCH_FIELD, SEARCH_FIELD_B, rerank, weighted_text
from tilbase.store import FileStat, ScanResult, atomic_write

__all__ = [
    "SCHEMA_VERSION",
    "IndexBroken",
    "IndexBusy",
    "IndexDiff",
    "IndexHit",
    "IndexLocationError",
    "Matches",
    "NoteIndex",
    "Snippet",
    "SyncReport",
    "build_schema",
    "diff_manifest",
    "flatten_markdown",
    "highlight_text",
    "is_plausible_typo",
    "note_document",
]

#: Bump when the schema or what goes into it changes: older indexes are rebuilt.
SCHEMA_VERSION = 2
INDEX_NAME = "MAIN"
MANIFEST_NAME = "tilbase-manifest.json"
#: Seconds a writer waits for another tilbase process before giving up.
DEFAULT_LOCK_TIMEOUT = 10.0
#: Full rebuilds of at least this many notes use two writer processes (measured on 2 cores:
#: 1.5-2.8x faster for 4k-10k notes, 4.6 -> 3.2 s for 1,871, 1.3 -> 1.0 s for 247).
MULTIPROCESS_THRESHOLD = 200
_LOCK_POLL = 0.05
#: Words longer than this get no "did you mean" (the typo search's work grows with length).
MAX_SUGGEST_LENGTH = 30
#: How many distinctive words of a note ``related`` searches for.
RELATED_TERMS = 12
#: BM25F with a lower length normalisation for titles (short, and all about the note);
#: the weighted field's parts are length-normalised at index time (tilbase.scoring).
_SCORING = BM25F(B=0.75, K1=1.2, title_B=0.5, **{f"{SEARCH_FIELD}_B": SEARCH_FIELD_B})

#: A short text split into (text, is_match) pieces, for highlighting.
Snippet = tuple[tuple[str, bool], ...]
Progress = Callable[[int, int], None]
SortOrder = Literal["relevance", "date"]
_T = TypeVar("_T")


class IndexBusy(Exception):
    """Another tilbase process held the index lock for longer than the timeout."""


class IndexBroken(Exception):
    """The index cannot be used as it is; the message says why (for a rebuild notice)."""


class IndexLocationError(SearchError):
    """``index_dir`` holds something other than a tilbase index, so it is never replaced."""


#: Names tilbase and Whoosh write in an index folder: the manifest (and its temp files),
#: Whoosh's segments, TOCs, lock and temp folders.
_INDEX_ENTRY = re.compile(
    rf"{re.escape(MANIFEST_NAME)}|\.{re.escape(MANIFEST_NAME)}\..+\.tmp"
    rf"|_?{INDEX_NAME}[._].+|\w+\.tmp"
)
#: What only a tilbase index holds: its manifest or Whoosh files of the index ``MAIN``.
_INDEX_MARK = re.compile(rf"{re.escape(MANIFEST_NAME)}|_?{INDEX_NAME}[._].+")


# -- schema and documents ----------------------------------------------------------


def _text_analyzer() -> Any:
    # Words, code names whole and split, CJK pairs, accents folded: see tilbase.analysis.
    return text_analyzer()


def _spell_analyzer() -> Any:
    # Real words only (no digits, no stop words): what "did you mean" may suggest.
    return RegexTokenizer(r"[^\W\d_]{2,}") | _Lowercase() | StopFilter()


def build_schema() -> fields.Schema:
    """The index's fields. ``path`` (relative to the notes folder) is the unique key."""
    text = _text_analyzer()
    keys = RegexTokenizer(f"[^{KEY_SEPARATOR}]+")
    return fields.Schema(
        path=fields.ID(stored=True, unique=True),
        id=fields.ID(stored=True),
        title=fields.TEXT(analyzer=text, stored=True),
        # Title, topic, tags and body with their weights, for BM25F (see tilbase.scoring).
        all=fields.TEXT(analyzer=text, multitoken_query="or"),
        body=fields.TEXT(analyzer=text),
        topic=fields.TEXT(analyzer=text, stored=True),
        topic_path=fields.TEXT(analyzer=keys, phrase=False),
        tags=fields.TEXT(analyzer=tag_analyzer(), phrase=False, stored=True),
        # Undated notes get 0 in the sort column, so newest-first puts them last.
        date=fields.DATETIME(stored=True, sortable=columns.NumericColumn("Q", default=0)),
        # Unstemmed words of every text field, so "did you mean" names real words.
        spell=fields.TEXT(analyzer=_spell_analyzer(), phrase=False),
    )


def note_document(rel_path: str, note: Note) -> dict[str, Any]:
    """The fields Whoosh indexes for one note."""
    doc: dict[str, Any] = {
        "path": rel_path,
        "id": note.id,
        "title": note.title,
        "body": note.body,
        "topic": note.topic or "",
        "topic_path": KEY_SEPARATOR.join(topic_keys(note.topic)),
        "tags": KEY_SEPARATOR.join(tag_keys(note.tags)),
        "_stored_tags": list(note.tags),
        SEARCH_FIELD: weighted_text(note.title, note.topic, note.tags, note.body),
        "spell": "\n".join(
            [note.title, note.topic or "", " ".join(note.tags).replace("-", " "), note.body]
        ),
    }
    if note.date is not None:
        doc["date"] = dt.datetime(note.date.year, note.date.month, note.date.day)
    return doc


# -- the manifest ------------------------------------------------------------------


@dataclass(frozen=True)
class IndexDiff:
    """What changed between the manifest and the notes on disk (relative paths, sorted)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the index already holds exactly these files."""
        return not (self.added or self.updated or self.removed)


def diff_manifest(indexed: Mapping[str, FileStat], current: Mapping[str, FileStat]) -> IndexDiff:
    """Compare what the index holds with the files now on disk."""
    added = sorted(rel for rel in current if rel not in indexed)
    removed = sorted(rel for rel in indexed if rel not in current)
    updated = sorted(rel for rel, st in current.items() if rel in indexed and indexed[rel] != st)
    return IndexDiff(tuple(added), tuple(updated), tuple(removed))


@dataclass(frozen=True)
class _Manifest:
    notes_dir: str
    files: dict[str, FileStat]
    ids: dict[str, str]


def _manifest_text(notes_dir: Path, current: ScanResult) -> str:
    ids = {rel: note.id for rel, note in current.by_path().items()}
    payload = {
        "schema": SCHEMA_VERSION,
        "notes_dir": str(notes_dir),
        "files": {
            rel: [st.size, st.mtime_ns, ids[rel]] for rel, st in sorted(current.stats.items())
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _parse_manifest(text: str) -> _Manifest:
    """Read a manifest, raising ``IndexBroken`` with a reason a person can read."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError
        schema = data.get("schema")
        if schema != SCHEMA_VERSION:
            raise IndexBroken(f"it was built with schema version {schema}, not {SCHEMA_VERSION}")
        files = {rel: FileStat(int(v[0]), int(v[1])) for rel, v in data["files"].items()}
        ids = {rel: str(v[2]) for rel, v in data["files"].items()}
        return _Manifest(str(data["notes_dir"]), files, ids)
    except IndexBroken:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        raise IndexBroken("its manifest is unreadable") from None


# -- reports and results -------------------------------------------------------------


@dataclass(frozen=True)
class SyncReport:
    """What bringing the index up to date did.

    ``rebuilt`` is true for a full rebuild; ``reason`` says why when the
    rebuild repaired something (``None`` for a first build or ``til reindex``).
    """

    added: int = 0
    updated: int = 0
    removed: int = 0
    total: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    reason: str | None = None

    @property
    def changed(self) -> bool:
        """True when the index was written."""
        return self.rebuilt or bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class IndexHit:
    """One matching note: its path relative to the notes folder, its id and its score."""

    path: str
    id: str
    score: float | None


@dataclass(frozen=True)
class Matches:
    """What a search found: the hits in order, how many match in all, and how to show them.

    ``terms`` are the analysed words to highlight; ``suggestion`` is a
    corrected query text when some words are not in the index.
    """

    hits: list[IndexHit]
    total: int
    terms: frozenset[str] = field(default_factory=frozenset)
    suggestion: str | None = None


# -- the index ---------------------------------------------------------------------


class NoteIndex:
    """The Whoosh index of one KB's notes."""

    def __init__(
        self, index_dir: Path, notes_dir: Path, *, lock_timeout: float | None = None
    ) -> None:
        self.index_dir = index_dir
        self.notes_dir = notes_dir
        self.lock_timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        self.lock_path = index_dir.with_name(index_dir.name + ".lock")
        self.manifest_path = index_dir / MANIFEST_NAME
        self.schema = build_schema()
        self._ix: Any = None
        self._opened: tuple[int, int] | None = None

    # -- bringing it up to date ---------------------------------------------------

    def sync(
        self,
        stats: Callable[[], Mapping[str, FileStat]],
        scan: Callable[[], ScanResult],
        *,
        changed: bool = False,
        repair: str | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the notes, rebuilding it if it is unusable.

        ``stats`` gives the note files' sizes and mtimes (a cheap, lock-free
        check whether anything changed); ``scan`` reads the notes, and is
        called only with the lock held. ``changed=True`` skips the lock-free
        check (the caller just wrote a note). ``repair`` forces a rebuild for
        that reason unless another process rewrote the index since this one
        opened it. Raises ``IndexBusy`` when the lock cannot be had in time.
        """
        if not changed and repair is None:
            current_stats = stats()
            if self._is_current(current_stats):
                return SyncReport(total=len(current_stats))
        first_build = not self.lock_path.exists() and not self.index_dir.exists()
        with self._locked():
            current = scan()
            if repair is not None and self._opened == self._identity():
                return self._rebuild(current, repair)
            self._close()
            try:
                manifest = self._open_checked()
            except IndexBroken as exc:
                return self._rebuild(current, None if first_build else str(exc))
            diff = diff_manifest(manifest.files, current.stats)
            # A note's id can change without its file changing (another file took the id).
            renamed = tuple(
                rel
                for rel, note in current.by_path().items()
                if rel in manifest.ids and manifest.ids[rel] != note.id and rel not in diff.updated
            )
            if renamed:
                diff = IndexDiff(diff.added, tuple(sorted(diff.updated + renamed)), diff.removed)
            if diff.empty:
                return SyncReport(total=len(current.stats))
            try:
                return self._apply(diff, current)
            except IndexBroken as exc:
                return self._rebuild(current, str(exc))

    def rebuild(
        self, scan: Callable[[], ScanResult], progress: Progress | None = None
    ) -> SyncReport:
        """Rebuild the index from scratch (``til reindex``), reporting what changed."""
        with self._locked():
            return self._rebuild(scan(), None, progress)

    def _is_current(self, current: Mapping[str, FileStat]) -> bool:
        """Lock-free check: the index opens, matches its manifest and the note files."""
        try:
            manifest = self._open_checked()
        except IndexBroken:
            return False
        return diff_manifest(manifest.files, current).empty

    def _open_checked(self) -> _Manifest:
        """Open the index and its manifest, or raise ``IndexBroken`` saying what is wrong."""
        if not self.index_dir.is_dir():
            raise IndexBroken("it is missing")
        try:
            names = os.listdir(self.index_dir)
        except OSError as exc:
            raise IndexBroken(f"it cannot be listed ({exc.strerror})") from None
        if f"{INDEX_NAME}.tmp" in names and self._writer_crashed():
            raise IndexBroken("a write to it was interrupted")
        try:
            manifest_text = self.manifest_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise IndexBroken("its manifest is missing or unreadable") from None
        manifest = _parse_manifest(manifest_text)
        if manifest.notes_dir != str(self.notes_dir):
            raise IndexBroken(f"it was built for another notes folder ({manifest.notes_dir})")
        identity = self._identity()
        # Without mmap Whoosh reads what it needs; with it, it copies whole segment
        # parts into memory on every open (measured 70 ms -> 3 ms on 10k notes).
        storage = FileStorage(str(self.index_dir), supports_mmap=False)
        opened, problem = _quietly(lambda: _open_counted(storage, self.schema))
        if opened is None:
            raise IndexBroken(f"it cannot be opened ({problem})")
        ix, count = opened
        if count != len(manifest.files):
            ix.close()
            listed = len(manifest.files)
            raise IndexBroken(f"it holds {count} notes but its manifest lists {listed}")
        self._close()
        self._ix, self._opened = ix, identity
        return manifest

    def _writer_crashed(self) -> bool:
        """True when Whoosh's temp folder is there but no writer holds Whoosh's lock."""
        lock = FileLock(str(self.index_dir / f"{INDEX_NAME}_WRITELOCK"))
        try:
            if not lock.acquire(blocking=False):
                return False
        except OSError:
            return False
        lock.release()
        return True

    def _identity(self) -> tuple[int, int]:
        """Changes whenever the index folder is replaced or its manifest rewritten."""
        try:
            folder = self.index_dir.stat().st_ino
            manifest = self.manifest_path.stat().st_mtime_ns
        except OSError:
            return (0, 0)
        return (folder, manifest)

    def _apply(self, diff: IndexDiff, current: ScanResult) -> SyncReport:
        start = time.perf_counter()
        by_path = current.by_path()
        try:
            writer = self._ix.writer(timeout=self.lock_timeout, delay=_LOCK_POLL)
        except index.LockError:
            raise IndexBusy("another process is writing the search index") from None
        except Exception as exc:
            raise IndexBroken(f"it cannot be written ({_describe(exc)})") from None
        try:
            for rel in diff.removed:
                writer.delete_by_term("path", rel)
            # Each path once: two update_document calls for one key in one writer keep both.
            for rel in dict.fromkeys(diff.added + diff.updated):
                writer.update_document(**note_document(rel, by_path[rel]))
            writer.commit()
        except BaseException as exc:
            with contextlib.suppress(Exception):
                writer.cancel()
            if isinstance(exc, Exception):
                raise IndexBroken(f"it cannot be written ({_describe(exc)})") from None
            raise
        self._write_manifest(self.index_dir, current)
        self._close()
        return SyncReport(
            added=len(diff.added),
            updated=len(diff.updated),
            removed=len(diff.removed),
            total=len(current.stats),
            seconds=time.perf_counter() - start,
        )

    def _rebuild(
        self, current: ScanResult, reason: str | None, progress: Progress | None = None
    ) -> SyncReport:
        """Build a new index in a sibling folder, then put it in place of the old one."""
        start = time.perf_counter()
        self._close()
        self._check_replaceable()
        previous = self._previous_files()
        diff = diff_manifest(previous, current.stats)
        self._remove_leftovers()
        staging = self.index_dir.with_name(f".{self.index_dir.name}.new-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            self._fill(staging, current, progress)
            self._write_manifest(staging, current)
            self._replace_with(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return SyncReport(
            added=len(diff.added),
            updated=len(diff.updated),
            removed=len(diff.removed),
            total=len(current.stats),
            seconds=time.perf_counter() - start,
            rebuilt=True,
            reason=reason,
        )

    def _fill(self, folder: Path, current: ScanResult, progress: Progress | None) -> None:
        total = len(current.stats)
        procs = 2 if total >= MULTIPROCESS_THRESHOLD and (os.cpu_count() or 1) >= 2 else 1
        try:
            self._fill_with(folder, current, progress, procs)
        except Exception:
            if procs == 1:
                raise
            # Whoosh's multi-process writer depends on the platform's multiprocessing.
            self._fill_with(folder, current, progress, 1)

    def _fill_with(
        self, folder: Path, current: ScanResult, progress: Progress | None, procs: int
    ) -> None:
        ix = index.create_in(str(folder), self.schema, indexname=INDEX_NAME)
        total = len(current.stats)
        writer = ix.writer(procs=procs, multisegment=procs > 1, limitmb=256)
        try:
            for done, (rel, note) in enumerate(current.by_path().items(), start=1):
                writer.add_document(**note_document(rel, note))
                if progress is not None:
                    progress(done, total)
            writer.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        finally:
            ix.close()

    def _previous_files(self) -> dict[str, FileStat]:
        try:
            return _parse_manifest(self.manifest_path.read_text(encoding="utf-8")).files
        except (OSError, UnicodeDecodeError, IndexBroken):
            return {}

    def _remove_leftovers(self) -> None:
        """Delete staging folders that an interrupted rebuild left behind."""
        pattern = re.compile(rf"\.{re.escape(self.index_dir.name)}\.(new|old)-\d+")
        with contextlib.suppress(OSError):
            for entry in self.index_dir.parent.iterdir():
                if pattern.fullmatch(entry.name):
                    shutil.rmtree(entry, ignore_errors=True)

    def _check_replaceable(self) -> None:
        """Raise ``IndexLocationError`` unless ``index_dir`` may be replaced by a new index.

        It may when it is missing, a symbolic link (only the link is replaced),
        an empty folder, or a folder holding a tilbase index and nothing else.
        """
        target = self.index_dir
        if target.is_symlink() or not target.exists():
            return
        hint = "set index_dir in config.yaml to a new or empty folder"
        if not target.is_dir():
            raise IndexLocationError(
                f"search index {target} is a file, not a folder; nothing was changed", hint
            )
        names = sorted(os.listdir(target))
        if not names:
            return
        if not any(_INDEX_MARK.fullmatch(name) for name in names):
            raise IndexLocationError(
                f"search index folder {target} is not empty and holds no tilbase index "
                f"(it has {names[0]!r}); nothing was deleted",
                hint,
            )
        strangers = [name for name in names if not _INDEX_ENTRY.fullmatch(name)]
        if strangers:
            raise IndexLocationError(
                f"search index folder {target} holds {strangers[0]!r}, which is not part of "
                "a tilbase index; nothing was deleted",
                f"move it elsewhere, or {hint}",
            )

    def _replace_with(self, staging: Path) -> None:
        target = self.index_dir
        # Checked again: the folder may have changed while the new index was built.
        self._check_replaceable()
        if target.is_symlink():
            target.unlink()
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            try:
                target.rename(old)
            except OSError:  # e.g. open files on Windows: delete in place instead
                shutil.rmtree(target, ignore_errors=True)
            else:
                staging.rename(target)
                shutil.rmtree(old, ignore_errors=True)
                return
        staging.rename(target)

    def _write_manifest(self, folder: Path, current: ScanResult) -> None:
        atomic_write(
            folder / MANIFEST_NAME, _manifest_text(self.notes_dir, current), overwrite=True
        )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the tilbase index lock (bounded wait), raising ``IndexBusy`` on timeout."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path))
        deadline = time.monotonic() + self.lock_timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexBusy(
                    f"another til process has held the search index lock for "
                    f"{self.lock_timeout:g} s"
                )
            time.sleep(_LOCK_POLL)
        try:
            yield
        finally:
            lock.release()

    def _close(self) -> None:
        if self._ix is not None:
            with contextlib.suppress(Exception):
                self._ix.close()
        self._ix = None

    def close(self) -> None:
        """Release the open index (its files stay as they are)."""
        self._close()
        self._opened = None

    # -- reading ---------------------------------------------------------------

    def _read(self, reader: Callable[[Any], _T]) -> _T:
        """Run ``reader`` with a Whoosh searcher; any failure becomes ``IndexBroken``."""
        if self._ix is None:
            self._open_checked()
        ix = self._ix

        def read() -> _T:
            with ix.searcher(weighting=_SCORING) as searcher:
                return reader(searcher)

        result, problem = _quietly(read)
        if problem is not None:
            raise IndexBroken(f"it cannot be read ({problem})")
        return result  # type: ignore[return-value]  # None only with a problem

    def search(
        self,
        parsed: ParsedQuery,
        *,
        filter_query: wq.Query | None = None,
        limit: int | None = 10,
        sort: SortOrder = "relevance",
    ) -> Matches:
        """Run a parsed query; ``limit=None`` returns every match.

        ``Matches.total`` counts every match whatever the limit. Hits carry
        their relevance score, also when sorted by date (newest first,
        undated notes last).
        """

        def run(searcher: Any) -> Matches:
            # Every match is scored and counted (see query.Unpruned): Whoosh's "quality"
            # shortcuts assume scores that add up, which BestField's do not, and they
            # leave skipped matches out of the count. Whoosh refuses limit=0: ask for
            # one hit and show none.
            query = Unpruned(parsed.query)
            options: dict[str, Any] = {
                # The proximity bonus may reorder the best RERANK_DEPTH: fetch them all.
                "limit": None if limit is None else max(limit, RERANK_DEPTH),
                "filter": filter_query,
                "optimize": False,
            }
            if sort == "date":
                options.update(sortedby="date", reverse=True)
            results = searcher.search(query, **options)
            top = results.top_n
            near = parsed.proximity
            if sort == "relevance" and near is not None:
                docs = [doc for _score, doc in top[:RERANK_DEPTH]]
                top = rerank(top, _scores_of(searcher, near, docs))
            shown = top[:limit]
            # Sorted by date, Whoosh gives the sort key as the "score".
            scores = {doc: score for score, doc in shown}
            if sort == "date":
                docs = [doc for _key, doc in shown]
                scores = _scores_of(searcher, query, docs)
                if near is not None:
                    for doc, extra in _scores_of(searcher, near, docs).items():
                        scores[doc] = scores.get(doc, 0.0) + extra
            stored = searcher.reader().stored_fields
            hits = [
                IndexHit(*_path_and_id(stored(doc)), _round(scores.get(doc))) for _key, doc in shown
            ]
            total = len(results)
            return Matches(
                hits,
                total,
                _highlight_terms(parsed.query, searcher.reader()),
                _suggest(parsed, searcher.reader(), found_nothing=not total),
            )

        return self._read(run)

    def related(self, rel_path: str, text: str, *, limit: int = 10) -> Matches:
        """Notes most like ``text`` (the note at ``rel_path``, which is left out).

        Whoosh's more-like-this: the words of ``text`` that best tell it
        apart from the collection, searched in titles, topics and bodies.
        """

        def run(searcher: Any) -> Matches:
            if limit == 0:
                return Matches([], 0)
            reader = searcher.reader()
            candidates = searcher.key_terms_from_text("body", text, numterms=40, normalize=True)
            # Words no other note has cannot find anything; stop words are not indexed.
            key_terms = [
                (word, weight)
                for word, weight in candidates
                if word not in STOP_WORDS and reader.doc_frequency("body", word) > 1
            ][:RELATED_TERMS]
            if not key_terms:
                return Matches([], 0)
            terms = [
                wq.Term(name, word, boost=weight * FIELD_BOOSTS[name])
                for word, weight in key_terms
                for name in ("title", "topic", "body")
            ]
            results = searcher.search(wq.Or(terms), limit=limit, mask=wq.Term("path", rel_path))
            hits = [IndexHit(hit["path"], hit["id"], _score(hit)) for hit in results]
            return Matches(hits, len(hits), frozenset(word for word, _w in key_terms))

        return self._read(run)


def _score(hit: Any) -> float | None:
    return _round(hit.score)


def _round(score: Any) -> float | None:
    return None if score is None else round(float(score), 4)


def _path_and_id(stored: Mapping[str, Any]) -> tuple[str, str]:
    return str(stored["path"]), str(stored["id"])


def _scores_of(searcher: Any, query: wq.Query, docnums: Iterable[int]) -> dict[int, float]:
    """The relevance scores of a few matching documents, without scoring every match.

    Each segment's matcher skips straight to the wanted documents, so this
    costs little next to the search that found them; a score is the one the
    same query gets in a relevance search.
    """
    subsearchers = searcher.subsearchers or [(searcher, 0)]
    ends = [offset for _sub, offset in subsearchers[1:]] + [searcher.doc_count_all()]
    context = searcher.context()
    wanted = sorted(docnums)
    scores: dict[int, float] = {}
    for (sub, offset), end in zip(subsearchers, ends, strict=True):
        mine = [doc - offset for doc in wanted if offset <= doc < end]
        if not mine:
            continue
        matcher = query.matcher(sub, context)
        for local in mine:
            if matcher.is_active() and matcher.id() < local:
                matcher.skip_to(local)
            if not matcher.is_active():
                break
            if matcher.id() == local:
                scores[local + offset] = float(matcher.score())
    return scores


def _quietly(action: Callable[[], _T]) -> tuple[_T, None] | tuple[None, str]:
    """Run Whoosh code that may meet a damaged index: (result, None) or (None, what failed).

    When a segment cannot be read, Whoosh drops the file's handle without
    closing it; closing it later warns, and on a damaged file may even fail.
    The exception (whose traceback keeps those files alive) is dropped and the
    garbage collected here, with those messages silenced, because none of them
    tells the person anything: the index is rebuilt.
    """
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _ignore_unraisable
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                return action(), None
            except Exception as exc:  # a damaged index fails in many ways
                problem = _describe(exc)
            gc.collect()
            return None, problem
    finally:
        sys.unraisablehook = previous_hook


def _open_counted(storage: FileStorage, schema: fields.Schema) -> tuple[Any, int]:
    ix = storage.open_index(INDEX_NAME, schema=schema)
    return ix, ix.doc_count()


def _ignore_unraisable(_unraisable: Any) -> None:
    return None


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    text = text if len(text) <= 80 else text[:77] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- spelling ----------------------------------------------------------------------


def _suggest(parsed: ParsedQuery, reader: Any, *, found_nothing: bool) -> str | None:
    """The query text with unknown words replaced by close words from the index.

    A word is unknown when neither its stem nor the word itself is in any
    note. Suggestions are real words from the notes; when the query found
    something, only the kinds of slip people make (a missing, extra or swapped
    letter, a neighbouring key) are suggested, so "slow" does not become "show".
    """
    replacements: list[tuple[int, int, str]] = []
    for word in query_words(parsed):
        lowered = word.original.lower()
        # A long "word" (pasted text, a hash) is no typo, and the edit-distance search
        # over the index grows with its length: 5,000 characters took seconds.
        if not 3 <= len(lowered) <= MAX_SUGGEST_LENGTH or not lowered.isalpha():
            continue
        if any(
            reader.doc_frequency(name, word.analysed) for name in (SEARCH_FIELD, "title", "body")
        ):
            continue
        if reader.doc_frequency("spell", lowered):
            continue
        best = _closest_word(reader, lowered, lenient=found_nothing)
        if best is not None:
            replacements.append((word.start, word.end, best))
    if not replacements:
        return None
    text = parsed.text
    for start, end, best in reversed(replacements):
        text = text[:start] + best + text[end:]
    return text


def _closest_word(reader: Any, word: str, *, lenient: bool) -> str | None:
    """The most frequent indexed word one slip away, or None.

    ``lenient`` (the query found nothing): any one edit, and any two for words
    of six letters or more.
    """
    long_word = lenient and len(word) >= 6
    # People rarely get the first letter wrong: unless the query found nothing, keep it.
    # Whoosh counts a swap of two letters as two edits, so distance 2 is always looked at.
    for maxdist, prefix in ((1, 0 if lenient else 1), (2, 1)):
        candidates: set[str] = set()
        for leaf, _offset in reader.leaf_readers():
            candidates.update(leaf.terms_within("spell", word, maxdist, prefix=prefix))
        candidates.discard(word)
        good = {
            c
            for c in candidates
            if is_plausible_typo(word, c, lenient=lenient) or (maxdist == 2 and long_word)
        }
        if good:
            return max(sorted(good), key=lambda c: reader.doc_frequency("spell", c))
    return None


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_PLACES = {
    key: (row, col + row / 2)
    for row, keys in enumerate(_KEYBOARD_ROWS)
    for col, key in enumerate(keys)
}


def _neighbouring_keys(a: str, b: str) -> bool:
    if a not in _KEY_PLACES or b not in _KEY_PLACES:
        return False
    (row_a, x_a), (row_b, x_b) = _KEY_PLACES[a], _KEY_PLACES[b]
    return abs(row_a - row_b) <= 1 and abs(x_a - x_b) <= 1


def is_plausible_typo(typed: str, word: str, *, lenient: bool = False) -> bool:
    """True when ``typed`` is ``word`` with one slip of the fingers.

    A letter left out or typed twice, two letters swapped, or (``lenient``,
    or on a neighbouring key) one letter replaced by another.
    """
    if abs(len(typed) - len(word)) == 1:
        shorter, longer = sorted((typed, word), key=len)
        return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
    if len(typed) != len(word):
        return False
    diffs = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(diffs) == 2:
        i, j = diffs
        return j == i + 1 and typed[i] == word[j] and typed[j] == word[i]
    if len(diffs) == 1:
        i = diffs[0]
        return lenient or _neighbouring_keys(typed[i], word[i])
    return False


# -- highlighting ------------------------------------------------------------------


def _highlight_terms(query: wq.Query, reader: Any) -> frozenset[str]:
    """The analysed words a query matches in the text fields (prefixes expanded).

    Whoosh's ``Query.existing_terms`` cannot be used: its loop variable
    overwrites its ``fieldname`` argument, so after the first leaf it skips
    every leaf of another field (only title words were ever highlighted).
    """
    schema = reader.schema
    terms: set[str] = set()
    for leaf in query.leaves():
        try:
            pairs = list(leaf.expanded_terms(reader, phrases=True))
        except Exception:  # an odd leaf (a date range, a NullQuery) has nothing to highlight
            continue
        for name, text in pairs:
            if name not in ("title", "body", "topic", SEARCH_FIELD):
                continue
            word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            with contextlib.suppress(ValueError):
                if (name, schema[name].to_bytes(word)) in reader:
                    terms.add(word)
    return frozenset(terms)


class _Pieces(highlight.Formatter):  # type: ignore[misc]  # Whoosh is untyped
    """A Whoosh formatter that returns (text, is_match) pieces instead of markup."""

    def format_fragment(self, fragment: Any, replace: bool = False) -> list[tuple[str, bool]]:
        pieces: list[tuple[str, bool]] = []
        text, position = fragment.text, fragment.startchar
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
            if token.startchar is None or token.startchar < position:
                continue
            pieces.append((text[position : token.startchar], False))
            pieces.append((text[token.startchar : token.endchar], True))
            position = token.endchar
        pieces.append((text[position : fragment.endchar], False))
        if fragment.startchar > 0:
            pieces.insert(0, ("…", False))
        if fragment.endchar < len(text):
            pieces.append(("…", False))
        return pieces

    def format(self, fragments: Iterable[Any], replace: bool = False) -> list[tuple[str, bool]]:
        pieces: list[tuple[str, bool]] = []
        for fragment in fragments:
            if pieces:
                pieces.append((" ", False))
            pieces.extend(self.format_fragment(fragment))
        return pieces


_ANALYZER = _text_analyzer()
_WHITESPACE = re.compile(r"\s+")
# Markdown that only gets in the way of a one-line snippet: fences, bullets, heading marks.
_LINE_MARKUP = re.compile(r"^[ \t]*(?:```.*|~~~.*|#{1,6}[ \t]+|[-*+•][ \t]+|\d+[.)][ \t]+)", re.M)


def flatten_markdown(text: str) -> str:
    """``text`` on one line, without fence lines, bullets or heading marks."""
    return _WHITESPACE.sub(" ", _LINE_MARKUP.sub(" ", text)).strip()


def highlight_text(
    text: str, terms: Iterable[str], *, maxchars: int = 100, whole: bool = False
) -> Snippet:
    """The best passage(s) of ``text`` with the matched words marked.

    ``whole=True`` keeps all of ``text`` (for titles). Without a match the
    start of the text is returned, unmarked.
    """
    flat = flatten_markdown(text)
    termset = frozenset(terms)
    pieces: list[tuple[str, bool]] = []
    if termset and flat:
        fragmenter = (
            highlight.WholeFragmenter()
            if whole
            else highlight.ContextFragmenter(maxchars=maxchars, surround=maxchars // 4)
        )
        pieces = (
            highlight.highlight(flat, termset, _ANALYZER, fragmenter, _Pieces(), top=2, minscore=1)
            or []
        )
    if not any(is_match for _text, is_match in pieces):
        if whole or len(flat) <= 2 * maxchars:
            return ((flat, False),) if flat else ()
        cut = flat[: 2 * maxchars].rsplit(" ", 1)[0]
        return ((cut, False), ("…", False))
    return tuple((piece, is_match) for piece, is_match in pieces if piece)
