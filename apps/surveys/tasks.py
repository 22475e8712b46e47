"""Thin tasks: each takes ids, calls one public function of the app, and is safe to run twice."""

from django.utils import timezone

from apps.core.task_retry import DATABASE_AWAY_RETRY
from apps.core.tenancy import tenants_fan_out
from cxplatform.celery import app


@app.task
def survey_dispatch_all() -> int:
    """Every minute (beat): one dispatch per active company."""
    return tenants_fan_out(task=survey_dispatch)


@app.task
def survey_dispatch() -> int:
    """In one company: invite new encounters, run due send-outs, hand due emails to workers."""
    from apps.surveys.dispatch import survey_dispatch_run

    batches = survey_dispatch_run(now=timezone.now())
    for email_ids in batches:
        invitation_emails_send_task.delay(email_ids=email_ids)
    return sum(len(email_ids) for email_ids in batches)


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def invitation_emails_send_task(*, email_ids: list[int]) -> dict[str, int]:
    """Hand a batch to the outbox, give the company's next batch to a new task, then deliver this one.

    The next batch is queued before this one goes on the wire, so a worker killed mid-batch
    does not stop the send-out: another worker goes on with the next batch at once.
    """
    from apps.surveys.sending import (
        invitation_batch_size,
        invitation_emails_deliver,
        invitation_emails_hand_out,
        invitation_emails_hand_over,
    )

    handed = invitation_emails_hand_over(email_ids=email_ids)
    following = invitation_emails_hand_out(now=timezone.now(), limit=invitation_batch_size())
    if following:
        invitation_emails_send_task.delay(email_ids=following)
    return invitation_emails_deliver(handed)


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def invitation_email_send_task(*, email_id: int) -> str:
    from apps.surveys.sending import invitation_email_send

    return invitation_email_send(email_id=email_id)
