"""Where days, ISO weeks and months start and end; no database."""

import datetime as dt

import pytest

from apps.metrics.periods import period_end, period_next_start, period_start, period_starts


@pytest.mark.parametrize(
    ("day", "interval", "start", "end"),
    [
        (dt.date(2026, 9, 9), "day", dt.date(2026, 9, 9), dt.date(2026, 9, 9)),
        # A Sunday belongs to the ISO week of the Monday before it.
        (dt.date(2026, 9, 13), "week", dt.date(2026, 9, 7), dt.date(2026, 9, 13)),
        (dt.date(2027, 1, 1), "week", dt.date(2026, 12, 28), dt.date(2027, 1, 3)),
        (dt.date(2028, 2, 29), "month", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 31), "month", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ],
)
def test_period_start_and_end(day: dt.date, interval: str, start: dt.date, end: dt.date) -> None:
    assert period_start(day, interval) == start
    assert period_end(start, interval) == end
    assert period_next_start(start, interval) == end + dt.timedelta(days=1)


def test_period_starts_cover_the_view_from_the_period_it_starts_in() -> None:
    starts = period_starts(start=dt.date(2026, 9, 13), end=dt.date(2026, 9, 21), interval="week")
    assert starts == [dt.date(2026, 9, 7), dt.date(2026, 9, 14), dt.date(2026, 9, 21)]
    assert period_starts(start=dt.date(2026, 1, 31), end=dt.date(2026, 3, 1), interval="month") == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert period_starts(start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 1), interval="day") == []
