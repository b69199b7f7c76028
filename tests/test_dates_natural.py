"""Dates typed on the command line: the small word grammar, periods and option ranges."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.dateoptions import date_bounds, log_period, read_date
from tilbase.dates import (
    ACCEPTED_FORMS,
    DateRange,
    InvalidDate,
    month_of,
    parse_user_date,
    parse_user_period,
    week_of,
)
from tilbase.errors import InvalidInput

D = dt.date
WEDNESDAY = D(2026, 12, 2)  # a Wednesday
MONDAY = D(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", WEDNESDAY),
        ("  Today ", WEDNESDAY),
        ("yesterday", D(2026, 12, 1)),
        ("tomorrow", D(2026, 12, 3)),
        ("monday", MONDAY),
        ("Mon", MONDAY),
        ("last monday", MONDAY),
        ("this monday", MONDAY),
        ("next monday", D(2026, 12, 7)),
        ("wednesday", WEDNESDAY),
        ("last wednesday", D(2026, 11, 25)),
        ("this wednesday", WEDNESDAY),
        ("next wednesday", D(2026, 12, 9)),
        ("thursday", D(2026, 11, 26)),
        ("last thursday", D(2026, 11, 26)),
        ("this thursday", D(2026, 12, 3)),
        ("this sunday", D(2026, 12, 6)),
        ("last   sunday", D(2026, 11, 29)),
        ("3 days ago", D(2026, 11, 29)),
        ("1 day ago", D(2026, 12, 1)),
        ("0 days ago", WEDNESDAY),
        ("a week ago", D(2026, 11, 25)),
        ("2 weeks ago", D(2026, 11, 18)),
        ("one month ago", D(2026, 11, 2)),
        ("3 months ago", D(2026, 9, 2)),
        ("an year ago", D(2025, 12, 2)),
        ("2 years ago", D(2024, 12, 2)),
        ("this week", MONDAY),
        ("last week", D(2026, 11, 23)),
        ("this month", D(2026, 12, 1)),
        ("last month", D(2026, 11, 1)),
        ("this year", D(2026, 1, 1)),
        ("last year", D(2025, 1, 1)),
        ("2024", D(2024, 1, 1)),
        ("2024-03", D(2024, 3, 1)),
        ("2023-02-14", D(2023, 2, 14)),
        ("14.02.2023", D(2023, 2, 14)),
        ("Feb 14, 2023", D(2023, 2, 14)),
    ],
)
def test_natural_dates_read_as_one_day(text: str, expected: dt.date) -> None:
    assert parse_user_date(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("last week", D(2026, 11, 23), D(2026, 11, 29)),
        ("this week", MONDAY, D(2026, 12, 6)),
        ("last month", D(2026, 11, 1), D(2026, 11, 30)),
        ("this month", D(2026, 12, 1), D(2026, 12, 31)),
        ("last year", D(2025, 1, 1), D(2025, 12, 31)),
        ("2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("yesterday", D(2026, 12, 1), D(2026, 12, 1)),
    ],
)
def test_periods_have_a_first_and_a_last_day(text: str, start: dt.date, end: dt.date) -> None:
    assert parse_user_period(text, WEDNESDAY) == DateRange(start, end)


def test_months_ago_keep_the_day_or_take_the_month_end() -> None:
    assert parse_user_date("1 month ago", D(2026, 3, 31)) == D(2026, 2, 28)
    assert parse_user_date("1 month ago", D(2024, 3, 31)) == D(2024, 2, 29)
    assert parse_user_date("1 year ago", D(2024, 2, 29)) == D(2023, 2, 28)
    assert parse_user_date("last month", D(2026, 1, 15)) == D(2025, 12, 1)
    assert parse_user_date("last week", D(2026, 1, 1)) == D(2025, 12, 22)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "someday",
        "last tuesday week",
        "3 fortnights ago",
        "in 3 days",
        "next week",  # not in the grammar: the future is not a date to look things up by
        "-3 days ago",
        "2023-02-30",
        "2024-13",
        "three days ago",
        "mondays",
    ],
)
def test_anything_else_is_an_error_naming_the_text(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_user_date(text, WEDNESDAY)
    assert text.strip() in str(caught.value)
    assert "\n" not in str(caught.value)


def test_years_too_far_ago_are_an_error_not_a_crash() -> None:
    with pytest.raises(InvalidDate, match="out of the range"):
        parse_user_date("3000 years ago", D(2026, 1, 1))
    with pytest.raises(InvalidDate, match="out of the range"):
        parse_user_date("9999 weeks ago", D(100, 1, 1))


def test_today_defaults_to_the_system_date() -> None:
    assert parse_user_date("today") == dt.date.today()


WORDS = st.sampled_from(
    ["today", "yesterday", "monday", "last friday", "this sunday", "last week", "this month"]
)


@given(today=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)), phrase=WORDS)
def test_the_grammar_is_deterministic_and_periods_are_ordered(today: dt.date, phrase: str) -> None:
    period = parse_user_period(phrase, today)
    assert period == parse_user_period(phrase.upper(), today)
    assert period.start <= period.end
    assert period.start <= today + dt.timedelta(days=6)


@given(
    today=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)),
    count=st.integers(min_value=0, max_value=500),
    unit=st.sampled_from(["day", "week", "month", "year"]),
)
def test_n_units_ago_is_never_after_today_and_grows_with_n(
    today: dt.date, count: int, unit: str
) -> None:
    earlier = parse_user_date(f"{count} {unit}s ago", today)
    even_earlier = parse_user_date(f"{count + 1} {unit}s ago", today)
    assert even_earlier < earlier <= today


@given(st.dates(min_value=D(1, 1, 8), max_value=D(9999, 12, 24)))
def test_weekday_words_name_the_right_weekday_near_today(today: dt.date) -> None:
    for index, name in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday"]):
        plain = parse_user_date(name, today)
        last = parse_user_date(f"last {name}", today)
        this = parse_user_date(f"this {name}", today)
        following = parse_user_date(f"next {name}", today)
        assert plain.weekday() == last.weekday() == this.weekday() == following.weekday() == index
        assert 0 <= (today - plain).days <= 6
        assert 1 <= (today - last).days <= 7
        assert 1 <= (following - today).days <= 7
        assert this in week_of(today)


@given(st.dates())
def test_week_and_month_contain_their_day(day: dt.date) -> None:
    week = week_of(day)
    assert day in week
    assert week.start.weekday() == 0
    assert (week.end - week.start).days == 6 or week.end == dt.date.max
    month = month_of(day)
    assert day in month
    assert month.start.day == 1
    assert month.end == dt.date.max or (month.end + dt.timedelta(days=1)).day == 1


def test_the_last_week_and_month_there_are_end_at_the_last_date() -> None:
    """Regression: the week and the month of 9999-12-31 ran past ``date.max`` (OverflowError)."""
    last = dt.date.max
    assert week_of(last) == DateRange(dt.date(9999, 12, 27), last)
    assert month_of(last) == DateRange(dt.date(9999, 12, 1), last)
    assert month_of(dt.date(2023, 12, 5)).end == dt.date(2023, 12, 31)


@given(st.text(max_size=30))
def test_reading_any_text_either_gives_a_period_or_invalid_date(text: str) -> None:
    try:
        period = parse_user_period(text, WEDNESDAY)
    except InvalidDate:
        return
    assert period.start <= period.end


# -- options -------------------------------------------------------------------------


def test_read_date_names_the_option_and_lists_the_forms() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_date("someday", "--date", today=WEDNESDAY)
    assert caught.value.message.startswith("--date: 'someday'")
    assert caught.value.hint == ACCEPTED_FORMS
    assert "last monday" in ACCEPTED_FORMS
    assert "3 days ago" in ACCEPTED_FORMS
    assert read_date(None, "--date") is None
    assert read_date("last week", "--until", today=WEDNESDAY, end=True) == D(2026, 11, 29)


def test_since_and_until_take_the_first_and_last_day_of_a_period() -> None:
    assert date_bounds("2023", "2023", today=WEDNESDAY) == (D(2023, 1, 1), D(2023, 12, 31))
    assert date_bounds("last monday", None, today=WEDNESDAY) == (MONDAY, None)
    assert date_bounds(None, "last month", today=WEDNESDAY) == (None, D(2026, 11, 30))
    assert date_bounds(None, None) == (None, None)


def test_since_after_until_is_a_one_line_error() -> None:
    with pytest.raises(InvalidInput) as caught:
        date_bounds("2024", "2023", today=WEDNESDAY)
    assert "--since 2024 (2024-01-01) is after --until 2023 (2023-12-31)" in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, (None, None)),
        ({"on": "yesterday"}, (D(2026, 12, 1), D(2026, 12, 1))),
        ({"on": "2024-03"}, (D(2024, 3, 1), D(2024, 3, 31))),
        ({"week": True}, (MONDAY, D(2026, 12, 6))),
        ({"week": True, "on": "2024-02-29"}, (D(2024, 2, 26), D(2024, 3, 3))),
        ({"week": True, "on": "last week"}, (D(2026, 11, 23), D(2026, 11, 29))),
        ({"month": True}, (D(2026, 12, 1), D(2026, 12, 31))),
        ({"month": True, "on": "2024-02-10"}, (D(2024, 2, 1), D(2024, 2, 29))),
        ({"since": "3 days ago"}, (D(2026, 11, 29), None)),
        ({"since": "last monday", "until": "yesterday"}, (MONDAY, D(2026, 12, 1))),
    ],
)
def test_log_period(options: dict[str, object], expected: tuple[object, object]) -> None:
    assert log_period(today=WEDNESDAY, **options) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"week": True, "month": True}, "--week and --month"),
        ({"on": "today", "since": "2024"}, "--on cannot be combined"),
        ({"week": True, "until": "2024"}, "--week cannot be combined"),
        ({"on": "someday"}, "--on: 'someday'"),
        ({"since": "today", "until": "yesterday"}, "is after --until"),
    ],
)
def test_log_period_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        log_period(today=WEDNESDAY, **options)  # type: ignore[arg-type]
