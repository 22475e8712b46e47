"""Reads of customers and segments."""

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.scope import scoped
from apps.customers.consent import consent_wording_current
from apps.customers.csv_format import (
    ENCODING_NOTES,
    FIELD_LABELS,
    commit_error_message,
    file_error_message,
    row_error_message,
)
from apps.customers.models import ConsentEvent, ConsentKind, ConsentWording, Customer, CustomerImport, Segment
from apps.customers.phones import phone_search_digits

_PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")
MIN_PHONE_DIGITS = 3


def customer_search_q(query: str) -> Q:
    """Name, email or phone contains `query`. Each branch is served by a trigram index."""
    query = query.strip()
    condition = Q(full_name__icontains=query) | Q(email__contains=query.lower())
    if _PHONE_LIKE.match(query):
        digits = phone_search_digits(query)
        if len(digits) >= MIN_PHONE_DIGITS:
            condition |= Q(phone_normalized__contains=digits)
    return condition


def customers_visible(*, user: User | None) -> QuerySet[Customer]:
    """Every customer `user` may see: a scoped manager those met at their locations. None: no viewer
    (a send-out, a task), the whole company. Lists, details and exports all start here."""
    customers = Customer.objects.select_related("segment", "persona")
    return customers if user is None else scoped(customers, user=user)


def customer_list(
    *,
    user: User | None,
    search: str = "",
    segment_id: int | None = None,
    persona_id: int | None = None,
    consent: bool | None = None,
    unsubscribed: bool | None = None,
) -> QuerySet[Customer]:
    customers = customers_visible(user=user).order_by("full_name", "email", "id")
    if search.strip():
        customers = customers.filter(customer_search_q(search))
    if segment_id is not None:
        customers = customers.filter(segment_id=segment_id)
    if persona_id is not None:
        customers = customers.filter(persona_id=persona_id)
    if consent is not None:
        customers = customers.filter(survey_consent=consent)
    if unsubscribed is not None:
        customers = customers.filter(unsubscribed=unsubscribed)
    return customers


# What the customer list API shows of each customer: no model instances.
_LIST_ROW_FIELDS = (
    "id",
    "full_name",
    "email",
    "phone",
    "phone_normalized",
    "language",
    "segment__name",
    "persona_id",
    "persona__name",
    "survey_consent",
    "consent_given_at",
    "consent_source",
    "unsubscribed",
    "unsubscribed_at",
    "sms_stopped",
    "external_id",
    "erased_at",
    "created_at",
    "updated_at",
)


def customer_list_rows(customers: QuerySet[Customer]) -> list[dict[str, Any]]:
    """The list API's fields of `customers` (a page of `customer_list`) as plain rows."""
    return list(customers.values(*_LIST_ROW_FIELDS))


def customer_search(*, user: User | None, query: str, limit: int = 20) -> list[Customer]:
    """The first customers `user` may see whose name, email or phone contains `query` (for pickers)."""
    if not query.strip():
        return []
    return list(customer_list(user=user, search=query)[:limit])


def customer_get(*, user: User | None, customer_id: int) -> Customer | None:
    return customers_visible(user=user).filter(pk=customer_id).first()


def customer_find(*, external_id: str = "", email: str = "") -> Customer | None:
    """The customer an integration means: by its external id first, else by email (stored lower-cased)."""
    external_id, email = external_id.strip(), email.strip().lower()
    if external_id:
        customer = Customer.objects.filter(external_id=external_id).first()
        if customer is not None:
            return customer
    if email:
        return Customer.objects.filter(email=email).first()
    return None


def segment_list() -> QuerySet[Segment]:
    return Segment.objects.order_by("name")


def customer_consent_history(*, customer: Customer) -> list[ConsentEvent]:
    """The customer's consent ledger, newest first, with who recorded each change and the wording seen."""
    return list(
        ConsentEvent.objects.filter(customer=customer).select_related("actor", "wording").order_by("-at", "-id")
    )


def consent_wording_agreed(*, customer: Customer) -> ConsentWording:
    """The words the customer last agreed to (their latest "given" or "resubscribed" event); the wording
    in force when the ledger holds no such event."""
    event = (
        ConsentEvent.objects.filter(customer=customer, kind__in=[ConsentKind.GIVEN, ConsentKind.RESUBSCRIBED])
        .select_related("wording")
        .order_by("-at", "-id")
        .first()
    )
    return event.wording if event is not None else consent_wording_current()


def customer_import_report(customer_import: CustomerImport, *, errors_limit: int | None = None) -> dict[str, Any]:
    """The import's report as the reader reads it: the stored counts, plus every text in the active
    language: `file_error` (why the file was refused, or ""), `commit_error` (why the latest write wrote
    nothing, or ""), `encoding_note`, `delimiter_label`, and `errors` as {row, field, field_label,
    message} (the first `errors_limit` of them), `errors_total`."""
    stored = customer_import.report or {}
    report: dict[str, Any] = {
        key: value for key, value in stored.items() if key not in ("errors", "file_error", "commit_error")
    }
    stored_file_error = stored.get("file_error")
    if isinstance(stored_file_error, dict):
        report["file_error"] = file_error_message(stored_file_error)
    else:
        report["file_error"] = customer_import.file_error  # written as text before errors were codes
    stored_commit_error = stored.get("commit_error")
    if isinstance(stored_commit_error, dict):
        report["commit_error"] = commit_error_message(stored_commit_error)
    else:
        report["commit_error"] = customer_import.commit_error  # likewise
    note = ENCODING_NOTES.get(stored.get("encoding", ""))
    report["encoding_note"] = str(note) if note else ""
    delimiter = stored.get("delimiter", "")
    report["delimiter_label"] = _("tab") if delimiter == "\t" else delimiter
    errors = stored.get("errors", [])
    report["errors_total"] = len(errors)
    report["errors"] = [
        {
            "row": error.get("row"),
            "field": error.get("field", ""),
            "field_label": str(FIELD_LABELS.get(error.get("field", ""), error.get("field", ""))),
            "message": row_error_message(error),
        }
        for error in (errors if errors_limit is None else errors[:errors_limit])
    ]
    return report
