"""Reading dates deterministically: explicit formats only, never a fuzzy guess.

Recognised: ISO ``2022-08-31`` (also ``2022/08/31`` and ``2022_08_31``),
``31.08.2022``, ``31 Aug 2022``, ``31 August 2022``, ``Aug 31, 2022``,
``August 31, 2022`` and slashed ``31/08/2022`` whose order comes from the
``date_order`` setting (``dmy`` or ``mdy``).

``match_date_prefix`` tells "this text starts with something shaped like a
date" apart from "and it is a real date", so a typo such as ``14.111.2022``
is reported instead of silently becoming part of a title.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DateMatch",
    "DateOrder",
    "InvalidDate",
    "match_date_prefix",
    "parse_date",
    "parse_user_date",
]

DateOrder = Literal["dmy", "mdy"]

_MONTHS = {
    "jan": 1, "january": 1,
    "feb": 2, "february": 2,
    "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "may": 5,
    "jun": 6, "june": 6,
    "jul": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<month_name>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_END = r"(?!\d)"  # the date must not run on into more digits

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?P<y>\d{4})(?P<sep>[-/_])(?P<m>\d{1,3})(?P=sep)(?P<d>\d{1,3})" + _END)),
    ("dotted", re.compile(r"(?P<d>\d{1,3})\.(?P<m>\d{1,3})\.(?P<y>\d{4})" + _END)),
    ("slashed", re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})" + _END)),
    (
        "day-month",
        re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I),
    ),
    (
        "month-day",
        re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.I),
    ),
]


class InvalidDate(ValueError):
    """Text shaped like a date that names no real day (``2023-02-30``, ``14.111.2022``)."""


@dataclass(frozen=True)
class DateMatch:
    """A date-shaped run of text at the start of a string.

    ``value`` is the date, or ``None`` when the text only looks like one, in
    which case ``error`` says why. ``end`` is the index just past the match.
    """

    raw: str
    end: int
    value: dt.date | None
    error: str | None = None


def _build(match: re.Match[str], kind: str, order: DateOrder) -> dt.date:
    groups = match.groupdict()
    year = int(groups["y"])
    if kind == "slashed":
        first, second = int(groups["a"]), int(groups["b"])
        day, month = (first, second) if order == "dmy" else (second, first)
    else:
        day = int(groups["d"])
        if groups.get("month_name"):
            month = _MONTHS[groups["month_name"].lower()]
        else:
            month = int(groups["m"])
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidDate(f"'{match.group(0)}' is not a real date ({exc})") from None


def match_date_prefix(text: str, order: DateOrder = "dmy") -> DateMatch | None:
    """Match a date at the very start of ``text`` (after leading spaces).

    Returns ``None`` when the text does not start with anything date-shaped,
    so ``3 things about Git`` is not a date, while ``14.111.2022`` gives a
    ``DateMatch`` whose ``value`` is ``None`` and whose ``error`` explains.
    """
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    for kind, pattern in _PATTERNS:
        match = pattern.match(stripped)
        if not match:
            continue
        end = offset + match.end()
        try:
            return DateMatch(match.group(0), end, _build(match, kind, order))
        except InvalidDate as exc:
            return DateMatch(match.group(0), end, None, str(exc))
    return None


def parse_date(text: str, order: DateOrder = "dmy") -> dt.date:
    """Parse text that is exactly one date in a recognised format.

    Raises ``InvalidDate`` for anything else, with a message naming the text.
    """
    found = match_date_prefix(text, order)
    if found is None or text[found.end :].strip():
        raise InvalidDate(f"'{text.strip()}' is not a date (use YYYY-MM-DD)")
    if found.value is None:
        raise InvalidDate(found.error or f"'{text.strip()}' is not a real date")
    return found.value


def parse_user_date(text: str, today: dt.date | None = None, order: DateOrder = "dmy") -> dt.date:
    """Parse a date typed on the command line: any recognised format, ``today``, ``yesterday``."""
    today = today or dt.date.today()
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - dt.timedelta(days=1)
    if word == "tomorrow":
        return today + dt.timedelta(days=1)
    return parse_date(text, order)
