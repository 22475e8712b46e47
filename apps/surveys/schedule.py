"""When an email may go out: pure functions of time, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

# Waits before retrying a failed send: 1 min, 5 min, 30 min, 2 h, 6 h; then the email is marked failed.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)


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


def retry_at(*, attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again after `attempts` failed tries, or None when it is time to give up."""
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]
