"""Commands that find notes: search, related, reindex."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer  # noqa: TID251

from tilbase.cli.common import (
    SinceOption,
    TagOption,
    TopicOption,
    UntilOption,
    note_filter_from_options,
    open_kb,
    show_warnings,
)
from tilbase.cli.complete import complete_note_id

__all__ = ["register"]


class SortChoice(StrEnum):
    """How ``til search`` orders its hits."""

    relevance = "relevance"
    date = "date"


# Semantic recall (issue 14): per-call override of config.yaml's `semantic`.
SemanticOption = Annotated[
    bool | None,
    typer.Option(
        "--semantic/--lexical",
        help="Rank by words and meaning (needs tilbase[semantic]) or by words only; "
        "default: config.yaml's semantic.",
    ),
]


def search(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[QUERY]...",
            help="Words to find, quotes optional (OR-ed, best first). Syntax: AND OR NOT, "
            '"phrases", prefix*, title: body: tag: topic: date:[2022-11-01 to 2022-12-01].',
        ),
    ] = None,
    tags: TagOption = None,
    topic: TopicOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="At most this many notes.")
    ] = 10,
    sort: Annotated[
        SortChoice, typer.Option("--sort", help="Order: relevance or date (newest first).")
    ] = SortChoice.relevance,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    semantic: SemanticOption = None,
) -> None:
    """Find notes by words, tags, topic and dates; ranked, with highlighted snippets.

    \b
    Examples:
      til search git worktree
      til search rebase --tag git --since 2023
      til search 'title:docker AND compose' -n 5 --json
    """
    from tilbase.render.search import print_search_notes, print_search_result
    from tilbase.render.semantic import semantic_progress

    query = " ".join(words) if words else None
    kb = open_kb(ctx)
    note_filter = note_filter_from_options(
        query, tags, topic, since, until, date_order=kb.config.date_order
    )
    with semantic_progress() as kb.semantic_progress:
        result = kb.search(note_filter, limit=limit, sort=sort.value, semantic=semantic)
    show_warnings(kb)
    print_search_notes(result, limit=limit)
    print_search_result(result, as_json=as_json)


def related(
    ctx: typer.Context,
    note_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A note id or unique prefix.", autocompletion=complete_note_id
        ),
    ],
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="At most this many notes.")
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the notes most like this one (by the words of its title and body).

    \b
    Examples:
      til related 2023-01-05-git-worktree
      til related 2023-01-05 -n 3 --json
    """
    from tilbase.render.search import print_search_result
    from tilbase.render.semantic import semantic_progress

    kb = open_kb(ctx)
    with semantic_progress() as kb.semantic_progress:
        result = kb.related(note_id, limit=limit)
    show_warnings(kb)
    empty = "no related notes found" if limit else None
    print_search_result(result, as_json=as_json, empty=empty)


def reindex(ctx: typer.Context) -> None:
    """Rebuild the search index from the notes (never needed for correctness).

    \b
    Examples:
      til reindex
    """
    from tilbase.render.search import print_reindex_report, reindex_progress
    from tilbase.render.semantic import semantic_progress

    kb = open_kb(ctx)
    with reindex_progress() as progress, semantic_progress() as kb.semantic_progress:
        report = kb.reindex(progress)
    show_warnings(kb)
    print_reindex_report(report)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the ``til`` app."""
    app.command()(search)
    app.command()(related)
    app.command()(reindex)
