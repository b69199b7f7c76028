"""One exception family for everything a user can get wrong, and the exit codes."""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    """What ``til`` returns to the shell."""

    OK = 0
    USER_ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


class TilError(Exception):
    """A problem the user can fix. ``message`` is one line; ``hint`` says what to do next."""

    exit_code = ExitCode.USER_ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(TilError):
    """The KB's config file is missing, unreadable or invalid."""


class NoteNotFound(TilError):
    """No note has this id or id prefix (or its file is gone)."""


class NoteUnreadable(TilError):
    """A note file exists but cannot be read (no permission, a device, a symlink loop...)."""


class WriteFailed(TilError):
    """A file could not be written or moved: a read-only folder, a full disk, no permission.

    Any code that writes files the user asked for (notes, the trash, exports)
    raises this instead of letting an ``OSError`` through:
    ``raise WriteFailed.from_os_error("notes/x.md", exc) from None``.
    """

    @classmethod
    def from_os_error(cls, shown: str, exc: OSError, action: str = "write") -> WriteFailed:
        """``cannot <action> <shown> (<reason>)``, with a hint fitting the reason."""
        reason = exc.strerror or str(exc) or type(exc).__name__
        return cls(f"cannot {action} {shown} ({reason})", _WRITE_HINTS.get(exc.errno or 0))


_WRITE_HINTS = {
    errno.EROFS: "the file system is mounted read-only",
    errno.EACCES: "check the permissions of the file and its folder",
    errno.EPERM: "check the permissions of the file and its folder",
    errno.ENOSPC: "free some disk space and try again",
    getattr(errno, "EDQUOT", -1): "free some disk space (you are over quota) and try again",
}


class KBBusy(TilError):
    """Another ``til`` process held the knowledge base's write lock for too long."""


class AmbiguousId(TilError):
    """An id prefix matches more than one note."""


class InvalidInput(TilError):
    """A value given on the command line cannot be used (a date, an empty note...)."""


class NoteExists(TilError):
    """Refusing to overwrite an existing file."""


class EditorError(TilError):
    """The editor could not be started or failed."""


class SearchError(TilError):
    """A query could not be run."""


class ImportFailed(TilError):
    """An import could not be carried out (a missing path, an unknown style)."""


class ExportFailed(TilError):
    """An export could not be written."""
