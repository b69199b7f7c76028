"""What a heading says and where its entry ends: shared by the heading-based styles.

A dated heading reads ``DATE Topic: Sub: Title (Tag) (Tag)``: the date comes
first, ``Topic: Sub:`` prefixes become the topic path ``Topic/Sub``, and
trailing ``(Word)`` groups become tags. Each entry's body is the exact text
from the line after its heading to the line before the next entry heading.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tilbase.dates import DateOrder, match_date_prefix
from tilbase.hashtags import find_hashtags, hashtag_tags
from tilbase.model import Note, Source, normalize_tags
from tilbase.notemeta import TAG_KEYS, TOPIC_KEYS, coerce_tags, coerce_topic, metadata_value
from tilbase.parse.base import ParseContext
from tilbase.parse.document import Document
from tilbase.text import clean_title, derive_title

__all__ = [
    "EntryHeading",
    "HeadingText",
    "KeyMaker",
    "build_entries",
    "entry_key",
    "file_defaults",
    "final_title",
    "key_group",
    "metadata_value",
    "notes_from_entries",
    "read_heading",
    "split_topic",
    "warn_dropped_frontmatter",
    "warn_preamble",
    "warn_unclosed_fence",
]

_SUFFIX_TAG = re.compile(r"\s*\((?P<tag>[^\W\d_][\w.+#-]{0,40})\)\s*$")
_TRAILING_HASHTAG = re.compile(r"\s+#[^\W\d_][\w/-]*\s*$")
_TOPIC_SEPARATOR = re.compile(r"\s*:\s+")
_LEADING_PUNCTUATION = re.compile(r"^[\s:\-–—|,.]+")
_KEY_JUNK = re.compile(r"[\W_]+")
_REPEAT_SUFFIX = re.compile(r"~(?P<n>[2-9]|[1-9]\d+)$")
_QUESTION_WORDS = frozenset(
    {"how", "what", "why", "when", "where", "which", "who", "whom", "whose", "is", "are", "can"}
    | {"could", "do", "does", "did", "should", "would", "will", "shall", "may", "might", "must"}
)
_MAX_TOPIC_WORDS = 5
_MAX_TOPIC_CHARS = 48
_MAX_KEY = 80
_FIXPOINT_ROUNDS = 5


@dataclass(frozen=True)
class HeadingText:
    """A heading read as an entry: its title, date (or why the date is wrong), topic and tags."""

    title: str
    date: dt.date | None = None
    date_raw: str | None = None
    date_error: str | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryHeading:
    """Where an entry starts: its heading lines ``start``..``end`` (0-based, end exclusive)."""

    start: int
    end: int
    text: HeadingText
    key_text: str


@lru_cache(maxsize=8192)
def final_title(text: str) -> str:
    """``clean_title`` until nothing changes, so a title reads back exactly as written."""
    title = clean_title(text)
    for _ in range(_FIXPOINT_ROUNDS):
        again = clean_title(title)
        if again == title:
            break
        title = again
    return title


def _split_suffix_tags(text: str) -> tuple[str, list[str]]:
    tags: list[str] = []
    while True:
        hashtag = _TRAILING_HASHTAG.search(text)
        if hashtag and hashtag.start() > 0:
            tags.insert(0, hashtag.group(0).strip())
            text = text[: hashtag.start()]
            continue
        match = _SUFFIX_TAG.search(text)
        if not match or match.start() == 0:
            return text.strip(), tags
        tags.insert(0, match.group("tag"))
        text = text[: match.start()]


def _is_topic(segment: str) -> bool:
    words = segment.split()
    return (
        0 < len(words) <= _MAX_TOPIC_WORDS
        and len(segment) <= _MAX_TOPIC_CHARS
        and not any(ch in segment for ch in "?!")
        and words[0].casefold() not in _QUESTION_WORDS
    )


def split_topic(text: str) -> tuple[str | None, str]:
    """``Topic: Sub: Title`` -> (``Topic/Sub``, ``Title``); text without such prefixes is kept."""
    parts = _TOPIC_SEPARATOR.split(text)
    topics: list[str] = []
    while len(parts) - len(topics) > 1 and _is_topic(parts[len(topics)]):
        topics.append(parts[len(topics)].strip().replace("/", "-"))
    if not topics:
        return None, text
    rest = ": ".join(parts[len(topics) :]).strip()
    return "/".join(topics), rest


def read_heading(raw: str, order: DateOrder, *, dated: bool, topics: bool) -> HeadingText:
    """Read a heading's raw text: a leading date when ``dated``, topic prefixes when ``topics``."""
    text = final_title(raw)
    date = None
    date_raw = date_error = None
    if dated:
        found = match_date_prefix(text, order)
        if found is not None:
            date, date_raw, date_error = found.value, found.raw, found.error
            text = _LEADING_PUNCTUATION.sub("", text[found.end :])
    text, tags = _split_suffix_tags(text)
    topic = None
    if topics:
        topic, text = split_topic(text)
    title = text.rstrip(" :").strip() if text.rstrip(" :") else text.strip()
    return HeadingText(
        title=final_title(title),
        date=date,
        date_raw=date_raw,
        date_error=date_error,
        topic=topic,
        tags=normalize_tags(tags),
    )


