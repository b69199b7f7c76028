"""Did-you-mean: close words from the index for query words no note has."""

from __future__ import annotations

from typing import Any

from tilbase.query.syntax import (
    FUNCTION_WORDS,
    ParsedQuery,
    query_words,
)
from tilbase.query.weighting import SEARCH_FIELD

#: Words longer than this get no "did you mean" (the typo search's work grows with length).
MAX_SUGGEST_LENGTH = 30


def suggest(parsed: ParsedQuery, reader: Any, *, found_nothing: bool) -> str | None:
    """The query text with unknown words replaced by close words from the index.

    A word is unknown when neither its stem nor the word itself is in any
    note. Suggestions are real words from the notes; when the query found
    something, only the kinds of slip people make (a missing, extra or swapped
    letter, a neighbouring key) are suggested, so "slow" does not become "show".
    """
    replacements: list[tuple[int, int, str]] = []
    for word in query_words(parsed):
        lowered = word.original.lower()
        # A long "word" (pasted text, a hash) is no typo, and the edit-distance search
        # over the index grows with its length: 5,000 characters took seconds.
        if not 3 <= len(lowered) <= MAX_SUGGEST_LENGTH or not lowered.isalpha():
            continue
        # "when did it" is English, not a slip for "dir": a question word no note
        # holds is left alone (its correction would be searched at full weight).
        if lowered in FUNCTION_WORDS:
            continue
        if any(
            reader.doc_frequency(name, word.analysed) for name in (SEARCH_FIELD, "title", "body")
        ):
            continue
        if reader.doc_frequency("spell", lowered):
            continue
        # One letter added, dropped or replaced turns a short word into another real
        # word (cap/chap, bad/baf, cdn/cdb, site/sit): unless the query found nothing,
        # a short word is taken as meant, save for two letters swapped (teh, gti).
        swaps_only = not found_nothing and len(lowered) < SHORT_WORD
        best = _closest_word(reader, lowered, lenient=found_nothing, swaps_only=swaps_only)
        if best is not None:
            replacements.append((word.start, word.end, best))
    if not replacements:
        return None
    text = parsed.text
    for start, end, best in reversed(replacements):
        text = text[:start] + best + text[end:]
    return text


#: The shortest word offered as a correction (the shortest word that gets one is 3 letters).
MIN_SUGGESTION = 3
#: Words shorter than this get only swapped letters corrected while the query finds notes.
SHORT_WORD = 5


def _closest_word(reader: Any, word: str, *, lenient: bool, swaps_only: bool = False) -> str | None:
    """The most frequent indexed word one slip away, or None.

    ``lenient`` (the query found nothing): any one edit, and any two for words
    of six letters or more. ``swaps_only``: only two neighbouring letters swapped.
    """
    long_word = lenient and len(word) >= 6
    # People rarely get the first letter wrong: unless the query found nothing, keep it.
    # Whoosh counts a swap of two letters as two edits, so distance 2 is always looked at.
    for maxdist, prefix in ((1, 0 if lenient else 1), (2, 1)):
        candidates: set[str] = set()
        for leaf, _offset in reader.leaf_readers():
            candidates.update(leaf.terms_within("spell", word, maxdist, prefix=prefix))
        candidates.discard(word)
        # Two-letter words (ca, io, ok) are abbreviations, not what a longer word was meant as.
        good = {
            c
            for c in candidates
            if len(c) >= MIN_SUGGESTION
            and (is_plausible_typo(word, c, lenient=lenient) or (maxdist == 2 and long_word))
            and (not swaps_only or _is_swap(word, c))
        }
        if good:
            return max(sorted(good), key=lambda c: reader.doc_frequency("spell", c))
    return None


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_PLACES = {
    key: (row, col + row / 2)
    for row, keys in enumerate(_KEYBOARD_ROWS)
    for col, key in enumerate(keys)
}


def _neighbouring_keys(a: str, b: str) -> bool:
    if a not in _KEY_PLACES or b not in _KEY_PLACES:
        return False
    (row_a, x_a), (row_b, x_b) = _KEY_PLACES[a], _KEY_PLACES[b]
    return abs(row_a - row_b) <= 1 and abs(x_a - x_b) <= 1


def _is_swap(typed: str, word: str) -> bool:
    """True when ``word`` is ``typed`` with two neighbouring letters swapped."""
    if len(typed) != len(word):
        return False
    diffs = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(diffs) != 2 or diffs[1] != diffs[0] + 1:
        return False
    i, j = diffs
    return typed[i] == word[j] and typed[j] == word[i]


def is_plausible_typo(typed: str, word: str, *, lenient: bool = False) -> bool:
    """True when ``typed`` is ``word`` with one slip of the fingers.

    A letter left out or typed twice, two letters swapped, or (``lenient``,
    or on a neighbouring key) one letter replaced by another.
    """
    if abs(len(typed) - len(word)) == 1:
        shorter, longer = sorted((typed, word), key=len)
        return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
    if len(typed) != len(word):
        return False
    diffs = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(diffs) == 2:
        return _is_swap(typed, word)
    if len(diffs) == 1:
        i = diffs[0]
        return lenient or _neighbouring_keys(typed[i], word[i])
    return False


# -- highlighting ------------------------------------------------------------------
