"""The health probes: liveness (the process answers) and readiness (it can do its work).

Liveness touches nothing outside the process, so a slow database never gets a web
process restarted. Readiness checks the database, Redis and that some Celery worker
is alive: each worker writes a heartbeat into Redis (apps/core/worker_heartbeat.py)
and readiness reads it in the same round trip as its Redis check, instead of a
Celery control ping that waits out its whole timeout when no worker answers.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings
from django.db import connection

from apps.core.worker_heartbeat import heartbeats_fresh_count

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    milliseconds: int


def _timed(name: str, check: Callable[[], str]) -> CheckResult:
    started = time.monotonic()
    try:
        detail = check()
        ok = True
    except Exception as error:
        logger.warning("health check %s failed", name, exc_info=True)
        detail = type(error).__name__
        ok = False
    return CheckResult(name=name, ok=ok, detail=detail, milliseconds=round((time.monotonic() - started) * 1000))


@lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per process: a probe does not open a connection each time."""
    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis_and_workers() -> tuple[CheckResult, CheckResult]:
    """Redis answers, and at least one worker's heartbeat in it is fresh; one round trip for both."""
    started = time.monotonic()
    try:
        workers = heartbeats_fresh_count(client=_redis_client(settings.REDIS_URL), now=time.time())
    except Exception as error:
        logger.warning("health check redis failed", exc_info=True)
        elapsed = round((time.monotonic() - started) * 1000)
        failed = type(error).__name__
        return (
            CheckResult(name="redis", ok=False, detail=failed, milliseconds=elapsed),
            CheckResult(name="worker", ok=False, detail="redis unavailable", milliseconds=elapsed),
        )
    elapsed = round((time.monotonic() - started) * 1000)
    if not workers:
        logger.warning("health check worker failed: no fresh worker heartbeat")
    return (
        CheckResult(name="redis", ok=True, detail="ok", milliseconds=elapsed),
        CheckResult(name="worker", ok=workers > 0, detail=f"{workers} worker(s) alive", milliseconds=elapsed),
    )


def health_ready_run() -> list[CheckResult]:
    return [_timed("database", _check_database), *_check_redis_and_workers()]
