"""Choosing notes by metadata: the filters shared by search, log and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from tilbase.model import Note, normalize_tag

__all__ = ["NoteFilter", "tag_matches", "topic_matches"]


def tag_matches(wanted: str, tags: Iterable[str]) -> bool:
    """True when a tag equals ``wanted`` or is below it (``lang`` matches ``lang/python``)."""
    wanted = normalize_tag(wanted)
    return any(tag == wanted or tag.startswith(wanted + "/") for tag in tags)


def topic_matches(wanted: str, topic: str | None) -> bool:
    """True when the topic equals ``wanted`` or is below it, ignoring case.

    ``leadership`` matches ``Leadership``; ``vision model`` matches
    ``Vision Model/Pretraining``.
    """
    if not topic:
        return False
    wanted_folded = wanted.strip().strip("/").casefold()
    folded = topic.casefold()
    return bool(wanted_folded) and (
        folded == wanted_folded or folded.startswith(wanted_folded + "/")
    )


@dataclass(frozen=True)
class NoteFilter:
    """What a person asked for: a free-text query plus metadata filters.

    Every given filter must hold (AND); several ``tags`` must all be present.
    Date bounds are inclusive and leave undated notes out.
    """

    query: str | None = None
    tags: tuple[str, ...] = field(default=())
    topic: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def matches_metadata(self, note: Note) -> bool:
        """True when ``note`` passes every filter except the free-text query."""
        if any(not tag_matches(tag, note.tags) for tag in self.tags):
            return False
        if self.topic and not topic_matches(self.topic, note.topic):
            return False
        if self.since or self.until:
            if note.date is None:
                return False
            if self.since and note.date < self.since:
                return False
            if self.until and note.date > self.until:
                return False
        return True
