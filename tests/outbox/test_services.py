"""The outbox: queued in the caller's transaction, claimed with a lease, sent once, retried, dead-lettered."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.test import override_settings

from apps.outbox.kinds import OutboxKind, SendDecision, outbox_kind_register
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.services import (
    outbound_email_deliver,
    outbound_email_queue,
    outbound_email_requeue,
    outbound_emails_hand_out,
)
from apps.outbox.tasks import outbox_dispatch
from tests.conftest import outbox_deliver_due

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def eager_tasks():
    """Tasks run at once, in this process (no broker)."""
    from cxplatform.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _message(to: str = "maija@example.fi", **headers: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Hei", "Teksti", None, [to], headers=headers)
    message.attach_alternative("<p>Teksti</p>", "text/html")
    return message


def _queued(**kwargs) -> OutboundEmail:
    return outbound_email_queue(kind="test_plain", message=_message(), due_at=NOON, send_on_commit=False, **kwargs)


class _Failing:
    error: BaseException

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise type(self).error

    def close(self):
        pass


class Disconnected(_Failing):
    error = smtplib.SMTPServerDisconnected("connection lost")


class Refused(_Failing):
    error = smtplib.SMTPRecipientsRefused({"maija@example.fi": (550, b"no such user")})


class Rejected(_Failing):
    error = smtplib.SMTPDataError(554, b"message rejected")


class Killed(_Failing):
    """The worker dies while the message is on the wire: nothing after the send runs."""

    error = SystemExit


def test_a_queued_message_is_sent_once_with_its_stable_message_id():
    outbound = _queued()
    assert outbound.message_id.startswith("<test_plain.") and outbound.message_id.endswith("@alpha.localhost>")
    assert outbound_email_deliver(message_id=outbound.pk, now=NOON) == "sent"
    assert outbound_email_deliver(message_id=outbound.pk, now=NOON) == "not_claimed"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.to, sent.subject, sent.body) == (["maija@example.fi"], "Hei", "Teksti")
    assert sent.alternatives[0][0] == "<p>Teksti</p>"
    assert sent.extra_headers["Message-ID"] == outbound.message_id
    outbound.refresh_from_db()
    assert (outbound.status, outbound.sent_at, outbound.attempts) == (OutboundStatus.SENT, NOON, 1)


def test_a_message_id_the_caller_gives_is_kept():
    outbound = outbound_email_queue(
        kind="test_plain", message=_message(**{"Message-ID": "<own@x>", "Auto-Submitted": "auto-generated"})
    )
    assert outbound.message_id == "<own@x>"
    assert outbound.headers == {"Auto-Submitted": "auto-generated"}


def test_nothing_is_queued_by_a_rolled_back_transaction(django_capture_on_commit_callbacks):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Abort), transaction.atomic():
        outbound_email_queue(kind="test_plain", message=_message())
        raise Abort
    assert not OutboundEmail.objects.exists()
    assert callbacks == []


def test_a_queued_message_is_handed_to_a_worker_when_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        outbound_email_queue(kind="test_plain", message=_message())
    assert len(callbacks) == 1


def test_one_recipient_only():
    with pytest.raises(ValueError):
        outbound_email_queue(kind="test_plain", message=EmailMultiAlternatives("x", "y", None, ["a@x.fi", "b@x.fi"]))


def test_a_worker_killed_mid_send_leaves_a_lease_another_takes_over(settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    outbound = _queued()
    with override_settings(EMAIL_BACKEND="tests.outbox.test_services.Killed"), pytest.raises(SystemExit):
        outbound_email_deliver(message_id=outbound.pk, now=NOON)
    assert outbound_emails_hand_out(now=NOON + dt.timedelta(seconds=59)) == []
    assert outbound_email_deliver(message_id=outbound.pk, now=NOON + dt.timedelta(seconds=59)) == "not_claimed"
    assert outbound_emails_hand_out(now=NOON + dt.timedelta(seconds=61)) == [outbound.pk]
    assert outbound_email_deliver(message_id=outbound.pk, now=NOON + dt.timedelta(seconds=61)) == "sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == outbound.message_id
    outbound.refresh_from_db()
    assert outbound.attempts == 2


def test_a_temporary_failure_is_retried_with_back_off_then_given_up():
    outbound = _queued()
    moment, outcomes = NOON, []
    with override_settings(EMAIL_BACKEND="tests.outbox.test_services.Disconnected"):
        for _ in range(6):
            outcomes.append(outbound_email_deliver(message_id=outbound.pk, now=moment))
            outbound.refresh_from_db()
            if outbound.status == OutboundStatus.QUEUED:
                assert outbound_email_deliver(
                    message_id=outbound.pk, now=outbound.due_at - dt.timedelta(seconds=1)
                ) == ("not_claimed")
            moment = outbound.due_at
    assert outcomes == ["retry"] * 5 + ["failed"]
    waits = [1, 5, 30, 120, 360]  # minutes, as RETRY_DELAYS
    assert outbound.due_at - NOON == dt.timedelta(minutes=sum(waits))
    assert (outbound.status, outbound.attempts) == (OutboundStatus.FAILED, 6)
    assert "connection lost" in outbound.last_error


@pytest.mark.parametrize("backend", ["Refused", "Rejected"])
def test_a_permanent_refusal_goes_to_the_dead_letters_at_once(backend):
    outbound = _queued()
    with override_settings(EMAIL_BACKEND=f"tests.outbox.test_services.{backend}"):
        assert outbound_email_deliver(message_id=outbound.pk, now=NOON) == "failed"
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (OutboundStatus.FAILED, 1)
    assert OutboundEmail.objects.filter(status=OutboundStatus.FAILED).count() == 1


def test_a_dead_message_can_be_sent_again_by_an_admin():
    outbound = _queued()
    with override_settings(EMAIL_BACKEND="tests.outbox.test_services.Refused"):
        outbound_email_deliver(message_id=outbound.pk, now=NOON)
    outbound_email_requeue(outbound=outbound)
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (OutboundStatus.QUEUED, 0)
    assert outbox_deliver_due() == {"sent": 1}
    assert len(mail.outbox) == 1


def test_only_a_dead_message_can_be_requeued():
    from apps.core.exceptions import DomainError

    with pytest.raises(DomainError):
        outbound_email_requeue(outbound=_queued())


def test_a_kind_can_cancel_or_defer_before_each_try_and_hears_the_outcome():
    heard: list[tuple[str, int]] = []
    decisions = {"cancel": SendDecision(cancel_reason="unsubscribed"), "defer": SendDecision(defer_until=NOON)}
    state = {"decision": "defer"}
    outbox_kind_register(
        OutboxKind(
            name="test_hooked",
            label="Hooked",
            before_send=lambda outbound, now: decisions.get(state["decision"], SendDecision()),
            on_sent=lambda outbound: heard.append(("sent", outbound.pk)),
            on_cancelled=lambda outbound: heard.append(("cancelled", outbound.pk)),
        )
    )
    first = outbound_email_queue(kind="test_hooked", message=_message(), due_at=NOON, send_on_commit=False)
    later = NOON + dt.timedelta(hours=8)
    decisions["defer"] = SendDecision(defer_until=later)
    assert outbound_email_deliver(message_id=first.pk, now=NOON) == "deferred"
    first.refresh_from_db()
    assert (first.status, first.due_at, first.attempts) == (OutboundStatus.QUEUED, later, 0)
    state["decision"] = "send"
    assert outbound_email_deliver(message_id=first.pk, now=later) == "sent"

    second = outbound_email_queue(kind="test_hooked", message=_message(), due_at=NOON, send_on_commit=False)
    state["decision"] = "cancel"
    assert outbound_email_deliver(message_id=second.pk, now=NOON) == "cancelled"
    second.refresh_from_db()
    assert (second.status, second.last_error) == (OutboundStatus.CANCELLED, "unsubscribed")
    assert heard == [("sent", first.pk), ("cancelled", second.pk)]
    assert len(mail.outbox) == 1


def test_a_sign_in_link_does_not_stay_in_the_outbox_once_sent(anonymous_client):
    from tests.factories import UserFactory

    UserFactory(email="forgetful@alpha.example")
    anonymous_client.post("/accounts/password-reset/", {"email": "forgetful@alpha.example"})
    outbound = OutboundEmail.objects.get()
    assert outbound.kind == "password_reset" and "/accounts/reset/" in outbound.body_text
    outbox_deliver_due()
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT
    assert (outbound.body_text, outbound.body_html) == ("", "")
    assert "/accounts/reset/" in mail.outbox[0].body


def test_the_sweep_hands_out_due_messages_in_batches(eager_tasks):
    for _ in range(3):
        outbound_email_queue(kind="test_plain", message=_message())
    assert outbox_dispatch() == 0  # each has its own task, sent when it was queued
    with time_machine.travel(NOON + dt.timedelta(seconds=61), tick=False):  # those tasks were lost
        assert outbox_dispatch() == 3
        assert len(mail.outbox) == 3
        assert outbox_dispatch() == 0


def test_company_admins_see_the_outbox_in_the_admin_and_send_a_dead_one_again(client_for, company_admin, manager):
    outbound = _queued()
    with override_settings(EMAIL_BACKEND="tests.outbox.test_services.Refused"):
        outbound_email_deliver(message_id=outbound.pk, now=NOON)
    admin = client_for(company_admin)
    page = admin.get("/admin/outbox/outboundemail/?status__exact=failed")
    assert page.status_code == 200
    assert "maija@example.fi" in page.content.decode()
    assert "Teksti" not in page.content.decode()
    detail = admin.get(f"/admin/outbox/outboundemail/{outbound.pk}/change/")
    assert detail.status_code == 200 and "SMTPRecipientsRefused" in detail.content.decode()
    assert client_for(manager).get("/admin/outbox/outboundemail/").status_code == 403

    response = admin.post(
        "/admin/outbox/outboundemail/", {"action": "send_again", "_selected_action": [outbound.pk]}, follow=True
    )
    assert response.status_code == 200
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.QUEUED


def test_the_sweep_gives_a_message_to_a_queue_once_per_lease(settings):
    """A backlog does not fill the queue with copies; a task lost with Redis is given out again."""
    settings.OUTBOX_LEASE_SECONDS = 60
    later = outbound_email_queue(
        kind="test_plain", message=_message(), due_at=NOON + dt.timedelta(minutes=5), send_on_commit=False
    )
    now_due = _queued()
    assert outbound_emails_hand_out(now=NOON) == []  # queued due now: its own task was sent on commit
    assert outbound_emails_hand_out(now=NOON + dt.timedelta(seconds=61)) == [now_due.pk]  # that task was lost
    assert outbound_emails_hand_out(now=NOON + dt.timedelta(seconds=90)) == []
    assert outbound_email_deliver(message_id=now_due.pk, now=NOON + dt.timedelta(seconds=90)) == "sent"
    assert outbound_emails_hand_out(now=NOON + dt.timedelta(minutes=5)) == [later.pk]
