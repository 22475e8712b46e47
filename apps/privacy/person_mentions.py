"""Rows that name a customer without a link to them: outgoing emails, uploaded files, the admin's change log.

Import files and the admin's log do not know which customer a row is about, and older
emails were not linked to theirs, so these rows are found by the rules erasure uses
(apps/privacy/person_identifiers.py): by the link or invitation an email has, the address it
went to, or the customer's identifiers in the text. The export lists what erasure changes.
"""

from typing import Any

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from apps.core.json_values import datetime_text
from apps.customers.models import Customer
from apps.privacy.person_identifiers import (
    ImportMention,
    PersonIdentifiers,
    customer_import_mentions,
    outbound_emails_searchable,
    outbound_text_match,
    outbound_to_person,
    person_identifiers,
)


def customer_emails(customer: Customer) -> list[dict[str, Any]]:
    """Emails to the customer, and emails to staff that name them (a case assigned about them).

    An email is theirs when it is linked to them (OutboundEmail.customer), when an
    invitation of theirs became it, when it went to their address, or, for older and
    unlinked ones, when its text names them.
    An email to a staff member is listed without the staff member's address or body.
    """
    identifiers = person_identifiers(customer)
    matches = Q(customer=customer) | outbound_to_person(customer, identifiers) | outbound_text_match(identifiers)
    rows = []
    for email in outbound_emails_searchable().filter(matches).order_by("created_at", "id"):
        to_customer = bool(customer.email) and email.recipient.lower() == customer.email.lower()
        rows.append(
            {
                "id": email.pk,
                "kind": email.kind,
                "to_customer": to_customer,
                "recipient": email.recipient if to_customer else None,
                "subject": email.subject,
                "status": email.status,
                "created_at": datetime_text(email.created_at),
                "sent_at": datetime_text(email.sent_at),
            }
        )
    return rows


def _lines(mention: ImportMention, identifiers: PersonIdentifiers) -> list[str]:
    """The person's rows as the file wrote them. A file the import cannot read is quoted by the
    lines that name the person, read byte by byte."""
    if not mention.unreadable:
        return [row.text for row in mention.person_rows]
    pattern = identifiers.pattern()
    text = bytes(mention.customer_import.content).decode("utf-8-sig", errors="replace")
    return [line for line in text.splitlines() if pattern is not None and pattern.search(line)]


def customer_import_files(customer: Customer) -> list[dict[str, Any]]:
    """Uploaded customer files that name the customer, with their rows and the check's notes about them."""
    identifiers = person_identifiers(customer)
    return [
        {
            "id": mention.customer_import.pk,
            "file_name": mention.customer_import.file_name,
            "uploaded_at": datetime_text(mention.customer_import.created_at),
            "status": mention.customer_import.status,
            "lines": _lines(mention, identifiers),
            "check_notes": mention.errors,
        }
        for mention in customer_import_mentions(identifiers)
    ]


def customer_admin_changes(customer: Customer, sources: dict[str, set[int]]) -> list[dict[str, Any]]:
    """Entries of the admin site's change log about the customer's rows (they name the row they changed)."""
    matches = Q(pk__in=[])
    for model in apps.get_models():
        ids = sources.get(model._meta.db_table)
        if ids:
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            matches |= Q(content_type=content_type, object_id__in=[str(pk) for pk in ids])
    entries = LogEntry.objects.filter(matches).select_related("content_type").order_by("action_time", "id")
    return [
        {
            "id": entry.pk,
            "action_time": datetime_text(entry.action_time),
            "object_type": entry.content_type.model if entry.content_type else None,
            "object_id": entry.object_id,
            "object": entry.object_repr,
            "action": {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}.get(entry.action_flag, ""),
            "change_message": entry.change_message,
        }
        for entry in entries
    ]
