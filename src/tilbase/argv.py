"""Reading a ``til`` command line before Typer does (no imports but ``os``: used at start-up)."""

from __future__ import annotations

import os

__all__ = ["GLOBAL_VALUED", "command_name", "completing", "config_option", "global_options_first"]

#: Global options that take a value (the value is not the command's name).
GLOBAL_VALUED = ("--config", "-c")
#: Options that make ``til`` print help or a version and run no command.
_NO_COMMAND = ("-h", "--help", "--version", "--install-completion", "--show-completion")


def command_name(args: list[str]) -> str | None:
    """The command a ``til`` command line runs (``None``: none, or top-level options only)."""
    position = 0
    while position < len(args):
        arg = args[position]
        if arg in GLOBAL_VALUED:
            position += 2
            continue
        if arg.startswith("-"):
            if arg in _NO_COMMAND:
                return None
            position += 1
            continue
        return arg
    return None


#: Global options that take no value and may also be written after the command.
GLOBAL_FLAGS = ("--no-color", "--no-pager", "--debug")


def global_options_first(args: list[str]) -> list[str]:
    """Move ``--config FILE`` and the global flags written after the command to the front.

    ``til log --config X`` then means ``til --config X log``, as people expect.
    Only the long forms move (``-c``/``-q`` may mean something else to a
    command); nothing after ``--`` is touched.
    """
    if not args or args[0].startswith("-"):
        return args
    front: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        if arg == "--":
            rest.extend(args[position:])
            break
        if arg == "--config" and position + 1 < len(args):
            front.extend(args[position : position + 2])
            position += 2
            continue
        if arg.startswith("--config=") or arg in GLOBAL_FLAGS:
            front.append(arg)
        else:
            rest.append(arg)
        position += 1
    return [*front, *rest]


def config_option(args: list[str]) -> str | None:
    """The ``--config`` value the CLI will see (``-c`` before the command counts too)."""
    ordered = global_options_first(args)
    position = 0
    while position < len(ordered):
        arg = ordered[position]
        if arg in GLOBAL_VALUED:
            if position + 1 < len(ordered):
                return ordered[position + 1]
            return None
        if arg.startswith("--config="):
            return arg.partition("=")[2]
        if not arg.startswith("-"):  # the command: what follows is its own
            return None
        position += 1
    return None


def completing() -> bool:
    """True when the shell asks for completions (Typer's ``_TIL_COMPLETE`` and the like)."""
    return any(key.endswith("_COMPLETE") for key in os.environ)
