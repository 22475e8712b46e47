"""From an encounter to exactly one email at the right time, and every rule that stops one."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from apps.encounters.models import Encounter
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.services import outbound_email_deliver, outbound_emails_hand_out
from apps.surveys.dispatch import survey_dispatch_run
from apps.surveys.models import EmailKind, EmailStatus, Invitation, InvitationEmail, InvitationStatus, SurveySettings
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_email_send
from tests.surveys.conftest import NOON, log_visit

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def dispatch_and_send(now: dt.datetime) -> list[str]:
    """What the workers would do at `now`: run the company's dispatch and send every due email,
    then the outbox's sweep (retries, and messages of a worker that died)."""
    with time_machine.travel(now, tick=False):
        outcomes = [
            invitation_email_send(email_id=email_id, now=now)
            for batch in survey_dispatch_run(now=now)
            for email_id in batch
        ]
        return outcomes + [outbound_email_deliver(message_id=pk, now=now) for pk in outbound_emails_hand_out(now=now)]


def test_consenting_encounter_gets_exactly_one_email_after_the_delay(customer, touchpoint):
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)

    assert dispatch_and_send(NOON) == []
    assert dispatch_and_send(NOON + 2 * HOUR - dt.timedelta(minutes=1)) == []
    assert mail.outbox == []

    assert dispatch_and_send(NOON + 2 * HOUR) == ["sent"]
    assert dispatch_and_send(NOON + 3 * HOUR) == []
    assert len(mail.outbox) == 1

    message = mail.outbox[0]
    assert message.to == ["maija@example.fi"]
    assert message.subject == "Miten katsastus sujui?"
    assert message.from_email == "Alpha Katsastus Oy <no-reply@kokemus.localhost>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://alpha.testserver/s/")
    assert message.alternatives[0].mimetype == "text/html"
    invitation = Invitation.objects.get()
    assert invitation.status == InvitationStatus.SENT
    assert invitation.sent_at == NOON + 2 * HOUR
    assert invitation.expires_at == NOON + 2 * HOUR + dt.timedelta(days=14)


def test_email_speaks_the_customers_language(customer, touchpoint):
    customer.language = "en"
    customer.save()
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    assert mail.outbox[0].subject == "How did your inspection go?"
    assert "Answer the survey here:" in mail.outbox[0].body


def test_no_agreement_no_invitation(customer, touchpoint):
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON, agreed=False)
    dispatch_and_send(NOON + 3 * HOUR)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_quiet_hours_move_the_email_to_the_morning(customer, touchpoint):
    evening = dt.datetime(2026, 11, 25, 18, 30, tzinfo=dt.UTC)  # 20:30 in Helsinki: due 22:30, inside 21-08
    log_visit(customer=customer, touchpoint=touchpoint, at=evening)
    dispatch_and_send(evening)
    email = InvitationEmail.objects.get()
    assert email.due_at == dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)  # 08:00 in Helsinki
    assert dispatch_and_send(evening + 4 * HOUR) == []
    assert dispatch_and_send(email.due_at) == ["sent"]


def test_an_email_that_came_due_in_quiet_hours_waits_for_the_morning(customer, touchpoint):
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    late_night = dt.datetime(2026, 11, 25, 22, 0, tzinfo=dt.UTC)  # the dispatcher was down until midnight
    assert dispatch_and_send(late_night) == ["deferred"]
    email = InvitationEmail.objects.get()
    assert email.status == EmailStatus.SCHEDULED
    assert email.due_at == dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_frequency_cap_surveys_a_customer_once_in_thirty_days(customer, touchpoint):
    SurveySettings.objects.update_or_create(singleton=True, defaults={"reminder_after_days": 0})
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    later = NOON + dt.timedelta(days=10)
    log_visit(customer=customer, touchpoint=touchpoint, at=later)
    dispatch_and_send(later + 3 * HOUR)
    assert len(mail.outbox) == 1
    second = Invitation.objects.get(encounter__occurred_at=later)
    assert (second.status, second.suppression_reason) == (InvitationStatus.SUPPRESSED, "frequency_cap")

    much_later = NOON + dt.timedelta(days=31)
    log_visit(customer=customer, touchpoint=touchpoint, at=much_later)
    dispatch_and_send(much_later + 3 * HOUR)
    assert len(mail.outbox) == 2


