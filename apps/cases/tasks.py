from apps.core.task_retry import DATABASE_AWAY_RETRY
from cxplatform.celery import app


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def case_assignment_notify_task(*, case_id: int) -> bool:
    from apps.cases.services import case_assignment_notify

    return case_assignment_notify(case_id=case_id)
