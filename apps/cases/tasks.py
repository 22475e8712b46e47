import smtplib

from cxplatform.celery import app


@app.task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
)
def case_assignment_notify_task(*, case_id: int) -> bool:
    from apps.cases.services import case_assignment_notify

    return case_assignment_notify(case_id=case_id)
