"""Reads: the company's retention periods, and what is past its time now.

The settings page's dry-run count and the nightly run use the same querysets, so
the count a company admin sees before switching retention on is what the run
then changes. Everything is found through the personal-data register
(apps/core/personal_data.py): a field registered later as free text or a staff note
is reached without a change here.
"""

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from apps.core.personal_data import DataKind, PersonalData, personal_data_entries, personal_data_entry
from apps.customers.models import Customer, CustomerImport, ImportStatus
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.privacy.models import RetentionSettings

IMPORT_FINISHED = (ImportStatus.COMMITTED, ImportStatus.FAILED, ImportStatus.DISCARDED)
EMAIL_FINISHED = (OutboundStatus.SENT, OutboundStatus.FAILED, OutboundStatus.CANCELLED)


@dataclass(frozen=True)
class RetentionPolicy:
    """The periods in months; None keeps that kind of data until the customer is erased."""

    enabled: bool
    free_text_months: int | None
    staff_note_months: int | None
    inactive_customer_months: int | None

    @classmethod
    def of(cls, retention: RetentionSettings) -> "RetentionPolicy":
        return cls(
            enabled=retention.enabled,
            free_text_months=retention.free_text_months,
            staff_note_months=retention.staff_note_months,
            inactive_customer_months=retention.inactive_customer_months,
        )

    def months_of(self, kind: DataKind) -> int | None:
        return {DataKind.FREE_TEXT: self.free_text_months, DataKind.STAFF_NOTE: self.staff_note_months}[kind]


def retention_settings_get() -> RetentionSettings:
    """The company's retention settings, created (switched off) on first use."""
    retention, _created = RetentionSettings.objects.get_or_create(singleton=True)
    return retention


def retention_cutoff(*, now: dt.datetime, months: int) -> dt.datetime:
    """`months` calendar months before `now`: what is older than this is past its time."""
    return now - relativedelta(months=months)


def _written_at(entry: PersonalData) -> str:
    """The lookup of the time a row's text was written: `written_at` in the register, else its activity."""
    lookup = entry.extra.get("written_at") or entry.activity
    if not lookup:
        raise ImproperlyConfigured(f"{entry.label} holds text retention must reach but registers no time for it")
    return lookup


def _not_erased(entry: PersonalData, names: list[str]) -> Q:
    """Rows where at least one of the fields still holds something."""
    erased = {f.name: f.erased for f in entry.fields}
    return reduce(or_, (~Q(**{name: erased[name]}) for name in names))


@dataclass(frozen=True)
class DueRows:
    """The rows of one registered model whose fields of one kind are past their time."""

    entry: PersonalData
    names: tuple[str, ...]
    rows: QuerySet

    def erased_values(self) -> dict[str, object]:
        erased = {f.name: f.erased for f in self.entry.fields}
        return {name: erased[name] for name in self.names}


def texts_past_retention(*, kind: DataKind, policy: RetentionPolicy, now: dt.datetime) -> list[DueRows]:
    """Per registered model: the rows whose `kind` fields (free text or staff notes) are past the period."""
    months = policy.months_of(kind)
    if months is None:
        return []
    cutoff = retention_cutoff(now=now, months=months)
    due = []
    for entry in personal_data_entries():
        names = entry.field_names(kind)
        if not names:
            continue
        rows = entry.model._default_manager.filter(**{f"{_written_at(entry)}__lt": cutoff}).filter(
            _not_erased(entry, names)
        )
        due.append(DueRows(entry=entry, names=tuple(names), rows=rows))
    return due


def customers_past_retention(*, policy: RetentionPolicy, now: dt.datetime) -> QuerySet[Customer]:
    """Customers not erased whose latest activity is older than the period.

    Activity is every registered `activity` time of a row about the customer (an
    encounter, a response, a case) and the customer's own (when it was added).
    """
    if policy.inactive_customer_months is None:
        return Customer.objects.none()
    cutoff = retention_cutoff(now=now, months=policy.inactive_customer_months)
    customers = Customer.objects.filter(erased_at__isnull=True)
    for entry in personal_data_entries():
        if entry.activity is None or entry.customer is None:
            continue
        if entry.customer == "":
            customers = customers.filter(**{f"{entry.activity}__lt": cutoff})
            continue
        recent = entry.model._default_manager.filter(
            **{f"{entry.customer}_id": OuterRef("pk"), f"{entry.activity}__gte": cutoff}
        )
        customers = customers.filter(~Exists(recent))
    return customers


def _file_fields(model: type, kind: DataKind) -> DueRows:
    entry = personal_data_entry(model)
    if entry is None:
        raise ImproperlyConfigured(f"{model.__name__} is not in the personal-data register")
    names = entry.field_names(kind)
    return DueRows(entry=entry, names=tuple(names), rows=model._default_manager.filter(_not_erased(entry, names)))


def import_files_expired(*, now: dt.datetime) -> DueRows:
    """Finished imports whose file or report is still kept CUSTOMER_IMPORT_FILE_TTL after they finished."""
    due = _file_fields(CustomerImport, DataKind.FILE)
    rows = (
        due.rows.filter(status__in=IMPORT_FINISHED)
        .alias(finished=Coalesce("finished_at", "updated_at"))
        .filter(finished__lt=now - settings.CUSTOMER_IMPORT_FILE_TTL)
    )
    return DueRows(entry=due.entry, names=due.names, rows=rows)


def email_bodies_expired(*, now: dt.datetime) -> DueRows:
    """Sent, failed or cancelled emails whose recipient or text is still kept OUTBOUND_EMAIL_BODY_TTL later.

    A failed or cancelled message has no time of its own for its end: its due time is
    when it was last to be tried.
    """
    due = _file_fields(OutboundEmail, DataKind.MESSAGE)
    rows = (
        due.rows.filter(status__in=EMAIL_FINISHED)
        .alias(finished=Coalesce("sent_at", "due_at"))
        .filter(finished__lt=now - settings.OUTBOUND_EMAIL_BODY_TTL)
    )
    return DueRows(entry=due.entry, names=due.names, rows=rows)
