"""A date range as the tallies' periods: the calendar months it covers whole, and the days at
its edges. Summing month rows for the first and day rows for the second counts every day once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Periods:
    months: tuple[dt.date, dt.date] | None  # first days of the first and last whole month
    days: tuple[tuple[dt.date, dt.date], ...]  # inclusive day ranges outside whole months


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def split_range(start: dt.date, end: dt.date) -> Periods:
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    first_whole = start if start.day == 1 else month_end(start) + dt.timedelta(days=1)
    last_whole = month_start(end) if end == month_end(end) else month_start(end) - dt.timedelta(1)
    if first_whole > last_whole:  # no whole month inside: all days
        return Periods(None, ((start, end),))
    days = []
    if start < first_whole:
        days.append((start, first_whole - dt.timedelta(days=1)))
    if end > month_end(last_whole):
        days.append((month_end(last_whole) + dt.timedelta(days=1), end))
    return Periods((first_whole, month_start(last_whole)), tuple(days))
