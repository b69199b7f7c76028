"""Long output through a pager, the way git does it: only on a terminal, never in a pipe.

``paged()`` wraps a command's drawing. When stdout is a terminal and paging
is on, what the command writes to stdout (Rich styles included) is collected
and handed to the pager; output that fits the screen is written directly.
The pager is ``$TILBASE_PAGER``, else ``$PAGER``, else ``less -FIRX``
(quit when it fits, case-insensitive search, raw colours, no screen clearing);
an empty value or ``cat`` means no pager. ``less`` gets ``LESS=FRX`` unless
the person set ``LESS``. A pager that cannot be started is no error: the text
is written to the terminal as it would have been.
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

__all__ = ["DEFAULT_PAGER", "paged", "pager_command"]

DEFAULT_PAGER = ("less", "-FIRX")
_NO_PAGER = {"", "cat"}


def pager_command(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager to run as an argument list, or ``None`` when paging is switched off.

    ``$TILBASE_PAGER`` wins over ``$PAGER``; a set but empty value (or
    ``cat``) means "no pager"; neither set means ``less -FIRX``.
    """
    env = os.environ if env is None else env
    for name in ("TILBASE_PAGER", "PAGER"):
        value = env.get(name)
        if value is None:
            continue
        try:
            argv = shlex.split(value)
        except ValueError:
            argv = value.split()
        if not argv or argv[0] in _NO_PAGER:
            return None
        return argv
    return list(DEFAULT_PAGER)


class _TerminalBuffer(io.StringIO):
    """Collects output that will be shown on the terminal, so it keeps its terminal styling."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]  # StringIO's is None
        return self._encoding

    def isatty(self) -> bool:
        return True


def _screen_lines() -> int:
    return shutil.get_terminal_size((80, 24)).lines


def _pager_env(argv: list[str], env: Mapping[str, str]) -> dict[str, str]:
    child = dict(env)
    if os.path.basename(argv[0]) == "less" and "LESS" not in child:
        child["LESS"] = "FRX"
    return child


def _run_pager(argv: list[str], text: str, env: Mapping[str, str], out: TextIO) -> None:
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            env=_pager_env(argv, env),
            encoding=getattr(out, "encoding", None) or "utf-8",
            errors="replace",
        )
    except OSError:  # not installed, not executable: show the text without a pager
        out.write(text)
        out.flush()
        return
    assert process.stdin is not None
    try:
        process.stdin.write(text)
        process.stdin.close()
    except (BrokenPipeError, OSError):  # the person quit the pager before the end
        pass
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager while it runs
            continue


@contextmanager
def paged(enabled: bool = True, env: Mapping[str, str] | None = None) -> Iterator[bool]:
    """Send what is written to stdout inside the block through the pager.

    Yields whether output is being paged. Nothing changes when ``enabled`` is
    false (``--no-pager``), stdout is not a terminal, or no pager is set. If
    the block raises, what it wrote so far is shown without a pager first.
    """
    env = os.environ if env is None else env
    argv = pager_command(env) if enabled else None
    real = sys.stdout
    if argv is None or not real.isatty():
        yield False
        return
    buffer = _TerminalBuffer(getattr(real, "encoding", None) or "utf-8")
    sys.stdout = buffer
    try:
        yield True
    except BaseException:
        sys.stdout = real
        real.write(buffer.getvalue())
        real.flush()
        raise
    sys.stdout = real
    text = buffer.getvalue()
    if not text:
        return
    if text.count("\n") < _screen_lines() - 1:
        real.write(text)
        real.flush()
        return
    real.flush()
    _run_pager(argv, text, env, real)
