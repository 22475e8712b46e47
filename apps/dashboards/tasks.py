"""Thin tasks: the weekly leadership digest."""

from django.utils import timezone

from apps.core.task_retry import DATABASE_AWAY_RETRY
from apps.core.tenancy import tenants_fan_out
from cxplatform.celery import app


@app.task
def digest_dispatch_all() -> int:
    """Hourly (beat): each company checks whether its Monday morning has come."""
    return tenants_fan_out(task=digest_dispatch, jitter_seconds=300.0)


@app.task
def digest_dispatch() -> int:
    from apps.dashboards.services import digest_deliveries_claim

    return len(digest_deliveries_claim(now=timezone.now()))


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def digest_send_task(*, delivery_id: int) -> bool:
    from apps.dashboards.services import digest_send

    return digest_send(delivery_id=delivery_id)


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def digest_external_send_task(*, delivery_id: int) -> bool:
    from apps.dashboards.services import digest_external_send

    return digest_external_send(delivery_id=delivery_id)
