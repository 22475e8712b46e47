"""A real Celery worker process for tests, and committed data it can see.

Fixtures (imported by tests/conftest.py):

`celery_worker` (session): starts
    celery -A cxplatform worker --pool=prefork --concurrency=2 -Q <unique queue> --include tests.celery_tasks
with the test settings, pointed at the test database and the same Redis, and
makes this process send tasks to that unique queue (so workers of other test
runs or of a dev server never take them). It waits until the worker answers a
ping and stops it at the end of the session (SIGTERM, then SIGKILL). Mail the
worker sends lands in files: `celery_worker.outbox()` parses them.
To add tasks for tests only, put them in tests/celery_tasks.py.

`committed` (function): a worker runs in another process and cannot see rows
inside a test's rolled-back transaction, so a test that hands data to the
worker does NOT use the `db` fixture or the django_db mark. It uses
`committed`, which opens the database without a transaction (every write
commits at once), gives unique emails (`committed.email("label")`), and on
teardown deletes everything registered with `committed.on_teardown(...)`
(users written in a schema: `committed.forget_users(schema, emails)`).
Never use `transaction.atomic` tricks or `transactional_db` instead: Django's
flush after such a test would truncate the public tables (the companies).

Example:

    def test_task_lands_in_beta(celery_worker, committed):
        email = committed.email("beta-user")
        committed.forget_users("beta", [email])
        with schema_context("beta"):
            schema = user_write.delay(email).get(timeout=30)
        assert schema == "beta"
"""

import email as email_parser
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from cxplatform.celery import app
from tests.waiting import wait_until

WORKER_START_TIMEOUT = 90.0  # seconds; a cold start imports Django and every app
WORKER_STOP_TIMEOUT = 30.0


def _require_test_database() -> None:
    """Fail loudly rather than let a worker or `committed` write to a real database."""
    if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
        pytest.fail(f"the test database is not set up; refusing to use {connection.settings_dict['NAME']!r}")


def _database_url(settings_dict: dict[str, Any]) -> str:
    _require_test_database()
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    if host.startswith("/"):  # a Unix-socket directory (scripts/dev.py's embedded PostgreSQL)
        return f"postgres://{credentials}/{host}/{settings_dict['NAME']}"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


@dataclass
class CeleryWorker:
    queue: str
    hostname: str
    process: subprocess.Popen
    log_path: Path
    mail_dir: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def outbox(self) -> list[Message]:
        """Every email the worker has sent so far, oldest first."""
        separator = b"\n" + b"-" * 79 + b"\n"
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_bytes().split(separator):
                if chunk.strip():
                    messages.append(email_parser.message_from_bytes(chunk))
        return messages

    def alive(self) -> bool:
        return self.process.poll() is None


def _wait_for_ping(worker: CeleryWorker) -> None:
    def answers() -> bool:
        if not worker.alive():
            raise RuntimeError(f"the Celery worker exited with {worker.process.returncode}:\n{worker.log()[-4000:]}")
        return bool(app.control.ping(destination=[worker.hostname], timeout=1.0))

    wait_until(
        answers,
        timeout=WORKER_START_TIMEOUT,
        interval=0.2,
        message=f"the Celery worker {worker.hostname} to answer a ping",
        detail=lambda: worker.log()[-4000:],
    )


def worker_idle(worker: CeleryWorker) -> bool:
    """Nothing waits in the worker's queue and nothing is running, reserved or scheduled in it.

    Checked twice in a row: a task that finishes between two questions may have queued another
    (an email handed to the outbox), which the second round sees. What tests wait for instead of
    a fixed pause "to let a duplicate land": once the worker is idle, any duplicate has landed.
    """
    return _worker_idle_once(worker) and _worker_idle_once(worker)


def _worker_idle_once(worker: CeleryWorker) -> bool:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        if client.llen(worker.queue):
            return False
    finally:
        client.close()
    # limit=1: return as soon as the one worker asked has replied, not after the whole timeout.
    inspector = app.control.inspect(destination=[worker.hostname], timeout=2.0, limit=1)
    for ask in (inspector.active, inspector.reserved, inspector.scheduled):
        replies = ask()
        if not replies or replies.get(worker.hostname):
            return False
    return True


