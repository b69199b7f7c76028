"""What every command needs: the global options, opening the KB, reading shared options."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer  # noqa: TID251

from tilbase.cli.complete import complete_tag, complete_topic

if TYPE_CHECKING:
    from tilbase.dates import DateOrder
    from tilbase.filters import NoteFilter
    from tilbase.kb import KnowledgeBase

__all__ = ["CliState", "note_filter_from_options", "open_kb", "parse_date_option", "show_warnings"]


# The filter options shared by `search` and `export` (and read by `note_filter_from_options`).
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        help="Only notes with this tag or one below it (repeatable).",
        autocompletion=complete_tag,
    ),
]
TopicOption = Annotated[
    str | None,
    typer.Option(
        "--topic", help="Only notes in this topic or one below it.", autocompletion=complete_topic
    ),
]
SinceOption = Annotated[str | None, typer.Option("--since", help="Only notes on or after.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only notes on or before.")]


@dataclass
class CliState:
    """The global options, stored on the Typer context."""

    config_path: Path | None = None
    debug: bool = False
    no_pager: bool = False
    quiet: bool = False
    kb: KnowledgeBase | None = field(default=None, repr=False)


def open_kb(ctx: typer.Context) -> KnowledgeBase:
    """The KB chosen by the global options (opened once per command)."""
    from tilbase.kb import KnowledgeBase

    state = ctx.find_object(CliState) or CliState()
    if state.kb is None:
        state.kb = KnowledgeBase.open(state.config_path)
    return state.kb


def paged_output(ctx: typer.Context) -> contextlib.AbstractContextManager[bool]:
    """``with paged_output(ctx):`` long output goes through the pager on a terminal.

    Not when ``--no-pager`` was given, stdout is not a terminal, or the pager
    is set to ``cat`` (see ``tilbase.render.pager``).
    """
    from tilbase.render.pager import paged

    state = ctx.find_object(CliState) or CliState()
    return paged(enabled=not state.no_pager)


def show_warnings(kb: KnowledgeBase) -> None:
    """Print the KB's collected warnings on stderr, each once per change of its file.

    A warning about a note file is shown again only after that file changed
    (``tilbase.warnonce``); warnings about nothing on disk always show.
    """
    if not kb.warnings:
        return
    from tilbase.render import warning

    for message in _fresh_warnings(kb):
        warning(message)
    kb.warnings.clear()


def _fresh_warnings(kb: KnowledgeBase) -> list[str]:
    from tilbase.warnonce import MEMORY_FILE_NAME, WarningMemory

    messages = list(dict.fromkeys(kb.warnings))
    scan = kb.last_scan()
    if scan is None:
        return messages
    memory = WarningMemory.load(kb.config.state_dir / MEMORY_FILE_NAME)
    fresh = memory.fresh(messages, scan.stats)
    if kb.config.state_dir.is_dir():
        memory.save()
    return fresh


def parse_date_option(
    value: str | None, option: str, date_order: DateOrder = "dmy"
) -> dt.date | None:
    """Read a date option or raise a one-line error naming the option.

    Accepted: one date in any form ``tilbase.dates`` reads (slashed
    ``03/04/2022`` in the KB's ``date_order``: pass ``kb.config.date_order``)
    and the words of its small grammar (``yesterday``, ``last monday``,
    ``3 days ago``...); a period (``last week``) gives its first day.
    """
    from tilbase.dateoptions import read_date

    return read_date(value, option, order=date_order)


def note_filter_from_options(
    query: str | None,
    tags: list[str] | None,
    topic: str | None,
    since: str | None,
    until: str | None,
    *,
    date_order: DateOrder = "dmy",
) -> NoteFilter:
    """The filters shared by ``search`` and ``export``, from their command-line values.

    ``date_order`` is the KB's (``kb.config.date_order``): it decides how
    ``--since 03/04/2022`` is read.
    """
    from tilbase.dateoptions import date_bounds
    from tilbase.filters import NoteFilter

    since_date, until_date = date_bounds(since, until, order=date_order)
    return NoteFilter(
        query=query,
        tags=tuple(tags or ()),
        topic=topic,
        since=since_date,
        until=until_date,
    )
