"""Reading dates deterministically: explicit formats only, never a fuzzy guess.

Recognised: ISO ``2022-08-31`` (also ``2022/08/31`` and ``2022_08_31``),
``31.08.2022``, ``31 Aug 2022``, ``31 August 2022``, ``Aug 31, 2022``,
``August 31, 2022`` and slashed ``31/08/2022`` whose order comes from the
``date_order`` setting (``dmy`` or ``mdy``).

``match_date_prefix`` tells "this text starts with something shaped like a
date" apart from "and it is a real date", so a typo such as ``14.111.2022``
is reported instead of silently becoming part of a title.

Dates typed on the command line also accept a small, fixed grammar of words
(``parse_user_period``): ``today``, ``yesterday``, ``last monday``,
``3 days ago``, ``last week``, a year ``2024`` or a month ``2024-03``. Each
names a period of days; where one date is wanted it is the period's first day
(``--until`` takes its last). Nothing is guessed: anything else is an error
that lists the accepted forms (``ACCEPTED_FORMS``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ACCEPTED_FORMS",
    "DateMatch",
    "DateOrder",
    "DateRange",
    "InvalidDate",
    "check_range",
    "match_date_prefix",
    "month_of",
    "parse_date",
    "parse_user_date",
    "parse_user_period",
    "week_of",
    "year_of",
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


# -- dates typed on the command line ---------------------------------------------

#: Shown in the hint of every error about a date typed on the command line.
ACCEPTED_FORMS = (
    "use YYYY-MM-DD, 31.08.2022, 'Aug 31, 2022', a year (2024) or month (2024-03), "
    "or: today, yesterday, tomorrow, monday, last monday, this monday, next monday, "
    "3 days ago, a week ago, 2 months ago, this week, last week, this month, last month, "
    "this year, last year"
)

_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_AGO = re.compile(r"(?P<n>\d{1,4}|an?|one)\s+(?P<unit>day|week|month|year)s?\s+ago")
_YEAR = re.compile(r"(?P<y>\d{4})")
_YEAR_MONTH = re.compile(r"(?P<y>\d{4})[-/_.](?P<m>\d{1,2})")


@dataclass(frozen=True)
class DateRange:
    """The days from ``start`` to ``end``, both included (``start <= end``)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(
                f"a date range cannot end ({self.end}) before its start ({self.start})"
            )

    @classmethod
    def day(cls, day: dt.date) -> DateRange:
        """The range of one day."""
        return cls(day, day)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def week_of(day: dt.date) -> DateRange:
    """The ISO week (Monday to Sunday) that contains ``day`` (cut at the last date there is)."""
    monday = day - dt.timedelta(days=day.weekday())
    if (dt.date.max - monday).days < 6:
        return DateRange(monday, dt.date.max)
    return DateRange(monday, monday + dt.timedelta(days=6))


def month_of(day: dt.date) -> DateRange:
    """The calendar month that contains ``day``."""
    first = day.replace(day=1)
    return DateRange(first, first.replace(day=_days_in_month(first.year, first.month)))


