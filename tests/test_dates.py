"""Deterministic date reading: explicit formats, soft failure on impossible dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbase.dates import InvalidDate, match_date_prefix, parse_date, parse_user_date

D = dt.date


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2022-08-31", "dmy", D(2022, 8, 31)),
        ("2022/08/31", "dmy", D(2022, 8, 31)),
        ("2022_08_31", "dmy", D(2022, 8, 31)),
        ("31.08.2022", "dmy", D(2022, 8, 31)),
        ("1.2.2023", "dmy", D(2023, 2, 1)),
        ("31 Aug 2022", "dmy", D(2022, 8, 31)),
        ("31 August 2022", "dmy", D(2022, 8, 31)),
        ("1st Sept 2022", "dmy", D(2022, 9, 1)),
        ("Aug 31, 2022", "dmy", D(2022, 8, 31)),
        ("August 31, 2022", "dmy", D(2022, 8, 31)),
        ("nov 25 2022", "dmy", D(2022, 11, 25)),
        ("03/04/2022", "dmy", D(2022, 4, 3)),
        ("03/04/2022", "mdy", D(2022, 3, 4)),
    ],
)
def test_parse_date_formats(text: str, order: str, expected: dt.date) -> None:
    assert parse_date(text, order) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["14.111.2022", "Feb 30, 2024", "2023-02-30", "31/31/2022", "2023-13-01"],
)
def test_impossible_dates_are_recognised_as_dates_but_have_no_value(text: str) -> None:
    found = match_date_prefix(text + " Topic: title")
    assert found is not None
    assert found.value is None
    assert found.error
    assert text in found.error
    with pytest.raises(InvalidDate):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "3 things about Git",
        "Day 87",
        "2023 was a year",
        "12.5 percent",
        "How to use dates?",
        "",
        "May I ask a question",
    ],
)
def test_text_that_is_not_a_date(text: str) -> None:
    assert match_date_prefix(text) is None


def test_match_date_prefix_reports_where_the_date_ends() -> None:
    text = "14.02.2023 Neural Networks: How to enable lifelong learning?"
    found = match_date_prefix(text)
    assert found is not None
    assert found.value == D(2023, 2, 14)
    assert text[found.end :] == " Neural Networks: How to enable lifelong learning?"


def test_parse_date_refuses_trailing_text() -> None:
    with pytest.raises(InvalidDate, match="not a date"):
        parse_date("2023-02-14 and more")


def test_parse_user_date_words() -> None:
    today = D(2026, 11, 21)
    assert parse_user_date("today", today) == today
    assert parse_user_date("Yesterday", today) == D(2026, 11, 20)
    assert parse_user_date("2023-02-14", today) == D(2023, 2, 14)
    with pytest.raises(InvalidDate, match="2023-02-30"):
        parse_user_date("2023-02-30", today)


@given(st.dates(min_value=D(1000, 1, 1)))
def test_every_date_round_trips_through_each_written_form(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        day.strftime("%d %b %Y"),
        day.strftime("%B %d, %Y"),
    ]
    for form in forms:
        assert parse_date(form) == day


@given(st.text(max_size=40))
def test_match_date_prefix_never_raises(text: str) -> None:
    match_date_prefix(text)
