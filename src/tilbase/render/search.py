"""Drawing search results (``til search``, ``til related``) and reindex progress."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tilbase.render import escape, info, is_terminal, print_json, print_plain, stdout_console
from tilbase.serialize import note_listing

if TYPE_CHECKING:
    from rich.text import Text

    from tilbase.index import Snippet, SyncReport
    from tilbase.search import SearchHit, SearchResult

__all__ = [
    "print_reindex_report",
    "print_search_notes",
    "print_search_result",
    "reindex_progress",
    "search_record",
]

_MATCH_STYLE = "bold yellow"


def search_record(hit: SearchHit) -> dict[str, Any]:
    """The DESIGN JSON shape of one hit: id, title, date, topic, tags, path, score, snippet."""
    record = note_listing(hit.note)
    record["score"] = hit.score
    record["snippet"] = hit.snippet_text
    return record


def print_search_notes(result: SearchResult, *, limit: int | None = None) -> None:
    """What a person should know about how the query was read, on stderr.

    ``limit`` is the ``--limit`` given, to explain a search that matched
    notes but shows none of them (``--limit 0``).
    """
    if result.fallback:
        reason = _plain_reason(result.fallback)
        if result.searched:
            info(
                f"note: searched for the words '{escape(result.searched)}' as plain words "
                f"because {escape(reason)}"
            )
        else:
            info(
                f"note: the query has no words left to search for ({escape(reason)}); "
                "try plain words, or quote the query"
            )
    query = f" '{result.query}'" if result.query else ""
    if not result.hits and result.total:
        notes = "note matches" if result.total == 1 else "notes match"
        shown = f"--limit {limit}" if limit is not None else "the limit"
        info(f"{result.total} {notes}{escape(query)}; none shown because of {shown}")
    elif not result.hits:
        info(f"no notes match{escape(query)}")
    if result.suggestion:
        searched = " (searched as well)" if result.corrected else ""
        info(f"did you mean: {escape(result.suggestion)}{searched}")


def print_search_result(
    result: SearchResult, *, as_json: bool = False, empty: str | None = None
) -> None:
    """Hits as JSON, as a ranked list on a terminal, or one tab-separated line each in a pipe."""
    if as_json:
        print_json([search_record(hit) for hit in result.hits])
        return
    if not result.hits and empty:
        info(empty)
    if not is_terminal():
        for hit in result.hits:
            note = hit.note
            date = note.date.isoformat() if note.date else "undated"
            fields = [date, note.id, note.title, hit.snippet_text]
            print_plain("\t".join(" ".join(field.split()) for field in fields))
        return
    _print_ranked(result)


def _print_ranked(result: SearchResult) -> None:
    from rich.padding import Padding
    from rich.text import Text

    from tilbase.render.notes import note_header, print_id_line

    console = stdout_console()
    width = len(str(len(result.hits)))
    for rank, hit in enumerate(result.hits, start=1):
        console.print(Text(f"{rank:>{width}}  "), _styled(hit.title, "bold"), sep="", end="\n")
        indent = (0, 0, 0, width + 2)
        print_id_line(console, hit.note.id, note_header(hit.note), width + 2, meta_first=True)
        if hit.snippet:
            console.print(Padding(_styled(hit.snippet, ""), indent))
        console.print()
    if result.hits and result.total > len(result.hits):
        info(f"[dim]{len(result.hits)} of {result.total} matching notes shown; use --limit[/]")


def _styled(pieces: Snippet, base: str) -> Text:
    from rich.text import Text

    text = Text(style=base)
    for piece, is_match in pieces:
        text.append(piece, style=_MATCH_STYLE if is_match else None)
    return text


@contextmanager
def reindex_progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while reindexing, when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from tilbase.render import stderr_console

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
    ) as bar:
        task = bar.add_task("Indexing notes", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def print_reindex_report(report: SyncReport) -> None:
    """One line on stderr: how many notes, what changed, how long it took."""
    notes = "note" if report.total == 1 else "notes"
    info(
        f"Reindexed {report.total} {notes} in {report.seconds:.1f} s: "
        f"{report.added} added, {report.updated} updated, {report.removed} removed"
    )


def _plain_reason(fallback: str) -> str:
    """Why a query was read as plain words, in the person's terms (no library names)."""
    return re.sub(
        r"Whoosh could not parse it(?: \(\w+\))?", "its query syntax could not be read", fallback
    )
