"""BM25F weighting: one field holding a note's title, topic, tags and body, with weights.

Searching each field on its own and adding (or taking the best of) the
per-field BM25 scores counts a word's IDF and saturation once per field. True
BM25F, like SQLite FTS5's ``bm25()`` with column weights, adds the word's
weighted counts first (title x2, topic and tags x1.5, body x1) and saturates
that sum once, under one IDF. ``weighted_text`` builds the text of that one
field: each part is preceded by a marker that sets the boost of its tokens
(see ``tilbase.index.analysis``), and the index stores the boosted count as each
posting's weight, which Whoosh's BM25 uses as the term frequency.

Words inside fenced code blocks (``` or ~~~) count ``CODE_WEIGHT`` times as
much as the body's prose: a note that says a word outranks one whose code
merely uses it (``git``, ``import``, ``select`` are in a great deal of code).
The code still counts toward the body's length, so a long listing makes the
prose's words count less too, as any long body does.

The proximity bonus (``tilbase.query.scoring``) searches this field too.
This module imports no Whoosh: the index's analyzer (``tilbase.index.analysis``)
reads the markers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "CODE_WEIGHT",
    "FIELD_MARK",
    "FIELD_WEIGHTS",
    "SEARCH_FIELD",
    "split_code",
    "weighted_text",
]

#: Starts and ends a part's weight marker in weighted text: ``FIELD_MARK + "2" + FIELD_MARK``.
FIELD_MARK = "\x1d"
#: The field free words are searched in.
SEARCH_FIELD = "all"
#: How much one occurrence of a word counts in each part of a note.
FIELD_WEIGHTS: dict[str, float] = {"title": 2.0, "topic": 1.5, "tags": 1.5, "body": 1.0}
#: Normalise each part by its own length (BM25F proper) instead of the note's whole length.
PER_FIELD_LENGTH = True
#: Length normalisation strength per part (BM25's b) and the length that counts as typical.
LENGTH_B: dict[str, float] = {"title": 0.5, "topic": 0.0, "tags": 0.0, "body": 0.75}
REFERENCE_LENGTH: dict[str, float] = {"title": 6.0, "topic": 2.0, "tags": 3.0, "body": 200.0}
#: The smallest length divisor: a part shorter than typical gains weight, as in BM25, but at
#: most 2x, so a two-line body does not outweigh a title holding the word (1.0: no gain;
#: 0.5 measured +1 top-1 and +1 top-3 on jbranchaud dev, +1 top-1 on flancian dev, test equal).
SHORTEST_NORM = 0.5
#: How much a word in a fenced code block counts, relative to the body's prose (1.0: the same).
#: Measured on the dev splits with 0.2, 0.3 and 0.5 (docs/search.md); 0.3 is kept.
CODE_WEIGHT = 0.3
#: A fence line: ``` or ~~~ (three or more), after indentation, ``>`` or one list marker
#: (Logseq and Obsidian put code inside bullets); what follows is the info string.
_FENCE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(`{3,}|~{3,})(.*)$")
_WORDS = re.compile(r"\w+")
#: BM25's b for the weighted field as a whole: none left when the parts are normalised.
SEARCH_FIELD_B = 0.0 if PER_FIELD_LENGTH else 0.75


def _mark(weight: float) -> str:
    text = f"{weight:g}"
    if "e" in text:  # the analyzer reads digits and a dot only: no exponent
        text = f"{weight:.12f}".rstrip("0").rstrip(".") or "0"
    return f"{FIELD_MARK}{text}{FIELD_MARK}"


def split_code(text: str) -> list[tuple[str, bool]]:
    """``text`` as runs of ``(lines, is_code)``, in order; joined they give ``text`` back.

    A code run is a fenced code block with its fence lines. As in CommonMark, the
    closing fence uses the opening fence's character, at least as many of it and
    nothing after; a block left open runs to the end; a backtick fence's info
    string holds no backtick (```` ```inline``` ```` is not a fence). Agrees with
    markdown-it-py's fences on all 3,203 notes of the benchmark corpora, at a
    fifteenth of the time.
    """
    if "```" not in text and "~~~" not in text:
        return [(text, False)] if text else []
    lines = text.splitlines(keepends=True)
    runs: list[tuple[str, bool]] = []
    prose_start = i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None or (opening[1][0] == "`" and "`" in opening[2]):
            i += 1
            continue
        fence = opening[1]
        end = i + 1
        while end < len(lines):
            closing = _FENCE.match(lines[end])
            if (
                closing is not None
                and closing[1][0] == fence[0]
                and len(closing[1]) >= len(fence)
                and not closing[2].strip()
            ):
                end += 1
                break
            end += 1
        if prose_start < i:
            runs.append(("".join(lines[prose_start:i]), False))
        runs.append(("".join(lines[i:end]), True))
        prose_start = i = end
    if prose_start < len(lines):
        runs.append(("".join(lines[prose_start:]), False))
    return runs


def _part_weight(name: str, text: str) -> float:
    """A part's weight, divided by its length normalisation when ``PER_FIELD_LENGTH``."""
    weight = FIELD_WEIGHTS[name]
    if not PER_FIELD_LENGTH:
        return weight
    b = LENGTH_B[name]
    length = len(_WORDS.findall(text))
    # Longer than typical costs weight; shorter gains some, at most 1 / SHORTEST_NORM.
    return weight / max(SHORTEST_NORM, (1 - b) + b * length / REFERENCE_LENGTH[name])


def weighted_text(title: str, topic: str | None, tags: Iterable[str], body: str) -> str:
    """The text of the weighted search field: each part led by its weight marker.

    The body's fenced code blocks get a marker of their own, the body's weight x
    ``CODE_WEIGHT``; the body's weight is normalised by its whole length, code included.
    """
    parts = {
        "title": title,
        "topic": (topic or "").replace("/", " "),
        "tags": " ".join(tag.replace("/", " ") for tag in tags),
    }
    marked = [f"{_mark(_part_weight(name, text))} {text}" for name, text in parts.items() if text]
    if body:
        weight = _part_weight("body", body)
        for text, code in split_code(body):
            if text.strip():
                marked.append(f"{_mark(weight * CODE_WEIGHT if code else weight)} {text}")
    return "\n".join(marked)
