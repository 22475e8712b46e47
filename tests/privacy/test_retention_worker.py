"""A retention run in a real worker, SIGKILLed mid-run: every row is whole (untouched or fully
anonymised), nothing is logged for the killed run, and the next run finishes the job and then
finds nothing left.

3,000 sent emails past OUTBOUND_EMAIL_BODY_TTL are anonymised ten per transaction, so the run
takes long enough to be killed between its first and its last batch.
"""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.privacy.retention.services import retention_run
from apps.privacy.tasks import retention_run_task
from apps.tenants.models import Tenant
from tests.celery_worker import worker_kill, worker_start
from tests.waiting import wait_until

pytestmark = pytest.mark.worker
ROWS = 3000
WAIT_SECONDS = 90


def in_alpha() -> tenant_context:
    return tenant_context(Tenant.objects.get(schema_name="alpha"))


def test_a_worker_killed_mid_run_leaves_whole_rows_and_the_next_run_finishes(committed, private_queue):
    sent_at = timezone.now() - dt.timedelta(days=60)
    with in_alpha():
        OutboundEmail.objects.bulk_create(
            OutboundEmail(
                kind="case_assigned",
                status=OutboundStatus.SENT,
                recipient=f"person{index}-{committed.tag}@example.fi",
                from_email="no-reply@example.fi",
                subject=f"Subject {index}",
                body_text=f"Body {index}",
                body_html=f"<p>Body {index}</p>",
                headers={"Reply-To": "x@example.fi"},
                message_id=f"<{index}-{committed.tag}@retention.test>",
                due_at=sent_at,
                sent_at=sent_at,
            )
            for index in range(ROWS)
        )
        ids = list(
            OutboundEmail.objects.filter(message_id__endswith=f"-{committed.tag}@retention.test>").values_list(
                "pk", flat=True
            )
        )
        runs_before = AuditLogEntry.objects.filter(event_type=AuditEvent.RETENTION_RUN).count()

    def cleanup() -> None:
        with in_alpha():
            # The run's audit entries stay: the log is append-only (they hold counts only).
            OutboundEmail.objects.filter(pk__in=ids).delete()

    committed.on_teardown(cleanup)
    rows = OutboundEmail.objects.filter(pk__in=ids)
    blanked = Q(recipient="", subject="", body_text="", body_html="", headers={})

    worker = worker_start(queue=private_queue, extra_env={"RETENTION_BATCH_SIZE": "10"}, concurrency=1)
    try:
        with in_alpha():
            retention_run_task.delay()
            # Polled often: the kill must land between the run's first batch and its last.
            wait_until(
                rows.filter(recipient="").exists, timeout=WAIT_SECONDS, interval=0.01, message="the run's first batch"
            )
            worker_kill(worker)
            done = rows.filter(recipient="").count()
    finally:
        worker_kill(worker)

    with in_alpha():
        assert 0 < done < ROWS, f"the kill came too late to test anything ({done} of {ROWS})"
        # Whole rows only: each is either untouched or has lost every field at once.
        assert rows.filter(blanked).count() == done
        assert rows.filter(subject__startswith="Subject ", body_text__startswith="Body ").count() == ROWS - done
        assert AuditLogEntry.objects.filter(event_type=AuditEvent.RETENTION_RUN).count() == runs_before

        report = retention_run(now=timezone.now())
        assert report.counts["email_bodies"] >= ROWS - done
        assert rows.filter(blanked).count() == ROWS
        assert all(status == OutboundStatus.SENT for status in rows.values_list("status", flat=True).distinct())
        assert retention_run(now=timezone.now()).total == 0
