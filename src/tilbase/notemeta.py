"""Frontmatter metadata -> note fields: the one reading of ``date``, ``tags``, ``topic``...

Used by the store (``notefile.read_note``), the importer's styles (``tilbase.parse``)
and tag edits alike, so a file means the same wherever it is read.

A frontmatter date that names no day (``date: 2023-02-30``) is a warning, and
the date in the file's name (``2023-01-05.md``) is used instead; a note whose
name has no date is kept undated. That is what ``til import`` always did; the
store now reads such a file the same way (``frontmatter_date``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any

from tilbase.dates import DateOrder, InvalidDate, match_date_prefix
from tilbase.hashtags import hashtag_tags
from tilbase.model import Source, normalize_tags, slugify

__all__ = [
    "DAILY_DATE",
    "DATE_KEYS",
    "TAG_KEYS",
    "TOPIC_KEYS",
    "coerce_created",
    "coerce_date",
    "coerce_source",
    "coerce_tags",
    "coerce_topic",
    "date_from_path",
    "frontmatter_date",
    "frontmatter_tags",
    "id_from_path",
    "id_problem",
    "metadata_value",
    "note_tags",
]

#: The one pattern of a date in a daily file's name: ``2023-01-05``, ``2023_01_05``.
DAILY_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})[-_](?P<m>\d{2})[-_](?P<d>\d{2})(?!\d)")
_NESTED_DAILY = re.compile(r"(?<!\d)(\d{4})/(\d{2})/(\d{2})(?!\d)")

DATE_KEYS = ("date", "created")
TOPIC_KEYS = ("topic", "category", "categories")
TAG_KEYS = ("tags", "tag", "keywords")

# Numbers read as dates: YYYYMMDD, or epoch seconds / milliseconds from 2001 and 1973 on.
_YYYYMMDD_MIN, _YYYYMMDD_MAX = 10_000_000, 99_999_999
_EPOCH_S_MIN = 1_000_000_000
_EPOCH_MS_MIN = 100_000_000_000


def date_from_path(rel_path: str) -> dt.date | None:
    """A date named by a file's path: ``2023-01-05.md``, ``2023_01_05.md``, ``2023/01/05.md``."""
    posix = PurePosixPath(rel_path)
    for pattern, text in ((DAILY_DATE, posix.name), (_NESTED_DAILY, posix.as_posix())):
        match = pattern.search(text)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def id_from_path(rel_path: str) -> str:
    """The id a file without an ``id`` key gets: its name, or its date for a nested daily file.

    ``notes/2023/01/05.md`` is the daily note ``2023-01-05`` (not ``05``, which
    every month's fifth day would share); other files take their slugified name.
    """
    posix = PurePosixPath(rel_path)
    match = _NESTED_DAILY.search(posix.with_suffix("").as_posix())
    if match and match.end() == len(posix.with_suffix("").as_posix()):
        day = date_from_path(rel_path)
        if day is not None:
            return day.isoformat()
    return slugify(posix.stem or "note")


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
    return coerce_tags(metadata_value(metadata, TAG_KEYS))


def note_tags(metadata: dict[str, Any], body: str) -> tuple[str, ...]:
    """A note's tags: its frontmatter tags, then the inline ``#hashtags`` of its body."""
    return normalize_tags((*frontmatter_tags(metadata), *hashtag_tags(body)))


def metadata_value(metadata: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first of ``keys`` that the frontmatter gives a non-empty value."""
    for key in keys:
        if metadata.get(key) not in (None, ""):
            return metadata[key]
    return None


def coerce_source(value: Any) -> Source | None:
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


def frontmatter_date(
    metadata: dict[str, Any], rel_path: str, order: DateOrder = "dmy"
) -> tuple[dt.date | None, str | None]:
    """A note's date and, when the frontmatter's date is not a day, a warning saying so.

    The first non-empty of ``date``, ``created``; without one, the date in the
    file's name. A bad frontmatter date falls back to the name's date too.
    """
    name_date = date_from_path(rel_path)
    for key in DATE_KEYS:
        value = metadata.get(key)
        if value in (None, ""):
            continue
        try:
            return coerce_date(value, order), None
        except InvalidDate as exc:
            if name_date is not None:
                return name_date, f"{key}: {exc}; using {name_date.isoformat()} from the file name"
            return None, f"{key}: {exc}; the note is kept undated"
    return name_date, None


def coerce_created(value: Any) -> dt.datetime | None:
    """A frontmatter ``created`` timestamp (``2026-12-01T09:41:07+01:00``), or ``None``.

    A bare date or anything unreadable is ``None``: ``created`` only orders
    notes of the same day, so a wrong value is dropped rather than warned about.
    """
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed
    return None


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
