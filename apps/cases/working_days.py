"""Due times counted in working days: weekends and Finnish public holidays do not count."""

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import holidays


@cache
def _finnish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _finnish_holidays(day.year)


def add_working_days(moment: dt.datetime, *, days: int, time_zone: str) -> dt.datetime:
    """`moment` plus `days` working days, at the same local time of day.

    Opened on a weekend or a holiday, the count starts from the next working day.
    """
    zone = ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return dt.datetime.combine(day, local.time(), tzinfo=zone).astimezone(dt.UTC)
