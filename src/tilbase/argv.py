"""Reading a ``til`` command line before Typer does (no imports: used at start-up)."""

from __future__ import annotations

__all__ = ["GLOBAL_VALUED", "command_name"]

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
