"""The public health probes: liveness answers from the process alone; readiness (and /health/) is 200
when the database, Redis and a real worker's heartbeat answer, else 503, quickly and with no details."""

import time
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.worker_heartbeat import heartbeat_write

pytestmark = pytest.mark.django_db

READY = ["/health/ready/", "/health/"]


def _assert_no_details(body: str) -> None:
    for secret in ("redis://", "postgres", "Error", "Traceback", "127.0.0.1", "6379", "worker(s)", "@"):
        assert secret not in body


@pytest.fixture
def heartbeat_key(settings):
    """A key no worker writes to, removed afterwards: each test sees only the heartbeats it writes."""
    settings.WORKER_HEARTBEAT_KEY = f"test-heartbeats-{uuid.uuid4().hex[:10]}"
    yield settings.WORKER_HEARTBEAT_KEY
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    client.delete(settings.WORKER_HEARTBEAT_KEY)
    client.close()


@pytest.mark.worker
@pytest.mark.parametrize("host", ["testserver", "alpha.testserver", "10.0.0.7:8000"])
@pytest.mark.parametrize("url", READY)
def test_ready_with_a_running_worker(celery_worker, client, host, url):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "worker": "ok"}}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("url", READY)
def test_ready_is_503_quickly_without_a_worker_heartbeat(anonymous_client, heartbeat_key, url):
    started = time.monotonic()
    response = anonymous_client.get(url)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "ok", "worker": "unavailable"},
    }
    _assert_no_details(response.content.decode())
    # Not a timing bar, a guard against waiting on a ping's timeout as /health/ once did (1.5 s).
    assert elapsed < 1.0


def test_ready_counts_only_a_fresh_heartbeat(anonymous_client, heartbeat_key, settings):
    client = redis.Redis.from_url(settings.REDIS_URL)
    stale = time.time() - settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS - 5
    heartbeat_write(client=client, worker_name="gone@host", now=stale)
    assert anonymous_client.get("/health/ready/").status_code == 503
    heartbeat_write(client=client, worker_name="alive@host", now=time.time())
    client.close()
    assert anonymous_client.get("/health/ready/").status_code == 200


def test_ready_is_503_when_redis_is_down(anonymous_client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = anonymous_client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "unavailable", "worker": "unavailable"}
    _assert_no_details(response.content.decode())


@pytest.mark.parametrize("host", ["testserver", "alpha.testserver", "10.0.0.7:8000", "unknown.example"])
def test_live_touches_no_database_and_needs_no_known_host(anonymous_client, settings, host):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing outside the process is asked
    with CaptureQueriesContext(connection) as queries:
        response = anonymous_client.get("/health/live/", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")
    assert len(queries) == 0


@pytest.mark.parametrize("url", ["/health/", "/health/live/", "/health/ready/"])
def test_health_needs_no_login_and_only_reads(anonymous_client, url):
    assert anonymous_client.post(url).status_code == 405
