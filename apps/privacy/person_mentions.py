"""Rows that name a customer without a link to them: outgoing emails, uploaded files, the admin's change log.

Import files and the admin's log do not know which customer a row is about, and older
emails were not linked to theirs, so these rows are found the way erasure finds them
(apps/privacy/erasure.py): by the link or invitation an email has, the address it went
to, or the customer's identifiers in the text.
"""

import html
import json
from typing import Any

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from apps.core.json_values import datetime_text
from apps.customers.csv_format import CsvFileError, csv_decode
from apps.customers.models import Customer, CustomerImport
from apps.encounters.models import Encounter
from apps.outbox.models import OutboundEmail

# A name shorter than this is not looked for in free text (it would match unrelated words).
MIN_NAME_MATCH = 4


def customer_identifiers(customer: Customer) -> list[str]:
    """What names the customer in other rows' text: email, phone as written and normalised, name, external ids."""
    values = {customer.email, customer.phone.strip(), customer.phone_normalized, customer.external_id}
    values |= set(
        Encounter.objects.filter(customer=customer).exclude(external_id="").values_list("external_id", flat=True)
    )
    name = " ".join(customer.full_name.split())
    if len(name) >= MIN_NAME_MATCH:
        values |= {name, html.escape(name)}
    return sorted(value for value in values if value)


def customer_emails(customer: Customer, invitation_email_ids: list[int]) -> list[dict[str, Any]]:
    """Emails to the customer, and emails to staff that name them (a case assigned about them).

    An email is theirs when it is linked to them (OutboundEmail.customer), when an
    invitation of theirs became it, when it went to their address, or, for older and
    unlinked ones, when its text names them.
    An email to a staff member is listed without the staff member's address or body.
    """
    matches = Q(customer=customer) | Q(invitation_email__id__in=invitation_email_ids)
    if customer.email:
        matches |= Q(recipient__iexact=customer.email)
    for value in customer_identifiers(customer):
        matches |= (
            Q(subject__icontains=value)
            | Q(body_text__icontains=value)
            | Q(body_html__icontains=value)
            | Q(headers_text__icontains=value)
        )
    emails = OutboundEmail.objects.annotate(headers_text=Cast("headers", TextField())).filter(matches)
    rows = []
    for email in emails.order_by("created_at", "id"):
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


def _import_text(content: bytes) -> str:
    """Read as the import reads it (UTF-8 or Windows-1252); a file it rejected is still searched, byte by byte."""
    try:
        return csv_decode(content).text
    except CsvFileError:
        return content.decode("utf-8-sig", errors="replace")


def customer_import_files(customer: Customer) -> list[dict[str, Any]]:
    """Uploaded customer files that name the customer, with the lines and the check's notes that do."""
    identifiers = [value.lower() for value in customer_identifiers(customer)]
    if not identifiers:
        return []
    rows = []
    for customer_import in CustomerImport.objects.order_by("created_at", "id"):
        text = _import_text(bytes(customer_import.content or b""))
        lines = [line for line in text.splitlines() if any(value in line.lower() for value in identifiers)]
        notes = [
            error
            for error in (customer_import.report or {}).get("errors", [])
            if any(value in json.dumps(error, ensure_ascii=False).lower() for value in identifiers)
        ]
        other_text = f"{customer_import.file_error}\n{customer_import.commit_error}".lower()
        if not (lines or notes or any(value in other_text for value in identifiers)):
            continue
        rows.append(
            {
                "id": customer_import.pk,
                "file_name": customer_import.file_name,
                "uploaded_at": datetime_text(customer_import.created_at),
                "status": customer_import.status,
                "lines": lines,
                "check_notes": notes,
            }
        )
    return rows


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
