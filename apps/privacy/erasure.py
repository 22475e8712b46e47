"""Erasing one customer's personal data (GDPR Art. 17) while every figure stays the same.

The customer's row and the rows about them (encounters, responses, answers, cases)
stay, with their scores, times, touchpoints, persona, segment and language, so the
dashboards, the scores API and the CSV export's figures are identical before and
after. What identifies the person is blanked through the personal-data register
(apps/core/personal_data.py), and so are the copies kept elsewhere:

- the rows' copies in django-simple-history tables, for every registered model that has history;
- outgoing emails: those to the person (linked to them, by their address or their
  invitation) and about them (a case assigned to staff, linked by OutboundEmail.customer)
  are blanked (those to staff keep the staff recipient), and cancelled if not sent yet;
  any other email naming them has the name, email and phone replaced by the erased
  customer's label;
- the admin's change log (LogEntry) of the customer's rows;
- customer import files: the person's rows become empty rows (so the other rows keep
  their numbers and the report still matches), and the report's errors about those
  rows are removed. The file keeps its encoding (UTF-8 or Windows-1252, read as the import
  reads it); a file the import cannot read is emptied.

Which emails and import rows are the person's is decided in apps/privacy/person_identifiers.py,
which the per-person export reads too, so the export lists exactly what erasure changes.

Invitations not yet answered are expired and their scheduled emails cancelled. The
erasure is one transaction with the customer row locked, is recorded in the audit
log with counts only, and is idempotent: erasing an erased customer changes nothing.
"""

import csv
import html
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext

from apps.audit.models import AuditEvent, AuditSource
from apps.audit.services import audit_log_record
from apps.core.personal_data import PersonalData, personal_data_entries
from apps.customers.models import Customer, CustomerImport
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.privacy.person_identifiers import (
    ImportMention,
    PersonIdentifiers,
    customer_import_mentions,
    outbound_emails_searchable,
    outbound_text_match,
    outbound_to_person,
    person_identifiers,
)
from apps.surveys.models import EmailStatus, Invitation, InvitationEmail, InvitationStatus


@dataclass
class ErasureResult:
    customer_id: int
    erased_at: datetime | None
    # True when the customer had been erased before: nothing was changed.
    already_erased: bool = False
    # Rows changed per table ("cases.followupcase": 2, ...); only ids and counts.
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "erased_at": self.erased_at.isoformat() if self.erased_at else None,
            "already_erased": self.already_erased,
            "dry_run": self.dry_run,
            "counts": dict(sorted(self.counts.items())),
        }


class _DryRunRollback(Exception):
    pass


def customer_erased_label(customer_id: int) -> str:
    return gettext("Erased customer #%(id)s") % {"id": customer_id}


def _count(counts: dict[str, int], model: type[Model], number: int) -> None:
    if number:
        label = model._meta.label_lower
        counts[label] = counts.get(label, 0) + number


def _registered_rows_erase(customer: Customer, counts: dict[str, int]) -> None:
    """Blank every registered field of the rows about the customer, and their history copies."""
    for entry in personal_data_entries():
        if entry.customer is None or not entry.fields:
            continue
        rows = entry.rows_of_customer(customer.pk)
        values = entry.erased_values()
        if entry.model is Customer:
            values = {**values, "erased_at": timezone.now()}
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        _count(counts, entry.model, entry.model._default_manager.filter(pk__in=ids).update(**values))
        _history_erase(entry, ids, counts)


def _history_erase(entry: PersonalData, ids: list[int], counts: dict[str, int]) -> None:
    history = entry.history_model()
    if history is None:
        return
    names = {f.name for f in history._meta.get_fields()}
    values = {name: value for name, value in entry.erased_values().items() if name in names}
    if "history_change_reason" in names:
        values["history_change_reason"] = None
    if values:
        pk_name = entry.model._meta.pk.attname
        _count(counts, history, history._default_manager.filter(**{f"{pk_name}__in": ids}).update(**values))


