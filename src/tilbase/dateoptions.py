"""Date options of the command line turned into dates, with errors that name the option.

The grammar itself lives in ``tilbase.dates``; this module decides what the
options of ``log``, ``search`` and ``export`` mean together:

* ``--since X`` starts at the first day X names, ``--until Y`` ends at the
  last (``--until 2023`` includes December 31st, ``--until "last week"``
  its Sunday); a ``--since`` after the ``--until`` is an error, not an empty
  list.
* ``--on D`` is the day (or period) D names; ``--week`` is the ISO week
  (Monday to Sunday) containing today, or D with ``--on D``; ``--month`` the
  calendar month likewise.

Every function takes ``today`` so tests need no clock. Errors are
``InvalidInput`` whose hint lists the forms that are accepted.
"""

from __future__ import annotations

import datetime as dt

from tilbase.dates import (
    ACCEPTED_FORMS,
    DateOrder,
    DateRange,
    InvalidDate,
    month_of,
    parse_user_period,
    week_of,
)
from tilbase.errors import InvalidInput

__all__ = ["date_bounds", "log_period", "read_date", "read_period"]


def read_period(
    value: str, option: str, *, today: dt.date | None = None, order: DateOrder = "dmy"
) -> DateRange:
    """The period of days an option's value names, or ``InvalidInput`` naming the option."""
    try:
        return parse_user_period(value, today, order)
    except InvalidDate as exc:
        raise InvalidInput(f"{option}: {exc}", ACCEPTED_FORMS) from None


def read_date(
    value: str | None,
    option: str,
    *,
    today: dt.date | None = None,
    order: DateOrder = "dmy",
    end: bool = False,
) -> dt.date | None:
    """One date from an option: the first day of what it names (the last with ``end``).

    ``None`` stays ``None``. For ``til add --date``: ``read_date(date, "--date",
    order=kb.config.date_order)``.
    """
    if value is None:
        return None
    period = read_period(value, option, today=today, order=order)
    return period.end if end else period.start


def date_bounds(
    since: str | None,
    until: str | None,
    *,
    today: dt.date | None = None,
    order: DateOrder = "dmy",
) -> tuple[dt.date | None, dt.date | None]:
    """``--since``/``--until`` as inclusive bounds; an impossible range is an error."""
    start = read_date(since, "--since", today=today, order=order)
    stop = read_date(until, "--until", today=today, order=order, end=True)
    if start is not None and stop is not None and start > stop:
        raise InvalidInput(
            f"--since {since} ({start.isoformat()}) is after --until {until} "
            f"({stop.isoformat()}); no date is in between",
            "swap the two dates",
        )
    return start, stop


def log_period(
    *,
    on: str | None = None,
    week: bool = False,
    month: bool = False,
    since: str | None = None,
    until: str | None = None,
    today: dt.date | None = None,
    order: DateOrder = "dmy",
) -> tuple[dt.date | None, dt.date | None]:
    """The inclusive date bounds that ``til log``'s date options ask for.

    ``--on D`` alone: the day (or period: ``--on "last week"``) D names.
    ``--week``/``--month``: the ISO week or month containing today, or D when
    given with ``--on D``. ``--since``/``--until`` as in ``date_bounds``; they
    cannot be mixed with the others, nor ``--week`` with ``--month``.
    """
    if week and month:
        raise InvalidInput("--week and --month cannot be used together", "choose one of them")
    if (on is not None or week or month) and (since is not None or until is not None):
        used = "--on" if on is not None else ("--week" if week else "--month")
        raise InvalidInput(
            f"{used} cannot be combined with --since/--until",
            "use either a period (--on, --week, --month) or a range (--since, --until)",
        )
    if on is None and not week and not month:
        return date_bounds(since, until, today=today, order=order)
    today = today or dt.date.today()
    period = (
        read_period(on, "--on", today=today, order=order)
        if on is not None
        else DateRange.day(today)
    )
    if week:
        return week_of(period.start).start, week_of(period.end).end
    if month:
        return month_of(period.start).start, month_of(period.end).end
    return period.start, period.end
