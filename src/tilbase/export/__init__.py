"""Export: notes out of the KB as one Markdown document, a TIL repository, or JSON.

One module per format (``markdown``, ``repo``, ``json``), each a pure
function from notes to an ``ExportResult``; ``FORMATS`` registers them.
``select`` chooses the notes, ``write`` puts the result on disk, and
``export_notes`` ties the three together for the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tilbase.errors import ExportFailed, InvalidInput
from tilbase.export.base import (
    GROUP_BYS,
    Exporter,
    ExportFile,
    ExportOptions,
    ExportResult,
    GroupBy,
)
from tilbase.export.json import render_json
from tilbase.export.markdown import render_markdown
from tilbase.export.repo import render_repo
from tilbase.export.select import select_notes
from tilbase.export.write import FolderReport, write_document, write_folder
from tilbase.filters import NoteFilter
from tilbase.model import Note

if TYPE_CHECKING:
    from tilbase.config import Config
    from tilbase.kb import KnowledgeBase

__all__ = [
    "FORMATS",
    "GROUP_BYS",
    "ExportFile",
    "ExportOptions",
    "ExportOutcome",
    "ExportRequest",
    "ExportResult",
    "Exporter",
    "GroupBy",
    "export_notes",
    "get_exporter",
    "refuse_kb_output",
    "select_notes",
]

FORMATS: dict[str, Exporter] = {
    "markdown": Exporter("markdown", render_markdown),
    "json": Exporter("json", render_json),
    "repo": Exporter("repo", render_repo, folder=True),
}


def get_exporter(name: str) -> Exporter:
    """The registered format called ``name``."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise InvalidInput(f"unknown export format '{name}'; use one of: {known}") from None


@dataclass(frozen=True)
class ExportRequest:
    """What to export, how, and where (``output`` None means: return the text)."""

    note_filter: NoteFilter = field(default_factory=NoteFilter)
    format: str = "markdown"
    options: ExportOptions = field(default_factory=ExportOptions)
    output: Path | None = None
    force: bool = False


@dataclass
class ExportOutcome:
    """What an export did. ``text`` is set when there was no output path (stdout)."""

    notes: list[Note]
    text: str | None = None
    output: Path | None = None
    folder: FolderReport | None = None
    warnings: list[str] = field(default_factory=list)


def export_notes(kb: KnowledgeBase, request: ExportRequest) -> ExportOutcome:
    """Choose notes, render them in the requested format, and write them if asked to.

    A folder format with no matching notes writes nothing (so a mistyped
    filter cannot empty a published repository).
    """
    exporter = get_exporter(request.format)
    if request.options.group_by not in GROUP_BYS:
        raise InvalidInput(
            f"unknown grouping '{request.options.group_by}'; use one of: {', '.join(GROUP_BYS)}"
        )
    if exporter.folder and request.output is None:
        raise ExportFailed(
            f"--format {exporter.name} writes a folder; give one with -o DIR",
            f"e.g. til export --format {exporter.name} -o til/",
        )
    if request.output is not None:
        refuse_kb_output(request.output, kb.config)
    notes = select_notes(kb, request.note_filter)
    outcome = ExportOutcome(notes, output=request.output)
    if exporter.folder and not notes:
        return outcome
    result: ExportResult = exporter.render(notes, request.options)
    outcome.warnings.extend(result.warnings)
    if exporter.folder:
        assert request.output is not None
        outcome.folder = write_folder(request.output, result.files, force=request.force)
        outcome.warnings.extend(outcome.folder.warnings)
    elif request.output is None:
        outcome.text = result.text
    else:
        write_document(request.output, result.text or "", force=request.force)
    return outcome


def refuse_kb_output(output: Path, config: Config) -> None:
    """Refuse an export path inside the KB's own folders, or one that holds them.

    Every file under the notes folder is a note, ``.tilbase`` holds the trash
    and the index, and a folder export into the KB root (an ancestor of both)
    would write, and with ``--force`` overwrite, files among them.
    """
    target = output.resolve()
    guarded = [
        ("notes folder", config.notes_dir),
        ("state folder", config.state_dir),
        ("search index", config.index_dir),
    ]
    for name, folder in guarded:
        place = folder.resolve()
        if target == place:
            relation = "is"
        elif place in target.parents:
            relation = "is inside"
        elif target in place.parents:
            relation = "holds"
        else:
            continue
        raise ExportFailed(
            f"{output}: {relation} the KB's {name} ({place}); nothing was written",
            "export somewhere outside the KB's notes and .tilbase folders, e.g. -o ~/til-export",
        )
    if target == config.config_path.resolve():
        raise ExportFailed(f"{output}: is the KB's config file; nothing was written")
