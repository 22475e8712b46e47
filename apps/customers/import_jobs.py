"""Customer imports from the web page run on a Celery worker, so a file of a hundred thousand rows
never meets a request timeout.

The upload is kept as a CustomerImport row "checking", and the worker writes the report; the user's
choice marks it "importing", and the worker writes it in one transaction (importing.py), counting its
progress in the cache. The page shows the row and that count until the worker is done. An attempt
that stopped (its worker lost) wrote nothing, as its transaction rolled back; after STALL_AFTER
without progress the page offers to start it again. A second delivery of the same job waits for the
row's lock and then finds the import finished, so it writes nothing twice.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import user_get
from apps.core.exceptions import DomainError
from apps.customers.importing import (
    ImportMode,
    ImportWriteError,
    customer_import_check_into,
    customer_import_commit,
)
from apps.customers.models import CustomerImport, ImportStatus

PROGRESS_TTL_SECONDS = 60 * 60
IN_PROGRESS = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


def _stall_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "CUSTOMER_IMPORT_STALL_SECONDS", 120))


def _progress_key(import_id: int) -> str:
    # The cache's key function adds the company's schema, so no company reads another's progress.
    return f"customer-import:{import_id}:progress"


@dataclass(frozen=True)
class ImportProgress:
    """How far the background job is, for the report page."""

    done: int
    total: int
    stalled: bool

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0


def _queue_check(import_id: int) -> None:
    from apps.customers.tasks import customer_import_check_task

    transaction.on_commit(lambda: customer_import_check_task.delay(import_id=import_id))


def _queue_write(import_id: int, *, mode: str, user: User | None) -> None:
    from apps.customers.tasks import customer_import_write_task

    user_id = user.pk if user is not None else None
    transaction.on_commit(lambda: customer_import_write_task.delay(import_id=import_id, mode=mode, user_id=user_id))


@transaction.atomic
def customer_import_receive(*, file_name: str, content: bytes, created_by: User | None) -> CustomerImport:
    """Keep an uploaded file and have the worker check it; the page shows the report when it is ready."""
    customer_import = CustomerImport.objects.create(
        file_name=file_name[:255],
        content=content,
        created_by=created_by,
        status=ImportStatus.CHECKING,
        queued_at=timezone.now(),
    )
    _queue_check(customer_import.pk)
    return customer_import


def customer_import_check_queued(*, import_id: int) -> bool:
    """The worker's check of an upload. Returns False when there was nothing (left) to check."""
    with transaction.atomic():
        customer_import = (
            CustomerImport.objects.select_for_update().filter(pk=import_id, status=ImportStatus.CHECKING).first()
        )
        if customer_import is None:
            return False
        customer_import_check_into(customer_import)
    return True


@transaction.atomic
def customer_import_start(*, customer_import: CustomerImport, user: User | None) -> CustomerImport:
    """The user chose to import the valid rows: hand the write to the worker."""
    customer_import = CustomerImport.objects.select_for_update().get(pk=customer_import.pk)
    if customer_import.status != ImportStatus.VALIDATED:
        raise DomainError(_("This import is already finished."), code="import_finished")
    customer_import.status = ImportStatus.IMPORTING
    customer_import.finished_by = user
    customer_import.report = {key: value for key, value in customer_import.report.items() if key != "commit_error"}
    customer_import.commit_error = ""
    customer_import.queued_at = timezone.now()
    customer_import.save(update_fields=["status", "finished_by", "report", "commit_error", "queued_at", "updated_at"])
    cache.delete(_progress_key(customer_import.pk))
    _queue_write(customer_import.pk, mode=ImportMode.VALID_ROWS, user=user)
    return customer_import


def customer_import_write_queued(*, import_id: int, mode: str, user_id: int | None) -> bool:
    """The worker's write of an import the user confirmed. Returns whether this call wrote it."""
    customer_import = CustomerImport.objects.defer("content").filter(pk=import_id).first()
    if customer_import is None:
        return False
    user = user_get(user_id=user_id) if user_id is not None else None
    key = _progress_key(import_id)
    written = 0

    def tick(count: int) -> None:
        nonlocal written
        written += count
        cache.set(key, {"done": written, "at": timezone.now().timestamp()}, PROGRESS_TTL_SECONDS)

    tick(0)
    try:
        customer_import_commit(
            customer_import=customer_import,
            mode=mode,
            user=user,
            progress=tick,
            expected_status=ImportStatus.IMPORTING,
        )
    except DomainError as error:
        if error.code == "import_finished":
            return False  # another delivery of this job wrote it first
        _write_failed(import_id, error)
        return False
    finally:
        cache.delete(key)
    return True


@transaction.atomic
def _write_failed(import_id: int, error: DomainError) -> None:
    """Nothing was written: back to the report, with the reason kept as its code and parameters so
    that whoever opens the report reads it in their own language."""
    failed = (
        CustomerImport.objects.select_for_update()
        .defer("content")
        .filter(pk=import_id, status=ImportStatus.IMPORTING)
        .first()
    )
    if failed is None:
        return
    if isinstance(error, ImportWriteError):
        reason = error.as_dict()
    else:  # a rule of another app: only its words are known, in the active language
        reason = {"code": error.code, "params": {}, "text": error.message}
    failed.status = ImportStatus.VALIDATED
    failed.report = {**failed.report, "commit_error": reason}
    failed.save(update_fields=["status", "report", "updated_at"])


def customer_import_progress(customer_import: CustomerImport, *, now: dt.datetime | None = None) -> ImportProgress:
    """The background job's progress; `stalled` when nothing has moved for a while (a lost worker)."""
    now = now or timezone.now()
    last = customer_import.queued_at or customer_import.created_at
    done = 0
    total = 0
    if customer_import.status == ImportStatus.IMPORTING:
        total = (customer_import.report or {}).get("valid_rows", 0)
        beat = cache.get(_progress_key(customer_import.pk))
        if beat:
            done = beat["done"]
            last = max(last, dt.datetime.fromtimestamp(beat["at"], tz=dt.UTC))
    stalled = customer_import.status in IN_PROGRESS and now - last > _stall_after()
    return ImportProgress(done=done, total=total, stalled=stalled)


@transaction.atomic
def customer_import_retry(*, customer_import: CustomerImport, user: User | None) -> CustomerImport:
    """Start a stalled check or write again. A job that still holds the import is left to finish."""
    locked = CustomerImport.objects.select_for_update(skip_locked=True).filter(pk=customer_import.pk).first()
    if locked is None:
        raise DomainError(_("The import is still running."), code="import_running")
    if locked.status not in IN_PROGRESS:
        raise DomainError(_("This import is already finished."), code="import_finished")
    if not customer_import_progress(locked).stalled:
        raise DomainError(_("The import is still running."), code="import_running")
    locked.queued_at = timezone.now()
    locked.save(update_fields=["queued_at", "updated_at"])
    if locked.status == ImportStatus.CHECKING:
        _queue_check(locked.pk)
    else:
        cache.delete(_progress_key(locked.pk))
        _queue_write(locked.pk, mode=ImportMode.VALID_ROWS, user=locked.finished_by or user)
    return locked
