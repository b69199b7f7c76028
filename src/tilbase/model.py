"""The note model: one frozen value type that every layer passes around.

Nothing here touches the disk, the index or the terminal. The invariants that
make a note safe to store live here: normalised tags, and ids that are always
safe, unique file names.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

__all__ = [
    "MAX_SLUG_LENGTH",
    "Note",
    "Source",
    "extract_links",
    "free_id",
    "is_safe_id",
    "make_id",
    "normalize_tag",
    "normalize_tags",
    "slugify",
    "unique_id",
    "usable_tags",
]

MAX_SLUG_LENGTH = 60

# Names that Windows refuses as file names whatever the extension.
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)

_SAFE_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_TAG_SEPARATORS = re.compile(r"[\s_\-]+")
_TAG_JUNK = re.compile(r"[^\w\-+.]")
_URL = re.compile(r"""https?://[^\s<>"'`()\[\]]+(?:\([^\s<>"'`()]*\)[^\s<>"'`()\[\]]*)*""")
_URL_TRAILING_PUNCTUATION = ".,;:!?*_~"


@dataclass(frozen=True)
class Source:
    """Where a note was read or imported from.

    ``path`` is relative to ``root``, the folder that was imported (written
    with ``~`` for the home folder), ``line`` is 1-based. ``key`` names the
    entry inside its source file (stable when entries are added above it) and
    ``digest`` is the fingerprint of the note as it was imported, so a later
    import can tell "changed at the source" from "edited in the KB".
    """

    path: str
    line: int | None = None
    key: str | None = None
    digest: str | None = None
    root: str | None = None


@dataclass(frozen=True)
class Note:
    """One note. ``tags`` are normalised on construction; ``links`` derive from the body."""

    id: str
    title: str
    date: dt.date | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()
    body: str = ""
    source: Source | None = None
    path: Path | None = field(default=None, compare=False)
    #: When the note was written (local time with its offset); ``None`` for older notes.
    created: dt.datetime | None = None

    def __post_init__(self) -> None:
        if isinstance(self.date, dt.datetime):
            object.__setattr__(self, "date", self.date.date())
        object.__setattr__(self, "tags", normalize_tags(self.tags))
        topic = self.topic.strip().strip("/") if self.topic else None
        object.__setattr__(self, "topic", topic or None)

    @cached_property
    def links(self) -> tuple[str, ...]:
        """The URLs found in the body, in order, without duplicates."""
        return extract_links(self.body)

    @property
    def fingerprint(self) -> str:
        """A short digest of what a person would call the note's content."""
        parts = [
            self.title,
            self.date.isoformat() if self.date else "",
            self.topic or "",
            ",".join(self.tags),
            self.body,
        ]
        import hashlib  # here: most commands never compare fingerprints

        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    def with_changes(self, **changes: object) -> Note:
        """Return a copy with some fields replaced (tags are normalised again)."""
        return replace(self, **changes)  # type: ignore[arg-type]


@lru_cache(maxsize=8192)
def normalize_tag(raw: str) -> str:
    """Normalise one tag: lower case, words joined by ``-``, no ``#``.

    ``Machine Learning``, ``#machine-learning`` and ``machine_learning`` all
    become ``machine-learning``. A ``/`` separates levels of a hierarchical
    tag (``Lang/Python`` -> ``lang/python``). Returns ``""`` when nothing
    usable is left.
    """
    segments = []
    for segment in raw.strip().lstrip("#").split("/"):
        text = unicodedata.normalize("NFKC", segment).casefold().strip()
        text = _TAG_SEPARATORS.sub("-", text)
        text = _TAG_JUNK.sub("", text).replace("_", "-")
        text = re.sub(r"-{2,}", "-", text).strip("-.")
        if text:
            segments.append(text)
    return "/".join(segments)


def normalize_tags(raw: Iterable[str] | str | None) -> tuple[str, ...]:
    """Normalise tags, dropping empty ones and duplicates while keeping order."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    seen: dict[str, None] = {}
    for item in raw:
        tag = normalize_tag(str(item))
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def usable_tags(raw: Iterable[str]) -> tuple[str, ...]:
    """Normalise tags a person typed, refusing any that normalise to nothing.

    ``normalize_tags`` quietly drops a tag like ``!!!`` or ``🎉``; where the
    person named the tag themselves (``til add -t``, ``til tag add``) that
    would lose it without a word, so it is an ``InvalidInput`` instead.
    """
    from tilbase.errors import InvalidInput

    tags = []
    for item in raw:
        tag = normalize_tag(item)
        if not tag:
            raise InvalidInput(
                f"'{item}' is not a usable tag (nothing is left after normalising)",
                "a tag needs a letter or a digit, e.g. -t python or -t lang/python",
            )
        tags.append(tag)
    return normalize_tags(tags)


#: Letters with no NFKD decomposition, spelled out so slugs keep them (``Straße`` -> strasse).
_SLUG_LETTERS = str.maketrans(
    {"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O"}
    | {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th"}
)


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Turn text into an ASCII slug of ``[a-z0-9-]``, cut at a word boundary.

    Returns ``"note"`` when the text has nothing an ASCII slug can keep (for
    example a title written only in CJK characters or emoji).
    """
    spelled = text.translate(_SLUG_LETTERS)  # letters NFKD cannot take apart
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        if slug[max_length] != "-" and "-" in cut:
            cut = cut.rsplit("-", 1)[0]  # do not end on half a word
        slug = cut.strip("-")
    if not slug:
        return "note"
    if slug in _WINDOWS_RESERVED:
        slug = f"{slug}-note"
    return slug


def make_id(title: str, date: dt.date | None) -> str:
    """The preferred id for a note: ``YYYY-MM-DD-slug``, or ``slug`` when undated."""
    slug = slugify(title)
    return f"{date.isoformat()}-{slug}" if date else slug


def unique_id(preferred: str, taken: Iterable[str]) -> str:
    """Return ``preferred``, or ``preferred-2``, ``-3``... whichever is not taken.

    Comparison ignores case, because notes are files and some file systems do.
    """
    return free_id(preferred, {t.casefold() for t in taken})


def free_id(preferred: str, taken_folded: Container[str]) -> str:
    """``unique_id`` against ids that are already case-folded.

    For callers that allocate many ids against one growing set (an import):
    folding a copy of the set for every id would make that quadratic.
    """
    if preferred.casefold() not in taken_folded:
        return preferred
    n = 2
    while f"{preferred}-{n}".casefold() in taken_folded:
        n += 1
    return f"{preferred}-{n}"


def is_safe_id(note_id: str) -> bool:
    """True when ``note_id`` can be used as a file name on every common OS."""
    return bool(_SAFE_ID.fullmatch(note_id)) and note_id not in _WINDOWS_RESERVED


def extract_links(body: str) -> tuple[str, ...]:
    """Find the http(s) URLs in a Markdown body, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(body):
        seen.setdefault(match.group(0).rstrip(_URL_TRAILING_PUNCTUATION), None)
    return tuple(seen)
