"""Thin tasks: each takes ids, calls one public function of the app, and is safe to run twice."""

from django.utils import timezone

from apps.core.task_retry import DATABASE_AWAY_RETRY
from apps.tenants.fanout import tenants_fan_out
from cxplatform.celery import app


@app.task
def survey_dispatch_all() -> int:
    """Every minute (beat): one dispatch per active company."""
    return tenants_fan_out(task=survey_dispatch)


@app.task
def survey_dispatch() -> int:
    """In one company: invite new encounters, run due send-outs, hand due emails to workers."""
    from apps.surveys.dispatch import survey_dispatch_run

    email_ids = survey_dispatch_run(now=timezone.now())
    for email_id in email_ids:
        invitation_email_send_task.delay(email_id=email_id)
    return len(email_ids)


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def invitation_email_send_task(*, email_id: int) -> str:
    from apps.surveys.sending import invitation_email_send

    return invitation_email_send(email_id=email_id)
