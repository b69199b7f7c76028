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
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml

from tilbase.dates import DateOrder
from tilbase.frontmatter_split import YAML_OPEN as _OPEN
from tilbase.frontmatter_split import (
    FrontmatterSplit,
    load_yaml_mapping,
    split_frontmatter,
)
from tilbase.frontmatter_split import YamlLoader as _Loader
from tilbase.frontmatter_split import yaml_problem as _yaml_problem
from tilbase.model import Note
from tilbase.notemeta import (
    TOPIC_KEYS,
    coerce_created,
    coerce_source,
    coerce_topic,
    date_from_path,
    frontmatter_date,
    frontmatter_tags,
    id_from_path,
    id_problem,
    metadata_value,
    note_tags,
)
from tilbase.text import clean_title, derive_title

# The codec's low level lives in frontmatter_split; its names are re-exported here.
__all__ = [
    "FrontmatterSplit",
    "NoteRead",
    "date_from_path",
    "frontmatter_tags",
    "id_problem",
    "load_frontmatter",
    "load_yaml_mapping",
    "note_tags",
    "read_note",
    "render_note",
    "set_frontmatter_key",
    "split_frontmatter",
]


def _represent_timestamp(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    """``created: 2026-12-01T09:41:07+01:00``: ISO 8601 with a ``T``, unquoted."""
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The C dumper when present, writing timestamps as ISO 8601."""


class _PureDumper(yaml.SafeDumper):
    """The pure-Python dumper (keeps emoji as written), writing timestamps as ISO 8601."""


for _dumper_class in (_FastDumper, _PureDumper):
    _dumper_class.add_representer(dt.datetime, _represent_timestamp)

_Dumper: type[yaml.SafeDumper] = _FastDumper


@dataclass(frozen=True)
class NoteRead:
    """A note read from a file, with what was odd about the file (``file:line: message``)."""

    note: Note
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


#: What each frontmatter format opens and closes with (a file is split at these, exactly).
def load_frontmatter(split: FrontmatterSplit) -> dict[str, Any]:
    """The metadata of a split file's frontmatter ({} without one).

    Read by python-frontmatter's handler for the format (TOML through the
    standard library's ``tomllib``, YAML through this module's loader, which
    keeps dates as text). Zola's ``[taxonomies]`` tags and categories become
    ``tags`` and ``categories``. Raises ``ValueError`` (one line) when the block
    is not a mapping in its format.
    """
    if split.frontmatter is None or split.format is None:
        return {}
    from tilbase.frontmatter_handlers import handler_for

    metadata = handler_for(split.format).load(split.frontmatter)
    return _lift_taxonomies(metadata)


def _lift_taxonomies(metadata: dict[str, Any]) -> dict[str, Any]:
    taxonomies = metadata.get("taxonomies")
    if not isinstance(taxonomies, dict):
        return metadata
    lifted = dict(metadata)
    rest = dict(taxonomies)
    for key in ("tags", "categories"):
        if key in rest and lifted.get(key) in (None, "", []):
            lifted[key] = rest.pop(key)
    if rest:
        lifted["taxonomies"] = rest
    else:
        del lifted["taxonomies"]
    return lifted


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
            metadata = load_frontmatter(split)
        except ValueError as exc:
            warnings.append(f"{rel_path}:1: broken frontmatter ({exc}); read as plain text")
            body = text
    stem = PurePosixPath(rel_path).stem
    note_id = id_from_path(rel_path)
    if "id" in metadata:
        problem = id_problem(metadata["id"])
        if problem is None:
            note_id = str(metadata["id"])
        else:
            warnings.append(
                f"{rel_path}:1: the frontmatter id {_shown_value(metadata['id'])} {problem}; "
                f"using '{note_id}' (from the file name)"
            )

    title_value = metadata.get("title")
    title = clean_title(str(title_value)) if title_value not in (None, "") else ""
    if not title:
        title = derive_title(split.body) or clean_title(stem) or note_id

    date, date_problem = frontmatter_date(metadata, rel_path, order)
    if date_problem is not None:
        warnings.append(f"{rel_path}:1: {date_problem}")

    tags = note_tags(metadata, body)
    note = Note(
        id=note_id,
        title=title,
        date=date,
        topic=coerce_topic(metadata_value(metadata, TOPIC_KEYS)),
        tags=tags,
        body=body,
        source=coerce_source(metadata.get("source")),
        created=coerce_created(metadata.get("created")),
    )
    return NoteRead(note, warnings, metadata)


def _shown_value(value: Any) -> str:
    shown = repr(value) if isinstance(value, str) else _dump(value).strip().removesuffix("...")
    shown = shown.strip().replace("\n", " ")
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _dump(metadata: dict[str, Any]) -> str:
    """YAML for a frontmatter mapping, with every character written as itself.

    libyaml's C emitter escapes characters outside the Basic Multilingual
    Plane (emoji become ``"\\U0001F389"``) even with ``allow_unicode``; when
    it did, the pure-Python emitter, which writes them as they are, dumps
    the mapping again. Most notes never need it, so writing stays fast.
    """
    dumped = _dump_with(metadata, _Dumper)
    if "\\U" in dumped:
        dumped = _dump_with(metadata, _PureDumper)
    return dumped


def _dump_with(metadata: dict[str, Any], dumper: type[yaml.SafeDumper]) -> str:
    dumped: str = yaml.dump(
        metadata,
        Dumper=dumper,
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
    if note.created is not None:
        metadata["created"] = note.created
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
    replaced in place; comment lines after it, and a comment at the end of
    its last line, are kept. A missing key is added at the end of the block;
    a file without frontmatter gets a block holding just this key.

    Raises ``ValueError`` (one line, saying why) rather than guess when an
    in-place edit could change or lose something: the frontmatter does not
    parse, is not a one-key-per-line (block) mapping starting at column 0,
    sets ``key`` more than once, or the entry holds a YAML anchor or alias
    or a comment inside its value.
    """
    new_entry = _dump({key: value})
    if new_entry.startswith("{"):  # a scalar value: PyYAML chose a one-line {key: value} flow
        new_entry = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, width=10**9)
    split = split_frontmatter(text)
    if split.frontmatter is None:
        return f"---\n{new_entry}---\n{text}"
    if split.format != "yaml":
        # TOML / JSON frontmatter is rewritten as YAML, tilbase's one written format.
        metadata = load_frontmatter(split)
        metadata[key] = value
        return f"---\n{_dump(metadata)}---\n{split.body}"
    fm_start = _OPEN.match(text).end()  # type: ignore[union-attr]
    fm_text = split.frontmatter
    newline = "\r\n" if "\r\n" in fm_text else "\n"
    new_entry = new_entry.replace("\n", newline)
    try:
        node = yaml.compose(fm_text, Loader=_Loader)
        tokens = list(yaml.scan(fm_text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise ValueError(f"the frontmatter is broken ({_yaml_problem(exc)})") from None
    if node is not None:
        _check_editable(node, key)
        pairs = node.value
        for index, (key_node, _value_node) in enumerate(pairs):
            if key_node.value != key:
                continue
            start = _line_start(fm_text, key_node.start_mark.index)
            limit = (
                _line_start(fm_text, pairs[index + 1][0].start_mark.index)
                if index + 1 < len(pairs)
                else len(fm_text)
            )
            new_fm = fm_text[:start] + _replace_entry(fm_text, start, limit, tokens, key, new_entry)
            return text[:fm_start] + new_fm + text[fm_start + len(fm_text) :]
    suffix = "" if fm_text.endswith("\n") or not fm_text else newline
    return text[:fm_start] + fm_text + suffix + new_entry + text[fm_start + len(fm_text) :]


def _check_editable(node: yaml.Node, key: str) -> None:
    """Refuse frontmatter whose layout an in-place edit of ``key`` could break."""
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("the frontmatter is not a mapping of keys to values")
    if node.flow_style:
        raise ValueError(
            "the frontmatter is written as a {...} flow mapping; tilbase edits only "
            "one-key-per-line frontmatter in place"
        )
    if node.start_mark.column != 0:
        raise ValueError(
            "the frontmatter's keys are indented; only keys at the start of a line "
            "are edited in place"
        )
    count = sum(1 for key_node, _ in node.value if key_node.value == key)
    if count > 1:
        raise ValueError(f"'{key}' is set {count} times in the frontmatter")


def _replace_entry(
    fm_text: str, start: int, limit: int, tokens: list[yaml.Token], key: str, new_entry: str
) -> str:
    """The frontmatter from ``start`` on, with the entry that starts there replaced.

    The entry's value ends where its last token ends: comment and blank lines
    after that (up to ``limit``, the next key) stay, as does a comment at the
    end of that line.
    """
    inside = [
        t
        for t in tokens
        if t.start_mark.index >= start
        and t.end_mark.index <= limit
        and t.end_mark.index > t.start_mark.index
    ]
    value_end = max((t.end_mark.index for t in inside), default=limit)
    line = fm_text.count("\n", 0, start) + 2  # +1 for 1-based, +1 for the opening ---
    for token in inside:
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            raise ValueError(
                f"line {line}: '{key}' uses a YAML anchor or alias "
                f"({fm_text[token.start_mark.index : token.end_mark.index]}) "
                "that an edit would break"
            )
    masked = list(fm_text[start:value_end])
    for token in inside:
        for i in range(token.start_mark.index - start, token.end_mark.index - start):
            masked[i] = " "
    if "#" in masked:
        comment_line = line + "".join(masked).count("\n", 0, masked.index("#"))
        raise ValueError(f"line {comment_line}: a comment inside the '{key}' value would be lost")
    if fm_text[value_end - 1 : value_end] == "\n":  # a block scalar ends with its newline
        line_end = value_end
    else:
        line_end = fm_text.find("\n", value_end)
        line_end = len(fm_text) if line_end == -1 else line_end + 1
    rest = fm_text[value_end:line_end]
    if rest.strip():  # a comment after the value, on its last line: keep it
        kept_newline = rest[len(rest.rstrip("\r\n")) :]
        entry_newline = new_entry[len(new_entry.rstrip("\r\n")) :]
        new_entry = new_entry.rstrip("\r\n") + rest.rstrip("\r\n") + (kept_newline or entry_newline)
    return new_entry + fm_text[line_end:]


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1