def year_of(day: dt.date) -> DateRange:
    """The calendar year that contains ``day``."""
    return DateRange(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


def _days_in_month(year: int, month: int) -> int:
    """How many days ``month`` of ``year`` has (December 9999 too, the last month there is)."""
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, kept within the target month (Mar 31 - 1 -> Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    month += 1
    last_day = _days_in_month(year, month)
    return dt.date(year, month, min(day.day, last_day))


def _ago(count: int, unit: str, today: dt.date) -> dt.date:
    if unit == "day":
        return today - dt.timedelta(days=count)
    if unit == "week":
        return today - dt.timedelta(weeks=count)
    return _add_months(today, -count * (12 if unit == "year" else 1))


def _weekday(index: int, which: str, today: dt.date) -> dt.date:
    """Monday=0... ``which``: "" (on or before today), "last", "this" (this ISO week), "next"."""
    back = (today.weekday() - index) % 7
    if which == "":
        return today - dt.timedelta(days=back)
    if which == "last":
        return today - dt.timedelta(days=back or 7)
    if which == "this":
        return week_of(today).start + dt.timedelta(days=index)
    ahead = (index - today.weekday()) % 7
    return today + dt.timedelta(days=ahead or 7)


def _word_period(phrase: str, today: dt.date) -> DateRange | None:
    """The period a phrase of the fixed grammar names, or ``None`` when it is not one."""
    if phrase in ("today", "now"):
        return DateRange.day(today)
    if phrase == "yesterday":
        return DateRange.day(today - dt.timedelta(days=1))
    if phrase == "tomorrow":
        return DateRange.day(today + dt.timedelta(days=1))
    which, _, rest = phrase.rpartition(" ")
    if which in ("", "last", "this", "next") and rest in _WEEKDAYS:
        return DateRange.day(_weekday(_WEEKDAYS[rest], which, today))
    if which in ("last", "this") and rest in ("week", "month", "year"):
        of = {"week": week_of, "month": month_of, "year": year_of}[rest]
        current = of(today)
        return current if which == "this" else of(current.start - dt.timedelta(days=1))
    ago = _AGO.fullmatch(phrase)
    if ago:
        raw = ago.group("n")
        count = int(raw) if raw.isdigit() else 1
        return DateRange.day(_ago(count, ago.group("unit"), today))
    return None


def _numeric_period(phrase: str) -> DateRange | None:
    """A year (``2024``) or a month (``2024-03``) as a period, else ``None``."""
    year = _YEAR.fullmatch(phrase)
    if year:
        value = int(year.group("y"))
        if value < 1:
            return None
        return year_of(dt.date(value, 1, 1))
    year_month = _YEAR_MONTH.fullmatch(phrase)
    if year_month:
        value, month = int(year_month.group("y")), int(year_month.group("m"))
        if value < 1 or not 1 <= month <= 12:
            raise InvalidDate(f"'{phrase}' is not a real month")
        return month_of(dt.date(value, month, 1))
    return None


def parse_user_period(
    text: str, today: dt.date | None = None, order: DateOrder = "dmy"
) -> DateRange:
    """Read a date typed on the command line as the period of days it names.

    One date (any form ``parse_date`` reads) is a one-day period; so are the
    words ``today``, ``yesterday``, ``tomorrow``; a weekday name (``monday``:
    the latest Monday on or before today; ``last monday``: the latest one
    before today; ``this monday``: the Monday of this ISO week; ``next
    monday``: the first one after today) and ``N days|weeks|months|years
    ago`` (``a week ago``; months and years keep the day of the month, or the
    month's last day when it has fewer). ``this/last week|month|year`` name the
    whole period (weeks run Monday to Sunday), ``2024`` a year and ``2024-03``
    a month. ``today`` defaults to the system date; tests pass their own.

    Raises ``InvalidDate`` (its message names the text) for anything else.
    """
    today = today or dt.date.today()
    phrase = " ".join(text.strip().lower().split())
    try:
        period = _word_period(phrase, today) or _numeric_period(phrase)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, InvalidDate):
            raise
        raise InvalidDate(f"'{text.strip()}' is out of the range of dates") from None
    if period is not None:
        return period
    try:
        return DateRange.day(parse_date(text, order))
    except InvalidDate as exc:
        if "not a date" in str(exc):
            raise InvalidDate(f"'{text.strip()}' is not a date tilbase understands") from None
        raise


def parse_user_date(text: str, today: dt.date | None = None, order: DateOrder = "dmy") -> dt.date:
    """Read one date typed on the command line: the first day of ``parse_user_period``.

    ``last week`` is that week's Monday, ``2024-03`` the 1st of March.
    """
    return parse_user_period(text, today, order).start


def check_range(since: dt.date | None, until: dt.date | None) -> None:
    """Raise ``InvalidDate`` when ``since`` falls after ``until`` (nothing could match)."""
    if since is not None and until is not None and since > until:
        raise InvalidDate(
            f"--since {since.isoformat()} is after --until {until.isoformat()}; no date is in "
            "between"
        )
