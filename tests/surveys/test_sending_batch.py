"""A send-out in batches: one SMTP connection a batch, each message marked on its own, the provider's rate shared."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from apps.customers.models import Customer
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.rate import send_turn_wait
from apps.surveys.dispatch import survey_dispatch_run
from apps.surveys.models import EmailKind, EmailStatus, Invitation, InvitationEmail, InvitationStatus
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_emails_hand_out, invitation_emails_send, invitation_senders_active
from tests.factories import CampaignFactory
from tests.surveys.conftest import NOON

pytestmark = pytest.mark.django_db


class CountingBackend(LocmemBackend):
    """The in-memory outbox, counting the connections opened to it; `refused` recipients and
    `drop_once` (the connection found closed at the first send) play a mail server's troubles."""

    opened = 0
    refused: set[str] = set()
    drop_once = False

    def open(self):
        type(self).opened += 1
        return super().open()

    def send_messages(self, messages):
        if type(self).drop_once:
            type(self).drop_once = False
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in messages:
            if message.to[0] in type(self).refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


@pytest.fixture
def counting():
    CountingBackend.opened, CountingBackend.refused, CountingBackend.drop_once = 0, set(), False
    with override_settings(EMAIL_BACKEND="tests.surveys.test_sending_batch.CountingBackend"):
        yield CountingBackend


def send_out(survey, *, customers: int) -> list[int]:
    """A send-out to `customers` consenting customers, run at noon; returns the due emails' ids."""
    Customer.objects.bulk_create(
        Customer(full_name=f"Asiakas {index}", email=f"asiakas{index}@example.fi", survey_consent=True)
        for index in range(customers)
    )
    CampaignFactory(name="Vuosikysely", survey=survey, next_run_at=NOON)
    rules = survey_settings_get()
    type(rules).objects.filter(pk=rules.pk).update(quiet_hours_end=rules.quiet_hours_start)
    with time_machine.travel(NOON, tick=False):
        batches = survey_dispatch_run(now=NOON)
    return [email_id for batch in batches for email_id in batch]


def test_a_batch_goes_over_one_connection_and_marks_every_message(survey, counting):
    email_ids = send_out(survey, customers=30)
    assert len(email_ids) == 30
    with time_machine.travel(NOON, tick=False):
        assert invitation_emails_send(email_ids=email_ids, now=NOON) == {"sent": 30}
    assert counting.opened == 1
    assert len(mail.outbox) == 30
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == 30
    assert OutboundEmail.objects.filter(status=OutboundStatus.SENT).count() == 30
    assert Invitation.objects.filter(status=InvitationStatus.SENT, sent_at=NOON).count() == 30
    assert InvitationEmail.objects.filter(kind=EmailKind.INITIAL, status=EmailStatus.SENT).count() == 30
    # Each sent invitation has its reminder scheduled, once.
    assert InvitationEmail.objects.filter(kind=EmailKind.REMINDER, status=EmailStatus.SCHEDULED).count() == 30
    # Sent again, nothing is claimed twice.
    assert invitation_emails_send(email_ids=email_ids, now=NOON) == {"not_claimed": 30}
    assert len(mail.outbox) == 30


def test_a_batch_costs_a_few_queries_an_email_and_asks_consent_once(survey, counting):
    email_ids = send_out(survey, customers=40)
    with time_machine.travel(NOON, tick=False), CaptureQueriesContext(connection) as queries:
        invitation_emails_send(email_ids=email_ids, now=NOON)
    statements = [query["sql"] for query in queries.captured_queries if not query["sql"].startswith("SET ")]
    # Per email: the mark and the hook in one transaction (BEGIN, two statements, COMMIT);
    # the hand-over, the claims and the rules are per batch or per ten.
    assert len(statements) <= 4 * 40 + 25, len(statements)
    # The consent and frequency cap are asked once, at the hand-over, not again before the first try.
    assert sum('"customers_customer"' in sql for sql in statements) <= 1


def test_a_refused_recipient_fails_alone_and_the_rest_go_on(survey, counting):
    email_ids = send_out(survey, customers=12)
    counting.refused = {"asiakas3@example.fi"}
    with time_machine.travel(NOON, tick=False):
        assert invitation_emails_send(email_ids=email_ids, now=NOON) == {"sent": 11, "failed": 1}
    assert OutboundEmail.objects.get(status=OutboundStatus.FAILED).recipient == "asiakas3@example.fi"
    assert Invitation.objects.filter(status=InvitationStatus.FAILED).count() == 1
    assert counting.opened == 2  # the next message after the refusal starts on a fresh connection


def test_a_dropped_connection_is_reopened_and_the_message_still_goes(survey, counting):
    email_ids = send_out(survey, customers=5)
    counting.drop_once = True
    with time_machine.travel(NOON, tick=False):
        assert invitation_emails_send(email_ids=email_ids, now=NOON) == {"sent": 5}
    assert counting.opened == 2
    assert len(mail.outbox) == 5


def test_dispatch_hands_out_batches_and_leaves_more_to_the_senders(survey, settings):
    settings.EMAIL_BATCH_SIZE, settings.EMAIL_SEND_PARALLEL, settings.EMAIL_SEND_RATE_PER_SECOND = 10, 2, 0
    Customer.objects.bulk_create(
        Customer(full_name=f"Asiakas {index}", email=f"asiakas{index}@example.fi", survey_consent=True)
        for index in range(45)
    )
    CampaignFactory(name="Vuosikysely", survey=survey, next_run_at=NOON)
    with time_machine.travel(NOON, tick=False):
        batches = survey_dispatch_run(now=NOON)
        assert [len(batch) for batch in batches] == [10, 10]
        assert invitation_senders_active(now=NOON)
        # While the senders are at work the minute's dispatch gives out nothing more...
        assert survey_dispatch_run(now=NOON + dt.timedelta(seconds=30)) == []
        # ...each sender hands out the next batch itself, until none is left.
        handed = [invitation_emails_hand_out(now=NOON, limit=10) for _ in range(4)]
    assert [len(batch) for batch in handed] == [10, 10, 5, 0]
    # Senders lost with their queue: a minute later the dispatch starts again.
    later = NOON + dt.timedelta(minutes=1, seconds=1)
    with time_machine.travel(later, tick=False):
        assert not invitation_senders_active(now=later)
        assert [len(batch) for batch in survey_dispatch_run(now=later)] == [10, 10]


def test_a_slow_provider_rate_makes_smaller_batches(settings):
    from apps.surveys.sending import invitation_batch_size

    settings.EMAIL_BATCH_SIZE = 100
    settings.EMAIL_SEND_RATE_PER_SECOND = 2
    assert invitation_batch_size() == 40  # 20 seconds' worth
    settings.EMAIL_SEND_RATE_PER_SECOND = 0
    assert invitation_batch_size() == 100


def test_the_rate_bucket_is_shared_and_tells_each_sender_its_turn(settings):
    from apps.outbox.rate import send_rate_key

    settings.EMAIL_SEND_RATE_PER_SECOND = 10
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "KEY_PREFIX": "rate-test"}}
    import redis

    redis.Redis.from_url(settings.REDIS_URL).delete(send_rate_key())
    first = send_turn_wait(10)  # a second's worth, free at once
    second = send_turn_wait(10)  # the next second's: wait for the first to go out
    third = send_turn_wait(5)
    assert first == 0
    assert 0.9 <= second <= 1.0
    assert 1.9 <= third <= 2.0
    settings.EMAIL_SEND_RATE_PER_SECOND = 0
    assert send_turn_wait(1000) == 0
