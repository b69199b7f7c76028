"""The canonical note file: YAML frontmatter, then the Markdown body byte for byte.

    ---
    id: 2023-02-14-how-to-enable-lifelong-learning
    title: How to enable lifelong learning?
    date: 2023-02-14
    topic: Neural Networks
    tags: [theory]
    ---
    - body...

PyYAML is used directly (with the C loader when present) rather than
python-frontmatter, because python-frontmatter strips the body's leading and
trailing white space and the body must survive byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml

from tilbase.dates import DateOrder, InvalidDate, match_date_prefix
from tilbase.hashtags import hashtag_tags
from tilbase.model import Note, Source, normalize_tags, slugify
from tilbase.text import clean_title, derive_title

__all__ = [
    "FrontmatterSplit",
    "NoteRead",
    "date_from_path",
    "read_note",
    "render_note",
    "set_frontmatter_key",
    "split_frontmatter",
]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe (C) loader, except that timestamps stay strings.

    PyYAML turns ``date: 2023-02-30`` into an exception that would lose the
    whole frontmatter; as a string, ``coerce_date`` reports just that date.
    """


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_OPEN = re.compile(r"\A---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.M)
_DAILY_NAME = re.compile(r"(?<!\d)(\d{4})[-_](\d{2})[-_](\d{2})(?!\d)")
_NESTED_DAILY = re.compile(r"(?<!\d)(\d{4})/(\d{2})/(\d{2})(?!\d)")

DATE_KEYS = ("date", "created")
TOPIC_KEYS = ("topic", "category", "categories")
TAG_KEYS = ("tags", "tag", "keywords")


@dataclass(frozen=True)
class FrontmatterSplit:
    """A file cut at its frontmatter. ``body_line`` is the 1-based line where the body starts."""

    frontmatter: str | None
    body: str
    body_offset: int
    body_line: int


@dataclass(frozen=True)
class NoteRead:
    """A note read from a file, with what was odd about the file (``file:line: message``)."""

    note: Note
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def split_frontmatter(text: str) -> FrontmatterSplit:
    """Split ``text`` into its YAML frontmatter block (if any) and the body."""
    opening = _OPEN.match(text)
    if opening:
        closing = _CLOSE.search(text, opening.end())
        if closing:
            body_offset = closing.end()
            return FrontmatterSplit(
                text[opening.end() : closing.start()],
                text[body_offset:],
                body_offset,
                text.count("\n", 0, body_offset) + 1,
            )
    return FrontmatterSplit(None, text, 0, 1)


def load_yaml_mapping(fm_text: str) -> dict[str, Any]:
    """Parse a frontmatter block; raises ``ValueError`` when it is not a YAML mapping."""
    try:
        data = yaml.load(fm_text, Loader=_Loader)  # a safe loader
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise ValueError(_yaml_problem(exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("frontmatter is not a mapping of keys to values")
    return {str(k): v for k, v in data.items()}


def _yaml_problem(exc: Exception) -> str:
    """One line saying what is wrong with some YAML, and where."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["invalid YAML"])[0]
    return f"{where}{problem}"


def date_from_path(rel_path: str) -> dt.date | None:
    """A date named by a file's path: ``2023-01-05.md``, ``2023_01_05.md``, ``2023/01/05.md``."""
    posix = PurePosixPath(rel_path)
    for pattern, text in ((_DAILY_NAME, posix.name), (_NESTED_DAILY, posix.as_posix())):
        match = pattern.search(text)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def coerce_date(value: Any, order: DateOrder = "dmy") -> dt.date | None:
    """Read a frontmatter date: a YAML date, an ISO-like string, or epoch milliseconds/seconds.

    Raises ``InvalidDate`` when the value is present but names no day.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise InvalidDate(f"'{value}' is not a date")
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise InvalidDate(f"'{value}' is not a date") from None
    text = str(value).strip()
    if text.isdigit():
        return coerce_date(int(text), order)
    found = match_date_prefix(text, order)
    if found is None:
        raise InvalidDate(f"'{text}' is not a date")
    if found.value is None:
        raise InvalidDate(found.error or f"'{text}' is not a date")
    return found.value


def coerce_tags(value: Any) -> tuple[str, ...]:
    """Read frontmatter tags given as a list, or as a string split on commas or spaces."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split(",") if "," in value else value.split()
        return normalize_tags(parts)
    if isinstance(value, list | tuple | set):
        return normalize_tags(str(item) for item in value if item is not None)
    return normalize_tags([str(value)])


def coerce_topic(value: Any) -> str | None:
    """Read a topic; a list (Jekyll ``categories``) becomes a path ``a/b``."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        parts = [str(v).strip() for v in value if v is not None and str(v).strip()]
        return "/".join(parts) or None
    text = str(value).strip()
    return text or None


def _first_key(metadata: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in metadata and metadata[key] not in (None, ""):
            return metadata[key]
    return None


def _coerce_source(value: Any) -> Source | None:
    if isinstance(value, dict) and value.get("path"):
        line = value.get("line")
        return Source(
            path=str(value["path"]),
            line=int(line) if isinstance(line, int) else None,
            key=str(value["key"]) if value.get("key") is not None else None,
            digest=str(value["digest"]) if value.get("digest") is not None else None,
            root=str(value["root"]) if value.get("root") is not None else None,
        )
    if isinstance(value, str) and value.strip():
        return Source(path=value.strip())
    return None


def read_note(text: str, rel_path: str, order: DateOrder = "dmy") -> NoteRead:
    """Read one note file's text. Never raises: oddities become warnings.

    ``rel_path`` is the file's path relative to the notes folder (POSIX
    separators); it names the file in warnings and supplies the id and date
    when the frontmatter does not.
    """
    warnings: list[str] = []
    split = split_frontmatter(text)
    metadata: dict[str, Any] = {}
    body = split.body
    if split.frontmatter is not None:
        try:
            metadata = load_yaml_mapping(split.frontmatter)
        except ValueError as exc:
            warnings.append(f"{rel_path}:1: broken frontmatter ({exc}); read as plain text")
            body = text
    stem = PurePosixPath(rel_path).stem
    raw_id = metadata.get("id")
    note_id = str(raw_id).strip() if raw_id not in (None, "") else slugify(stem or "note")

    title_value = metadata.get("title")
    title = clean_title(str(title_value)) if title_value not in (None, "") else ""
    if not title:
        title = derive_title(split.body) or clean_title(stem) or note_id

    date: dt.date | None = None
    raw_date = _first_key(metadata, DATE_KEYS)
    if raw_date is not None:
        try:
            date = coerce_date(raw_date, order)
        except InvalidDate as exc:
            warnings.append(f"{rel_path}:1: {exc}; the note is kept undated")
    if date is None and raw_date is None:
        date = date_from_path(rel_path)

    tags = coerce_tags(_first_key(metadata, TAG_KEYS)) + hashtag_tags(body)
    note = Note(
        id=note_id,
        title=title,
        date=date,
        topic=coerce_topic(_first_key(metadata, TOPIC_KEYS)),
        tags=tags,
        body=body,
        source=_coerce_source(metadata.get("source")),
    )
    return NoteRead(note, warnings, metadata)


def _dump(metadata: dict[str, Any]) -> str:
    dumped: str = yaml.dump(
        metadata,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=10**9,
    )
    return dumped


def frontmatter_of(note: Note) -> dict[str, Any]:
    """The canonical frontmatter mapping of a note, in the canonical key order."""
    metadata: dict[str, Any] = {"id": note.id, "title": note.title}
    if note.date is not None:
        metadata["date"] = note.date
    if note.topic:
        metadata["topic"] = note.topic
    metadata["tags"] = list(note.tags)
    if note.source is not None:
        source: dict[str, Any] = {"path": note.source.path}
        for key in ("line", "key", "digest", "root"):
            value = getattr(note.source, key)
            if value is not None:
                source[key] = value
        metadata["source"] = source
    return metadata


def render_note(note: Note, extra: dict[str, Any] | None = None) -> str:
    """The canonical file text for a note; ``extra`` keys follow the canonical ones."""
    metadata = frontmatter_of(note)
    for key, value in (extra or {}).items():
        metadata.setdefault(key, value)
    return f"---\n{_dump(metadata)}---\n{note.body}"


def set_frontmatter_key(text: str, key: str, value: Any) -> str:
    """Set one frontmatter key, leaving every other byte of the file as it was.

    An existing ``key: ...`` entry (including a block list under it) is
    replaced in place; a missing one is added at the end of the block; a file
    without frontmatter gets a block holding just this key. Raises
    ``ValueError`` when the frontmatter cannot be parsed.
    """
    new_entry = _dump({key: value})
    split = split_frontmatter(text)
    if split.frontmatter is None:
        return f"---\n{new_entry}---\n{text}"
    fm_start = _OPEN.match(text).end()  # type: ignore[union-attr]
    fm_text = split.frontmatter
    newline = "\r\n" if "\r\n" in fm_text else "\n"
    try:
        node = yaml.compose(fm_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ValueError(_yaml_problem(exc)) from None
    if node is None:
        return (
            text[:fm_start]
            + fm_text
            + new_entry.replace("\n", newline)
            + text[fm_start + len(fm_text) :]
        )
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("frontmatter is not a mapping of keys to values")
    for index, (key_node, value_node) in enumerate(node.value):
        if key_node.value != key:
            continue
        start = _line_start(fm_text, key_node.start_mark.index)
        if index + 1 < len(node.value):
            end = _line_start(fm_text, node.value[index + 1][0].start_mark.index)
        else:
            end = _line_end(fm_text, value_node.end_mark.index)
        replacement = new_entry.replace("\n", newline)
        new_fm = fm_text[:start] + replacement + fm_text[end:]
        return text[:fm_start] + new_fm + text[fm_start + len(fm_text) :]
    suffix = "" if fm_text.endswith("\n") or not fm_text else newline
    new_fm = fm_text + suffix + new_entry.replace("\n", newline)
    return text[:fm_start] + new_fm + text[fm_start + len(fm_text) :]


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """The offset just past the line holding ``index - 1`` (the end of a value)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline == -1 else newline + 1
