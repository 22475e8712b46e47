"""The public health endpoint: 200 when the database, Redis and a real worker answer, else 503 and no details."""

import pytest

from cxplatform.celery import app

pytestmark = pytest.mark.django_db


def _assert_no_details(body: str) -> None:
    for secret in ("redis://", "postgres", "Error", "Traceback", "127.0.0.1", "6379", "worker(s)"):
        assert secret not in body


@pytest.mark.worker
@pytest.mark.parametrize("host", ["testserver", "alpha.testserver"])
def test_health_is_ok_with_a_running_worker(celery_worker, client, host):
    response = client.get("/health/", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "celery": "ok"}}
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_503_without_a_worker(anonymous_client, monkeypatch):
    # Whether or not the session's test worker is up, this request finds none answering.
    monkeypatch.setattr(app.control, "ping", lambda *args, **kwargs: [])
    response = anonymous_client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "ok", "celery": "unavailable"},
    }
    _assert_no_details(response.content.decode())


def test_health_is_503_when_redis_is_down(anonymous_client, monkeypatch, settings):
    monkeypatch.setattr(app.control, "ping", lambda *args, **kwargs: [{"worker@x": {"ok": "pong"}}])
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = anonymous_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "unavailable"
    _assert_no_details(response.content.decode())


def test_health_needs_no_login_and_only_reads(anonymous_client):
    assert anonymous_client.post("/health/").status_code == 405
