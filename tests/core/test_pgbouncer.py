"""The app behind a real PgBouncer in session pooling: pages, tasks and server-side cursors work, and
each company sees only its own rows. And why not transaction pooling: django-tenants sets the
company with a session-level `SET search_path`, which transaction pooling hands to other clients.

The test starts its own PgBouncer (configuration in a temporary directory, a port of its own) in
front of the test database on this machine's PostgreSQL.
"""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import User
from cxplatform.celery import app
from tests.celery_tasks import schema_name_report, user_write
from tests.celery_worker import worker_start, worker_stop
from tests.servers import PgBouncer, port_free_pick

PORTS = range(6440, 6450)
TIMEOUT = 60


def _bouncer(pool_mode: str, pool_size: int) -> PgBouncer:
    source = connection.settings_dict
    return PgBouncer.start(
        port=port_free_pick(PORTS),
        server_host=source.get("HOST") or "127.0.0.1",
        server_port=int(source.get("PORT") or 5432),
        pool_mode=pool_mode,
        pool_size=pool_size,
    )


@pytest.fixture(scope="module")
def session_bouncer(django_db_setup: None, django_db_blocker: Any) -> Iterator[PgBouncer]:
    bouncer = _bouncer("session", 20)
    try:
        yield bouncer
    finally:
        bouncer.stop()


def test_pages_of_both_companies_work_through_pgbouncer_and_stay_apart(session_bouncer):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.test",
        "DATABASE_URL": session_bouncer.url(connection.settings_dict["NAME"]),
        "CONN_MAX_AGE": "0",  # a new connection through PgBouncer for every request
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.core.pgbouncer_probe"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-6000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(found["pages"]) == 20
    for page in found["pages"]:
        assert page["status"] == 200, page
        other = "beta" if page["company"] == "alpha" else "alpha"
        assert not page["shows"][other], page
        if page["url"] == "/paths/":
            assert page["shows"][page["company"]], page
    assert found["names"]["beta"] in found["iterated"]
    assert found["names"]["alpha"] not in found["iterated"]


@pytest.mark.worker
def test_a_worker_through_pgbouncer_runs_tasks_in_their_company(session_bouncer, committed, private_queue):
    worker = worker_start(
        queue=private_queue,
        extra_env={"DATABASE_URL": session_bouncer.url(connection.settings_dict["NAME"]), "CONN_MAX_AGE": "60"},
    )
    try:
        alpha_email, beta_email = committed.email("alpha"), committed.email("beta")
        committed.forget_users("alpha", [alpha_email, beta_email])
        committed.forget_users("beta", [alpha_email, beta_email])
        # Interleaved on two pool processes whose connections stay open through PgBouncer.
        results = []
        for email in (alpha_email, beta_email):
            schema = email.split("-")[0]
            with schema_context(schema):
                results.append(user_write.delay(email))
                results.append(schema_name_report.delay())
        assert [result.get(timeout=TIMEOUT) for result in results] == ["alpha", "alpha", "beta", "beta"]
    finally:
        worker_stop(worker)
    for schema, email in (("alpha", alpha_email), ("beta", beta_email)):
        with schema_context(schema):
            assert set(User.objects.filter(email__in=[alpha_email, beta_email]).values_list("email", flat=True)) == {
                email
            }
    assert app.conf.task_default_queue == private_queue


@pytest.mark.parametrize(("pool_mode", "leaks"), [("session", False), ("transaction", True)])
def test_only_session_pooling_keeps_a_clients_search_path_to_itself(django_db_setup, pool_mode, leaks):
    """One server connection in the pool: the first client sets a company's search_path the way
    django-tenants does and goes quiet; the second client asks which schema it is in."""
    bouncer = _bouncer(pool_mode, 1)
    schema = f"company_{uuid.uuid4().hex[:6]}"
    dsn = bouncer.dsn(connection.settings_dict["NAME"])
    try:
        with psycopg.connect(dsn, autocommit=True) as first:
            first.execute(f'SET search_path = "{schema}", "public"')
            if pool_mode == "session":
                first.close()  # session pooling gives the server connection on only when the client leaves
            with psycopg.connect(dsn, autocommit=True) as second:
                seen = second.execute("SHOW search_path").fetchone()[0]
    finally:
        bouncer.stop()
    assert (schema in seen) is leaks, seen
