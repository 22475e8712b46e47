"""A text message goes through the outbox like an email: claimed once, retried on an outage, given up on a refusal."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.outbox.models import DeliveryStatus, OutboundChannel, OutboundEmail, OutboundStatus
from apps.outbox.services import TextMessage, outbound_email_deliver, outbound_sms_queue, outbound_sms_report_record

pytestmark = pytest.mark.django_db


def queue(text: str = "Alpha: Miten onnistuimme? https://alpha.testserver/r/x") -> OutboundEmail:
    return outbound_sms_queue(
        kind="test_sms",
        message=TextMessage(
            recipient="+358401234567", text=text, sender="Alpha", status_url="https://alpha.testserver/hook"
        ),
        send_on_commit=False,
    )


def test_a_text_is_sent_once_with_its_reference_and_status_address(gatewayapi):
    outbound = queue()

    assert outbound_email_deliver(message_id=outbound.pk) == "sent"
    assert outbound_email_deliver(message_id=outbound.pk) == "not_claimed"

    assert len(gatewayapi.messages) == 1
    sent = gatewayapi.messages[0]
    assert sent["recipients"] == [{"msisdn": 358401234567}]
    assert sent["sender"] == "Alpha"
    assert sent["userref"] == outbound.message_id
    assert sent["callback_url"] == "https://alpha.testserver/hook"
    assert "encoding" not in sent  # GSM-7, the provider's default
    outbound.refresh_from_db()
    assert outbound.channel == OutboundChannel.SMS
    assert outbound.status == OutboundStatus.SENT
    assert outbound.provider_ref == str(sent["id"])


def test_a_text_outside_gsm7_is_sent_as_ucs2(gatewayapi):
    outbound = queue("Kiitos käynnistä 🙂")
    assert outbound_email_deliver(message_id=outbound.pk) == "sent"
    assert gatewayapi.messages[0]["encoding"] == "UCS2"


def test_an_outage_is_retried_with_the_same_reference_until_it_is_over(gatewayapi):
    outbound = queue()
    gatewayapi.fail_next = [503, 502]
    now = timezone.now()

    assert outbound_email_deliver(message_id=outbound.pk, now=now) == "retry"
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.QUEUED
    assert "503" in outbound.last_error
    assert outbound_email_deliver(message_id=outbound.pk, now=now) == "not_claimed"  # not due yet

    later = outbound.due_at
    assert outbound_email_deliver(message_id=outbound.pk, now=later) == "retry"
    outbound.refresh_from_db()
    assert outbound_email_deliver(message_id=outbound.pk, now=outbound.due_at) == "sent"

    assert gatewayapi.requests == 3
    assert gatewayapi.references() == [outbound.message_id]


def test_a_provider_slower_than_the_timeout_is_retried(gatewayapi):
    gatewayapi.delay_seconds = 1.5  # the backend waits 1 s
    outbound = queue()
    assert outbound_email_deliver(message_id=outbound.pk) == "retry"
    outbound.refresh_from_db()
    assert "Timeout" in outbound.last_error
    assert outbound.status == OutboundStatus.QUEUED


def test_a_refused_text_is_not_retried(gatewayapi):
    outbound = queue()
    gatewayapi.fail_next = [400]
    assert outbound_email_deliver(message_id=outbound.pk) == "failed"
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.FAILED
    assert "400" in outbound.last_error
    assert gatewayapi.requests == 1


def test_the_provider_out_of_reach_is_retried(settings):
    settings.SMS_BACKEND = "apps.outbox.sms_backends.GatewayApiBackend"
    settings.SMS_GATEWAYAPI_URL = "http://127.0.0.1:9/rest/mtsms"  # nothing listens on the discard port
    settings.SMS_TIMEOUT_SECONDS = 1.0
    outbound = queue()
    assert outbound_email_deliver(message_id=outbound.pk) == "retry"


def test_delivery_reports_update_the_row_and_a_late_pending_does_not_undo_delivered(gatewayapi):
    outbound = queue()
    outbound_email_deliver(message_id=outbound.pk)
    outbound.refresh_from_db()
    at = timezone.now() - dt.timedelta(seconds=5)

    assert outbound_sms_report_record(provider_ref=outbound.provider_ref, reference="", state="ENROUTE")
    outbound.refresh_from_db()
    assert outbound.delivery_status == DeliveryStatus.PENDING
    assert outbound_sms_report_record(provider_ref="", reference=outbound.message_id, state="DELIVERED", at=at)
    assert outbound_sms_report_record(provider_ref=outbound.provider_ref, reference="", state="BUFFERED")
    outbound.refresh_from_db()
    assert outbound.delivery_status == DeliveryStatus.DELIVERED
    assert outbound.delivered_at == at

    assert not outbound_sms_report_record(provider_ref="999", reference="sms.unknown", state="DELIVERED")


def test_in_development_a_text_lands_in_the_mail_catcher_as_an_email(settings):
    from django.core import mail

    settings.SMS_BACKEND = "apps.outbox.sms_backends.CatcherBackend"
    outbound = queue("Kiitos käynnistä! € [ok]")
    assert outbound_email_deliver(message_id=outbound.pk) == "sent"

    [email] = mail.outbox
    assert email.subject == "[SMS] +358401234567"
    assert email.extra_headers["X-Kokemus-Channel"] == "sms"
    assert email.body.startswith("Kiitos käynnistä! € [ok]\n")
    assert "GSM-7, 27 units, 1 part(s)" in email.body
