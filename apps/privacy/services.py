"""Writes of personal-data exports: prepare one, hand it over, delete the expired ones."""

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent, AuditSource
from apps.audit.services import audit_log_record
from apps.core.exceptions import DomainError
from apps.customers.models import Customer, Language
from apps.privacy.export_files import person_export_zip
from apps.privacy.models import PersonalDataExport
from apps.privacy.person_export import person_export_document
from apps.privacy.selectors import personal_data_exports_expired


def _language(customer: Customer, language: str | None) -> str:
    """The reader's language: the one asked for, else the customer's preferred one."""
    codes = {code for code, _label in Language.choices}
    return language if language in codes else customer.language if customer.language in codes else Language.FI


def _counts(document: dict[str, Any]) -> dict[str, int]:
    return {table: len(ids) for table, ids in document["sources"].items()}


@transaction.atomic
def personal_data_export_create(
    *,
    customer: Customer,
    created_by: Any,
    language: str | None = None,
    source: str = AuditSource.WEB,
    now: dt.datetime | None = None,
) -> PersonalDataExport:
    """Prepare the customer's zip (data.json, index.html, CSV files) and keep it for PERSONAL_DATA_EXPORT_TTL.

    The row is written first, so the document lists this copy with its expiry among the copies held.
    """
    now = now or timezone.now()
    user = created_by if getattr(created_by, "is_authenticated", False) else None
    export = PersonalDataExport.objects.create(
        customer=customer,
        created_by=user,
        created_at=now,
        expires_at=now + settings.PERSONAL_DATA_EXPORT_TTL,
        content=b"",
        sha256="",
    )
    language = _language(customer, language)
    # The document's readable words (a case's reason) in the language of the files it goes into.
    with translation.override(language):
        document = person_export_document(customer=customer, now=now)
    content = person_export_zip(document, language=language)
    export.content = content
    export.size = len(content)
    export.sha256 = hashlib.sha256(content).hexdigest()
    export.save(update_fields=["content", "size", "sha256"])
    audit_log_record(
        event_type=AuditEvent.CUSTOMER_DATA_EXPORTED,
        acting_user=created_by,
        target=customer,
        source=source,
        extra={"export_id": export.pk, "format": "zip", "size": export.size, "rows": _counts(document)},
    )
    return export


@transaction.atomic
def personal_data_document_export(
    *, customer: Customer, user: Any, source: str = AuditSource.API, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The document itself (the API's JSON), read and logged as an export in one transaction."""
    document = person_export_document(customer=customer, now=now)
    audit_log_record(
        event_type=AuditEvent.CUSTOMER_DATA_EXPORTED,
        acting_user=user,
        target=customer,
        source=source,
        extra={"format": "json", "rows": _counts(document)},
    )
    return document


class ExportExpired(DomainError):
    pass


@transaction.atomic
def personal_data_export_download(
    *, export: PersonalDataExport, user: Any, source: str = AuditSource.WEB, now: dt.datetime | None = None
) -> bytes:
    """The prepared file's bytes, logged as a download; refused once the file has expired."""
    now = now or timezone.now()
    if export.expires_at <= now:
        raise ExportExpired(
            _("This file expired on %(date)s and was deleted. Prepare a new one.")
            % {"date": date_format(timezone.localtime(export.expires_at), "SHORT_DATETIME_FORMAT")},
            code="expired",
        )
    audit_log_record(
        event_type=AuditEvent.CUSTOMER_DATA_DOWNLOADED,
        acting_user=user,
        target=export.customer,
        source=source,
        extra={"export_id": export.pk, "size": export.size},
    )
    return bytes(export.content)


def personal_data_exports_delete_expired(*, now: dt.datetime) -> int:
    """Delete every prepared export whose time is up; returns how many. Idempotent (a nightly task calls it)."""
    deleted, _by_model = personal_data_exports_expired(now=now).delete()
    return deleted
