"""Thin tasks: the outbox's sweep and its sender."""

from django.utils import timezone

from apps.core.task_retry import DATABASE_AWAY_RETRY
from apps.core.tenancy import tenants_fan_out
from cxplatform.celery import app


@app.task
def outbox_dispatch_all() -> int:
    """Every few seconds (beat): one sweep per active company."""
    return tenants_fan_out(task=outbox_dispatch, jitter_seconds=5.0)


@app.task
def outbox_dispatch() -> int:
    """In one company: hand due messages (retries, and those of a dead worker) to senders."""
    from apps.outbox.services import outbound_emails_hand_out

    message_ids = outbound_emails_hand_out(now=timezone.now())
    for start in range(0, len(message_ids), 50):
        outbox_send_task.delay(message_ids=message_ids[start : start + 50])
    return len(message_ids)


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def outbox_send_task(*, message_ids: list[int]) -> dict[str, int]:
    from apps.outbox.services import outbound_emails_deliver

    return outbound_emails_deliver(message_ids=message_ids)
