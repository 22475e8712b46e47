"""The provider's sending rate, shared by every worker: a token bucket in Redis.

A mail provider allows so many messages a second for the whole account (Amazon SES
starts production accounts at 14, the larger providers allow hundreds), so the limit
is one for all companies and all workers, not one per worker or per company. A sender
reserves the messages it is about to send and is told how long to wait for their turn
(the generic cell rate algorithm: Redis keeps the moment the reserved traffic ends).
One round trip reserves a whole chunk, so the bucket costs a Redis call per few
messages, not per message. With EMAIL_SEND_RATE_PER_SECOND = 0 there is no limit.
"""

import logging
import time

from django.conf import settings

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


def send_rate_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:outbox:send-rate"


def send_turn_wait(count: int) -> float:
    """Reserve `count` messages in the shared bucket; returns the seconds to wait before sending them."""
    rate = float(settings.EMAIL_SEND_RATE_PER_SECOND)
    if rate <= 0 or count <= 0:
        return 0.0
    try:
        waited_us = _reserve_script()(keys=[send_rate_key()], args=[rate, count])
    except Exception as error:  # noqa: BLE001 - Redis away: send at the worker's own pace
        logger.warning("the send rate bucket is out of reach, sending without it: %s", error)
        return count / rate
    return max(0, int(waited_us)) / 1_000_000


def send_turn_take(count: int) -> None:
    """Wait until `count` messages may go to the provider without exceeding its rate."""
    wait = send_turn_wait(count)
    if wait > 0:
        time.sleep(wait)
