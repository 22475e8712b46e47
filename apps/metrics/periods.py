"""Days, ISO weeks and calendar months: where each starts and ends. No ORM here.

The roll-up SQL groups days into weeks and months with PostgreSQL's date_trunc
(`rollup.py`); everything written in Python (which periods a refresh rewrites,
which a view reads, the periods of a chart) uses these functions, and a test holds
the two to the same answer on every day around the boundaries.
"""

import datetime as dt
from typing import Literal

Interval = Literal["day", "week", "month"]
INTERVALS: tuple[str, ...] = ("day", "week", "month")
# The periods the roll-ups keep rows for, besides single days; longest first is how a view is covered.
SPANS: tuple[str, ...] = ("week", "month")


def period_start(day: dt.date, interval: str) -> dt.date:
    """The first day of the day, ISO week (Monday) or calendar month that `day` falls in."""
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def period_next_start(day: dt.date, interval: str) -> dt.date:
    """The first day of the day, ISO week or month after the one starting on `day`."""
    if interval == "month":
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day + dt.timedelta(days=7 if interval == "week" else 1)


def period_end(start: dt.date, interval: str) -> dt.date:
    """The last day of the day, week or month starting on `start`."""
    return period_next_start(start, interval) - dt.timedelta(days=1)


def period_starts(*, start: dt.date, end: dt.date, interval: str) -> list[dt.date]:
    """The first day of each day, ISO week or month that overlaps start..end."""
    current = period_start(start, interval)
    starts = []
    while current <= end:
        starts.append(current)
        current = period_next_start(current, interval)
    return starts
