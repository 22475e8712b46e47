"""Thin tasks around the background customer import (import_jobs.py); each is safe to deliver twice."""

from cxplatform.celery import app


@app.task
def customer_import_check_task(*, import_id: int) -> bool:
    from apps.customers.import_jobs import customer_import_check_queued

    return customer_import_check_queued(import_id=import_id)


@app.task
def customer_import_write_task(*, import_id: int, mode: str, user_id: int | None) -> bool:
    from apps.customers.import_jobs import customer_import_write_queued

    return customer_import_write_queued(import_id=import_id, mode=mode, user_id=user_id)