def test_two_encounters_on_one_day_send_one_email(customer, touchpoint):
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON + HOUR)
    dispatch_and_send(NOON + 4 * HOUR)
    assert len(mail.outbox) == 1


def test_unsubscribed_or_withdrawn_consent_before_sending_sends_nothing(customer, touchpoint):
    from apps.customers.services import customer_unsubscribe

    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    customer_unsubscribe(customer=customer)
    assert dispatch_and_send(NOON + 2 * HOUR) == ["suppressed"]
    assert mail.outbox == []
    assert Invitation.objects.get().suppression_reason == "unsubscribed"


def test_customer_without_consent_is_not_surveyed(customer, touchpoint):
    from apps.customers.services import customer_consent_withdraw

    encounter = log_visit(customer=customer, touchpoint=touchpoint, at=NOON)  # gives consent
    customer_consent_withdraw(customer=encounter.customer)
    dispatch_and_send(NOON + 3 * HOUR)
    assert mail.outbox == []
    assert Invitation.objects.get().suppression_reason == "no_consent"


def test_one_reminder_when_unanswered_and_none_after_expiry(customer, touchpoint):
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    sent_at = NOON + 2 * HOUR
    dispatch_and_send(sent_at)
    reminder = InvitationEmail.objects.get(kind=EmailKind.REMINDER)
    assert reminder.due_at == sent_at + dt.timedelta(days=3)
    assert dispatch_and_send(sent_at + dt.timedelta(days=3)) == ["sent"]
    assert mail.outbox[1].subject.startswith("Muistutus")
    assert dispatch_and_send(sent_at + dt.timedelta(days=20)) == []
    assert len(mail.outbox) == 2


def test_answered_invitation_gets_no_reminder(customer, touchpoint):
    from apps.surveys.responses import response_submit

    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    invitation = Invitation.objects.get()
    question = invitation.survey.questions.get(position=1)
    response_submit(invitation_id=invitation.pk, raw_answers={f"q{question.pk}": "9"}, now=NOON + 3 * HOUR)
    assert dispatch_and_send(NOON + dt.timedelta(days=4)) == []
    assert len(mail.outbox) == 1
    assert InvitationEmail.objects.get(kind=EmailKind.REMINDER).status == EmailStatus.CANCELLED


def test_a_second_delivery_of_the_send_task_sends_nothing(customer, touchpoint):
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    email = InvitationEmail.objects.get()
    due = NOON + 2 * HOUR
    assert invitation_email_send(email_id=email.pk, now=due) == "sent"
    assert invitation_email_send(email_id=email.pk, now=due) == "not_claimed"
    assert invitation_email_send(email_id=email.pk, now=due + HOUR) == "not_claimed"
    assert len(mail.outbox) == 1


