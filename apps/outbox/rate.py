"""The providers' sending rates, shared by every worker: a token bucket in Redis per channel.

A mail provider allows so many messages a second for the whole account (Amazon SES
starts production accounts at 14, the larger providers allow hundreds), so the limit
is one for all companies and all workers, not one per worker or per company. A sender
reserves the messages it is about to send and is told how long to wait for their turn
(the generic cell rate algorithm: Redis keeps the moment the reserved traffic ends).
One round trip reserves a whole chunk, so the bucket costs a Redis call per few
messages, not per message.

Email and text messages go to different providers with limits of their own, so each
channel has its own bucket (its own Redis key) and its own setting:
EMAIL_SEND_RATE_PER_SECOND and SMS_SEND_RATE_PER_SECOND. A slow SMS account never
makes an email wait, nor the other way round. A rate of 0 means no limit.
"""

import logging
import time

from django.conf import settings

from apps.outbox.models import OutboundChannel

logger = logging.getLogger(__name__)

# KEYS[1]: the moment (seconds, Redis clock) the traffic reserved so far has gone out.
# ARGV[1]: messages a second, ARGV[2]: messages to reserve. Returns the wait in microseconds.
_RESERVE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local rate = tonumber(ARGV[1])
local start = tonumber(redis.call('GET', KEYS[1]) or '0')
if start < now then start = now end
local finish = start + tonumber(ARGV[2]) / rate
redis.call('SET', KEYS[1], string.format('%.6f', finish), 'PX', math.ceil((finish - now) * 1000) + 1000)
return math.floor((start - now) * 1000000)
"""

_client = None
_script = None


def _reserve_script():
    global _client, _script
    if _script is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        _script = _client.register_script(_RESERVE)
    return _script


# The setting that holds each channel's rate (messages a second; 0: no limit).
RATE_SETTINGS = {
    OutboundChannel.EMAIL: "EMAIL_SEND_RATE_PER_SECOND",
    OutboundChannel.SMS: "SMS_SEND_RATE_PER_SECOND",
}


def send_rate(channel: str) -> float:
    """The provider's rate for `channel` ("email" or "sms"), messages a second; 0 for no limit.

    A channel with no provider shared by every company (webhooks: each goes to its own receiver) has none.
    """
    setting = RATE_SETTINGS.get(channel)
    return float(getattr(settings, setting)) if setting else 0.0


def send_rate_key(channel: str = OutboundChannel.EMAIL) -> str:
    """The Redis key of `channel`'s bucket: one per channel, shared by every company and worker."""
    if channel not in RATE_SETTINGS:
        raise ValueError(f"No send rate for the channel {channel!r}.")
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:outbox:send-rate:{channel}"


def send_turn_wait(count: int, *, channel: str = OutboundChannel.EMAIL) -> float:
    """Reserve `count` messages in `channel`'s bucket; returns the seconds to wait before sending them."""
    rate = send_rate(channel)
    if rate <= 0 or count <= 0:
        return 0.0
    try:
        waited_us = _reserve_script()(keys=[send_rate_key(channel)], args=[rate, count])
    except Exception as error:  # noqa: BLE001 - Redis away: send at the worker's own pace
        logger.warning("the %s send rate bucket is out of reach, sending without it: %s", channel, error)
        return count / rate
    return max(0, int(waited_us)) / 1_000_000


def send_turn_take(count: int, *, channel: str = OutboundChannel.EMAIL) -> None:
    """Wait until `count` messages may go to `channel`'s provider without exceeding its rate."""
    wait = send_turn_wait(count, channel=channel)
    if wait > 0:
        time.sleep(wait)
