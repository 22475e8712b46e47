"""Everything held about one customer, as one document (GDPR Art. 15 access and Art. 20 portability).

`person_export_document` reads the customer's rows from the personal-data register
and the facts around them (encounters, invitations, answers, cases, earlier exports,
and from person_mentions.py the emails, import files and admin log entries that name
them) into plain JSON values with stable keys; export_files.py writes the same
document as data.json, a readable index.html and CSV files.

Completeness: every registered model with a customer lookup contributes. A model
that has no section of its own below still appears under "other_records" with every
stored value, and `sources` maps each table to the primary keys of the rows the
document was read from, which is what tests/privacy/test_person_export.py checks
against a scan of every table.

Sections that live in apps added later (the consent ledger's history) come in
through `person_export_section_register(key, provider)`.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.utils import timezone

from apps.cases.models import CaseEvent, FollowUpCase
from apps.core.json_values import datetime_text
from apps.core.personal_data import PersonalData, personal_data_entries
from apps.customers.models import ConsentEvent, Customer, CustomerImport
from apps.encounters.models import Encounter
from apps.outbox.models import OutboundEmail
from apps.privacy.models import PersonalDataExport
from apps.privacy.person_mentions import customer_admin_changes, customer_emails, customer_import_files
from apps.surveys.models import Answer, Invitation, InvitationEmail, Response

# The version of the document's shape; bumped when a key changes meaning or goes away.
DOCUMENT_FORMAT = "kokemus.personal-data.v1"

SectionProvider = Callable[[Customer], list[dict[str, Any]]]
_sections: dict[str, SectionProvider] = {}


def person_export_section_register(key: str, provider: SectionProvider) -> SectionProvider:
    """Add a section to every export: `provider(customer)` returns its rows as plain JSON values.

    For data kept by an app that builds on customers, e.g. the consent ledger's history
    (key "consent_history"). Each row may carry "id"; the rows' ids are then listed in
    `sources` under the provider's `table` attribute, if it has one.
    """
    _sections[key] = provider
    return provider


def _text(value: Any) -> Any:
    """A stored value as JSON: times in ISO 8601, other values that JSON has no type for as text."""
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _customer_section(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "full_name": customer.full_name,
        "email": customer.email,
        "phone": customer.phone,
        "phone_normalized": customer.phone_normalized,
        "external_id": customer.external_id,
        "language": customer.language,
        "segment": customer.segment.name if customer.segment else None,
        "persona": customer.persona.name if customer.persona else None,
        "created_at": datetime_text(customer.created_at),
        "updated_at": datetime_text(customer.updated_at),
    }


def _consent_section(customer: Customer) -> dict[str, Any]:
    return {
        "survey_consent": customer.survey_consent,
        "consent_given_at": datetime_text(customer.consent_given_at),
        "consent_source": customer.consent_source,
        "unsubscribed": customer.unsubscribed,
        "unsubscribed_at": datetime_text(customer.unsubscribed_at),
        "history": _consent_history(customer),
    }


def _consent_history(customer: Customer) -> list[dict[str, Any]]:
    """Every change of consent, oldest first, with the words the customer was shown."""
    events = ConsentEvent.objects.filter(customer=customer).select_related("wording").order_by("at", "id")
    return [
        {
            "id": event.pk,
            "at": datetime_text(event.at),
            "kind": event.kind,
            "source": event.source,
            "recorded_by": "migrated" if event.migrated else "customer" if event.by_customer else "staff",
            "wording_version": event.wording.version,
            "wording_fi": event.wording.text_fi,
            "wording_sv": event.wording.text_sv,
            "wording_en": event.wording.text_en,
        }
        for event in events
    ]


def _encounters(customer: Customer) -> list[dict[str, Any]]:
    encounters = Encounter.objects.filter(customer=customer).select_related("touchpoint__stage__path")
    return [
        {
            "id": encounter.pk,
            "occurred_at": datetime_text(encounter.occurred_at),
            "touchpoint": encounter.touchpoint.name,
            "path": encounter.touchpoint.stage.path.name,
            "outcome": encounter.outcome,
            "peak_feeling": encounter.peak_feeling,
            "end_feeling": encounter.end_feeling,
            "note": encounter.note,
            "raised_to_management": encounter.raised_to_management,
            "survey_agreed": encounter.survey_agreed,
            "source": encounter.source,
            "external_id": encounter.external_id,
        }
        for encounter in encounters.order_by("occurred_at", "id")
    ]


def _invitations(customer: Customer) -> tuple[list[dict[str, Any]], list[int]]:
    invitations = (
        Invitation.objects.filter(customer=customer)
        .select_related("survey", "touchpoint")
        .prefetch_related("emails")
        .order_by("created_at", "id")
    )
    rows, email_ids = [], []
    for invitation in invitations:
        emails = sorted(invitation.emails.all(), key=lambda email: (email.due_at, email.pk))
        email_ids += [email.pk for email in emails]
        rows.append(
            {
                "id": invitation.pk,
                "survey": invitation.survey.name,
                "touchpoint": invitation.touchpoint.name if invitation.touchpoint else None,
                "language": invitation.language,
                "status": invitation.status,
                "suppression_reason": invitation.suppression_reason,
                "created_at": datetime_text(invitation.created_at),
                "sent_at": datetime_text(invitation.sent_at),
                "expires_at": datetime_text(invitation.expires_at),
                "answered_at": datetime_text(invitation.answered_at),
                "emails": [
                    {
                        "kind": email.kind,
                        "status": email.status,
                        "due_at": datetime_text(email.due_at),
                        "sent_at": datetime_text(email.sent_at),
                    }
                    for email in emails
                ],
            }
        )
    return rows, email_ids


def _responses(customer: Customer) -> tuple[list[dict[str, Any]], list[int]]:
    responses = (
        Response.objects.filter(customer=customer)
        .select_related("survey", "touchpoint", "path")
        .order_by("submitted_at", "id")
    )
    answers = Answer.objects.filter(response__customer=customer).select_related("question")
    by_response: dict[int, list[Answer]] = {}
    for answer in answers.order_by("question__position", "id"):
        by_response.setdefault(answer.response_id, []).append(answer)
    rows, answer_ids = [], []
    for response in responses:
        language = response.language
        answered = by_response.get(response.pk, [])
        answer_ids += [answer.pk for answer in answered]
        rows.append(
            {
                "id": response.pk,
                "survey": response.survey.name,
                "submitted_at": datetime_text(response.submitted_at),
                "language": language,
                "touchpoint": response.touchpoint.name if response.touchpoint else None,
                "path": response.path.name if response.path else None,
                "answers": [
                    {
                        "question": answer.question.text(language),
                        "type": answer.type,
                        "score": answer.score,
                        "comment": answer.text,
                    }
                    for answer in answered
                ],
            }
        )
    return rows, answer_ids


def _cases(customer: Customer) -> tuple[list[dict[str, Any]], list[int]]:
    cases = FollowUpCase.objects.filter(customer=customer).select_related("touchpoint").order_by("created_at", "id")
    events = CaseEvent.objects.filter(case__customer=customer).order_by("at", "id")
    by_case: dict[int, list[CaseEvent]] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append(event)
    rows = [
        {
            "id": case.pk,
            "status": case.status,
            # In the reader's language; the code, the poor scores and a staff-written text as stored.
            "reason": case.reason,
            "reason_code": case.reason_code,
            "reason_scores": case.reason_scores,
            "reason_text": case.reason_text,
            "detail": case.detail,
            "touchpoint": case.touchpoint.name if case.touchpoint else None,
            "created_at": datetime_text(case.created_at),
            "due_at": datetime_text(case.due_at),
            "contacted_at": datetime_text(case.contacted_at),
            "resolved_at": datetime_text(case.resolved_at),
            "resolution_note": case.resolution_note,
            "events": [
                {
                    "at": datetime_text(event.at),
                    # "status" or "reassigned"; who the case went to is staff's, not the customer's.
                    "kind": event.kind,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "note": event.note,
                }
                for event in by_case.get(case.pk, [])
            ],
        }
        for case in cases
    ]
    return rows, [event.pk for event in events]


def _exports(customer: Customer) -> list[dict[str, Any]]:
    exports = PersonalDataExport.objects.filter(customer=customer).defer("content").order_by("created_at", "id")
    return [
        {
            "id": export.pk,
            "created_at": datetime_text(export.created_at),
            "expires_at": datetime_text(export.expires_at),
        }
        for export in exports
    ]


# Registered models each with a section of their own above; any other lands in "other_records".
_OWN_SECTIONS = {
    Customer,
    ConsentEvent,
    Encounter,
    Response,
    Answer,
    FollowUpCase,
    CaseEvent,
    OutboundEmail,
    PersonalDataExport,
}


def _other_records(entry: PersonalData, customer: Customer) -> list[dict[str, Any]]:
    """Every stored value of the rows of a registered model without a section of its own (a consent
    event, say): all of a row is about the customer, not only its registered text fields."""
    names = [field.attname for field in entry.model._meta.concrete_fields]
    rows = entry.rows_of_customer(customer.pk).values(*names).order_by("pk")
    return [
        {
            ("id" if name == entry.model._meta.pk.attname else name): _text(value)
            for name, value in row.items()
            if not isinstance(value, bytes | memoryview)
        }
        for row in rows
    ]


def person_export_document(*, customer: Customer, now: Any = None) -> dict[str, Any]:
    """The whole export as plain JSON values (the content of data.json and of the API's answer)."""
    now = now or timezone.now()
    customer = Customer.objects.select_related("segment", "persona").get(pk=customer.pk)
    invitations, invitation_email_ids = _invitations(customer)
    responses, answer_ids = _responses(customer)
    cases, case_event_ids = _cases(customer)
    document: dict[str, Any] = {
        "format": DOCUMENT_FORMAT,
        "generated_at": datetime_text(now),
        "company": getattr(connection.tenant, "name", ""),
        "customer": _customer_section(customer),
        "consent": _consent_section(customer),
        "encounters": _encounters(customer),
        "invitations": invitations,
        "responses": responses,
        "cases": cases,
        "emails": customer_emails(customer),
        "imports": customer_import_files(customer),
        "exports": _exports(customer),
        "other_records": {},
    }
    sources: dict[str, set[int]] = {
        Customer._meta.db_table: {customer.pk},
        ConsentEvent._meta.db_table: {row["id"] for row in document["consent"]["history"]},
        Encounter._meta.db_table: {row["id"] for row in document["encounters"]},
        Invitation._meta.db_table: {row["id"] for row in invitations},
        InvitationEmail._meta.db_table: set(invitation_email_ids),
        Response._meta.db_table: {row["id"] for row in responses},
        Answer._meta.db_table: set(answer_ids),
        FollowUpCase._meta.db_table: {row["id"] for row in cases},
        CaseEvent._meta.db_table: set(case_event_ids),
        OutboundEmail._meta.db_table: {row["id"] for row in document["emails"]},
        CustomerImport._meta.db_table: {row["id"] for row in document["imports"]},
        PersonalDataExport._meta.db_table: {row["id"] for row in document["exports"]},
    }
    for entry in personal_data_entries():
        if entry.customer is None:
            continue
        table = entry.model._meta.db_table
        if entry.model not in _OWN_SECTIONS:
            records = _other_records(entry, customer)
            document["other_records"][entry.label] = records
            sources.setdefault(table, set()).update(record["id"] for record in records)
    for key, provider in sorted(_sections.items()):
        rows = provider(customer)
        document[key] = rows
        table = getattr(provider, "table", None)
        if table:
            sources.setdefault(table, set()).update(row["id"] for row in rows if "id" in row)
    document["admin_changes"] = customer_admin_changes(customer, sources)
    sources[LogEntry._meta.db_table] = {row["id"] for row in document["admin_changes"]}
    document["sources"] = {table: sorted(ids) for table, ids in sorted(sources.items()) if ids}
    return document
