"""The web import's check and write on a real Celery worker: in the right company, and safe when the
worker dies mid-write (nothing half-written; started again, every row lands once)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from apps.customers.import_jobs import (
    _progress_key,
    customer_import_progress,
    customer_import_receive,
    customer_import_retry,
    customer_import_start,
)
from apps.customers.models import Customer, CustomerImport, ImportStatus
from tests.celery_worker import worker_kill, worker_start, worker_stop
from tests.waiting import wait_until

pytestmark = pytest.mark.worker

WAIT_SECONDS = 120


def status_wait(import_id: int, status: ImportStatus, *, what: str) -> None:
    wait_until(
        lambda: status_of(import_id) == status,
        timeout=WAIT_SECONDS,
        message=f"{what}: the import to become {status.value}",
    )


def csv_of(tag: str, rows: int) -> bytes:
    lines = ["name,email,external_id"]
    lines += [f"Asiakas {n},asiakas{n}-{tag}@example.fi,{tag}-{n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def status_of(import_id: int) -> str:
    with schema_context("alpha"):
        return CustomerImport.objects.values_list("status", flat=True).get(pk=import_id)


def written(tag: str, schema: str = "alpha") -> int:
    with schema_context(schema):
        return Customer.objects.filter(external_id__startswith=f"{tag}-").count()


@pytest.fixture
def tagged(committed: Any) -> Iterator[str]:
    """A tag for this test's customers and imports, all removed afterwards."""
    tag = committed.tag

    def cleanup() -> None:
        with schema_context("alpha"):
            Customer.objects.filter(external_id__startswith=f"{tag}-").delete()
            CustomerImport.objects.filter(file_name__startswith=tag).delete()

    committed.on_teardown(cleanup)
    return tag


def test_the_worker_checks_and_writes_an_upload_in_its_company(celery_worker: Any, tagged: str) -> None:
    with schema_context("alpha"):
        customer_import = customer_import_receive(
            file_name=f"{tagged}.csv", content=csv_of(tagged, 3000), created_by=None
        )
    status_wait(customer_import.pk, ImportStatus.VALIDATED, what="the check")
    with schema_context("alpha"):
        customer_import.refresh_from_db()
        assert (customer_import.report["valid_rows"], customer_import.report["to_create"]) == (3000, 3000)
        assert written(tagged) == 0
        customer_import_start(customer_import=customer_import, user=None)
    status_wait(customer_import.pk, ImportStatus.COMMITTED, what="the write")
    assert written(tagged) == 3000
    assert written(tagged, schema="beta") == 0
    with schema_context("alpha"):
        customer_import.refresh_from_db()
        assert (customer_import.created_count, customer_import.commit_error) == (3000, "")
        assert cache.get(_progress_key(customer_import.pk)) is None


def test_a_worker_killed_mid_write_leaves_nothing_and_the_restart_writes_every_row_once(
    tagged: str, private_queue: str, settings: Any
) -> None:
    settings.CUSTOMER_IMPORT_STALL_SECONDS = 2
    rows = 30_000
    first = worker_start(queue=private_queue, concurrency=1)
    second = None
    try:
        with schema_context("alpha"):
            customer_import = customer_import_receive(
                file_name=f"{tagged}.csv", content=csv_of(tagged, rows), created_by=None
            )
        status_wait(customer_import.pk, ImportStatus.VALIDATED, what="the check")
        with schema_context("alpha"):
            customer_import_start(customer_import=customer_import, user=None)

        def some_written() -> bool:
            with schema_context("alpha"):
                beat = cache.get(_progress_key(customer_import.pk))
            return bool(beat and beat["done"] >= 4000)

        wait_until(some_written, timeout=WAIT_SECONDS, message="the first batches")
        worker_kill(first)
        assert status_of(customer_import.pk) == ImportStatus.IMPORTING, "the kill came too late to test anything"
        assert written(tagged) == 0  # the write is one transaction: the dead attempt left nothing

        def stalled() -> bool:
            with schema_context("alpha"):
                customer_import.refresh_from_db()
                return customer_import_progress(customer_import).stalled

        # Nothing moves once the worker is dead: the job counts as stalled after
        # CUSTOMER_IMPORT_STALL_SECONDS (2 here) without progress.
        wait_until(stalled, timeout=WAIT_SECONDS, message="the dead worker's job to count as stalled")
        with schema_context("alpha"):
            customer_import_retry(customer_import=customer_import, user=None)
        second = worker_start(queue=private_queue)
        status_wait(customer_import.pk, ImportStatus.COMMITTED, what="the second attempt")
        assert written(tagged) == rows
        with schema_context("alpha"):
            assert (
                Customer.objects.filter(external_id__startswith=f"{tagged}-").values("email").distinct().count() == rows
            )
    finally:
        worker_kill(first)
        if second is not None:
            worker_stop(second)
