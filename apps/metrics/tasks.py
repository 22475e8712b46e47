"""Thin tasks around the roll-up services; each is safe to run twice."""

from apps.core.tenancy import tenants_fan_out
from cxplatform.celery import app


@app.task
def metrics_refresh_all() -> int:
    """Every minute (beat): fold the latest answers and encounters into each company's roll-ups."""
    return tenants_fan_out(task=metrics_refresh, jitter_seconds=10.0)


@app.task
def metrics_refresh() -> int:
    from apps.metrics.services import metrics_refresh_dirty

    return metrics_refresh_dirty()


@app.task
def metrics_recompute_all() -> int:
    """Nightly (beat): rebuild each company's roll-ups from scratch, spread over ten minutes."""
    return tenants_fan_out(task=metrics_recompute_nightly, jitter_seconds=600.0)


@app.task
def metrics_recompute_nightly() -> int:
    from apps.metrics.services import metrics_recompute_full

    return metrics_recompute_full(trigger="schedule").rows


@app.task
def metrics_recompute(*, trigger: str = "manual") -> int:
    from apps.metrics.services import metrics_recompute_full

    return metrics_recompute_full(trigger=trigger).rows
