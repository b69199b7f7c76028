"""One Markdown document of notes that ``til import`` reads back to the same notes.

The layout is the contract in the project's export-format brief: every note
is an ENTRY -- a heading line for people, a start marker ``<!-- til {JSON} -->``
holding the note's metadata, the body byte for byte, and an end marker
``<!-- /til -->``. Everything else (the title, the table of contents, group
headings, "see also" lists) is for reading and is ignored on import.

Grouping (``ExportOptions.group_by``):

- ``date``: one section per month, newest first; undated notes last.
- ``topic``: one section per topic (case-insensitive, sorted); notes
  without a topic last.
- ``tag``: one section per tag, sorted. A note with several tags is written
  in full once, under its FIRST tag; the sections of its other tags only
  link to that entry, so importing the file never makes duplicates.
  Untagged notes come last.
- ``none``: no sections; entries use ``##`` headings.

Within a section notes are newest first, undated ones last (by id).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tilbase.export.anchors import document_anchors, unclosed_fence
from tilbase.export.base import ExportOptions, ExportResult, GroupBy
from tilbase.model import Note
from tilbase.ordering import sort_newest_first

__all__ = [
    "END_MARKER",
    "START_MARKER",
    "entry_heading",
    "marker_json",
    "render_entry",
    "render_markdown",
]

START_MARKER = "<!-- til {json} -->"
END_MARKER = "<!-- /til -->"
DEFAULT_TITLE = "TIL notes"

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Characters that would end the marker's line for some reader, or its HTML comment.
_UNSAFE_IN_MARKER = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SPACES = re.compile(r"\s+")
_MARKER_LINE = re.compile(r"^<!-- (?:til \{.*\}|/til) -->\s*$", re.M)
_GROUPING_WORDS = {
    "date": "grouped by month",
    "topic": "grouped by topic",
    "tag": "grouped by tag",
    "none": "newest first",
}


@dataclass
class _Group:
    heading: str | None
    entries: list[Note] = field(default_factory=list)
    see_also: list[Note] = field(default_factory=list)


def marker_json(note: Note) -> str:
    """The start marker's JSON: one line, parsed back by ``json.loads`` to the same values.

    Written with ``json.dumps(ensure_ascii=False)``; ``-->`` and the Unicode
    line separators are additionally written as ``\\u`` escapes so that the
    marker stays one HTML comment on one line.
    """
    data: dict[str, object] = {
        "id": note.id,
        "title": note.title,
        "date": note.date.isoformat() if note.date else None,
        "topic": note.topic,
        "tags": list(note.tags),
    }
    if note.body and not note.body.endswith("\n"):
        data["nl"] = False
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("-->", "--\\u003e")
    for char, escaped in _UNSAFE_IN_MARKER.items():
        text = text.replace(char, escaped)
    return text


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def entry_heading(note: Note) -> str:
    """The human heading of an entry, in the dated-heading style ``DATE Topic: Title (tag)``."""
    parts = []
    if note.date:
        parts.append(note.date.isoformat())
    title = _one_line(note.title)
    if note.topic:
        topic = ": ".join(_one_line(part) for part in note.topic.split("/") if part.strip())
        title = f"{topic}: {title}" if title else topic
    if title:
        parts.append(title)
    parts.extend(f"({tag})" for tag in note.tags)
    return " ".join(parts)


def render_entry(note: Note, level: int) -> str:
    """One entry: heading, start marker, body byte for byte, end marker, blank line."""
    body = note.body
    if body and not body.endswith("\n"):
        body += "\n"
    text = f"{'#' * level} {entry_heading(note)}\n{START_MARKER.format(json=marker_json(note))}\n"
    text += f"{body}{END_MARKER}\n"
    fence = unclosed_fence(note.body)
    if fence:
        # Outside the entry, so not part of the note: keeps the rest of the page rendering.
        text += f"{fence}\n"
    return text + "\n"


def _month_heading(note: Note) -> str:
    return f"{_MONTHS[note.date.month - 1]} {note.date.year}" if note.date else "Undated"


def _groups(notes: Sequence[Note], group_by: GroupBy) -> list[_Group]:
    ordered = sort_newest_first(notes)
    if group_by == "none":
        return [_Group(None, ordered)]
    if group_by == "date":
        by_month: dict[str, _Group] = {}
        for note in ordered:  # newest first, so months come out newest first, Undated last
            heading = _month_heading(note)
            by_month.setdefault(heading, _Group(heading)).entries.append(note)
        return list(by_month.values())
    if group_by == "topic":
        by_topic: dict[str, _Group] = {}
        for note in ordered:
            key = note.topic.casefold() if note.topic else ""
            by_topic.setdefault(key, _Group(note.topic or "No topic")).entries.append(note)
        return [by_topic[key] for key in sorted(by_topic, key=lambda k: (k == "", k))]
    by_tag: dict[str, _Group] = {}
    for note in ordered:
        if not note.tags:
            by_tag.setdefault("", _Group("Untagged")).entries.append(note)
            continue
        first, *others = note.tags
        by_tag.setdefault(first, _Group(first)).entries.append(note)
        for tag in others:
            by_tag.setdefault(tag, _Group(tag)).see_also.append(note)
    return [by_tag[key] for key in sorted(by_tag, key=lambda k: (k == "", k))]


def _body_warnings(notes: Sequence[Note]) -> list[str]:
    warnings = []
    for note in notes:
        if _MARKER_LINE.search(note.body):
            warnings.append(
                f"{note.id}: the body holds a line that looks like an export marker; "
                "this note will not import back exactly"
            )
    return warnings


def render_markdown(notes: Sequence[Note], options: ExportOptions) -> ExportResult:
    """The whole export document: title, table of contents, then the grouped entries."""
    groups = _groups(notes, options.group_by)
    level = 2 if options.group_by == "none" else 3
    title = f"# {_one_line(options.title or DEFAULT_TITLE)}\n\n"

    # Lay out the sections, noting the line of each heading; a group's "see also"
    # list is left as an empty line for now (it holds no headings, so anchors do not
    # depend on it, but it needs the anchors of entries further down).
    blocks: list[str | _Group] = []
    note_lines: dict[str, int] = {}
    group_lines: dict[int, int] = {}
    line = title.count("\n")
    for number, group in enumerate(groups):
        if group.heading is not None:
            group_lines[number] = line
            blocks.append(f"## {_one_line(group.heading)}\n\n")
            line += 2
        for note in group.entries:
            note_lines.setdefault(note.id, line)
            chunk = render_entry(note, level)
            blocks.append(chunk)
            line += _line_count(chunk)
        if group.see_also:
            blocks.append(group)
            line += 1
    draft = "".join(block if isinstance(block, str) else "\n" for block in blocks)
    anchors = document_anchors(title + draft)
    note_anchor = {note_id: anchors.get(at, "") for note_id, at in note_lines.items()}
    group_anchor = {number: anchors.get(at, "") for number, at in group_lines.items()}

    out = [_toc(groups, options.group_by, group_anchor, note_anchor, len(notes))]
    for block in blocks:
        if isinstance(block, str):
            out.append(block)
            continue
        out.append(f"Also tagged {block.heading}:\n\n")
        out.extend(f"- {_link(n, note_anchor)}\n" for n in block.see_also)
        out.append("\n")
    text = (title + "".join(out)).rstrip("\n") + "\n"
    return ExportResult(text=text, warnings=tuple(_body_warnings(notes)))


def _line_count(chunk: str) -> int:
    # Lines as markdown-it counts them: "\r\n" and a lone "\r" both end a line.
    return chunk.replace("\r\n", "\n").replace("\r", "\n").count("\n")


def _link_text(text: str) -> str:
    return _one_line(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _link(note: Note, note_anchor: dict[str, str]) -> str:
    label = f"{note.date.isoformat()} {note.title}" if note.date else note.title
    return f"[{_link_text(label)}](#{note_anchor.get(note.id, '')})"


def _toc(
    groups: Sequence[_Group],
    group_by: GroupBy,
    group_anchor: dict[int, str],
    note_anchor: dict[str, str],
    count: int,
) -> str:
    noun = "note" if count == 1 else "notes"
    intro = (
        f"{count} {noun}, {_GROUPING_WORDS[group_by]}. "
        "Exported by tilbase; `til import` reads this file back into notes.\n\n"
    )
    if group_by == "none":
        items = [f"- {_link(note, note_anchor)}\n" for note in groups[0].entries]
    else:
        items = [
            f"- [{_link_text(g.heading or '')}](#{group_anchor.get(number, '')}) "
            f"({len(g.entries) + len(g.see_also)})\n"
            for number, g in enumerate(groups)
        ]
    return intro + "".join(items) + ("\n" if items else "")
