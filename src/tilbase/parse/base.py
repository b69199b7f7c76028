"""The types every parsing style shares: options, warnings, results and the style record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tilbase.dates import DateOrder
from tilbase.model import Note

if TYPE_CHECKING:
    from tilbase.parse.document import Document

__all__ = ["ParseContext", "ParseOptions", "ParseResult", "ParseWarning", "Style"]


@dataclass(frozen=True)
class ParseOptions:
    """How to read a file. ``style=None`` lets the detector choose."""

    style: str | None = None
    date_order: DateOrder = "dmy"


@dataclass(frozen=True)
class ParseWarning:
    """Something in a file that could not be read as meant; ``line`` is 1-based."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def at(self, path: str) -> str:
        """The warning naming the file as ``path`` (for example the path a person typed)."""
        return f"{path}:{self.line}: {self.message}"


@dataclass
class ParseResult:
    """The notes found in one file, in file order.

    ``extra`` holds frontmatter keys the note model has no field for (``layout``,
    ``description``...); it is only filled for one-note-per-file styles, so the
    importer can keep those keys in the note it writes. ``refused`` says why a
    file is not notes at all (JSON that is not a tilbase export): the importer
    skips it with that reason instead of importing it as one blob.
    """

    notes: list[Note]
    warnings: list[ParseWarning]
    style: str
    extra: dict[str, Any] = field(default_factory=dict)
    refused: str | None = None


@dataclass
class ParseContext:
    """What a style needs besides the document: the file's path, the options, a warning sink."""

    rel_path: str
    options: ParseOptions
    warnings: list[ParseWarning] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    refused: str | None = None

    def warn(self, line: int, message: str) -> None:
        """Record a warning about 1-based ``line`` of the file."""
        self.warnings.append(ParseWarning(self.rel_path, max(line, 1), message))


@dataclass(frozen=True)
class Style:
    """One shape of notes file: a name for ``--style``, a one-line summary and its parser.

    ``one_note`` is true for styles that always give one note per file (the
    importer treats those as "pages": a folder is their topic, and
    ``--dates-from`` may date them).
    """

    name: str
    summary: str
    parse: Callable[[Document, ParseContext], list[Note]]
    one_note: bool = False
