"""Text messages have a sending rate of their own: a bucket in Redis per channel, on the real Redis.

No clock is asserted: each reservation's end, as Redis keeps it, must lie between the Redis
clock read just before and just after the reservation, shifted by the reserved traffic.
"""

import pytest
import redis
from django.core import mail
from django.core.mail import EmailMessage

from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.rate import send_rate_key, send_turn_wait
from apps.outbox.services import (
    TextMessage,
    outbound_emails_deliver,
    outbound_emails_queue_many,
    outbound_sms_queue_many,
)
from apps.outbox.sms_backends import sms_outbox


@pytest.fixture
def buckets(settings):
    """A key prefix of this test's own, and its two buckets emptied before and after."""
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "KEY_PREFIX": "rate-channels-test"}}
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = [send_rate_key("email"), send_rate_key("sms")]
    client.delete(*keys)
    yield client
    client.delete(*keys)


def _clock(client: redis.Redis) -> float:
    seconds, microseconds = client.time()
    return seconds + microseconds / 1_000_000


def _reserved_until(client: redis.Redis, channel: str) -> float | None:
    value = client.get(send_rate_key(channel))
    return float(value) if value is not None else None


def test_each_channel_has_its_own_key():
    assert send_rate_key("email").endswith(":outbox:send-rate:email")
    assert send_rate_key("sms").endswith(":outbox:send-rate:sms")
    with pytest.raises(ValueError):
        send_rate_key("fax")


def test_a_slow_sms_rate_reserves_its_own_bucket_and_never_makes_email_wait(settings, buckets):
    settings.SMS_SEND_RATE_PER_SECOND = 2
    settings.EMAIL_SEND_RATE_PER_SECOND = 20

    before = _clock(buckets)
    assert send_turn_wait(20, channel="sms") == 0  # the first texts go at once...
    after = _clock(buckets)
    texts_end = _reserved_until(buckets, "sms")
    assert before + 10 <= texts_end <= after + 10  # ...and hold the SMS bucket for 20 / 2 = 10 seconds
    assert _reserved_until(buckets, "email") is None

    # The next texts wait for those ten seconds to pass, and their own two go after them.
    assert send_turn_wait(4, channel="sms") > 0
    assert _reserved_until(buckets, "sms") == pytest.approx(texts_end + 2, abs=1e-5)

    # Email ignores the texts' queue: its chunk goes at once and reserves half a second of its own.
    before = _clock(buckets)
    assert send_turn_wait(10, channel="email") == 0
    after = _clock(buckets)
    assert before + 0.5 <= _reserved_until(buckets, "email") <= after + 0.5
    assert _reserved_until(buckets, "sms") == pytest.approx(texts_end + 2, abs=1e-5)


def test_a_slow_email_rate_never_makes_texts_wait(settings, buckets):
    settings.EMAIL_SEND_RATE_PER_SECOND = 1
    settings.SMS_SEND_RATE_PER_SECOND = 50
    send_turn_wait(100, channel="email")  # a hundred seconds of email reserved
    assert send_turn_wait(10, channel="email") > 0
    assert send_turn_wait(10, channel="sms") == 0


def test_a_rate_of_zero_has_no_bucket(settings, buckets):
    settings.SMS_SEND_RATE_PER_SECOND = 0
    assert send_turn_wait(1000, channel="sms") == 0
    assert _reserved_until(buckets, "sms") is None


@pytest.mark.django_db
def test_a_mixed_batch_counts_its_emails_and_texts_against_their_own_rates(settings, buckets):
    # Rates fast enough that the batch's waits are milliseconds.
    settings.EMAIL_SEND_RATE_PER_SECOND = 1000
    settings.SMS_SEND_RATE_PER_SECOND = 500
    from django.utils import timezone

    now = timezone.now()
    emails = outbound_emails_queue_many(
        kind="test_plain",
        messages=[EmailMessage("Hei", "Teksti", None, [f"asiakas{index}@example.fi"]) for index in range(15)],
        due_at=now,
    )
    texts = outbound_sms_queue_many(
        kind="test_sms",
        messages=[TextMessage(recipient=f"+35840000{index:04d}", text="Hei!", sender="Alpha") for index in range(12)],
        due_at=now,
    )
    mail.outbox.clear()
    sms_outbox.clear()
    # The batch in an interleaved order: the emails still go first, then the texts.
    ids = [row.pk for pair in zip(texts, emails, strict=False) for row in pair] + [row.pk for row in emails[12:]]

    before = _clock(buckets)
    assert outbound_emails_deliver(message_ids=ids) == {"sent": 27}
    after = _clock(buckets)

    assert len(mail.outbox) == 15 and len(sms_outbox) == 12
    assert OutboundEmail.objects.filter(pk__in=ids, status=OutboundStatus.SENT).count() == 27
    # Each bucket holds exactly its own channel's traffic: 15 emails at 1000/s, 12 texts at 500/s.
    assert before + 15 / 1000 <= _reserved_until(buckets, "email") <= after + 15 / 1000
    assert before + 12 / 500 <= _reserved_until(buckets, "sms") <= after + 12 / 500
    # The emails went out before the first text.
    sent_order = OutboundEmail.objects.filter(pk__in=ids).order_by("sent_at", "pk").values_list("channel", flat=True)
    assert list(sent_order) == ["email"] * 15 + ["sms"] * 12
