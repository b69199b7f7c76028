"""Keeping the index current with the notes: the service between the store and the index.

``IndexKeeper`` brings an index up to date before it is read, after notes were
written, and on ``til reindex``; it repairs a damaged index once, and turns
what goes wrong into warnings (a busy or read-only index) or ``SearchError``.
It does not import Whoosh: the index it is given does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tilbase.errors import SearchError, TilError
from tilbase.index.errors import IndexBroken, IndexBusy

if TYPE_CHECKING:
    from tilbase.index.manifest import SyncReport
    from tilbase.index.reader import IndexReader, Progress
    from tilbase.store import NoteStore, ScanResult

__all__ = ["IndexKeeper", "Scan"]

#: The notes as the catalog lists them now (called again with the index lock held);
#: files are read only for the notes the index needs.
Scan = Callable[[], "ScanResult"]
_T = TypeVar("_T")


class IndexKeeper:
    """Keeps ``index`` current with the notes in ``store``; messages go to ``warnings``.

    ``location`` names the index in messages (``.tilbase/index``).
    """

    def __init__(
        self,
        store: NoteStore,
        index: IndexReader,
        *,
        location: str,
        warnings: list[str] | None = None,
    ) -> None:
        self.store = store
        self.index = index
        self.location = location
        self.warnings: list[str] = [] if warnings is None else warnings

    def _report(self, report: SyncReport) -> None:
        if report.rebuilt and report.reason:
            notes = "note" if report.total == 1 else "notes"
            self.warnings.append(
                f"search index {self.location}: {report.reason}; "
                f"rebuilt it from {report.total} {notes} in {report.seconds:.1f} s"
            )

    def sync(self, scan: Scan, *, changed: bool = False) -> bool:
        """Bring the index up to date; False (and a warning) when it could not be.

        The check is keyed by the catalog's generation: when the index manifest
        was written for the generation ``scan`` gives, nothing is compared.
        That fails when another ``til`` holds the index lock past the
        timeout, or the index folder cannot be written (a read-only or full disk).
        """
        try:
            current = scan()
            self._report(
                self.index.sync(
                    lambda: current.stats,
                    scan,
                    changed=changed,
                    generation=current.generation,
                )
            )
        except IndexBusy as exc:
            problem = f"busy ({exc})"
        except OSError as exc:
            problem = f"cannot be written ({exc.strerror or exc})"
        else:
            return True
        self.warnings.append(
            f"search index {self.location}: {problem}; "
            "it will catch up with the notes on the next command"
        )
        return False

    def after_write(self, scan: Scan) -> None:
        """After notes were written: index what changed, or leave it for the next command.

        The notes are saved either way: any failure to update the derived index
        becomes a warning, never an error for the write that succeeded.
        """
        try:
            self.sync(scan, changed=True)
        except TilError as exc:  # e.g. index_dir holds other files: it needs the person
            self.warnings.append(
                f"{exc.message}; the notes were saved, the search index not updated"
            )
        except Exception as exc:  # the index is a cache; the note itself is safe on disk
            self.warnings.append(
                f"search index {self.location}: not updated ({type(exc).__name__}: {exc}); "
                "the next search will bring it up to date"
            )

    def rebuild(self, scan: Scan, progress: Progress | None = None) -> SyncReport:
        """Rebuild the index from scratch (``til reindex``); the report counts what changed."""
        try:
            return self.index.rebuild(scan, progress)
        except IndexBusy as exc:
            raise SearchError(
                f"search index {self.location} is busy: {exc}", "try again in a moment"
            ) from None
        except OSError as exc:
            raise SearchError(
                f"search index {self.location} cannot be written: {exc.strerror or exc}",
                "check the folder's permissions and free space, or set index_dir in config.yaml",
            ) from None

    def read(self, scan: Scan, reader: Callable[[], _T]) -> _T:
        """Run a read on a current index, rebuilding it once if it turns out to be damaged."""
        fresh = self.sync(scan)
        try:
            return reader()
        except IndexBroken as exc:
            if not fresh:
                raise SearchError(
                    f"search index {self.location} could not be brought up to date and "
                    f"cannot be read ({exc})",
                    "try again in a moment",
                ) from None
            try:
                self._report(self.index.sync(lambda: scan().stats, scan, repair=str(exc)))
            except IndexBusy:
                raise SearchError(
                    f"search index {self.location} is being rebuilt by another til process",
                    "try again in a moment",
                ) from None
            except OSError as exc:
                raise SearchError(
                    f"search index {self.location} cannot be rebuilt: {exc.strerror or exc}"
                ) from None
        try:
            return reader()
        except IndexBroken as exc:
            raise SearchError(
                f"search index {self.location}: {exc}, even after a rebuild"
            ) from None
