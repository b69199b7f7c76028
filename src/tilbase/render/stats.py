"""Drawing ``til stats``: the numbers, a GitHub-style calendar heatmap, months, tags, topics.

The heatmap has one column per week (oldest left) and seven rows, Monday to
Sunday, with month names above the week a month starts in. On a colour
terminal each day is a square shaded in four greens; without colour (a pipe,
``NO_COLOR``, ``--no-color``) the levels are drawn with ``· ░ ▒ ▓ █``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tilbase.render import is_terminal, print_json, print_plain, stdout_console
from tilbase.stats import LEVELS, Stats, calendar_weeks, intensity

if TYPE_CHECKING:
    from rich.text import Text

__all__ = [
    "GLYPHS",
    "heatmap_lines",
    "heatmap_text",
    "print_stats",
    "stats_lines",
]

#: One character per level, 0 (no note) to 4, for output without colour.
GLYPHS = "·░▒▓█"
#: Rich styles per level for the coloured squares.
COLOURS = ("bright_black", "#0e4429", "#006d32", "#26a641", "#39d353")
SQUARE = "■"
_ROW_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
_LABEL_WIDTH = 4
_CELL_WIDTH = 2
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _weeks_that_fit(width: int) -> int:
    return max(1, (width - _LABEL_WIDTH) // _CELL_WIDTH)


def _month_label_line(columns: Sequence[Sequence[dt.date | None]]) -> str:
    """Month names over the week column holding each month's 1st day.

    The first column is labelled with its own month too when the next label
    is far enough away not to collide with it.
    """
    labels: list[tuple[int, int]] = []  # (column index, month)
    for index, column in enumerate(columns):
        first_of_month = next((day for day in column if day is not None and day.day == 1), None)
        if first_of_month is not None:
            labels.append((index, first_of_month.month))
    if columns and columns[0][0] is not None and (not labels or labels[0][0] >= 2):
        labels.insert(0, (0, columns[0][0].month))
    line = [" "] * (_LABEL_WIDTH + _CELL_WIDTH * len(columns))
    free_from = 0
    for index, month in labels:
        position = _LABEL_WIDTH + _CELL_WIDTH * index
        if position < free_from or position + 3 > len(line):
            continue
        line[position : position + 3] = _MONTH_NAMES[month - 1]
        free_from = position + 4
    return "".join(line).rstrip()


def heatmap_lines(
    stats: Stats, width: int = 120, cell: Callable[[int], str] = GLYPHS.__getitem__
) -> list[str]:
    """The calendar as plain lines: month names, seven day rows, a legend.

    ``width`` is the space available; older weeks are dropped to fit it.
    ``cell`` turns a level (0-4) into the text of one day.
    """
    columns = calendar_weeks(stats, min(len(calendar_weeks(stats)), _weeks_that_fit(width)))
    busiest = max((stats.per_day.get(day, 0) for col in columns for day in col if day), default=0)
    lines = [_month_label_line(columns)]
    for row in range(7):
        cells = []
        for column in columns:
            day = column[row]
            cells.append(
                " " if day is None else cell(intensity(stats.per_day.get(day, 0), busiest))
            )
        lines.append(f"{_ROW_LABELS[row]:<{_LABEL_WIDTH}}" + " ".join(cells).rstrip())
    legend = " ".join(cell(level) for level in range(LEVELS + 1))
    lines.append(" " * _LABEL_WIDTH + f"Less {legend} More")
    return lines


def heatmap_text(stats: Stats, width: int = 120, *, colour: bool = True) -> list[Text]:
    """The calendar as Rich lines: green squares with ``colour``, else the plain glyphs."""
    from rich.text import Text

    marker = "\x00"
    plain = heatmap_lines(stats, width, cell=lambda level: f"{marker}{level}")
    lines = []
    for raw in plain:
        text = Text(no_wrap=True, overflow="crop")
        parts = raw.split(marker)
        text.append(parts[0])
        for part in parts[1:]:
            level = int(part[0])
            if colour:
                text.append(SQUARE, style=COLOURS[level])
            else:
                text.append(GLYPHS[level])
            text.append(part[1:])
        lines.append(text)
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _streak_text(stats: Stats) -> str:
    current, longest = stats.current_streak, stats.longest_streak
    if current.days:
        now = f"{_plural(current.days, 'day')} (since {current.start})"
        if not stats.wrote_today:
            now += "; add a note today to keep it"
    else:
        now = "none; add a note today to start one"
    best = (
        f"{_plural(longest.days, 'day')} ({longest.start} to {longest.end})"
        if longest.days
        else "none yet"
    )
    return f"Streak: {now}. Longest: {best}."


def _summary(stats: Stats) -> list[str]:
    if not stats.total:
        return ["No notes yet. Add one with: til add 'what I learned'"]
    line = f"{_plural(stats.total, 'note')}: {stats.dated} dated"
    if stats.first_date and stats.last_date:
        line += (
            f" on {_plural(stats.days_with_notes, 'day')} ({stats.first_date} to {stats.last_date})"
        )
    line += f", {stats.undated} undated"
    return [line, _streak_text(stats)]


def _bar(count: int, most: int, width: int = 30) -> str:
    if not count or not most:
        return ""
    return "█" * max(1, round(width * count / most))


def stats_lines(stats: Stats, *, months: int = 12) -> list[str]:
    """Everything but the heatmap as plain lines: summary, recent months, top tags and topics."""
    lines = _summary(stats)
    recent = stats.per_month[-months:]
    if recent:
        most = max(count for _, count in recent)
        lines += ["", f"Notes per month (last {len(recent)}):"]
        lines += [f"  {month}  {count:>4}  {_bar(count, most)}".rstrip() for month, count in recent]
    for heading, items in (("Top tags", stats.top_tags), ("Top topics", stats.top_topics)):
        if items:
            lines += ["", f"{heading}:"]
            width = max(len(name) for name, _ in items)
            lines += [f"  {name:<{width}}  {count:>4}" for name, count in items]
    return lines


def print_stats(stats: Stats, *, as_json: bool = False) -> None:
    """``til stats``: JSON, Rich on a terminal (coloured squares unless colour is off), or text."""
    if as_json:
        print_json(stats.to_json())
        return
    if not is_terminal():
        for line in _summary(stats):
            print_plain(line)
        if stats.total:
            print_plain()
            for line in heatmap_lines(stats):
                print_plain(line)
            for line in stats_lines(stats)[len(_summary(stats)) :]:
                print_plain(line)
        return
    console = stdout_console()
    colour = console.color_system is not None and not console.no_color
    summary = _summary(stats)
    for line in summary:
        console.print(line, highlight=False, markup=False)
    if not stats.total:
        return
    console.print()
    for text in heatmap_text(stats, console.width, colour=colour):
        console.print(text)
    for line in stats_lines(stats)[len(summary) :]:
        console.print(line, highlight=False, markup=False)
