"""A task run by a real worker process lands in the schema it was sent from, and in no other."""

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import User
from tests.celery_tasks import schema_name_report, user_write

pytestmark = pytest.mark.worker

TIMEOUT = 30


def test_task_runs_in_the_schema_it_was_sent_from(celery_worker, committed):
    with schema_context("alpha"):
        assert schema_name_report.delay().get(timeout=TIMEOUT) == "alpha"
    with schema_context("beta"):
        assert schema_name_report.delay().get(timeout=TIMEOUT) == "beta"


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


def test_tasks_go_to_the_test_workers_own_queue(celery_worker):
    from cxplatform.celery import app

    assert app.conf.task_default_queue == celery_worker.queue
    assert celery_worker.alive()