def worker_stop(worker: CeleryWorker) -> None:
    if not worker.alive():
        return
    os.killpg(worker.process.pid, signal.SIGTERM)  # warm shutdown: finish running tasks
    try:
        worker.process.wait(timeout=WORKER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=10)


def _queue_forget(queue: str) -> None:
    """Remove the unique queue's keys from Redis so test runs leave nothing behind."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        keys = [queue, *client.scan_iter(match=f"_kombu.binding*.{queue}")]
        client.delete(*keys)
    finally:
        client.close()


def worker_start(*, queue: str, extra_env: dict[str, str] | None = None, concurrency: int = 2) -> CeleryWorker:
    """Start a worker on `queue` against the test database and wait until it answers a ping."""
    workdir = Path(tempfile.mkdtemp(prefix="kokemus-worker-"))
    mail_dir = workdir / "mail"
    mail_dir.mkdir()
    log_path = workdir / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    hostname = f"worker-{uuid.uuid4().hex[:6]}@{queue}"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cxplatform",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "-Q",
        queue,
        "--include",
        "tests.celery_tasks",
        "--hostname",
        hostname,
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the pool's children stop with it
        )
    worker = CeleryWorker(queue=queue, hostname=hostname, process=process, log_path=log_path, mail_dir=mail_dir)
    try:
        _wait_for_ping(worker)
    except Exception:
        worker_stop(worker)
        raise
    return worker


def worker_kill(worker: CeleryWorker) -> None:
    """SIGKILL the worker and its pool: no warm shutdown, tasks die mid-flight."""
    if worker.alive():
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=10)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: None, django_db_blocker: Any) -> Iterator[CeleryWorker]:
    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    worker = worker_start(queue=queue)
    try:
        yield worker
    finally:
        worker_stop(worker)
        app.conf.task_default_queue = previous_queue
        _queue_forget(queue)


@pytest.fixture
def private_queue() -> Iterator[str]:
    """A queue no other worker listens to, made the default for tasks sent from this test: for a test
    that starts (and kills) its own workers with worker_start(queue=private_queue)."""
    queue = f"test-crash-{uuid.uuid4().hex[:10]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = previous
    _queue_forget(queue)


@dataclass
class Committed:
    """Committed writes for other processes to see, removed again after the test."""

    tag: str
    _teardowns: list[Callable[[], None]] = field(default_factory=list)

    def email(self, label: str = "user") -> str:
        """An address no other test (or test run) uses."""
        return f"{label}-{self.tag}@committed.example"

    def on_teardown(self, cleanup: Callable[[], None]) -> None:
        self._teardowns.append(cleanup)

    def forget_users(self, schema: str, emails: list[str]) -> None:
        """Delete these users from `schema` after the test, wherever the test or the worker created them."""
        from apps.accounts.models import User

        def delete() -> None:
            with schema_context(schema):
                User.objects.filter(email__in=emails).delete()

        self.on_teardown(delete)

    def run_teardowns(self) -> None:
        errors = []
        for cleanup in reversed(self._teardowns):
            try:
                cleanup()
            except Exception as error:  # noqa: BLE001 - run every cleanup, report all at the end
                errors.append(error)
        if errors:
            raise errors[0]


@pytest.fixture
def committed(request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any) -> Iterator[Committed]:
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        pytest.fail("`committed` cannot share a test with `db`/django_db: the worker would not see the rows.")
    _require_test_database()
    data = Committed(tag=uuid.uuid4().hex[:10])
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        started = timezone.now()
        # Whatever email the test's writes queued (a case notice to a company admin, say) goes too.
        data.on_teardown(lambda: _outbox_forget(since=started))
        try:
            yield data
        finally:
            data.run_teardowns()
            connection.set_schema_to_public()


def _outbox_forget(*, since: Any) -> None:
    from apps.outbox.models import OutboundEmail

    for schema in ("alpha", "beta"):
        with schema_context(schema):
            OutboundEmail.objects.filter(created_at__gte=since).delete()
