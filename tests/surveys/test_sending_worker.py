"""Survey emails sent by real Celery worker processes, against the real Redis and PostgreSQL.

Each test writes committed rows in company alpha (workers run in other processes),
hands work to a worker the way the dispatcher does, and counts what the worker
actually sent. The rows are removed afterwards.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.customers.models import Customer
from apps.customers.services import customer_create
from apps.encounters.models import Encounter
from apps.encounters.services import encounter_log
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.tasks import outbox_dispatch
from apps.surveys.models import EmailStatus, Invitation, InvitationEmail, InvitationStatus, Survey, SurveySettings
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_create
from apps.surveys.tasks import invitation_email_send_task, survey_dispatch
from tests.celery_worker import _queue_forget, worker_idle, worker_kill, worker_start, worker_stop
from tests.factories import TouchpointSurveyFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import survey_build
from tests.waiting import wait_until

pytestmark = pytest.mark.worker
WAIT_SECONDS = 90


def in_alpha() -> tenant_context:
    """Company alpha's schema with its real tenant row (its time zone and name are used)."""
    from apps.tenants.models import Tenant

    return tenant_context(Tenant.objects.get(schema_name="alpha"))


@dataclass
class Batch:
    survey: Survey
    customers: list[Customer]
    touchpoint: object

    def addresses(self) -> set[str]:
        return {customer.email for customer in self.customers}

    def invitations(self):
        return Invitation.objects.filter(customer__in=self.customers)


@pytest.fixture
def batch(committed) -> Iterator[Batch]:
    """Twelve consenting customers and a touchpoint with a survey, committed in alpha; quiet hours off."""
    with in_alpha():
        rules = survey_settings_get()
        saved = {
            field: getattr(rules, field) for field in ("quiet_hours_start", "quiet_hours_end", "reminder_after_days")
        }
        SurveySettings.objects.filter(pk=rules.pk).update(
            quiet_hours_end=rules.quiet_hours_start, reminder_after_days=0
        )
        survey = survey_build(name=f"worker-{committed.tag}")
        path = map_build(name=f"Worker path {committed.tag}", stages={"Katsastus": ["Tarkastus"]})
        touchpoint = touchpoint_named(path, "Tarkastus")

        TouchpointSurveyFactory(touchpoint=touchpoint, survey=survey, delay_minutes=120)
        customers = [
            customer_create(full_name=f"Asiakas {index}", email=committed.email(f"c{index}"), survey_consent=True)
            for index in range(12)
        ]

    def cleanup() -> None:
        with in_alpha():
            invitations = Invitation.objects.filter(customer__in=customers)
            from apps.cases.models import FollowUpCase
            from apps.surveys.models import Answer, Response

            Answer.objects.filter(response__invitation__in=invitations).delete()
            Response.objects.filter(invitation__in=invitations).delete()
            InvitationEmail.objects.filter(invitation__in=invitations).delete()
            OutboundEmail.objects.filter(recipient__in=[customer.email for customer in customers]).delete()
            invitations.delete()
            FollowUpCase.objects.filter(customer__in=customers).delete()
            Encounter.objects.filter(customer__in=customers).delete()
            Customer.objects.filter(pk__in=[customer.pk for customer in customers]).delete()
            path.delete()
            survey.delete()
            SurveySettings.objects.filter(pk=rules.pk).update(**saved)

    committed.on_teardown(cleanup)
    yield Batch(survey=survey, customers=customers, touchpoint=touchpoint)


def invitations_due_now(batch: Batch) -> list[int]:
    """An invitation per customer, its email due a minute ago; returns the email ids."""
    now = timezone.now()
    with in_alpha():
        rules = survey_settings_get()
        for customer in batch.customers:
            invitation_create(
                survey=batch.survey, customer=customer, send_at=now - dt.timedelta(minutes=1), now=now, rules=rules
            )
        return list(
            InvitationEmail.objects.filter(invitation__customer__in=batch.customers).values_list("id", flat=True)
        )


def sent_count(batch: Batch) -> int:
    with in_alpha():
        return batch.invitations().filter(status=InvitationStatus.SENT).count()


def delivered(batch: Batch, *workers) -> Counter:
    """How many messages each of the batch's addresses received, across the workers' outboxes."""
    received: Counter = Counter()
    for worker in workers:
        for message in worker.outbox():
            if message["To"] in batch.addresses():
                received[message["To"]] += 1
    return received


def test_encounter_becomes_one_email_at_its_time_through_the_worker(celery_worker, batch):
    due_customer, early_customer = batch.customers[0], batch.customers[1]
    now = timezone.now()
    with in_alpha():
        encounter_log(
            logged_by=None,
            customer=due_customer,
            touchpoint=batch.touchpoint,
            outcome="resolved",
            survey_agreed=True,
            occurred_at=now - dt.timedelta(minutes=121),
        )
        encounter_log(
            logged_by=None,
            customer=early_customer,
            touchpoint=batch.touchpoint,
            outcome="resolved",
            survey_agreed=True,
            occurred_at=now - dt.timedelta(minutes=60),
        )
        survey_dispatch.delay().get(timeout=WAIT_SECONDS)
    wait_until(
        lambda: sent_count(batch) == 1, timeout=WAIT_SECONDS, message="the due invitation to be sent", interval=0.25
    )
    # The early invitation would be sent, if it were, by work still queued or running.
    wait_until(lambda: worker_idle(celery_worker), timeout=WAIT_SECONDS, message="the worker to finish its work")
    assert delivered(batch, celery_worker) == Counter({due_customer.email: 1})
    with in_alpha():
        early = Invitation.objects.get(customer=early_customer)
        assert early.status == InvitationStatus.SCHEDULED
        assert early.emails.get().due_at == now - dt.timedelta(minutes=60) + dt.timedelta(minutes=120)


