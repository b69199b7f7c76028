"""``sync: auto``: after a write command, sync in a detached process that never blocks capture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tilbase.config import STATE_DIR_NAME

__all__ = ["LOG_NAME", "start_background_sync"]

#: The file in ``.tilbase/`` that background syncs append their output to.
LOG_NAME = "sync.log"


def start_background_sync(config_path: Path, *, python: str | None = None) -> int | None:
    """Start ``til --config CONFIG sync --quiet`` detached from this process; return its pid.

    The child runs in a session of its own with no terminal input, writing
    its messages to ``.tilbase/sync.log`` next to the config, so the command
    that called this returns at once and a failing sync (no network) only
    leaves a line in that log. Concurrent syncs queue on the sync lock.
    Returns ``None``, and raises nothing, when the process cannot be started:
    capture must never fail because of sync.
    """
    config_path = config_path.resolve()
    log_path = config_path.parent / STATE_DIR_NAME / LOG_NAME
    command = [python or sys.executable, "-m", "tilbase", "--config", str(config_path)]
    command += ["sync", "--quiet"]
    env = {**os.environ, "NO_COLOR": "1"}
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            return _spawn_windows(command, log_path, config_path.parent, env)
        # posix_spawn in a new session: no Popen object left to warn that its child still runs.
        return os.posix_spawn(
            command[0],
            command,
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (
                    os.POSIX_SPAWN_OPEN,
                    1,
                    str(log_path),
                    os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                    0o644,
                ),
                (os.POSIX_SPAWN_DUP2, 1, 2),
            ],
            setsid=True,
        )
    except OSError:
        return None


def _spawn_windows(command: list[str], log_path: Path, cwd: Path, env: dict[str, str]) -> int:
    flags = getattr(subprocess, "DETACHED_PROCESS", 0)
    flags |= getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd=cwd,
            env=env,
            creationflags=flags,
        )
    process.returncode = 0  # detached on purpose: do not warn that it still runs
    return int(process.pid)
