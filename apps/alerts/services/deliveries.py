"""An event to the outbox: a message per destination (an email per address, or a webhook call); replays;
and where a webhook goes."""

import uuid

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.alerts.messages import alert_message
from apps.alerts.models import AlertDelivery, AlertEvent, Destination, DestinationKind
from apps.alerts.payloads import slack_body, teams_body, webhook_body
from apps.audit.models import AuditEvent
from apps.audit.services import audit_log_record
from apps.core.exceptions import DomainError
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.services import outbound_email_queue, outbound_webhook_queue
from apps.outbox.webhook_sending import WebhookTarget

OUTBOX_KIND = "alert"


def _body(event: AlertEvent, destination: Destination) -> str:
    if destination.kind == DestinationKind.SLACK:
        return slack_body(alert_message(event))
    if destination.kind == DestinationKind.TEAMS:
        return teams_body(alert_message(event))
    return webhook_body(
        event_id=event.event_id, kind=event.kind, occurred_at=event.occurred_at.isoformat(), payload=event.payload
    )


def event_deliveries_queue(*, event: AlertEvent, destination: Destination, replay: bool = False) -> list[AlertDelivery]:
    """The outbox messages of one event to one destination (an email per address, or one webhook call)."""
    deliveries = []
    if destination.kind == DestinationKind.EMAIL:
        message = alert_message(event)
        for address in destination.email_list():
            outbound = outbound_email_queue(
                kind=OUTBOX_KIND,
                message=EmailMessage(
                    subject=message.title,
                    body="\n".join([*message.lines, "", message.link]),
                    to=[address],
                    headers={"Auto-Submitted": "auto-generated", "X-Kokemus-Event-Id": event.event_id},
                ),
            )
            deliveries.append(AlertDelivery(event=event, destination=destination, outbound=outbound, replay=replay))
    else:
        outbound = outbound_webhook_queue(
            kind=OUTBOX_KIND,
            recipient=destination.name,
            body=_body(event, destination),
            webhook_id=event.event_id,
            message_id=f"{event.event_id}.{destination.pk}.{uuid.uuid4().hex[:8]}",
        )
        deliveries.append(AlertDelivery(event=event, destination=destination, outbound=outbound, replay=replay))
    return AlertDelivery.objects.bulk_create(deliveries)


@transaction.atomic
def delivery_replay(*, delivery: AlertDelivery, actor: User) -> list[AlertDelivery]:
    """Send the event to the delivery's destination again, with the same event id (receivers deduplicate)."""
    destination = delivery.destination
    if not destination.active:
        raise DomainError(_("This destination is switched off."), code="inactive")
    if delivery.outbound.status in (OutboundStatus.QUEUED, OutboundStatus.SENDING):
        raise DomainError(_("This alert is still being delivered."), code="in_flight")
    replays = event_deliveries_queue(event=delivery.event, destination=destination, replay=True)
    audit_log_record(
        event_type=AuditEvent.ALERT_REPLAYED,
        acting_user=actor,
        target=destination,
        extra={"event_id": delivery.event.event_id, "delivery": delivery.pk},
    )
    return replays


def alert_webhook_target(outbound: OutboundEmail) -> WebhookTarget | None:
    """The outbox's question at each try of an alert's webhook: where to, and signed with which secret."""
    delivery = AlertDelivery.objects.select_related("destination").filter(outbound=outbound).first()
    if delivery is None:
        return None
    destination = delivery.destination
    secret = destination.secret if destination.kind == DestinationKind.WEBHOOK else ""
    return WebhookTarget(url=destination.url, secret=secret)
