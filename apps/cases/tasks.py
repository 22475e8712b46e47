from apps.core.task_retry import DATABASE_AWAY_RETRY
from apps.core.tenancy import tenants_fan_out
from cxplatform.celery import app


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def case_assignment_notify_task(*, case_id: int) -> bool:
    from apps.cases.services import case_assignment_notify

    return case_assignment_notify(case_id=case_id)


@app.task
def cases_late_follow_up_all() -> int:
    """Every quarter of an hour (beat): remind and escalate the late cases of each company."""
    return tenants_fan_out(task=cases_late_follow_up_task, jitter_seconds=60.0)


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def cases_late_follow_up_task() -> tuple[int, int]:
    from apps.cases.escalation import cases_late_follow_up

    return cases_late_follow_up()
