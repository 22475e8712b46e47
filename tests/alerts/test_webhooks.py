"""Alerts to webhooks through the outbox, against a local receiver that verifies the Standard Webhooks
signature with the library: delivered, retried with backoff, refused for good, replayed with the same id."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import override_settings
from django.utils import timezone

from apps.alerts.models import AlertDelivery, AlertEvent, DestinationKind
from apps.alerts.services.deliveries import delivery_replay
from apps.alerts.services.destinations import destination_secret_regenerate
from apps.alerts.services.events import alert_fire
from apps.audit.models import AuditEvent, AuditLogEntry
from apps.core.exceptions import DomainError
from apps.outbox.models import OutboundChannel, OutboundStatus
from apps.outbox.services import outbound_email_queue, outbound_emails_deliver
from apps.outbox.webhook_sending import webhook_url_problem
from tests.alerts.factories import destination_build, rule_build
from tests.factories import TouchpointFactory

pytestmark = pytest.mark.django_db


def _fire(rule, key: str = "response:1") -> AlertEvent:
    touchpoint = rule.touchpoint or TouchpointFactory(name="Katsastuskaista")
    payload = {
        "response_id": 1,
        "score": 2,
        "threshold": 4,
        "touchpoint": {"id": touchpoint.pk, "name": touchpoint.name},
    }
    return alert_fire(rule=rule, source_key=key, payload=payload, occurred_at=timezone.now())


def _deliver(event: AlertEvent, *, now: dt.datetime | None = None) -> dict[str, int]:
    ids = list(AlertDelivery.objects.filter(event=event).values_list("outbound_id", flat=True))
    return outbound_emails_deliver(message_ids=ids, now=now)


def _outbound(event: AlertEvent):
    return AlertDelivery.objects.filter(event=event).latest("id").outbound


@pytest.fixture
def signed(company_admin, receiver):
    destination = destination_build(actor=company_admin, url=receiver.url)
    receiver.secret = destination.secret
    return destination


def test_a_signed_webhook_arrives_verified_with_the_event_id(company_admin, receiver, signed):
    assert signed.secret.startswith("whsec_")
    event = _fire(rule_build(actor=company_admin, destinations=[signed]))

    assert _deliver(event) == {"sent": 1}

    [call] = receiver.calls
    assert call.verified
    assert call.webhook_id == event.event_id and event.event_id.startswith("evt_")
    body = call.json()
    assert body["type"] == "answer.poor"
    assert body["data"]["id"] == event.event_id and body["data"]["score"] == 2
    outbound = _outbound(event)
    assert (outbound.channel, outbound.status, outbound.response_code, outbound.attempts) == (
        OutboundChannel.WEBHOOK,
        OutboundStatus.SENT,
        200,
        1,
    )
    # No secret is copied into the outbox.
    assert signed.secret not in str(outbound.headers) and signed.secret not in outbound.body_text


def test_a_500_is_retried_with_backoff_and_then_delivered_with_the_same_id(company_admin, receiver, signed):
    receiver.answers = [500]
    event = _fire(rule_build(actor=company_admin, destinations=[signed]))

    assert _deliver(event) == {"retry": 1}
    outbound = _outbound(event)
    assert outbound.status == OutboundStatus.QUEUED and outbound.response_code == 500
    assert outbound.due_at > timezone.now() + dt.timedelta(seconds=50)
    assert _deliver(event) == {"not_claimed": 1}, "not before its backoff"

    assert _deliver(event, now=timezone.now() + dt.timedelta(minutes=2)) == {"sent": 1}
    assert [call.webhook_id for call in receiver.calls] == [event.event_id, event.event_id]
    assert [call.status for call in receiver.calls] == [500, 200]
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.response_code) == (OutboundStatus.SENT, 2, 200)


@pytest.mark.parametrize("code", [408, 429, 503])
def test_timeouts_throttling_and_outages_are_retried(company_admin, receiver, signed, code):
    receiver.answers = [code]
    event = _fire(rule_build(actor=company_admin, destinations=[signed]))
    assert _deliver(event) == {"retry": 1}


def test_a_400_fails_at_once_without_a_retry(company_admin, receiver, signed):
    receiver.answers = [400]
    event = _fire(rule_build(actor=company_admin, destinations=[signed]))

    assert _deliver(event) == {"failed": 1}
    outbound = _outbound(event)
    assert (outbound.status, outbound.response_code, outbound.attempts) == (OutboundStatus.FAILED, 400, 1)
    assert _deliver(event, now=timezone.now() + dt.timedelta(hours=7)) == {"not_claimed": 1}
    assert len(receiver.calls) == 1


def test_replay_sends_the_same_event_id_again_and_is_audit_logged(company_admin, receiver, signed):
    event = _fire(rule_build(actor=company_admin, destinations=[signed]))
    _deliver(event)
    first = AlertDelivery.objects.get(event=event)

    [replay] = delivery_replay(delivery=first, actor=company_admin)
    outbound_emails_deliver(message_ids=[replay.outbound_id])

    assert replay.replay and replay.outbound_id != first.outbound_id
    assert [call.webhook_id for call in receiver.calls] == [event.event_id, event.event_id]
    assert all(call.verified for call in receiver.calls)
    assert receiver.calls[0].body == receiver.calls[1].body
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.ALERT_REPLAYED)
    assert entry.acting_user == company_admin and entry.extra_data["event_id"] == event.event_id


def test_replay_waits_while_a_delivery_is_under_way(company_admin, signed):
    event = _fire(rule_build(actor=company_admin, destinations=[signed]))
    with pytest.raises(DomainError):
        delivery_replay(delivery=AlertDelivery.objects.get(event=event), actor=company_admin)


def test_a_new_secret_applies_to_the_retries_and_the_old_one_no_longer_verifies(company_admin, receiver, signed):
    receiver.answers = [503]
    event = _fire(rule_build(actor=company_admin, destinations=[signed]))
    _deliver(event)
    old = signed.secret

    new = destination_secret_regenerate(destination=signed, actor=company_admin)
    receiver.secret = new
    _deliver(event, now=timezone.now() + dt.timedelta(minutes=2))

    assert new != old and receiver.calls[-1].verified


def test_slack_gets_text_and_blocks_without_a_signature(company_admin, receiver):
    slack = destination_build(actor=company_admin, kind=DestinationKind.SLACK, url=receiver.url)
    event = _fire(rule_build(actor=company_admin, destinations=[slack]))
    _deliver(event)

    [call] = receiver.calls
    assert "webhook-signature" not in call.headers
    body = call.json()
    assert "Katsastuskaista" in body["text"]
    assert [block["type"] for block in body["blocks"]][:2] == ["header", "section"]


def test_teams_gets_a_message_with_one_adaptive_card(company_admin, receiver):
    teams = destination_build(actor=company_admin, kind=DestinationKind.TEAMS, url=receiver.url)
    event = _fire(rule_build(actor=company_admin, destinations=[teams]))
    _deliver(event)

    body = receiver.calls[0].json()
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert "Katsastuskaista" in card["body"][0]["text"]


def test_one_event_goes_to_every_destination_each_once(company_admin, receiver, signed, mailoutbox):
    email = destination_build(
        actor=company_admin, kind=DestinationKind.EMAIL, emails="cx@alpha.example\ntiimi@alpha.example"
    )
    event = _fire(rule_build(actor=company_admin, destinations=[signed, email]))
    assert _fire(event.rule) is None, "the same fact fires once"

    assert _deliver(event) == {"sent": 3}
    assert len(receiver.calls) == 1
    assert sorted(message.to[0] for message in mailoutbox) == ["cx@alpha.example", "tiimi@alpha.example"]
    assert all(message.extra_headers["X-Kokemus-Event-Id"] == event.event_id for message in mailoutbox)


@override_settings(WEBHOOK_ALLOW_LOCAL=False)
@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://user:pass@93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
    ],
)
def test_in_production_only_https_to_public_addresses(url):
    assert webhook_url_problem(url)


@override_settings(WEBHOOK_ALLOW_LOCAL=False)
def test_in_production_a_public_https_address_passes():
    assert webhook_url_problem("https://93.184.216.34/hook") == ""


@override_settings(WEBHOOK_ALLOW_LOCAL=False)
def test_a_target_turned_private_after_saving_is_refused_at_send_time(company_admin, receiver):
    with override_settings(WEBHOOK_ALLOW_LOCAL=True):
        destination = destination_build(actor=company_admin, url=receiver.url)
    event = _fire(rule_build(actor=company_admin, destinations=[destination]))
    assert _deliver(event) == {"failed": 1}
    assert receiver.calls == []


def test_a_batch_holding_an_email_and_a_webhook_sends_both(company_admin, receiver, signed):
    event = _fire(rule_build(actor=company_admin, destinations=[signed]))
    email = outbound_email_queue(
        kind="case_assigned",
        message=EmailMessage("Aihe", "Teksti", "noreply@example.fi", ["owner@example.fi"]),
        send_on_commit=False,
    )
    webhook_ids = list(AlertDelivery.objects.filter(event=event).values_list("outbound_id", flat=True))

    # One batch, as a worker takes the due rows: each channel in its turn, none left behind.
    assert outbound_emails_deliver(message_ids=[*webhook_ids, email.pk]) == {"sent": 2}
    assert len(receiver.calls) == 1 and receiver.calls[0].verified
    assert [message.to for message in mail.outbox] == [["owner@example.fi"]]
