"""When an email may go out: pure functions of time, no database."""

import datetime as dt
from zoneinfo import ZoneInfo


def is_quiet(moment: dt.datetime, *, time_zone: str, start: dt.time, end: dt.time) -> bool:
    """Whether `moment` falls in the quiet hours [start, end) of the company's local time."""
    if start == end:
        return False
    local = moment.astimezone(ZoneInfo(time_zone)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_hours_adjust(moment: dt.datetime, *, time_zone: str, start: dt.time, end: dt.time) -> dt.datetime:
    """`moment`, or the end of the quiet hours it falls in (in the company's time zone, DST-aware)."""
    if not is_quiet(moment, time_zone=time_zone, start=start, end=end):
        return moment
    zone = ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    day = local.date()
    if start > end and local.time() >= start:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)
