"""When to try a failed send again: pure functions of time, no database."""

import datetime as dt

# Waits before retrying a failed send: 1 min, 5 min, 30 min, 2 h, 6 h; then the message is dead.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)


def retry_at(*, attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again after `attempts` failed tries, or None when it is time to give up."""
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]
