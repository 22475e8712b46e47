"""Reads of prepared personal-data exports."""

import datetime as dt

from django.db.models import QuerySet

from apps.privacy.models import PersonalDataExport

RECENT_EXPORTS = 10


def personal_data_exports_of_customer(*, customer_id: int, limit: int = RECENT_EXPORTS) -> list[PersonalDataExport]:
    """The customer's latest prepared files, newest first, without their content."""
    exports: QuerySet[PersonalDataExport] = PersonalDataExport.objects.filter(customer_id=customer_id)
    return list(exports.defer("content").select_related("created_by").order_by("-created_at", "-id")[:limit])


def personal_data_export_get(*, customer_id: int, export_id: int) -> PersonalDataExport | None:
    return PersonalDataExport.objects.select_related("customer").filter(pk=export_id, customer_id=customer_id).first()


def personal_data_exports_expired(*, now: dt.datetime) -> QuerySet[PersonalDataExport]:
    """Prepared files whose time is up: what the nightly run counts in its dry run and then deletes."""
    return PersonalDataExport.objects.filter(expires_at__lte=now)
