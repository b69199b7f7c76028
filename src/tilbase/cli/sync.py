"""``til sync``: one knowledge base on every machine, through git."""

from __future__ import annotations

from typing import Annotated

import typer  # noqa: TID251

from tilbase.cli.common import open_kb

__all__ = ["register"]


def sync(
    ctx: typer.Context,
    remote: Annotated[
        str | None,
        typer.Option(
            "--remote",
            metavar="URL",
            help="Set (or replace) the remote to sync with: git URL or path.",
        ),
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option(
            "--branch", metavar="BRANCH", help="Remote branch (default: main or the remote's)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only conflicts and errors.")
    ] = False,
) -> None:
    """Commit this machine's note changes, then pull, merge and push them through git.

    \b
    Examples:
      til sync --remote git@github.com:me/til-notes.git
      til sync
    """
    from tilbase.render import info, print_json, print_plain

    kb = open_kb(ctx)
    report = kb.sync(remote=remote, branch=branch)
    if as_json:
        print_json(report.to_json())
        return
    for copy in report.conflicts:
        info(
            f"conflict: {copy.note_id} changed here and on the remote; the remote's version "
            f"stays at {copy.path}, yours is kept as {copy.copy_id} ({copy.copy_path})"
        )
    if quiet:
        return
    if report.created_repository:
        info(f"Made {kb.config.root} a git repository")
    if report.remote_set:
        previous = f" (was {report.previous_remote})" if report.previous_remote else ""
        info(f"Remote origin is now {report.remote}{previous}")
    for note_id in report.kept:
        info(f"kept: {note_id} (deleted on one side, changed on the other)")
    for note_id in report.merged:
        info(f"merged: {note_id} (changed on both sides)")
    if report.remote is None:
        committed = sum(len(ids) for ids in report.committed.values())
        print_plain(f"{committed} committed locally; no remote yet")
        info("Sync with another machine: til sync --remote URL")
        return
    print_plain(report.summary())


def register(app: typer.Typer) -> None:
    """Add ``til sync`` to the ``til`` app."""
    app.command()(sync)
