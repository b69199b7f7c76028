"""A TIL repository: one Markdown file per note in a folder per topic, and a README index.

The layout of the well-known one-file-per-TIL repositories::

    README.md                  the index: categories with counts, then every note once
    .til-notes.json            what each file holds (id, date, topic, tags...), for `til import`
    git/
      undo-a-commit.md         "# Undo a commit", a blank line, then the body
    vision-model/pretraining/  a topic path becomes nested folders
    misc/                      notes without a topic

Folder names are the topic's levels in lower case, kept as they are when
they are already safe names (``react_native``), slugified otherwise
(``Neural Networks`` -> ``neural-networks``, ``node.js`` -> ``node-js``: no
dots, so a folder can never look like a note file). File names are the slug of the
title; when two notes of a folder share one, the older note keeps it and
the newer gets ``-2``, ``-3``... so adding a note never renames another.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tilbase.export.anchors import AnchorSet
from tilbase.export.base import ExportFile, ExportOptions, ExportResult
from tilbase.model import Note, slugify
from tilbase.parse.repo import NOTES_INDEX, index_record, index_text
from tilbase.text import clean_title

__all__ = [
    "MISC_FOLDER",
    "NOTES_INDEX",
    "README",
    "note_file_text",
    "render_repo",
    "topic_folder",
]

MISC_FOLDER = "misc"
README = "README.md"
DEFAULT_TITLE = "TIL"

_SAFE_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_-]*")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")
_H1 = re.compile(r"\A[ ]{0,3}#[ \t]+(?P<text>[^\r\n]*)(?:\r?\n|\Z)")


@dataclass(frozen=True)
class _Placed:
    note: Note
    folder: str
    path: str


def topic_folder(topic: str | None) -> str:
    """The folder (relative, ``/``-separated) for a topic; ``misc`` for none."""
    if not topic:
        return MISC_FOLDER
    segments = []
    for part in topic.split("/"):
        lowered = part.strip().lower()
        if not any(char.isalnum() for char in lowered):
            continue  # "..", "-", "": nothing to name a folder after
        segments.append(lowered if _SAFE_SEGMENT.fullmatch(lowered) else slugify(lowered))
    return "/".join(segments) or MISC_FOLDER


@dataclass(frozen=True)
class _FileParts:
    """How a note's file is made: ``heading`` + the body without its ``lead`` blank lines
    (+ a newline when ``newline``)."""

    heading: str
    lead: str
    rest: str
    newline: bool

    @property
    def text(self) -> str:
        return self.heading + self.rest + ("\n" if self.newline else "")


def _file_parts(note: Note) -> _FileParts:
    lead_match = _LEADING_BLANK_LINES.match(note.body)
    lead = lead_match.group(0) if lead_match else ""
    body = note.body[len(lead) :]
    heading = _H1.match(body)
    if heading and clean_title(heading.group("text")) == clean_title(note.title):
        prefix = ""
    else:
        title = " ".join(note.title.split())
        prefix = f"# {title}\n\n" if body else f"# {title}\n"
    return _FileParts(prefix, lead, body, not (prefix + body).endswith("\n"))


def note_file_text(note: Note) -> str:
    """A note's file: ``# Title``, a blank line, the body (ending with a newline).

    A body that already opens with that same title as an H1 (a note imported
    from such a repository) is written as it is, not given a second title.
    """
    return _file_parts(note).text


def _place(notes: Sequence[Note]) -> list[_Placed]:
    # Oldest first, so that the first note to take a name keeps it when newer ones arrive.
    def age(note: Note) -> tuple[int, str, str]:
        return (0 if note.date else 1, note.date.isoformat() if note.date else "", note.id)

    taken: set[str] = set()
    placed = []
    for note in sorted(notes, key=age):
        folder = topic_folder(note.topic)
        slug = slugify(note.title)
        path = f"{folder}/{slug}.md"
        n = 1
        while path.casefold() in taken:
            n += 1
            path = f"{folder}/{slug}-{n}.md"
        taken.add(path.casefold())
        placed.append(_Placed(note, folder, path))
    return placed


def _readme(placed: Sequence[_Placed], title: str) -> str:
    by_folder: dict[str, list[_Placed]] = {}
    for item in placed:
        by_folder.setdefault(item.folder, []).append(item)
    folders = sorted(by_folder, key=lambda f: (f == MISC_FOLDER, f))
    names = {folder: _section_name(by_folder[folder]) for folder in folders}
    anchors = AnchorSet()
    anchors.take(title)
    anchors.take("Categories")
    anchor_of = {folder: anchors.take(names[folder]) for folder in folders}

    count = len(placed)
    lines = [
        f"# {title}",
        "",
        "> Today I Learned",
        "",
        "Short notes on things learned day to day, one file per note, in a folder per topic.",
        "Exported by tilbase.",
        "",
        f"_{count} TIL{'' if count == 1 else 's'} and counting..._",
        "",
        "---",
        "",
        "### Categories",
        "",
    ]
    lines += [f"- [{_escape(names[f])}](#{anchor_of[f]}) ({len(by_folder[f])})" for f in folders]
    lines += ["", "---", ""]
    for folder in folders:
        lines += [f"### {names[folder]}", ""]
        items = sorted(by_folder[folder], key=_title_order)
        lines += [f"- [{_escape(' '.join(p.note.title.split()))}]({p.path})" for p in items]
        lines.append("")
    return "\n".join(lines)


def _title_order(item: _Placed) -> tuple[str, str]:
    return (clean_title(item.note.title).casefold(), item.path)


def _section_name(items: Sequence[_Placed]) -> str:
    """A folder's heading: its most used topic as written, or ``Misc``."""
    spellings: dict[str, int] = {}
    for item in items:
        if item.note.topic:
            spellings[item.note.topic] = spellings.get(item.note.topic, 0) + 1
    if not spellings:
        return "Misc"
    best = max(spellings.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return " ".join(best.split())


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def render_repo(notes: Sequence[Note], options: ExportOptions) -> ExportResult:
    """The files of a TIL repository for these notes (grouping does not apply)."""
    placed = _place(notes)
    files = []
    records = {}
    for item in placed:
        parts = _file_parts(item.note)
        files.append(ExportFile(item.path, parts.text))
        records[item.path] = index_record(
            item.note, parts.text, heading=parts.heading, lead=parts.lead, newline=parts.newline
        )
    files.sort(key=lambda f: f.path)
    readme = ExportFile(README, _readme(placed, " ".join((options.title or DEFAULT_TITLE).split())))
    index = ExportFile(NOTES_INDEX, index_text(records, README))
    return ExportResult(files=(index, readme, *files))
