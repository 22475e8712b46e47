"""A task carries the schema it was sent from, and a real worker process runs it there and nowhere else."""

import uuid

import pytest
from celery.signals import before_task_publish
from django_tenants.utils import schema_context

from apps.accounts.models import User
from cxplatform.celery import app
from tests.celery_tasks import schema_name_report, user_write

TIMEOUT = 30


def test_a_task_sent_in_a_companys_context_carries_its_schema():
    """Both ways of sending (a task's delay/apply_async and send_task by name) put the sender's schema
    in the message header the worker switches to."""
    queue = f"schema-header-{uuid.uuid4().hex}"  # no worker listens here; deleted below
    sent: list[tuple[str, str | None]] = []

    def record(sender: str, headers: dict, **kwargs: object) -> None:
        sent.append((sender, headers.get("_schema_name")))

    before_task_publish.connect(record)
    try:
        with schema_context("alpha"):
            schema_name_report.apply_async(queue=queue)
        with schema_context("beta"):
            app.send_task(schema_name_report.name, queue=queue)
    finally:
        before_task_publish.disconnect(record)
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)

    assert sent == [(schema_name_report.name, "alpha"), (schema_name_report.name, "beta")]


@pytest.mark.worker
def test_task_runs_in_the_schema_it_was_sent_from(celery_worker, committed):
    with schema_context("alpha"):
        assert schema_name_report.delay().get(timeout=TIMEOUT) == "alpha"
    with schema_context("beta"):
        assert schema_name_report.delay().get(timeout=TIMEOUT) == "beta"


@pytest.mark.worker
def test_task_writes_land_in_the_right_company_only(celery_worker, committed):
    alpha_email, beta_email = committed.email("alpha"), committed.email("beta")
    committed.forget_users("alpha", [alpha_email, beta_email])
    committed.forget_users("beta", [alpha_email, beta_email])

    with schema_context("alpha"):
        alpha_result = user_write.delay(alpha_email)
    with schema_context("beta"):
        beta_result = user_write.delay(beta_email)
    assert (alpha_result.get(timeout=TIMEOUT), beta_result.get(timeout=TIMEOUT)) == ("alpha", "beta")

    with schema_context("alpha"):
        assert set(User.objects.filter(email__in=[alpha_email, beta_email]).values_list("email", flat=True)) == {
            alpha_email
        }
    with schema_context("beta"):
        assert set(User.objects.filter(email__in=[alpha_email, beta_email]).values_list("email", flat=True)) == {
            beta_email
        }


@pytest.mark.worker
def test_tasks_go_to_the_test_workers_own_queue(celery_worker):
    assert app.conf.task_default_queue == celery_worker.queue
    assert celery_worker.alive()
