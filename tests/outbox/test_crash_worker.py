"""Every kind of outgoing email survives a worker killed mid-batch: each arrives once, none is lost.

For each kind, eight messages are made through the kind's own path (a case opened, a digest
claimed, a user invited, a reset asked for, a reminder due), a worker on a slow line is SIGKILLed
while the fourth message is on the wire, a second worker takes over when the lease runs out,
and every recipient is counted. The one window that can duplicate, the instant between the mail
server accepting a message and the row being marked sent, is not hit by a kill timed on the wire,
so every count is exactly one. (The survey invitation has the same test in
tests/surveys/test_sending_worker.py.)
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import Role, User
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.tasks import outbox_dispatch
from apps.tenants.models import Tenant
from tests.celery_worker import worker_idle, worker_kill, worker_start, worker_stop
from tests.waiting import wait_until

pytestmark = pytest.mark.worker
WAIT_SECONDS = 90
MESSAGES = 8
SLOW_LINE = {
    "TEST_EMAIL_BACKEND": "tests.email_backends.SlowFileEmailBackend",
    "TEST_EMAIL_DELAY_SECONDS": "1.0",
    "OUTBOX_LEASE_SECONDS": "3",
}


def in_alpha() -> tenant_context:
    return tenant_context(Tenant.objects.get(schema_name="alpha"))


def _request():
    request = RequestFactory().post("/", HTTP_HOST="alpha.testserver")
    request.tenant = Tenant.objects.get(schema_name="alpha")
    return request


def _users(committed, label: str, role: str = Role.MANAGER) -> list[User]:
    emails = [committed.email(f"{label}{index}") for index in range(MESSAGES)]
    committed.forget_users("alpha", emails)
    return [
        User.objects.create_user(email=email, role=role, full_name=f"Kuutti {index}")
        for index, email in enumerate(emails)
    ]


def cases_open(committed) -> list[str]:
    from apps.cases.models import FollowUpCase
    from apps.cases.reasons import CaseReason
    from apps.cases.services import case_open
    from apps.customers.models import Customer
    from apps.customers.services import customer_create
    from tests.journeys.factories import map_build

    owners = _users(committed, "owner")
    path = map_build(name=f"Crash {committed.tag}", stages={"Käynti": [f"Tiski {i}" for i in range(MESSAGES)]})
    customer = customer_create(full_name="Pirkko Asiakas", email=committed.email("customer"))
    for index, touchpoint in enumerate(path.stages.get().touchpoints.order_by("position")):
        touchpoint.owner = owners[index]
        touchpoint.save()
        case_open(
            customer=customer, touchpoint=touchpoint, reason=CaseReason.written("Soita takaisin"), due_working_days=2
        )

    def cleanup() -> None:
        with in_alpha():
            FollowUpCase.objects.filter(customer=customer).delete()
            path.delete()
            Customer.objects.filter(pk=customer.pk).delete()

    committed.on_teardown(cleanup)
    return [owner.email for owner in owners]


def digests_claim(committed) -> list[str]:
    from apps.dashboards.models import DigestDelivery
    from apps.dashboards.tasks import digest_send_task

    readers = _users(committed, "reader")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    for reader in readers:
        from apps.dashboards.services import digest_subscribe

        digest_subscribe(user=reader)
        delivery = DigestDelivery.objects.create(user=reader, week_start=monday)
        digest_send_task.delay(delivery_id=delivery.pk)
    return [reader.email for reader in readers]


def users_invite(committed) -> list[str]:
    from apps.accounts.invitations import user_invitation_send

    invitees = _users(committed, "invitee", role=Role.FRONTLINE)
    for invitee in invitees:
        invitee.set_unusable_password()
        invitee.save()
        user_invitation_send(request=_request(), user=invitee)
    return [invitee.email for invitee in invitees]


def resets_ask(committed) -> list[str]:
    from apps.accounts.forms import CompanyPasswordResetForm
    from apps.accounts.views import PasswordResetView

    people = _users(committed, "forgetful", role=Role.FRONTLINE)
    for person in people:
        form = CompanyPasswordResetForm({"email": person.email})
        assert form.is_valid()
        form.save(
            request=_request(),
            email_template_name=PasswordResetView.email_template_name,
            subject_template_name=PasswordResetView.subject_template_name,
        )
    return [person.email for person in people]


def reminders_due(committed) -> list[str]:
    from apps.customers.models import Customer
    from apps.customers.services import customer_create
    from apps.surveys.models import EmailKind, Invitation, InvitationEmail, InvitationStatus
    from apps.surveys.selectors import survey_settings_get
    from apps.surveys.sending import invitation_create
    from apps.surveys.tasks import invitation_email_send_task
    from tests.factories import InvitationEmailFactory
    from tests.surveys.conftest import survey_build

    now = timezone.now()
    rules = survey_settings_get()
    quiet = (rules.quiet_hours_start, rules.quiet_hours_end)
    type(rules).objects.filter(pk=rules.pk).update(quiet_hours_end=rules.quiet_hours_start)
    survey = survey_build(name=f"crash-{committed.tag}")
    customers = [
        customer_create(full_name=f"Asiakas {i}", email=committed.email(f"rem{i}"), survey_consent=True)
        for i in range(MESSAGES)
    ]
    for customer in customers:
        invitation = invitation_create(survey=survey, customer=customer, send_at=now, now=now, rules=rules)
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.SENT, sent_at=now - dt.timedelta(days=3), expires_at=now + dt.timedelta(days=11)
        )
        InvitationEmail.objects.filter(invitation=invitation).update(status="sent")
        reminder = InvitationEmailFactory(
            invitation=invitation, kind=EmailKind.REMINDER, due_at=now - dt.timedelta(minutes=1)
        )
        invitation_email_send_task.delay(email_id=reminder.pk)

    def cleanup() -> None:
        with in_alpha():
            invitations = Invitation.objects.filter(customer__in=customers)
            InvitationEmail.objects.filter(invitation__in=invitations).delete()
            invitations.delete()
            Customer.objects.filter(pk__in=[customer.pk for customer in customers]).delete()
            survey.delete()
            type(rules).objects.filter(pk=rules.pk).update(quiet_hours_start=quiet[0], quiet_hours_end=quiet[1])

    committed.on_teardown(cleanup)
    return [customer.email for customer in customers]


KINDS: dict[str, Callable] = {
    "case_assigned": cases_open,
    "leadership_digest": digests_claim,
    "account_invitation": users_invite,
    "password_reset": resets_ask,
    "survey_reminder": reminders_due,
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_worker_killed_mid_batch_loses_no_email_and_sends_none_twice(kind, committed, private_queue):
    with in_alpha():
        addresses = set(KINDS[kind](committed))

    def messages():
        return OutboundEmail.objects.filter(recipient__in=addresses)

    def cleanup() -> None:
        with in_alpha():
            messages().delete()

    committed.on_teardown(cleanup)

    def delivered(*workers) -> Counter:
        received: Counter = Counter()
        for worker in workers:
            for message in worker.outbox():
                if message["To"] in addresses:
                    received[message["To"]] += 1
        return received

    first = worker_start(queue=private_queue, extra_env=SLOW_LINE, concurrency=1)
    second = None
    try:

        def fourth_on_the_wire() -> bool:
            with in_alpha():
                # One query, one snapshot: two counts could see the third message both sending and sent.
                states = Counter(messages().values_list("status", flat=True))
            sending, sent = states[OutboundStatus.SENDING], states[OutboundStatus.SENT]
            return sent >= 3 and sending == 1 and sum(delivered(first).values()) == sent

        wait_until(
            fourth_on_the_wire,
            timeout=WAIT_SECONDS,
            interval=0.02,
            message=f"a {kind} email on the wire after the first three",
        )
        worker_kill(first)
        with in_alpha():
            states = list(messages().values_list("status", "attempts", "last_error"))
            on_the_wire = [state for state in states if state[0] == OutboundStatus.SENDING]
            assert len(on_the_wire) == 1, f"one email on the wire at the kill, not {states}"
            assert messages().count() <= MESSAGES
            killed = messages().get(status=OutboundStatus.SENDING)
        assert sum(delivered(first).values()) < MESSAGES, "the kill came too late to test anything"

        second = worker_start(queue=private_queue, extra_env=SLOW_LINE)

        # No pause for the killed worker's lease: the dispatches below take the message over
        # once its lease has run out (OUTBOX_LEASE_SECONDS), and not before, as checked after.
        def all_sent() -> bool:
            with in_alpha():
                outbox_dispatch.delay().get(timeout=WAIT_SECONDS)
                return messages().filter(status=OutboundStatus.SENT).count() == MESSAGES

        wait_until(all_sent, timeout=WAIT_SECONDS, interval=0.5, message=f"every {kind} email to be sent")
        # A duplicate, if there were one, would be sent by work still queued or running.
        wait_until(lambda: worker_idle(second), timeout=WAIT_SECONDS, message="the second worker to finish its work")
        assert delivered(first, second) == Counter({address: 1 for address in addresses})
        with in_alpha():
            assert messages().count() == MESSAGES
            assert set(messages().values_list("kind", flat=True)) == {kind}
            assert messages().get(pk=killed.pk).sent_at >= killed.lease_until, "taken over before its lease ran out"
    finally:
        worker_kill(first)
        if second is not None:
            worker_stop(second)
