"""The ``til export`` command."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer  # noqa: TID251

from tilbase.cli.common import (
    SinceOption,
    TagOption,
    TopicOption,
    UntilOption,
    note_filter_from_options,
    open_kb,
    paged_output,
    show_warnings,
)

__all__ = ["register"]


class ExportFormat(StrEnum):
    """The formats of ``til export``."""

    MARKDOWN = "markdown"
    REPO = "repo"
    JSON = "json"


class GroupBy(StrEnum):
    """The sections of a Markdown export."""

    DATE = "date"
    TOPIC = "topic"
    TAG = "tag"
    NONE = "none"


def export(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(metavar="[QUERY]...", help="Only notes matching these words."),
    ] = None,
    tags: TagOption = None,
    topic: TopicOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    format_name: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="markdown: one document; repo: a TIL repository folder; json: one array.",
        ),
    ] = ExportFormat.MARKDOWN,
    group_by: Annotated[
        GroupBy, typer.Option("--group-by", help="Sections of a markdown export.")
    ] = GroupBy.DATE,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File (or folder for repo); stdout when absent."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file.")
    ] = False,
) -> None:
    """Export notes as Markdown that re-imports, a TIL repository, or JSON.

    \b
    Examples:
      til export -o til.md
      til export --tag git --format json -o git.json
      til export --format repo -o ~/til-site
    """
    from tilbase.export import ExportOptions, ExportRequest
    from tilbase.render.export import print_export_outcome

    query = " ".join(words) if words else None
    kb = open_kb(ctx)
    note_filter = note_filter_from_options(
        query, tags, topic, since, until, date_order=kb.config.date_order
    )
    request = ExportRequest(
        note_filter=note_filter,
        format=format_name.value,
        options=ExportOptions(group_by=group_by.value),
        output=output,
        force=force,
    )
    outcome = kb.export(request)
    show_warnings(kb)
    if output is None:
        with paged_output(ctx):
            print_export_outcome(outcome, format_name.value)
        return
    print_export_outcome(outcome, format_name.value)


def register(app: typer.Typer) -> None:
    """Add ``til export`` to the ``til`` app."""
    app.command()(export)
