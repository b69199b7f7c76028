"""Running the ``git`` command line: one place that starts git and turns failures into errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tilbase.errors import TilError

__all__ = ["Git", "GitResult", "SyncError", "find_git"]


class SyncError(TilError):
    """``til sync`` could not be carried out (no git, an unreachable remote, a config conflict)."""


@dataclass(frozen=True)
class GitResult:
    """What one git command returned."""

    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def text(self) -> str:
        """Standard output as text (git writes paths in UTF-8)."""
        return self.stdout.decode("utf-8", "surrogateescape")

    def last_error_line(self) -> str:
        """The last non-empty line git wrote to stderr (its actual complaint), or ''."""
        lines = [
            line.strip()
            for line in self.stderr.decode("utf-8", "replace").splitlines()
            if line.strip() and not line.lstrip().startswith("hint:")
        ]
        return lines[-1] if lines else ""


def find_git(env: Mapping[str, str] | None = None) -> str:
    """The path of the ``git`` program, or ``SyncError`` when it is not on ``PATH``."""
    env = os.environ if env is None else env
    found = shutil.which("git", path=env.get("PATH", os.defpath))
    if found is None:
        raise SyncError(
            "git is not installed (no `git` on PATH); nothing was changed",
            "install git (https://git-scm.com) and run til sync again",
        )
    return found


@dataclass
class Git:
    """The git program, run in the KB folder with a fixed environment.

    ``settings`` are ``-c key=value`` pairs given to every command (the commit
    identity). Git's own password prompt is switched off so that a remote
    asking for one fails at once; ssh, left as configured, cannot prompt in a
    background sync either (it has no terminal there).
    """

    root: Path
    program: str
    settings: dict[str, str] = field(default_factory=dict)

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_MERGE_AUTOEDIT"] = "no"
        return env

    def run(
        self, *args: str, check: bool = True, input: bytes | None = None, cwd: Path | None = None
    ) -> GitResult:
        """Run ``git ARGS`` and return its result; with ``check`` a failure raises ``SyncError``."""
        command: list[str] = [self.program]
        for key, value in self.settings.items():
            command += ["-c", f"{key}={value}"]
        command += list(args)
        try:
            done = subprocess.run(
                command,
                cwd=cwd or self.root,
                env=self._env(),
                input=input,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise SyncError(
                "git is not installed (no `git` on PATH); nothing was changed",
                "install git (https://git-scm.com) and run til sync again",
            ) from None
        except OSError as exc:
            raise SyncError(f"cannot run git ({exc.strerror or exc})") from None
        result = GitResult(done.returncode, done.stdout, done.stderr)
        if check and result.returncode != 0:
            raise SyncError(
                f"git {_shown(args)} failed: {result.last_error_line() or 'no message'}"
            )
        return result

    def out(self, *args: str) -> str:
        """Standard output of a git command that must succeed, without the final newline."""
        return self.run(*args).text.rstrip("\n")

    def ok(self, *args: str) -> bool:
        """True when the git command succeeds."""
        return self.run(*args, check=False).returncode == 0

    def blob(self, spec: str) -> bytes | None:
        """The bytes of ``REV:path``, or ``None`` when there is no such file."""
        result = self.run("cat-file", "blob", spec, check=False)
        return result.stdout if result.returncode == 0 else None

    def lines_z(self, *args: str) -> list[str]:
        """The NUL-separated fields of a git command's output (``-z`` formats)."""
        return [part for part in self.run(*args).text.split("\0") if part]


def _shown(args: Sequence[str]) -> str:
    return " ".join(a for a in args[:2] if not a.startswith("-")) or "command"