def entry_key(text: str) -> str:
    """A stable key for an entry from its heading: lower case words joined by ``-``."""
    key = _KEY_JUNK.sub("-", final_title(text).casefold()).strip("-")
    return key[:_MAX_KEY].rstrip("-") or "entry"


class KeyMaker:
    """Gives repeated keys an occurrence number: ``k``, ``k~2``, ``k~3``...

    The number is only a position among entries with the same heading, so it
    changes when one of them is added or removed above another: see ``key_group``.
    """

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def __call__(self, key: str) -> str:
        self._seen[key] += 1
        count = self._seen[key]
        return key if count == 1 else f"{key}~{count}"


def key_group(key: str) -> str:
    """The key without ``KeyMaker``'s occurrence number: ``k~2`` -> ``k`` (``k`` stays ``k``).

    ``entry_key`` allows only letters, digits and ``-``, so such a suffix is
    always an occurrence number. (An export marker's id could end in ``~N``;
    it is then taken for a repeat, which only makes matching more careful.)
    """
    match = _REPEAT_SUFFIX.search(key)
    return key[: match.start()] if match else key


def file_defaults(doc: Document) -> tuple[str | None, tuple[str, ...]]:
    """The topic and tags a multi-entry file's frontmatter gives every entry."""
    metadata = doc.metadata or {}
    topic = next((metadata[k] for k in TOPIC_KEYS if metadata.get(k) not in (None, "")), None)
    tags = next((metadata[k] for k in TAG_KEYS if metadata.get(k) not in (None, "")), None)
    return coerce_topic(topic), coerce_tags(tags)


def warn_dropped_frontmatter(doc: Document, ctx: ParseContext, entries: int) -> None:
    """Say which frontmatter keys of a split file are not carried into its notes."""
    if doc.frontmatter_error:
        ctx.warn(1, f"broken frontmatter ({doc.frontmatter_error}); read as text")
    used = {*TOPIC_KEYS, *TAG_KEYS}
    dropped = [k for k in (doc.metadata or {}) if k not in used]
    if dropped and entries:
        names = ", ".join(dropped)
        ctx.warn(1, f"frontmatter keys not kept (the file was split into {entries} notes): {names}")


def warn_preamble(doc: Document, ctx: ParseContext, first_entry: int) -> None:
    """Warn when text before the first entry (a title heading included; rules and blank
    lines are not text) is not imported: the warning names its first line and the entry's."""
    start = doc.body_line
    content = [
        i
        for i in range(start, first_entry)
        if doc.lines[i].strip() and not set(doc.lines[i].strip()) <= set("-*_=# ")
    ]
    if content:
        ctx.warn(
            content[0] + 1,
            f"{_lines(len(content))} of text before the first entry (line {first_entry + 1}) "
            f"{'is' if len(content) == 1 else 'are'} not part of any note",
        )


def _lines(count: int) -> str:
    return "1 line" if count == 1 else f"{count} lines"


def warn_unclosed_fence(doc: Document, ctx: ParseContext) -> None:
    """Warn when an unclosed code fence hides the rest of the file from entry splitting."""
    fence = doc.unclosed_fence()
    if fence is not None:
        ctx.warn(
            fence.start + 1,
            "code fence is never closed; the rest of the file is read as code "
            "and is not split into entries",
        )


def notes_from_entries(
    doc: Document, ctx: ParseContext, entries: Sequence[EntryHeading]
) -> list[Note]:
    """The usual end of a splitting style: warn about what lies outside the entries
    (frontmatter, a preamble, an unclosed fence), then one note per entry."""
    if not entries:
        return []
    warn_dropped_frontmatter(doc, ctx, len(entries))
    warn_preamble(doc, ctx, entries[0].start)
    warn_unclosed_fence(doc, ctx)
    topic, tags = file_defaults(doc)
    return build_entries(doc, ctx, entries, default_topic=topic, default_tags=tags)


def build_entries(
    doc: Document,
    ctx: ParseContext,
    headings: Sequence[EntryHeading],
    *,
    default_topic: str | None = None,
    default_tags: tuple[str, ...] = (),
) -> list[Note]:
    """Cut the document at ``headings`` and make one note per entry."""
    notes: list[Note] = []
    keys = KeyMaker()
    for index, heading in enumerate(headings):
        end = headings[index + 1].start if index + 1 < len(headings) else len(doc.lines)
        body = doc.slice(heading.end, end)
        info = heading.text
        line = heading.start + 1
        if info.date_error:
            ctx.warn(line, f"{info.date_error}; the entry is kept undated")
        title = info.title or derive_title(body) or info.date_raw or "Untitled"
        tags = (*info.tags, *default_tags, *_heading_hashtags(heading, doc), *hashtag_tags(body))
        notes.append(
            Note(
                id="",
                title=final_title(title) or "Untitled",
                date=info.date,
                topic=info.topic or default_topic,
                tags=tuple(tags),
                body=body,
                source=Source(path=ctx.rel_path, line=line, key=keys(entry_key(heading.key_text))),
            )
        )
    return notes


def _heading_hashtags(heading: EntryHeading, doc: Document) -> list[str]:
    text = doc.slice(heading.start, heading.end)
    return [h.raw for h in find_hashtags(text)]
