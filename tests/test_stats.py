"""til stats: counting (streaks, months, tags) and drawing (the calendar heatmap)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import tilbase.render.stats as render_stats
from tilbase.model import Note
from tilbase.render.stats import GLYPHS, heatmap_lines, heatmap_text, print_stats
from tilbase.stats import (
    Streak,
    calendar_weeks,
    compute_stats,
    current_streak,
    intensity,
    longest_streak,
)

D = dt.date
TODAY = D(2026, 12, 2)  # a Wednesday


def days_ago(*offsets: int) -> list[dt.date]:
    return [TODAY - dt.timedelta(days=offset) for offset in offsets]


def note(day: dt.date | None, n: int = 0, **fields: Any) -> Note:
    return Note(id=f"n{day}-{n}", title="t", date=day, **fields)


# -- streaks ---------------------------------------------------------------------------


def test_current_streak_counts_back_from_today_when_today_has_a_note() -> None:
    assert current_streak(days_ago(0, 1, 2, 4), TODAY) == Streak(3, TODAY - dt.timedelta(2), TODAY)


def test_current_streak_is_alive_until_today_ends() -> None:
    # Nothing today yet: the streak ending yesterday still counts.
    streak = current_streak(days_ago(1, 2, 3), TODAY)
    assert streak == Streak(3, TODAY - dt.timedelta(3), TODAY - dt.timedelta(1))


def test_a_gap_before_yesterday_breaks_the_current_streak() -> None:
    assert current_streak(days_ago(2, 3, 4), TODAY) == Streak()
    assert current_streak([], TODAY) == Streak()


def test_longest_streak_spans_gaps_and_month_ends() -> None:
    days = [D(2024, 1, 30), D(2024, 1, 31), D(2024, 2, 1), D(2024, 2, 3), D(2024, 2, 4)]
    assert longest_streak(days) == Streak(3, D(2024, 1, 30), D(2024, 2, 1))
    assert longest_streak([]) == Streak()
    assert longest_streak([D(2024, 1, 1)] * 3) == Streak(1, D(2024, 1, 1), D(2024, 1, 1))


def test_the_earliest_of_equally_long_streaks_is_the_longest() -> None:
    days = [D(2024, 1, 1), D(2024, 1, 2), D(2024, 3, 1), D(2024, 3, 2)]
    assert longest_streak(days).start == D(2024, 1, 1)


@given(st.sets(st.integers(min_value=0, max_value=60), max_size=40))
def test_streak_properties(offsets: set[int]) -> None:
    days = days_ago(*offsets)
    current, longest = current_streak(days, TODAY), longest_streak(days)
    assert current.days <= longest.days
    for streak in (current, longest):
        if streak.days:
            assert streak.start is not None
            assert streak.end is not None
            assert (streak.end - streak.start).days + 1 == streak.days
            span = [streak.start + dt.timedelta(days=i) for i in range(streak.days)]
            assert all(day in days for day in span)
    if 0 in offsets or 1 in offsets:
        assert current.days >= 1
    else:
        assert current.days == 0


# -- compute_stats ---------------------------------------------------------------------


def test_compute_stats_counts_everything() -> None:
    notes = [
        note(TODAY, 1, tags=("python", "git"), topic="Dev"),
        note(TODAY, 2, tags=("python",), topic="Dev"),
        note(TODAY - dt.timedelta(days=1), tags=("git",)),
        note(D(2026, 9, 15), topic="ML"),
        note(None, tags=("python",)),  # undated: totals and tags, never streaks or months
    ]
    stats = compute_stats(notes, TODAY)
    assert (stats.total, stats.dated, stats.undated, stats.days_with_notes) == (5, 4, 1, 3)
    assert stats.first_date == D(2026, 9, 15)
    assert stats.last_date == TODAY
    assert stats.per_month == (("2026-09", 1), ("2026-10", 0), ("2026-11", 0), ("2026-12", 3))
    assert stats.top_tags == (("python", 3), ("git", 2))
    assert stats.top_topics == (("Dev", 2), ("ML", 1))
    assert stats.current_streak.days == 2
    assert stats.wrote_today
    assert stats.per_day == {TODAY: 2, TODAY - dt.timedelta(days=1): 1, D(2026, 9, 15): 1}
    assert stats.busiest_day == 2


def test_undated_notes_alone_make_no_streak_and_no_months() -> None:
    stats = compute_stats([note(None), note(None, 1)], TODAY)
    assert (stats.total, stats.dated, stats.undated) == (2, 0, 2)
    assert stats.current_streak == stats.longest_streak == Streak()
    assert stats.per_month == ()
    assert stats.first_date is None


def test_the_calendar_covers_53_weeks_ending_with_this_week() -> None:
    old = D(2024, 1, 1)
    stats = compute_stats([note(old), note(TODAY)], TODAY)
    assert stats.calendar_start.weekday() == 0
    assert old not in stats.per_day  # older than the calendar: counted, not drawn
    columns = calendar_weeks(stats)
    assert len(columns) == 53
    assert columns[0][0] == stats.calendar_start
    assert columns[-1][2] == TODAY
    assert columns[-1][3:] == [None] * 4  # days after today are blank
    assert len(calendar_weeks(stats, 10)) == 10


def test_to_json_is_json_ready() -> None:
    stats = compute_stats([note(TODAY, tags=("a",), topic="T"), note(None)], TODAY)
    data = json.loads(json.dumps(stats.to_json()))
    assert data["total"] == 2
    assert data["streak"]["current"] == {
        "days": 1,
        "start": TODAY.isoformat(),
        "end": TODAY.isoformat(),
    }
    assert data["streak"]["wrote_today"] is True
    assert data["calendar"]["days"] == {TODAY.isoformat(): 1}
    assert data["top_tags"] == [{"tag": "a", "count": 1}]
    assert data["top_topics"] == [{"topic": "T", "count": 1}]
    assert data["per_month"] == [{"month": "2026-12", "count": 1}]


@pytest.mark.parametrize(
    ("count", "busiest", "level"),
    [(0, 5, 0), (1, 1, 1), (2, 3, 2), (4, 4, 4), (1, 100, 1), (50, 100, 2), (100, 100, 4)],
)
def test_intensity_levels(count: int, busiest: int, level: int) -> None:
    assert intensity(count, busiest) == level


@given(st.integers(0, 1000), st.integers(1, 1000))
def test_intensity_is_a_level_and_nonzero_for_any_note(count: int, busiest: int) -> None:
    count = min(count, busiest)
    level = intensity(count, busiest)
    assert 0 <= level <= 4
    assert (level > 0) == (count > 0)


# -- drawing ---------------------------------------------------------------------------


def sample_stats() -> Any:
    notes = [note(day, i) for i, day in enumerate(days_ago(0, 1, 1, 2, 2, 2, 2, 40, 200))]
    return compute_stats(notes, TODAY)


def test_heatmap_lines_have_months_seven_days_and_a_legend() -> None:
    lines = heatmap_lines(sample_stats())
    assert len(lines) == 9
    months, *rows, legend = lines
    assert [row[:4].strip() for row in rows] == ["Mon", "", "Wed", "", "Fri", "", "Sun"]
    assert "Dec" in months
    assert "Jun" in months
    assert legend.strip() == "Less · ░ ▒ ▓ █ More"
    assert all(len(row) <= 4 + 53 * 2 for row in rows)
    # Wednesday (today) has 1 note, Tuesday 2, Monday 4: levels 1, 2, 4 in the last column.
    assert rows[2].rstrip()[-1] == GLYPHS[1]
    assert rows[1].rstrip()[-1] == GLYPHS[2]
    assert rows[0].rstrip()[-1] == GLYPHS[4]
    assert len(rows[3].rstrip()) < len(rows[2].rstrip())  # Thursday is in the future: blank


@pytest.mark.parametrize("width", [40, 60, 80])
def test_heatmap_fits_a_narrow_terminal_by_dropping_old_weeks(width: int) -> None:
    lines = heatmap_lines(sample_stats(), width)
    assert all(len(line) <= width for line in lines[:-1])
    assert lines[3].rstrip().endswith(GLYPHS[1])  # the newest week is always shown


def test_heatmap_text_colours_squares_or_falls_back_to_glyphs() -> None:
    coloured = heatmap_text(sample_stats(), colour=True)
    assert "■" in coloured[1].plain
    assert "#39d353" in {str(span.style) for span in coloured[1].spans}
    plain = heatmap_text(sample_stats(), colour=False)
    assert [text.plain for text in plain] == heatmap_lines(sample_stats())


def test_print_stats_in_a_pipe_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    print_stats(sample_stats())
    out = capsys.readouterr().out
    assert out.startswith("9 notes: 9 dated on 5 days")
    assert "Streak: 3 days (since 2026-11-30). Longest: 3 days" in out
    assert "Less · ░ ▒ ▓ █ More" in out
    assert "\x1b[" not in out


def test_print_stats_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    print_stats(sample_stats(), as_json=True)
    assert json.loads(capsys.readouterr().out)["days_with_notes"] == 5


def test_print_stats_with_no_notes(capsys: pytest.CaptureFixture[str]) -> None:
    print_stats(compute_stats([], TODAY))
    assert capsys.readouterr().out == "No notes yet. Add one with: til add 'what I learned'\n"


@pytest.mark.parametrize("no_color", [False, True])
def test_print_stats_on_a_terminal(monkeypatch: pytest.MonkeyPatch, no_color: bool) -> None:
    console = Console(
        record=True, force_terminal=True, width=80, color_system="truecolor", no_color=no_color
    )
    monkeypatch.setattr(render_stats, "is_terminal", lambda: True)
    monkeypatch.setattr(render_stats, "stdout_console", lambda: console)
    print_stats(sample_stats())
    text = console.export_text(clear=False)
    assert "Streak: 3 days" in text
    if no_color:
        assert "■" not in text
        assert "Less · ░ ▒ ▓ █ More" in text
    else:
        assert "■" in text
        assert "\x1b[38;2;57;211;83m" in console.export_text(styles=True)
    assert all(len(line) <= 80 for line in text.splitlines())
