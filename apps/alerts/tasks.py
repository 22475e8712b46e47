"""Thin tasks: the periodic alert checks, fanned out over the companies."""

from apps.core.tenancy import tenants_fan_out
from cxplatform.celery import app


@app.task
def alerts_case_late_check_all() -> int:
    return tenants_fan_out(task=alerts_case_late_check, jitter_seconds=30.0)


@app.task
def alerts_case_late_check() -> int:
    from apps.alerts.services.events import alerts_case_late_check as check

    return check()


@app.task
def alerts_nps_drop_check_all() -> int:
    return tenants_fan_out(task=alerts_nps_drop_check, jitter_seconds=60.0)


@app.task
def alerts_nps_drop_check() -> int:
    from apps.alerts.services.events import alerts_nps_drop_check as check

    return check()
