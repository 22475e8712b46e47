"""Eight workers running the late-case job at once, then the next run, remind and escalate a case once, and
take each step of the ladder (the team lead, then the managers) once."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import Role, Team
from apps.cases.escalation import (
    CASE_ESCALATED_EMAIL,
    CASE_ESCALATED_TO_LEAD_EMAIL,
    CASE_REMINDER_EMAIL,
    cases_late_follow_up,
)
from apps.cases.models import CaseEvent, CaseEventKind, FollowUpCase
from apps.cases.reasons import CaseReason
from apps.cases.services import case_open
from apps.customers.models import Customer
from apps.customers.services import customer_create
from apps.outbox.models import OutboundEmail
from apps.tenants.models import Tenant
from tests.conftest import make_user

pytestmark = pytest.mark.worker

WORKERS = 8


def _runs_at_once(tenant: Tenant) -> None:
    """WORKERS runs of the late-case job at once, then the next scheduled run. Other tests of this
    committed company may have left late cases of their own, which a run takes first."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def run() -> None:
        try:
            connection.set_tenant(tenant)
            barrier.wait()
            cases_late_follow_up()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a run did not finish"
    assert errors == []
    with tenant_context(tenant):
        cases_late_follow_up()


def test_parallel_runs_remind_and_escalate_once(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    owner_email = committed.email("owner")
    committed.forget_users("alpha", [owner_email])
    with tenant_context(alpha):
        owner = make_user(alpha, role=Role.MANAGER, email=owner_email)
        customer = customer_create(full_name="Rinnakkainen", email=committed.email("customer"))
        case = case_open(customer=customer, reason=CaseReason.written("Rinnakkain"), due_working_days=1)
        # Due long ago: a run takes the oldest late cases first, at most a batch of them, and other tests of
        # this committed company may have left late cases of their own.
        FollowUpCase.objects.filter(pk=case.pk).update(assignee=owner, due_at=timezone.now() - dt.timedelta(days=3650))

    def cleanup() -> None:
        with tenant_context(alpha):
            FollowUpCase.objects.filter(pk=case.pk).delete()
            Customer.objects.filter(pk=customer.pk).delete()

    committed.on_teardown(cleanup)

    # A run skips a case another transaction holds locked (skip_locked) and the next scheduled run takes it;
    # whatever the interleaving, the two rounds remind and escalate it once.
    _runs_at_once(alpha)
    with tenant_context(alpha):
        events = CaseEvent.objects.filter(case_id=case.pk)
        assert events.filter(kind=CaseEventKind.REMINDED).count() == 1
        escalated_to = list(events.filter(kind=CaseEventKind.ESCALATED).values_list("recipient", flat=True))
        assert escalated_to and len(escalated_to) == len(set(escalated_to))
        emails = OutboundEmail.objects.filter(customer_id=customer.pk)
        assert list(emails.filter(kind=CASE_REMINDER_EMAIL).values_list("recipient", flat=True)) == [owner_email]
        assert emails.filter(kind=CASE_ESCALATED_EMAIL).count() == len(escalated_to)


def test_parallel_runs_escalate_to_the_team_lead_once_then_to_the_managers_once(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    owner_email, lead_email = committed.email("owner"), committed.email("lead")
    committed.forget_users("alpha", [owner_email, lead_email])
    with tenant_context(alpha):
        lead = make_user(alpha, role=Role.FRONTLINE, email=lead_email)
        # Not through team_update: its audit entry would outlive the test (the log is append-only).
        team = Team.objects.create(name=f"Rinnakkaistiimi {committed.email('team')}", lead=lead)
        owner = make_user(alpha, role=Role.FRONTLINE, email=owner_email, team=team)
        customer = customer_create(full_name="Rinnakkainen", email=committed.email("customer"))
        case = case_open(customer=customer, reason=CaseReason.written("Rinnakkain"), due_working_days=1)
        FollowUpCase.objects.filter(pk=case.pk).update(assignee=owner, due_at=timezone.now() - dt.timedelta(days=3650))

    def cleanup() -> None:
        with tenant_context(alpha):
            FollowUpCase.objects.filter(pk=case.pk).delete()
            Customer.objects.filter(pk=customer.pk).delete()
            Team.objects.filter(pk=team.pk).delete()

    committed.on_teardown(cleanup)

    _runs_at_once(alpha)
    with tenant_context(alpha):
        events = CaseEvent.objects.filter(case_id=case.pk)
        assert list(events.filter(kind=CaseEventKind.ESCALATED_TO_LEAD).values_list("recipient", flat=True)) == [
            lead.pk
        ]
        assert not events.filter(kind=CaseEventKind.ESCALATED).exists(), "the managers wait for the lead's days"
        emails = OutboundEmail.objects.filter(customer_id=customer.pk)
        assert list(emails.filter(kind=CASE_ESCALATED_TO_LEAD_EMAIL).values_list("recipient", flat=True)) == [
            lead_email
        ]
        # The lead's working days have passed.
        FollowUpCase.objects.filter(pk=case.pk).update(lead_escalated_at=timezone.now() - dt.timedelta(days=30))

    _runs_at_once(alpha)
    with tenant_context(alpha):
        escalated_to = list(events.filter(kind=CaseEventKind.ESCALATED).values_list("recipient", flat=True))
        assert escalated_to and len(escalated_to) == len(set(escalated_to)) and lead.pk not in escalated_to
        assert emails.filter(kind=CASE_ESCALATED_EMAIL).count() == len(escalated_to)
        assert emails.filter(kind=CASE_ESCALATED_TO_LEAD_EMAIL).count() == 1
        assert emails.filter(kind=CASE_REMINDER_EMAIL).count() == 1
