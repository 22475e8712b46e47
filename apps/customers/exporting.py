"""Customer export: the same columns the import reads, so a file can go out and come back."""

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from apps.audit.models import AuditEvent, AuditSource
from apps.audit.services import audit_log_record
from apps.customers.csv_format import COLUMNS
from apps.customers.models import Customer

EXPORT_CHUNK = 2000


def customer_export_rows(*, customers: QuerySet[Customer], finnish: bool) -> Iterator[list[str]]:
    """The header and one row per customer, read in chunks so memory stays flat."""
    yield [fi if finnish else en for fi, en in COLUMNS.values()]
    yes, no = ("kyllä", "ei") if finnish else ("yes", "no")
    for customer in customers.select_related("segment", "persona").iterator(chunk_size=EXPORT_CHUNK):
        yield [
            customer.full_name,
            customer.email,
            customer.phone,
            customer.language,
            customer.segment.name if customer.segment else "",
            customer.persona.name if customer.persona else "",
            yes if customer.survey_consent else no,
            customer.external_id,
        ]


@transaction.atomic
def customer_export_log(
    *, customers: QuerySet[Customer], filters: dict[str, Any], user: Any, source: str = AuditSource.WEB
) -> int:
    """Record that `user` exported `customers`: the row count and the names of the filters used, never
    their values (a search may be a name). Returns the row count."""
    count = customers.count()
    audit_log_record(
        event_type=AuditEvent.CUSTOMERS_EXPORTED,
        acting_user=user,
        source=source,
        extra={"rows": count, "filters": sorted(name for name, value in filters.items() if value not in (None, ""))},
    )
    return count
