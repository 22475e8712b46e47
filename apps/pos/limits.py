"""How many answers the point of service takes from one device or address, and what counts as a burst.

The limits are per link, so a customer who answers at two stations is not refused. A shop's
guest network or a mobile operator's NAT puts many honest customers behind one address, so the
address limit is loose; the device limit (a signed cookie) is tight, but a stuffer can drop the
cookie, which is why both exist and why bursts are counted and shown rather than silently dropped.
"""

import datetime as dt

# A phone (its signed cookie) answers one link at most this often in a day.
DEVICE_LIMIT = 3
DEVICE_WINDOW = dt.timedelta(hours=24)
# One client address (hashed per day) answers one link at most this often in a day.
ADDRESS_LIMIT = 20
ADDRESS_WINDOW = dt.timedelta(hours=24)
# A kiosk takes at most this many answers an hour: one a minute is already a queue at a counter.
KIOSK_LIMIT = 60
KIOSK_WINDOW = dt.timedelta(hours=1)
# Suspicious: this many answers from one address within this time.
BURST_ANSWERS = 5
BURST_WINDOW = dt.timedelta(minutes=10)
# The period the point-of-service page reports on.
REPORT_DAYS = 30


def bursts_count(times_by_address: dict[str, list[dt.datetime]]) -> int:
    """Bursts: runs of BURST_ANSWERS answers from one address inside BURST_WINDOW. A run is counted
    once, and the next burst of that address starts after it ends."""
    bursts = 0
    for times in times_by_address.values():
        times = sorted(times)
        start = 0
        while start + BURST_ANSWERS - 1 < len(times):
            end = start + BURST_ANSWERS - 1
            if times[end] - times[start] <= BURST_WINDOW:
                bursts += 1
                # Skip the rest of this burst: every answer within the window of its last one.
                while end + 1 < len(times) and times[end + 1] - times[end] <= BURST_WINDOW:
                    end += 1
                start = end + 1
            else:
                start += 1
    return bursts
