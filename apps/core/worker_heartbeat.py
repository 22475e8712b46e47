"""Each Celery worker tells Redis it is alive; readiness reads that instead of pinging workers.

A worker bootstep (Celery's way to hook into a worker's life, see "Extensions and
Bootsteps" in its documentation) runs a timer in the worker's main process: every
WORKER_HEARTBEAT_SECONDS it puts the worker's name with the current time into one
sorted set in Redis, and removes it on a warm shutdown. A killed worker stops beating
and falls out of the fresh window (WORKER_HEARTBEAT_MAX_AGE_SECONDS) by itself.

Readiness then counts the fresh members with one ZCOUNT, which takes well under a
millisecond and never waits on a worker. In a prefork worker the timer runs in the
parent process, so a worker whose pool is busy with long tasks is still alive; with
the solo pool a long task delays the beat, so give such workers a longer max age.
"""

import logging
import time
from typing import Any

import redis
from celery import bootsteps
from celery.worker import WorkController
from django.conf import settings
from kombu.asynchronous.timer import Entry

logger = logging.getLogger(__name__)


def heartbeat_write(*, client: redis.Redis, worker_name: str, now: float) -> None:
    key = settings.WORKER_HEARTBEAT_KEY
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
    pipeline = client.pipeline(transaction=False)
    pipeline.zadd(key, {worker_name: now})
    # Workers that died without saying goodbye; the set stays as small as the live workers.
    pipeline.zremrangebyscore(key, "-inf", now - 10 * max_age)
    pipeline.expire(key, int(10 * max_age) + 1)
    pipeline.execute()


def heartbeat_forget(*, client: redis.Redis, worker_name: str) -> None:
    client.zrem(settings.WORKER_HEARTBEAT_KEY, worker_name)


def heartbeats_fresh_count(*, client: redis.Redis, now: float) -> int:
    """How many workers beat within WORKER_HEARTBEAT_MAX_AGE_SECONDS."""
    return client.zcount(settings.WORKER_HEARTBEAT_KEY, now - settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS, "+inf")


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Beats once at start (so a worker is ready as soon as it consumes) and then on the worker's timer."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker: WorkController, **options: Any) -> None:
        super().__init__(worker, **options)
        self.timer_entry: Entry | None = None
        self.client: redis.Redis | None = None

    def start(self, worker: WorkController) -> None:
        self.client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        self.beat(worker)
        self.timer_entry = worker.timer.call_repeatedly(settings.WORKER_HEARTBEAT_SECONDS, self.beat, (worker,))

    def beat(self, worker: WorkController) -> None:
        try:
            heartbeat_write(client=self.client, worker_name=worker.hostname, now=time.time())
        except redis.RedisError:
            # Redis away: readiness says so itself; the worker carries on and beats again later.
            logger.warning("worker heartbeat not written", exc_info=True)

    def stop(self, worker: WorkController) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None
        if self.client is not None:
            try:
                heartbeat_forget(client=self.client, worker_name=worker.hostname)
            except redis.RedisError:
                logger.warning("worker heartbeat not removed", exc_info=True)
            self.client.close()
            self.client = None
