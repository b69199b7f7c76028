"""One exception family for everything a user can get wrong, and the exit codes."""

from __future__ import annotations

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
    """No note has this id or id prefix."""


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
