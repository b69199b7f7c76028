"""The ``til`` console script: start the freshness walk, then run the CLI.

Importing the CLI (Typer, the commands, the KB) takes most of a short
command's time. For commands that begin by reading the notes, the walk that
stats every note file is started first, in a child process
(``tilbase.prefetch``), so that it runs on another core while this
process imports. Everything here reads the command line without Typer and
gives up quietly: the CLI then parses the same arguments and reports any
error itself. ``TILBASE_NO_PREFETCH=1`` turns the early walk off.
"""

from __future__ import annotations

import os
import sys

from tilbase.argv import command_name, completing, config_option

TYPE_CHECKING = False  # typing itself is not imported before the fork (~3 ms)

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["main", "prefetch_walk"]

#: Commands that read the notes before they write any: (command, subcommand or None).
_READERS = {
    ("log", None),
    ("show", None),
    ("search", None),
    ("related", None),
    ("today", None),
    ("stats", None),
    ("export", None),
    ("tag", "list"),
}


def _reads_first(args: list[str]) -> bool:
    name = command_name(args)
    if name is None:
        return False
    if (name, None) in _READERS:
        return True
    rest = args[args.index(name) + 1 :]
    sub = next((arg for arg in rest if not arg.startswith("-")), None)
    return (name, sub) in _READERS


def prefetch_walk(args: list[str]) -> bool:
    """Start the walk of the KB's notes folder in a child, when ``args`` run a reading command."""
    if os.environ.get("TILBASE_NO_PREFETCH") or not _reads_first(args):
        return False
    if completing():
        return False  # shell completion: answered from the catalog, no walk
    import atexit

    from tilbase import prefetch

    if not prefetch.start(lambda: notes_dir_of(args)):
        return False
    atexit.register(prefetch.discard)
    return True


def notes_dir_of(args: list[str]) -> Path | None:
    """The notes folder of the KB ``args`` would open, if there is one (never creates one)."""
    try:
        from tilbase.config import existing_config, load_config

        path = existing_config(config_option(args))
        return None if path is None else load_config(path).notes_dir
    except Exception:  # the command reports a bad config itself, in its own words
        return None


def main() -> None:
    """Entry point of ``til`` (and ``python -m tilbase``)."""
    prefetch_walk(sys.argv[1:])
    from tilbase.cli import main as cli_main

    cli_main()