def _invitations_stop(customer: Customer, counts: dict[str, int]) -> None:
    """Cancel the emails not yet sent to the person and expire their open invitations."""
    pending = InvitationEmail.objects.filter(
        invitation__customer=customer, status__in=[EmailStatus.SCHEDULED, EmailStatus.SENDING]
    )
    _count(counts, InvitationEmail, pending.update(status=EmailStatus.CANCELLED, handed_out_at=None))
    now = timezone.now()
    open_invitations = Invitation.objects.filter(
        customer=customer, status__in=[InvitationStatus.SCHEDULED, InvitationStatus.SENT]
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    _count(counts, Invitation, open_invitations.update(expires_at=now))
    # A scheduled invitation never goes out now: "not sent".
    Invitation.objects.filter(customer=customer, status=InvitationStatus.SCHEDULED).update(
        status=InvitationStatus.SUPPRESSED
    )


def _outbound_erase(customer: Customer, identifiers: PersonIdentifiers, counts: dict[str, int]) -> None:
    """Blank the emails to and about the person; replace the person in any other email naming them.

    The senders link their emails to the customer (OutboundEmail.customer): those are found
    exactly. Emails to the person lose their recipient too; emails about them keep the
    staff recipient. Those not sent yet are cancelled. Older or unlinked emails are found
    by their recipient and by the person's name, email and phone in their text.
    """
    to_ids = set(OutboundEmail.objects.filter(outbound_to_person(customer, identifiers)).values_list("pk", flat=True))
    about_ids = set(OutboundEmail.objects.filter(customer=customer).values_list("pk", flat=True)) - to_ids
    unsent = [OutboundStatus.QUEUED, OutboundStatus.SENDING]
    OutboundEmail.objects.filter(pk__in=to_ids | about_ids, status__in=unsent).update(
        status=OutboundStatus.CANCELLED, lease_until=None
    )
    blank = {"subject": "", "body_text": "", "body_html": "", "headers": {}, "last_error": ""}
    changed = OutboundEmail.objects.filter(pk__in=to_ids).update(recipient="", **blank)
    changed += OutboundEmail.objects.filter(pk__in=about_ids).update(**blank)
    pattern = identifiers.pattern()
    if pattern is not None:
        label = customer_erased_label(customer.pk)
        rows = (
            outbound_emails_searchable()
            .filter(outbound_text_match(identifiers))
            .exclude(pk__in=to_ids | about_ids)
            .select_for_update(of=("self",))
        )
        for outbound in rows:
            outbound.subject = pattern.sub(label, outbound.subject)[:500]
            outbound.body_text = pattern.sub(label, outbound.body_text)
            outbound.body_html = pattern.sub(html.escape(label), outbound.body_html)
            outbound.recipient = pattern.sub("", outbound.recipient)
            outbound.last_error = pattern.sub(label, outbound.last_error)[:500]
            outbound.headers = json.loads(pattern.sub(label, json.dumps(outbound.headers, ensure_ascii=False)))
            outbound.save(update_fields=["subject", "body_text", "body_html", "recipient", "last_error", "headers"])
            changed += 1
    _count(counts, OutboundEmail, changed)


def _admin_log_erase(customer: Customer, counts: dict[str, int]) -> None:
    """Django admin's change log names the object it changed: scrub the rows of the customer's rows."""
    scrubbed = 0
    for entry in personal_data_entries():
        if entry.customer is None:
            continue
        ids = [str(pk) for pk in entry.rows_of_customer(customer.pk).values_list("pk", flat=True)]
        if not ids:
            continue
        content_type = ContentType.objects.get_for_model(entry.model, for_concrete_model=False)
        rows = LogEntry.objects.filter(content_type=content_type, object_id__in=ids)
        scrubbed += rows.update(object_repr=f"#{customer.pk}" if entry.model is Customer else "", change_message="")
    _count(counts, LogEntry, scrubbed)


def _import_content_without(mention: ImportMention) -> bytes:
    """The file with the person's rows emptied (bare delimiters), in its own encoding; a file the
    import cannot read is emptied whole."""
    content = bytes(mention.customer_import.content or b"")
    if mention.unreadable:
        return b""
    if mention.parsed is None or not mention.person_rows:
        return content
    removed = {row.number for row in mention.person_rows}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=mention.parsed.delimiter, lineterminator="\r\n")
    for row in mention.parsed.rows:
        writer.writerow([""] * len(row.cells) if row.number in removed else row.cells)
    return out.getvalue().encode(mention.parsed.encoding)


def _imports_erase(identifiers: PersonIdentifiers, counts: dict[str, int]) -> None:
    changed = 0
    for mention in customer_import_mentions(identifiers, for_update=True):
        customer_import = mention.customer_import
        report = customer_import.report
        if mention.errors and isinstance(report, dict):
            report = {**report, "errors": [error for error in report["errors"] if error not in mention.errors]}
        CustomerImport.objects.filter(pk=customer_import.pk).update(
            content=_import_content_without(mention),
            report=report,
            file_error="" if mention.file_error_names else customer_import.file_error,
            commit_error="" if mention.commit_error_names else customer_import.commit_error,
        )
        changed += 1
    _count(counts, CustomerImport, changed)


def customer_erase(
    *, customer: Customer, acting_user: Any, source: str = AuditSource.WEB, dry_run: bool = False
) -> ErasureResult:
    """Erase the customer's personal data and every copy of it; keep every figure.

    Idempotent: an erased customer gives a result with `already_erased` and no
    changes. With `dry_run` everything is done and counted, then rolled back.
    """
    result = ErasureResult(customer_id=customer.pk, erased_at=None, dry_run=dry_run)
    try:
        with transaction.atomic():
            locked = Customer.objects.select_for_update().get(pk=customer.pk)
            if locked.erased_at is not None:
                result.already_erased = True
                result.erased_at = locked.erased_at
                return result
            identifiers = person_identifiers(locked)
            counts: dict[str, int] = {}
            # Before the rows are blanked: the admin log and emails are found through them.
            _admin_log_erase(locked, counts)
            _invitations_stop(locked, counts)
            _outbound_erase(locked, identifiers, counts)
            _imports_erase(identifiers, counts)
            _registered_rows_erase(locked, counts)
            locked.refresh_from_db()
            result.counts = counts
            result.erased_at = locked.erased_at
            audit_log_record(
                event_type=AuditEvent.CUSTOMER_ERASED,
                acting_user=acting_user,
                target=locked,
                source=source,
                extra={"counts": dict(sorted(counts.items()))},
            )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        return result
    customer.refresh_from_db()
    return result