def test_a_sender_that_died_mid_send_is_replaced_after_its_lease(customer, touchpoint, settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    due = NOON + 2 * HOUR
    # A worker handed the email to the outbox, claimed the message and was killed before sending.
    with (
        override_settings(EMAIL_BACKEND="tests.surveys.test_sending.KilledMidSend"),
        pytest.raises(KilledMidSend.error),
    ):
        dispatch_and_send(due)
    assert OutboundEmail.objects.get().status == OutboundStatus.SENDING
    assert dispatch_and_send(due + dt.timedelta(seconds=59)) == []
    assert dispatch_and_send(due + dt.timedelta(seconds=61)) == ["sent"]
    assert len(mail.outbox) == 1
    assert InvitationEmail.objects.get(kind=EmailKind.INITIAL).status == EmailStatus.SENT
    assert Invitation.objects.get().status == InvitationStatus.SENT


def test_rolled_back_encounter_sends_nothing(customer, touchpoint):
    from django.db import transaction

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
        raise Abort
    assert not Encounter.objects.exists()
    dispatch_and_send(NOON + 3 * HOUR)
    assert mail.outbox == []


class _FailingBackend(BaseEmailBackend):
    error: Exception

    def send_messages(self, messages):
        raise type(self).error


class TemporaryFailure(_FailingBackend):
    error = smtplib.SMTPServerDisconnected("connection lost")


class KilledMidSend(_FailingBackend):
    """The process dies while the message is on the wire: nothing after the send runs."""

    error = SystemExit


class PermanentFailure(_FailingBackend):
    error = smtplib.SMTPRecipientsRefused({"maija@example.fi": (550, b"no such user")})


def test_a_temporary_smtp_failure_is_retried_with_back_off(customer, touchpoint):
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    due = NOON + 2 * HOUR
    with override_settings(EMAIL_BACKEND="tests.surveys.test_sending.TemporaryFailure"):
        assert dispatch_and_send(due) == ["retry"]
    outbound = OutboundEmail.objects.get()
    assert (outbound.status, outbound.attempts) == (OutboundStatus.QUEUED, 1)
    assert outbound.due_at == due + dt.timedelta(minutes=1)
    assert "connection lost" in outbound.last_error
    assert InvitationEmail.objects.get().status == EmailStatus.SENDING
    assert Invitation.objects.get().status == InvitationStatus.SCHEDULED
    assert dispatch_and_send(due + dt.timedelta(seconds=59)) == []
    assert dispatch_and_send(due + dt.timedelta(minutes=1)) == ["sent"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == outbound.message_id
    assert Invitation.objects.get().status == InvitationStatus.SENT


def test_permanent_failure_is_marked_and_visible(customer, touchpoint):
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    with override_settings(EMAIL_BACKEND="tests.surveys.test_sending.PermanentFailure"):
        assert dispatch_and_send(NOON + 2 * HOUR) == ["failed"]
    assert InvitationEmail.objects.get().status == EmailStatus.FAILED
    assert Invitation.objects.get().status == InvitationStatus.FAILED


def test_a_failing_address_gives_up_after_the_last_retry(customer, touchpoint):
    rules = survey_settings_get()
    rules.quiet_hours_end = rules.quiet_hours_start  # no quiet hours: the retries run into the night
    rules.save()
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    moment = NOON + 2 * HOUR
    outcomes = []
    with override_settings(EMAIL_BACKEND="tests.surveys.test_sending.TemporaryFailure"):
        for _ in range(6):
            outcomes += dispatch_and_send(moment)
            moment = OutboundEmail.objects.get().due_at
    assert outcomes == ["retry"] * 5 + ["failed"]
    assert InvitationEmail.objects.get().status == EmailStatus.FAILED
    assert Invitation.objects.get().status == InvitationStatus.FAILED


def test_settings_default_and_are_editable():
    rules = survey_settings_get()
    assert (rules.default_delay_minutes, rules.frequency_cap_days, rules.reminder_after_days) == (120, 30, 3)


def test_a_due_email_is_given_to_a_queue_once_until_its_task_is_taken_for_lost(customer, touchpoint):
    from apps.surveys.sending import HAND_OUT_AGAIN_AFTER, invitation_emails_hand_out

    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    due = NOON + 2 * HOUR
    email = InvitationEmail.objects.get()
    assert invitation_emails_hand_out(now=due) == [email.pk]
    assert invitation_emails_hand_out(now=due + dt.timedelta(minutes=1)) == []  # its task is still queued
    assert invitation_emails_hand_out(now=due + HAND_OUT_AGAIN_AFTER + dt.timedelta(seconds=1)) == [email.pk]
