"""A worker killed while a webhook is on the wire loses no alert; a repeat carries the same event id.

Eight alert events go through a real Celery worker to the local receiver, which verifies each
signature and takes a second to answer. The worker is SIGKILLed while the fourth call is with the
receiver: the receiver has the call but the worker never hears its answer, the webhook's one window
for a repeat. A second worker takes the message over when the lease runs out and sends it again with
the same webhook-id, so the receiver, deduplicating by it, sees each event once.
"""

from collections import defaultdict

import pytest
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.alerts.models import AlertDelivery, AlertEvent, AlertRule, Destination
from apps.alerts.services.alert_rules import rule_create
from apps.alerts.services.destinations import destination_create
from apps.alerts.services.events import alert_fire
from apps.outbox.models import OutboundStatus
from apps.outbox.tasks import outbox_dispatch
from tests.celery_worker import worker_kill, worker_start, worker_stop
from tests.outbox.test_crash_worker import WAIT_SECONDS, in_alpha
from tests.waiting import wait_until

pytestmark = pytest.mark.worker
EVENTS = 8


def test_a_worker_killed_mid_send_delivers_every_alert_at_least_once_with_its_id(committed, private_queue, receiver):
    receiver.delay_seconds = 1.0
    env = {"OUTBOX_LEASE_SECONDS": "3", "WEBHOOK_TIMEOUT_SECONDS": "5"}
    with in_alpha():
        email = committed.email("alerts")
        committed.forget_users("alpha", [email])
        admin = User.objects.create_user(email=email, role=Role.ADMIN, full_name="Aila Admin")
        destination = destination_create(name=f"crash {committed.tag}", kind="webhook", url=receiver.url, actor=admin)
        receiver.secret = destination.secret
        rule = rule_create(name=f"crash {committed.tag}", kind="case_late", destinations=[destination], actor=admin)

        def cleanup() -> None:
            with in_alpha():
                AlertDelivery.objects.filter(destination=destination).delete()
                AlertEvent.objects.filter(rule=rule).delete()
                AlertRule.objects.filter(pk=rule.pk).delete()
                Destination.objects.filter(pk=destination.pk).delete()

        committed.on_teardown(cleanup)
    connection.set_schema_to_public()

    first = worker_start(queue=private_queue, extra_env=env, concurrency=1)
    second = None
    try:
        with in_alpha():
            events = [
                alert_fire(
                    rule=rule, source_key=f"case:{index}", payload={"case_id": index}, occurred_at=timezone.now()
                )
                for index in range(EVENTS)
            ]
            event_ids = {event.event_id for event in events}
        connection.set_schema_to_public()

        wait_until(
            lambda: receiver.started == 4 and len(receiver.calls) == 3,
            timeout=WAIT_SECONDS,
            message="the fourth call with the receiver after the first three",
        )
        worker_kill(first)
        with in_alpha():
            sending = AlertDelivery.objects.filter(
                destination=destination, outbound__status=OutboundStatus.SENDING
            ).count()
        assert sending == 1, "one call on the wire at the kill"

        second = worker_start(queue=private_queue, extra_env=env)

        def all_sent() -> bool:
            with in_alpha():
                outbox_dispatch.delay().get(timeout=WAIT_SECONDS)
                sent = AlertDelivery.objects.filter(destination=destination, outbound__status=OutboundStatus.SENT)
                return sent.count() == EVENTS

        wait_until(all_sent, timeout=WAIT_SECONDS, message="every alert to be delivered", interval=0.5)
        seen: dict[str, int] = defaultdict(int)
        for call in receiver.delivered:
            seen[call.webhook_id] += 1
        assert set(seen) == event_ids, "no alert lost, and each under its event id"
        assert sum(count - 1 for count in seen.values()) <= 1, "only the call on the wire at the kill may repeat"
        assert all(call.verified for call in receiver.calls)
    finally:
        worker_kill(first)
        if second is not None:
            worker_stop(second)
