"""Checks of the components the app depends on, for the health endpoint."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

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


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis() -> str:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_celery_worker() -> str:
    from cxplatform.celery import app

    replies = app.control.ping(timeout=1.5)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"{len(replies)} worker(s) answered"


def health_check_run() -> list[CheckResult]:
    return [
        _timed("database", _check_database),
        _timed("redis", _check_redis),
        _timed("celery", _check_celery_worker),
    ]
