"""Thin tasks: the nightly retention run of each company."""

from django.utils import timezone

from apps.core.task_retry import DATABASE_AWAY_RETRY
from apps.core.tenancy import tenants_fan_out
from cxplatform.celery import app


@app.task
def retention_run_all() -> int:
    """Nightly (beat): one retention run per active company, spread over ten minutes."""
    return tenants_fan_out(task=retention_run_task, jitter_seconds=600.0)


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def retention_run_task() -> dict[str, int]:
    """Anonymise what is past its time in this company; a retry or a second run finds nothing left."""
    from apps.audit.models import AuditSource
    from apps.privacy.retention.services import retention_run

    return retention_run(now=timezone.now(), source=AuditSource.TASK).counts
