"""Opening a file in the user's editor."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tilbase.errors import EditorError

__all__ = ["editor_command", "open_in_editor"]

_FALLBACKS = ("nano", "vi")


def editor_command(configured: str | None, env: Mapping[str, str] | None = None) -> list[str]:
    """The editor to run, split like a shell would so ``code --wait`` works.

    Order: ``$TILBASE_EDITOR``, the config's ``editor``, ``$VISUAL``,
    ``$EDITOR``, then ``nano`` or ``vi`` if installed.
    """
    env = os.environ if env is None else env
    for candidate in (env.get("TILBASE_EDITOR"), configured, env.get("VISUAL"), env.get("EDITOR")):
        if candidate and candidate.strip():
            try:
                return shlex.split(candidate, posix=os.name == "posix")
            except ValueError as exc:
                raise EditorError(f"cannot read the editor command '{candidate}' ({exc})") from None
    for name in _FALLBACKS:
        if shutil.which(name):
            return [name]
    raise EditorError("no editor found", "set $EDITOR, or `editor:` in config.yaml")


def open_in_editor(path: Path, configured: str | None = None) -> None:
    """Run the editor on ``path`` and wait for it; a non-zero exit is an error."""
    command = [*editor_command(configured), str(path)]
    try:
        completed = subprocess.run(command, check=False)
    except FileNotFoundError:
        raise EditorError(
            f"editor '{command[0]}' not found", "check $EDITOR or `editor:` in config.yaml"
        ) from None
    except OSError as exc:
        raise EditorError(f"cannot start editor '{command[0]}' ({exc.strerror})") from None
    if completed.returncode != 0:
        raise EditorError(f"editor '{command[0]}' exited with status {completed.returncode}")
