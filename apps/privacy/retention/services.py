"""Writes: the retention settings, and the run that anonymises what is past its time.

A run is a list of steps (RETENTION_STEPS). Each step counts what it would change
(the dry run, and the settings page) and changes it in bounded batches, each batch
its own transaction: a worker killed mid-run leaves every row either as it was or
fully anonymised, and the next run carries on where it stopped. A row once
anonymised no longer matches its step's selector, so a second run changes nothing.

The company's periods drive the first three steps and only when the company has
switched retention on; the fixed-time steps (import files, email bodies, expired export files) run in
every company.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.audit.models import AuditEvent, AuditSource
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.core.personal_data import DataKind
from apps.privacy.erasure import customer_erase
from apps.privacy.models import RetentionSettings
from apps.privacy.retention.selectors import (
    DueRows,
    RetentionPolicy,
    customers_past_retention,
    email_bodies_expired,
    import_files_expired,
    retention_settings_get,
    texts_past_retention,
)
from apps.privacy.selectors import personal_data_exports_expired
from apps.privacy.services import personal_data_exports_delete_expired

logger = logging.getLogger(__name__)

RETENTION_FIELDS = ("enabled", "free_text_months", "staff_note_months", "inactive_customer_months")

# step name, rows done so far in this step
Progress = Callable[[str, int], None]


@transaction.atomic
def retention_settings_update(
    *,
    acting_user: Any,
    enabled: bool,
    free_text_months: int | None,
    staff_note_months: int | None,
    inactive_customer_months: int | None,
    source: str = AuditSource.WEB,
) -> RetentionSettings:
    """Save the periods and the switch; a change is logged with the changed field names."""
    retention = RetentionSettings.objects.select_for_update().get(pk=retention_settings_get().pk)
    values = {
        "enabled": enabled,
        "free_text_months": free_text_months,
        "staff_note_months": staff_note_months,
        "inactive_customer_months": inactive_customer_months,
    }
    before = {name: getattr(retention, name) for name in RETENTION_FIELDS}
    # The periods and the switch are never personal: old and new values are kept in the log.
    extra = audit_changes(before=before, after=values, values_kept=RETENTION_FIELDS)
    for name, value in values.items():
        setattr(retention, name, value)
    try:
        retention.full_clean()
    except ValidationError as error:
        raise DomainError(error.messages[0], code="invalid", fields=error.message_dict) from error
    if extra:
        retention.save()
        audit_log_record(
            event_type=AuditEvent.SETTINGS_CHANGED,
            acting_user=acting_user,
            target=retention,
            source=source,
            extra=extra,
        )
    return retention


@dataclass
class RetentionContext:
    """What one run of one company works with: one `now` for every step, so a count and its run agree."""

    now: dt.datetime
    policy: RetentionPolicy
    batch_size: int
    source: str = AuditSource.TASK
    progress: Progress | None = None

    def report(self, step: str, done: int) -> None:
        if self.progress is not None:
            self.progress(step, done)


@dataclass(frozen=True)
class RetentionStep:
    name: str
    label: Any
    # Runs only in a company that switched retention on (its own periods); else in every company.
    needs_policy: bool
    apply: Callable[[RetentionContext], int]
    # What `apply` would change now; None for a step that cannot say beforehand.
    count: Callable[[RetentionContext], int] | None = None


def _blank_in_batches(due: DueRows, *, context: RetentionContext, step: str, done_before: int = 0) -> int:
    """Set the fields to their erased values, `batch_size` rows per transaction, in id order.

    Returns the rows changed; progress counts from `done_before` (the step's earlier models).
    """
    done, last_id = 0, 0
    values = due.erased_values()
    while True:
        with transaction.atomic():
            ids = list(
                due.rows.filter(pk__gt=last_id)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[: context.batch_size]
            )
            if not ids:
                return done
            # The selector again: a row changed since it was read is only blanked if it is still due.
            done += due.rows.filter(pk__in=ids).update(**values)
        last_id = ids[-1]
        context.report(step, done_before + done)


def _texts_count(kind: DataKind) -> Callable[[RetentionContext], int]:
    def count(context: RetentionContext) -> int:
        return sum(due.rows.count() for due in texts_past_retention(kind=kind, policy=context.policy, now=context.now))

    return count


def _texts_blank(kind: DataKind, step: str) -> Callable[[RetentionContext], int]:
    def apply(context: RetentionContext) -> int:
        done = 0
        for due in texts_past_retention(kind=kind, policy=context.policy, now=context.now):
            done += _blank_in_batches(due, context=context, step=step, done_before=done)
        return done

    return apply


def _customers_due(context: RetentionContext) -> QuerySet:
    return customers_past_retention(policy=context.policy, now=context.now)


def _customers_erase(context: RetentionContext) -> int:
    """Erase each inactive customer with the erasure service, each in its own transaction."""
    done, last_id = 0, 0
    while True:
        batch = list(_customers_due(context).filter(pk__gt=last_id).order_by("pk")[: context.batch_size])
        if not batch:
            return done
        for customer in batch:
            try:
                result = customer_erase(customer=customer, acting_user=None, source=context.source)
            except DomainError:
                # Left for a person to look at; the run goes on with the others, and tries again tomorrow.
                logger.exception("retention could not erase customer %s", customer.pk)
                continue
            if not result.already_erased:
                done += 1
        last_id = batch[-1].pk
        context.report("inactive_customers", done)


def _export_files_delete(context: RetentionContext) -> int:
    deleted = personal_data_exports_delete_expired(now=context.now)
    if deleted:
        context.report("export_files", deleted)
    return deleted


# In this order: the erasure of an inactive customer also blanks their texts, emails and import
# rows, so it comes last and every earlier step's count is what that step changed.
RETENTION_STEPS: list[RetentionStep] = [
    RetentionStep(
        name="import_files",
        label=_("customer import files"),
        needs_policy=False,
        apply=lambda context: _blank_in_batches(
            import_files_expired(now=context.now), context=context, step="import_files"
        ),
        count=lambda context: import_files_expired(now=context.now).rows.count(),
    ),
    RetentionStep(
        name="email_bodies",
        label=_("sent email texts"),
        needs_policy=False,
        apply=lambda context: _blank_in_batches(
            email_bodies_expired(now=context.now), context=context, step="email_bodies"
        ),
        count=lambda context: email_bodies_expired(now=context.now).rows.count(),
    ),
    RetentionStep(
        name="export_files",
        label=_("personal data export files"),
        needs_policy=False,
        apply=_export_files_delete,
        count=lambda context: personal_data_exports_expired(now=context.now).count(),
    ),
    RetentionStep(
        name="free_text",
        label=_("customers' written comments"),
        needs_policy=True,
        apply=_texts_blank(DataKind.FREE_TEXT, "free_text"),
        count=_texts_count(DataKind.FREE_TEXT),
    ),
    RetentionStep(
        name="staff_notes",
        label=_("staff notes"),
        needs_policy=True,
        apply=_texts_blank(DataKind.STAFF_NOTE, "staff_notes"),
        count=_texts_count(DataKind.STAFF_NOTE),
    ),
    RetentionStep(
        name="inactive_customers",
        label=_("customers without activity"),
        needs_policy=True,
        apply=_customers_erase,
        count=lambda context: _customers_due(context).count(),
    ),
]


@dataclass
class RetentionReport:
    enabled: bool
    dry_run: bool
    # step name -> rows (customers for inactive_customers) changed, or that would be changed
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def retention_steps(*, policy: RetentionPolicy) -> list[RetentionStep]:
    """The steps that run in a company with this policy: all when it is on, else the fixed-time ones."""
    return [step for step in RETENTION_STEPS if policy.enabled or not step.needs_policy]


def retention_due_counts(*, policy: RetentionPolicy, now: dt.datetime) -> dict[str, int]:
    """What the policy's own steps would anonymise now, as if it were on: the settings page's dry run."""
    context = RetentionContext(now=now, policy=policy, batch_size=settings.RETENTION_BATCH_SIZE)
    return {step.name: step.count(context) for step in RETENTION_STEPS if step.needs_policy and step.count}


def retention_run(
    *,
    now: dt.datetime,
    source: str = AuditSource.TASK,
    acting_user: Any = None,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> RetentionReport:
    """Anonymise what is past its time in the current company; with `dry_run`, count it only.

    A run that changed something, or ran in a company with retention on, is logged
    with its counts (after the last batch; a run killed before it is not logged, the
    next one counts what was left).
    """
    policy = RetentionPolicy.of(retention_settings_get())
    context = RetentionContext(
        now=now,
        policy=policy,
        batch_size=batch_size or settings.RETENTION_BATCH_SIZE,
        source=source,
        progress=progress,
    )
    report = RetentionReport(enabled=policy.enabled, dry_run=dry_run)
    for step in retention_steps(policy=policy):
        if dry_run:
            if step.count is not None:
                report.counts[step.name] = step.count(context)
            continue
        report.counts[step.name] = step.apply(context)
    if not dry_run and (policy.enabled or report.total):
        with transaction.atomic():
            audit_log_record(
                event_type=AuditEvent.RETENTION_RUN,
                acting_user=acting_user,
                source=source,
                extra={"counts": report.counts, "enabled": policy.enabled},
            )
    return report
