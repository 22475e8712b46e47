"""Thin tasks: the daily maturity snapshot of each company."""

import datetime as dt

from apps.core.tenancy import tenants_fan_out
from cxplatform.celery import app


@app.task
def maturity_snapshot_all() -> int:
    """Daily (beat), after the nightly roll-up recompute: one snapshot per company."""
    return tenants_fan_out(task=maturity_snapshot, jitter_seconds=300.0)


@app.task
def maturity_snapshot() -> str:
    """Yesterday's levels (the last complete day, in the company's time zone); safe to run twice."""
    from apps.maturity.services import maturity_snapshot_take
    from apps.tenants.selectors import company_today

    day = company_today() - dt.timedelta(days=1)
    maturity_snapshot_take(day=day)
    return day.isoformat()