def test_rolled_back_encounter_sends_nothing_through_the_worker(celery_worker, batch):
    class Abort(Exception):
        pass

    with in_alpha():
        with pytest.raises(Abort), transaction.atomic():
            encounter_log(
                logged_by=None,
                customer=batch.customers[0],
                touchpoint=batch.touchpoint,
                outcome="resolved",
                survey_agreed=True,
                occurred_at=timezone.now() - dt.timedelta(hours=3),
            )
            raise Abort
        survey_dispatch.delay().get(timeout=WAIT_SECONDS)
        assert not batch.invitations().exists()
    assert delivered(batch, celery_worker) == Counter()


def test_duplicate_task_deliveries_send_each_email_once(celery_worker, batch):
    email_ids = invitations_due_now(batch)
    with in_alpha():
        for email_id in email_ids:
            invitation_email_send_task.delay(email_id=email_id)
            invitation_email_send_task.delay(email_id=email_id)
        survey_dispatch.delay()
        survey_dispatch.delay()
    wait_until(
        lambda: sent_count(batch) == len(batch.customers),
        timeout=WAIT_SECONDS,
        message="every invitation to be sent",
        interval=0.25,
    )
    # A duplicate, if there were one, would be sent by work still queued or running.
    wait_until(lambda: worker_idle(celery_worker), timeout=WAIT_SECONDS, message="the worker to finish its work")
    assert delivered(batch, celery_worker) == Counter({address: 1 for address in batch.addresses()})


def test_worker_killed_mid_batch_sends_no_email_twice_and_loses_none(batch, private_queue):
    slow = {
        "TEST_EMAIL_BACKEND": "tests.email_backends.SlowFileEmailBackend",
        "TEST_EMAIL_DELAY_SECONDS": "1.0",
        "OUTBOX_LEASE_SECONDS": "3",
    }
    # One process, so the kill can be timed to land while a message is on the wire (in the
    # slow backend's second), not in the instant between the server accepting a message and
    # the row being marked sent: that instant is the one window that can duplicate
    # (see apps/outbox/services.py).
    first = worker_start(queue=private_queue, extra_env=slow, concurrency=1)
    second = None
    try:
        email_ids = invitations_due_now(batch)
        with in_alpha():
            for email_id in email_ids:
                invitation_email_send_task.delay(email_id=email_id)

        def messages():
            return OutboundEmail.objects.filter(recipient__in=batch.addresses())

        def fourth_on_the_wire() -> bool:
            """Three accepted and marked sent, and the fourth claimed but not yet accepted."""
            with in_alpha():
                # One query, one snapshot: two counts could see the third message both sending and sent.
                states = Counter(messages().values_list("status", flat=True))
            sending, sent = states[OutboundStatus.SENDING], states[OutboundStatus.SENT]
            return sent >= 3 and sending == 1 and sum(delivered(batch, first).values()) == sent

        wait_until(
            fourth_on_the_wire,
            timeout=WAIT_SECONDS,
            message="an email on the wire after the first three",
            interval=0.02,
        )
        worker_kill(first)
        sent_before = sum(delivered(batch, first).values())
        assert sent_before < len(batch.customers), "the kill came too late to test anything"
        with in_alpha():
            assert messages().filter(status=OutboundStatus.SENDING).count() == 1, "one email on the wire at the kill"
            killed = messages().get(status=OutboundStatus.SENDING)

        second = worker_start(queue=private_queue, extra_env=slow)

        # No pause for the killed worker's lease: the dispatches below take the message over
        # once its lease has run out (OUTBOX_LEASE_SECONDS), and not before, as checked after.
        def all_sent() -> bool:
            with in_alpha():
                survey_dispatch.delay().get(timeout=WAIT_SECONDS)
                outbox_dispatch.delay().get(timeout=WAIT_SECONDS)
            return sent_count(batch) == len(batch.customers)

        wait_until(all_sent, timeout=WAIT_SECONDS, message="the second worker to finish the batch", interval=0.25)
        wait_until(lambda: worker_idle(second), timeout=WAIT_SECONDS, message="the second worker to finish its work")
        assert delivered(batch, first, second) == Counter({address: 1 for address in batch.addresses()})
        with in_alpha():
            assert not InvitationEmail.objects.filter(
                invitation__customer__in=batch.customers, status__in=[EmailStatus.SENDING, EmailStatus.SCHEDULED]
            ).exists()
            assert messages().filter(status=OutboundStatus.SENT).count() == len(batch.customers)
            assert messages().get(pk=killed.pk).sent_at >= killed.lease_until, "taken over before its lease ran out"
    finally:
        worker_kill(first)
        if second is not None:
            worker_stop(second)


def test_tasks_lost_with_redis_are_sent_by_the_next_dispatch(batch, private_queue):
    email_ids = invitations_due_now(batch)
    with in_alpha():
        for email_id in email_ids:
            invitation_email_send_task.delay(email_id=email_id)
    _queue_forget(private_queue)  # Redis restarted without its data: the queued tasks are gone
    worker = worker_start(queue=private_queue)
    try:
        with in_alpha():
            survey_dispatch.delay().get(timeout=WAIT_SECONDS)
        wait_until(
            lambda: sent_count(batch) == len(batch.customers),
            timeout=WAIT_SECONDS,
            message="every invitation to be sent",
            interval=0.25,
        )
        wait_until(lambda: worker_idle(worker), timeout=WAIT_SECONDS, message="the worker to finish its work")
        assert delivered(batch, worker) == Counter({address: 1 for address in batch.addresses()})
    finally:
        worker_stop(worker)
