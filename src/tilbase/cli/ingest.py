"""``til import``: bring existing notes files into the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer  # noqa: TID251

from tilbase.cli.common import open_kb, show_warnings

__all__ = ["register"]

_STYLE_HELP = (
    "Read every file in this style instead of detecting it: export, dated-headings, day-log, "
    "questions, page, daily, jekyll."
)


def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            help="Files or folders (searched recursively for .md, .markdown and .txt).",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
    style: Annotated[str | None, typer.Option("--style", help=_STYLE_HELP)] = None,
    dates_from: Annotated[
        str | None,
        typer.Option(
            "--dates-from",
            metavar="git|FILE.tsv",
            help="Date undated one-note files by the commit that added them, or from a "
            "path<TAB>date table.",
        ),
    ] = None,
    restore_removed: Annotated[
        bool,
        typer.Option(
            "--restore-removed",
            help="Create again the notes removed with til rm (by default they stay removed).",
        ),
    ] = False,
) -> None:
    """Import notes: split files of dated entries into notes; safe to run again.

    \b
    Examples:
      til import ~/notes/til.md
      til import ~/old-til-repo --dry-run
      til import ~/old-til-repo --dates-from git
    """
    from tilbase.importer import ImportOptions, collect_sources
    from tilbase.parse import get_style
    from tilbase.render import print_json
    from tilbase.render.ingest import import_progress, print_import_summary
    from tilbase.render.semantic import semantic_progress

    if style:
        get_style(style)
    options = ImportOptions(
        style=style, dry_run=dry_run, dates_from=dates_from, restore_removed=restore_removed
    )
    kb = open_kb(ctx)
    sources = collect_sources(paths, exclude=[kb.config.notes_dir, kb.config.state_dir])
    with (
        import_progress(len(sources.files), enabled=not as_json) as progress,
        semantic_progress() as kb.semantic_progress,
    ):
        report = kb.import_(sources, options, progress)
    show_warnings(kb)
    if as_json:
        print_json(report.to_json())
        return
    print_import_summary(report)


def register(app: typer.Typer) -> None:
    """Add ``til import`` to the ``til`` app."""
    app.command("import")(import_)
