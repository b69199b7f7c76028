"""Shell completion of note ids, tags and topics (bash, zsh, fish) through Click's machinery.

Each ``complete_*`` function is a Typer ``autocompletion`` callback:
``typer.Argument(autocompletion=complete_note_id)``. Typer calls it when the
shell asks (``_TIL_COMPLETE=complete_bash`` and friends, set by the script
``til --install-completion`` installs) with the command line parsed so far;
the KB is the one the command line names (``--config``), else the usual
search. A completion must answer quickly and never fail: any problem (no KB,
a broken config, an unreadable folder) gives no candidates rather than an
error in the middle of someone's typing.

Candidates are ``(value, help)`` pairs: zsh and fish show the help (a
note's title, a tag's count), bash shows the values. Only values that start
with what was typed are offered (Typer keeps only those, and zsh would drop
the others); ids come newest first, so ``til show 2<TAB>`` lists recent notes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer  # noqa: TID251

if TYPE_CHECKING:
    from tilbase.model import Note

__all__ = [
    "complete_note_id",
    "complete_tag",
    "complete_topic",
    "note_id_candidates",
    "tag_candidates",
    "topic_candidates",
]

Candidate = tuple[str, str]
#: At most this many candidates: more is no help on a screen.
MAX_CANDIDATES = 200


def note_id_candidates(notes: Iterable[Note], incomplete: str) -> list[Candidate]:
    """``(id, title)`` for the ids starting with ``incomplete``, newest first."""
    from tilbase.kb import sort_newest_first

    found = [n for n in sort_newest_first(notes) if n.id.startswith(incomplete)]
    return [(note.id, _one_line(note.title)) for note in found[:MAX_CANDIDATES]]


def tag_candidates(notes: Iterable[Note], incomplete: str) -> list[Candidate]:
    """``(tag, "N notes")`` for tags starting with ``incomplete``, most used first."""
    counts: Counter[str] = Counter()
    for note in notes:
        counts.update(set(note.tags))
    wanted = incomplete.lstrip("#")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(tag, _count_text(count)) for tag, count in ranked if tag.startswith(wanted)][
        :MAX_CANDIDATES
    ]


def topic_candidates(notes: Iterable[Note], incomplete: str) -> list[Candidate]:
    """``(topic, "N notes")`` for topics starting with ``incomplete``, most used first."""
    counts: Counter[str] = Counter(note.topic for note in notes if note.topic)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(topic, _count_text(count)) for topic, count in ranked if topic.startswith(incomplete)][
        :MAX_CANDIDATES
    ]


def _one_line(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count_text(count: int) -> str:
    return f"{count} note{'' if count == 1 else 's'}"


def _config_path(ctx: Any) -> Path | None:
    """The ``--config`` given on the command line being completed, if any."""
    root = ctx.find_root() if ctx is not None else None
    value = root.params.get("config") if root is not None else None
    return Path(value) if value else None


def _notes(ctx: Any) -> list[Note]:
    from tilbase.kb import KnowledgeBase

    # ``log`` answers from the catalog: ids, titles, dates, tags and topics, no file read.
    return KnowledgeBase.open(_config_path(ctx)).log()


def _safely(ctx: Any, incomplete: str | None, pick: Any) -> list[Candidate]:
    try:
        return list(pick(_notes(ctx), incomplete or ""))
    except Exception:  # a completion never fails in the middle of someone's typing
        return []


def complete_note_id(ctx: typer.Context, incomplete: str) -> list[Candidate]:
    """Typer ``autocompletion`` for an ID argument."""
    return _safely(ctx, incomplete, note_id_candidates)


def complete_tag(ctx: typer.Context, incomplete: str) -> list[Candidate]:
    """Typer ``autocompletion`` for a tag (``--tag``, ``tag add ID TAG``)."""
    return _safely(ctx, incomplete, tag_candidates)


def complete_topic(ctx: typer.Context, incomplete: str) -> list[Candidate]:
    """Typer ``autocompletion`` for ``--topic``."""
    return _safely(ctx, incomplete, topic_candidates)
