"""Everything that draws on the terminal: the only package that imports Rich.

Results go to stdout, messages to stderr. On a terminal output is styled with
Rich (which honours ``NO_COLOR``); in a pipe it is plain text, one record per
line, so ``grep``, ``cut`` and ``fzf`` work on it. Rich is imported only when
something is drawn with it, so plain output in a pipe starts faster.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "error",
    "escape",
    "info",
    "is_terminal",
    "print_json",
    "print_plain",
    "set_color",
    "set_quiet",
    "stderr_console",
    "stdout_console",
    "warning",
]


def is_terminal() -> bool:
    """True when stdout is an interactive terminal (not a pipe or a file)."""
    return sys.stdout.isatty()


def escape(text: str) -> str:
    """Escape text so Rich prints it literally (square brackets included)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


_color: bool | None = None  # None: Rich decides from NO_COLOR and the terminal


def set_color(enabled: bool | None) -> None:
    """Switch colour off (``--no-color``) or back to the default (``None``) for every console.

    ``NO_COLOR`` is honoured without this: Rich reads it. Styles that are not
    colour (bold, dim) stay, as NO_COLOR asks.
    """
    global _color
    _color = enabled
    _stdout_console.cache_clear()
    _stderr_console.cache_clear()


_quiet = False


def set_quiet(enabled: bool) -> None:
    """``-q``: ``info`` messages are dropped; results, warnings and errors stay."""
    global _quiet
    _quiet = enabled


def _no_color() -> bool | None:
    return True if _color is False else None


@lru_cache(maxsize=1)
def _stderr_console(file_id: int) -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, soft_wrap=True, no_color=_no_color())


@lru_cache(maxsize=1)
def _stdout_console(file_id: int) -> Console:
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, no_color=_no_color())


def stdout_console() -> Console:
    """The console for results (recreated when ``sys.stdout`` is swapped, as in tests)."""
    return _stdout_console(id(sys.stdout))


def stderr_console() -> Console:
    """The console for messages (recreated when ``sys.stderr`` is swapped, as in tests)."""
    return _stderr_console(id(sys.stderr))


def error(message: str, hint: str | None = None) -> None:
    """One line on stderr: ``error: message — hint``."""
    line = f"[bold red]error:[/] {escape(message)}"
    if hint:
        line += f" [dim]— {escape(hint)}[/]"
    stderr_console().print(line)


def warning(message: str) -> None:
    """One line on stderr: ``warning: message``."""
    stderr_console().print(f"[yellow]warning:[/] {escape(message)}")


def info(message: str) -> None:
    """A progress or summary line on stderr (Rich markup allowed); silent with ``-q``."""
    if _quiet:
        return
    stderr_console().print(message)


def print_plain(line: str = "") -> None:
    """A line of data on stdout, exactly as given."""
    sys.stdout.write(line + "\n")


def print_json(data: Any) -> None:
    """JSON on stdout, indented, UTF-8 kept readable."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
