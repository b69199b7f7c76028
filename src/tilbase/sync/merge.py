"""Three-way merge of one note changed on two machines, and the conflict copy when it cannot.

Pure functions over file contents: the line merge itself (``git merge-file``)
is passed in, so this module never starts a process. A note is merged in two
parts. The frontmatter merges key by key (a key changed on one side takes
that side's value; ``tags`` changed on both sides merge as a set: what either
side added is kept, what either side removed goes). The body merges line by
line and succeeds only when the two sides' changes do not touch the same
lines. Anything else is a conflict, and the caller keeps both versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tilbase.frontmatter_split import load_yaml_mapping, split_frontmatter
from tilbase.model import slugify
from tilbase.notefile import set_frontmatter_key
from tilbase.notemeta import TAG_KEYS

__all__ = [
    "CONFLICT_FIELD",
    "LineMerge",
    "conflict_copy_text",
    "conflict_id",
    "conflict_notice",
    "merge_note",
    "merge_tag_lists",
    "with_notice",
]

#: A three-way line merge: (base, ours, theirs) -> merged text, or ``None`` when lines clash.
LineMerge = Callable[[str, str, str], "str | None"]

#: The frontmatter key naming the note a conflict copy was split from.
CONFLICT_FIELD = "conflict_of"

_MISSING: Any = object()


class _Clash(Exception):
    """Both sides changed the same thing differently."""


def merge_note(
    base: bytes | None, ours: bytes, theirs: bytes, merge_lines: LineMerge
) -> bytes | None:
    """The note merged from both sides' changes to ``base``, or ``None`` on a conflict.

    ``base`` is ``None`` when both sides added the note independently; then
    only identical text, or frontmatter differing only in tags, merges.
    """
    try:
        texts = [(base or b"").decode("utf-8"), ours.decode("utf-8"), theirs.decode("utf-8")]
    except UnicodeDecodeError:
        return None
    base_text, ours_text, theirs_text = texts
    base_split, ours_split, theirs_split = (split_frontmatter(t) for t in texts)
    try:
        body = _pick(base_split.body, ours_split.body, theirs_split.body)
    except _Clash:
        body = merge_lines(base_split.body, ours_split.body, theirs_split.body)
        if body is None:
            return None
    prefixes = [
        t[: s.body_offset]
        for t, s in zip(texts, (base_split, ours_split, theirs_split), strict=True)
    ]
    try:
        prefix = _pick(*prefixes)
    except _Clash:
        merged_prefix = _merge_frontmatter(
            base_split.frontmatter, ours_split.frontmatter, theirs_split.frontmatter, ours_text
        )
        if merged_prefix is None:
            return None
        prefix = merged_prefix
    del base_text, theirs_text
    return f"{prefix}{body}".encode()


def _pick(base: Any, ours: Any, theirs: Any) -> Any:
    """The side that changed, or either when both agree; ``_Clash`` when both changed."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    raise _Clash


def _merge_frontmatter(
    base_fm: str | None, ours_fm: str | None, theirs_fm: str | None, ours_text: str
) -> str | None:
    """Merge two frontmatter blocks key by key; the result keeps our block's layout."""
    if ours_fm is None or theirs_fm is None:
        return None
    try:
        base = load_yaml_mapping(base_fm) if base_fm is not None else {}
        ours = load_yaml_mapping(ours_fm)
        theirs = load_yaml_mapping(theirs_fm)
    except ValueError:
        return None
    text = ours_text
    try:
        for key in dict.fromkeys([*ours, *theirs, *base]):
            value = _merge_value(
                key, base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING)
            )
            if value is _MISSING:
                if key in ours:
                    return None  # removed on their side: no in-place removal; keep both
                continue
            if key not in ours or ours[key] != value:
                text = set_frontmatter_key(text, key, value)
    except (_Clash, ValueError):
        return None
    return text[: split_frontmatter(text).body_offset]


def _merge_value(key: str, base: Any, ours: Any, theirs: Any) -> Any:
    try:
        return _pick(base, ours, theirs)
    except _Clash:
        if key in TAG_KEYS and all(_is_tag_list(v) for v in (base, ours, theirs)):
            return merge_tag_lists(_as_list(base), _as_list(ours), _as_list(theirs))
        raise


def _is_tag_list(value: Any) -> bool:
    return value is _MISSING or value is None or isinstance(value, str | list)


def _as_list(value: Any) -> list[Any]:
    if value is _MISSING or value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


def merge_tag_lists(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """Tags as a set: what either side added stays, what either side removed goes.

    Our order first, then tags only the other side added, in its order.
    """
    merged = [t for t in ours if t in theirs or t not in base]
    merged += [t for t in theirs if t not in ours and t not in base]
    return list(dict.fromkeys(merged))


def conflict_id(note_id: str, host: str, day: dt.date) -> str:
    """The id of a conflict copy: ``<id>-conflict-<host>-<YYYY-MM-DD>``."""
    return f"{note_id}-conflict-{slugify(host, 40)}-{day.isoformat()}"


def conflict_notice(original_id: str, copy_id: str, host: str, day: dt.date) -> str:
    """The line appended to both versions of a conflicting note, naming both of them."""
    return (
        f"> til sync, {day.isoformat()}: this note was changed on two machines in the same "
        f"place. Both versions are kept: `{original_id}` (the version synced from the remote) "
        f"and `{copy_id}` (the version from {host}). Compare them with `til show`, keep what "
        "you want, and remove the other with `til rm`."
    )


def with_notice(text: str, notice: str) -> str:
    """``text`` with ``notice`` appended as a paragraph of its own (once)."""
    if notice in text:
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    return f"{text}\n{notice}\n" if text else f"{notice}\n"


def conflict_copy_text(ours: str, copy_id: str, original_id: str, notice: str) -> str:
    """Our version of a conflicting note, made into a note of its own.

    Its frontmatter ``id`` becomes ``copy_id`` and ``conflict_of`` names the
    original; when the frontmatter cannot be edited in place (it does not
    parse), it is left as it was and the file name still gives the copy its
    own place. The notice is appended to the body.
    """
    text = ours
    try:
        text = set_frontmatter_key(text, "id", copy_id)
        text = set_frontmatter_key(text, CONFLICT_FIELD, original_id)
    except ValueError:
        text = ours
    return with_notice(text, notice)
