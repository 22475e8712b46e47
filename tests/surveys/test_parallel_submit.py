"""Fifty customers' browsers submitting the same link at once record one answer."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.cases.models import FollowUpCase
from apps.customers.models import Customer
from apps.customers.services import customer_create
from apps.surveys.models import Answer, Invitation, InvitationEmail, Response, Survey
from apps.surveys.responses import response_submit
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_create
from apps.tenants.models import Tenant
from tests.surveys.conftest import survey_build

pytestmark = pytest.mark.worker


def test_fifty_parallel_submits_record_one_response(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        survey = survey_build(name=f"parallel-{committed.tag}")
        customer = customer_create(full_name="Rinnakkainen", email=committed.email("parallel"), survey_consent=True)
        now = timezone.now()
        invitation = invitation_create(
            survey=survey, customer=customer, send_at=now, now=now, rules=survey_settings_get()
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            status="sent", sent_at=now, expires_at=now + dt.timedelta(days=1)
        )
        question = survey.questions.get(type="nps")

    def cleanup() -> None:
        with tenant_context(alpha):
            FollowUpCase.objects.filter(customer=customer).delete()  # a poor winning score opens one
            Answer.objects.filter(response__invitation=invitation).delete()
            Response.objects.filter(invitation=invitation).delete()
            InvitationEmail.objects.filter(invitation=invitation).delete()
            Invitation.objects.filter(pk=invitation.pk).delete()
            Customer.objects.filter(pk=customer.pk).delete()
            Survey.objects.filter(pk=survey.pk).delete()

    committed.on_teardown(cleanup)

    outcomes: list[str] = []
    barrier = threading.Barrier(50)

    def submit(score: int) -> None:
        try:
            connection.set_tenant(alpha)
            barrier.wait()
            response_submit(invitation_id=invitation.pk, raw_answers={f"q{question.pk}": str(score % 11)})
            outcomes.append("recorded")
        except Exception as error:  # noqa: BLE001 - counted below
            outcomes.append(getattr(error, "code", type(error).__name__))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(set(outcomes)) == ["link_used", "recorded"]
    assert outcomes.count("recorded") == 1
    with tenant_context(alpha):
        assert Response.objects.filter(invitation=invitation).count() == 1
        assert Answer.objects.filter(response__invitation=invitation).count() == 1
