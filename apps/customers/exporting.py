"""Customer export: the same columns the import reads, so a file can go out and come back."""

from collections.abc import Iterator

from django.db.models import QuerySet

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
