"""What every export format shares: its options and the shape of what it returns.

A format turns a list of notes into either one document (``ExportResult.text``)
or a set of files for a folder (``ExportResult.files``). Formats never print
and never write; ``tilbase.export.write`` puts their result on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tilbase.model import Note

__all__ = [
    "GROUP_BYS",
    "ExportFile",
    "ExportOptions",
    "ExportResult",
    "Exporter",
    "GroupBy",
]

GroupBy = Literal["date", "topic", "tag", "none"]
GROUP_BYS: tuple[GroupBy, ...] = ("date", "topic", "tag", "none")


@dataclass(frozen=True)
class ExportOptions:
    """How to lay out an export. ``title`` is the document's (or README's) H1."""

    group_by: GroupBy = "date"
    title: str | None = None


@dataclass(frozen=True)
class ExportFile:
    """One file of a folder export: ``path`` is relative, with ``/`` separators."""

    path: str
    text: str


@dataclass(frozen=True)
class ExportResult:
    """What a format made: one document, or files for a folder, and any warnings."""

    text: str | None = None
    files: tuple[ExportFile, ...] = ()
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Exporter:
    """A registered format. ``folder`` formats need an output folder (``-o DIR``)."""

    name: str
    render: Callable[[Sequence[Note], ExportOptions], ExportResult]
    folder: bool = False
