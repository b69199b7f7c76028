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
import unicodedata
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
    "frontmatter_tags",
    "id_problem",
    "note_tags",
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

# Numbers read as dates: YYYYMMDD, or epoch seconds / milliseconds from 2001 and 1973 on.
_YYYYMMDD_MIN, _YYYYMMDD_MAX = 10_000_000, 99_999_999
_EPOCH_S_MIN = 1_000_000_000
_EPOCH_MS_MIN = 100_000_000_000


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
    """Read a frontmatter date: a YAML date, an ISO-like string, or a number.

    A number is read only when it can mean one day: ``20230214`` (8 digits,
    a valid ``YYYYMMDD``), epoch seconds from 1e9 (September 2001) or epoch
    milliseconds from 1e11. Anything else (``2023``, ``0``) names no day, so
    ``InvalidDate`` is raised rather than a date invented.
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
        return _date_from_number(value)
    text = str(value).strip()
    if text.isdigit():
        return coerce_date(int(text), order)
    found = match_date_prefix(text, order)
    if found is None:
        raise InvalidDate(f"'{text}' is not a date")
    if found.value is None:
        raise InvalidDate(found.error or f"'{text}' is not a date")
    return found.value


def _date_from_number(value: float) -> dt.date:
    if isinstance(value, int) and _YYYYMMDD_MIN <= value <= _YYYYMMDD_MAX:
        try:
            return dt.date(value // 10000, value // 100 % 100, value % 100)
        except ValueError:
            raise InvalidDate(f"'{value}' is not a date (read as YYYYMMDD)") from None
    if value >= _EPOCH_MS_MIN:
        seconds = value / 1000
    elif value >= _EPOCH_S_MIN:
        seconds = value
    else:
        raise InvalidDate(f"'{value}' is not a date")
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        raise InvalidDate(f"'{value}' is not a date") from None


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


def frontmatter_tags(metadata: dict[str, Any]) -> tuple[str, ...]:
    """A frontmatter mapping's tags: the first non-empty of ``tags``, ``tag``, ``keywords``."""
    return coerce_tags(_first_key(metadata, TAG_KEYS))


def note_tags(metadata: dict[str, Any], body: str) -> tuple[str, ...]:
    """A note's tags: its frontmatter tags, then the inline ``#hashtags`` of its body."""
    return normalize_tags((*frontmatter_tags(metadata), *hashtag_tags(body)))


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
    note_id = slugify(stem or "note")
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

    date: dt.date | None = None
    raw_date = _first_key(metadata, DATE_KEYS)
    if raw_date is not None:
        try:
            date = coerce_date(raw_date, order)
        except InvalidDate as exc:
            warnings.append(f"{rel_path}:1: {exc}; the note is kept undated")
    if date is None and raw_date is None:
        date = date_from_path(rel_path)

    tags = note_tags(metadata, body)
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


def id_problem(value: Any) -> str | None:
    """Why a frontmatter ``id`` value cannot be a note's id, or None when it can.

    An id names the note on the command line and in links, so it must be a
    single string or integer, not empty, without ``/``, ``\\`` or control
    characters, and without spaces at either end.
    """
    if value is None:
        return "is empty"
    if isinstance(value, bool) or not isinstance(value, str | int):
        return "is not a single text value"
    text = str(value)
    if not text:
        return "is empty"
    if text.strip(".") == "":
        return "is only dots"
    if "/" in text or "\\" in text:
        return "contains a slash"
    if any(unicodedata.category(char) == "Cc" for char in text):
        return "contains a control character"
    if text != text.strip():
        return "starts or ends with a space"
    return None


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
    if "\\U" in dumped and _Dumper is not yaml.SafeDumper:
        dumped = _dump_with(metadata, yaml.SafeDumper)
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
    split = split_frontmatter(text)
    if split.frontmatter is None:
        return f"---\n{new_entry}---\n{text}"
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
