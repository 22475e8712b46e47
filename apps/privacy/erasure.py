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

Invitations not yet answered are expired and their scheduled emails cancelled. The
erasure is one transaction with the customer row locked, is recorded in the audit
log with counts only, and is idempotent: erasing an erased customer changes nothing.
"""

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext

from apps.audit.models import AuditEvent, AuditSource
from apps.audit.services import audit_log_record
from apps.core.personal_data import PersonalData, personal_data_entries
from apps.customers.csv_format import WINDOWS_1252
from apps.customers.models import Customer, CustomerImport
from apps.customers.phones import phone_normalize
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.surveys.models import EmailStatus, Invitation, InvitationEmail, InvitationStatus

# Shorter strings are not searched for in other rows' text: too many false matches.
_MIN_NEEDLE = 3


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


@dataclass(frozen=True)
class _Needles:
    """The strings that identify the person, as they appear in other rows' text."""

    customer_id: int
    email: str
    phones: tuple[str, ...]
    name: str
    external_ids: tuple[str, ...]

    @property
    def phone_tails(self) -> set[str]:
        """The last 8 digits of each phone: how a file's "040 765 4321" is recognised as "+358407654321"."""
        tails = {re.sub(r"\D", "", phone)[-8:] for phone in self.phones}
        return {tail for tail in tails if len(tail) == 8}

    @property
    def full_name(self) -> str:
        """The name, when it is specific enough to look for in other rows: two words at least
        ("Anna" alone would match other people)."""
        return self.name if len(self.name.split()) >= 2 else ""

    @property
    def texts(self) -> list[str]:
        found = {self.email, self.full_name, *self.phones}
        found |= {html.escape(text) for text in list(found)}
        return sorted((text for text in found if len(text) >= _MIN_NEEDLE), key=len, reverse=True)

    def pattern(self) -> re.Pattern[str] | None:
        texts = self.texts
        if not texts:
            return None
        return re.compile("|".join(re.escape(text) for text in texts), re.IGNORECASE)


def _needles(customer: Customer) -> _Needles:
    from apps.encounters.models import Encounter

    external_ids = {customer.external_id} | set(
        Encounter.objects.filter(customer=customer).exclude(external_id="").values_list("external_id", flat=True)
    )
    phones = {customer.phone.strip(), customer.phone_normalized}
    return _Needles(
        customer_id=customer.pk,
        email=customer.email.strip().lower(),
        phones=tuple(sorted(p for p in phones if p)),
        name=" ".join(customer.full_name.split()),
        external_ids=tuple(sorted(e for e in external_ids if e)),
    )


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


def _outbound_erase(customer: Customer, needles: _Needles, counts: dict[str, int]) -> None:
    """Blank the emails to and about the person; replace the person in any other email naming them.

    The senders link their emails to the customer (OutboundEmail.customer): those are found
    exactly. Emails to the person lose their recipient too; emails about them keep the
    staff recipient. Those not sent yet are cancelled. Older or unlinked emails are found
    by their recipient and by the person's name, email and phone in their text.
    """
    to_person = Q(invitation_email__invitation__customer=customer)
    if needles.email:
        to_person |= Q(recipient__iexact=needles.email)
    to_ids = set(OutboundEmail.objects.filter(to_person).values_list("pk", flat=True))
    about_ids = set(OutboundEmail.objects.filter(customer=customer).values_list("pk", flat=True)) - to_ids
    unsent = [OutboundStatus.QUEUED, OutboundStatus.SENDING]
    OutboundEmail.objects.filter(pk__in=to_ids | about_ids, status__in=unsent).update(
        status=OutboundStatus.CANCELLED, lease_until=None
    )
    blank = {"subject": "", "body_text": "", "body_html": "", "headers": {}, "last_error": ""}
    changed = OutboundEmail.objects.filter(pk__in=to_ids).update(recipient="", **blank)
    changed += OutboundEmail.objects.filter(pk__in=about_ids).update(**blank)
    pattern = needles.pattern()
    if pattern is not None:
        text_match = Q()
        for text in needles.texts:
            text_match |= (
                Q(subject__icontains=text)
                | Q(body_text__icontains=text)
                | Q(body_html__icontains=text)
                | Q(headers_text__icontains=text)
                | Q(recipient__icontains=text)
                | Q(last_error__icontains=text)
            )
        label = customer_erased_label(customer.pk)
        rows = (
            OutboundEmail.objects.annotate(headers_text=Cast("headers", TextField()))
            .filter(text_match)
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


def _row_is_the_person(cells: list[str], needles: _Needles) -> bool:
    for cell in cells:
        value = cell.strip()
        if not value:
            continue
        lowered = value.casefold()
        if needles.email and needles.email in lowered:
            return True
        if needles.full_name and " ".join(value.split()).casefold() == needles.full_name.casefold():
            return True
        if value in needles.external_ids or value in needles.phones:
            return True
        digits = re.sub(r"\D", "", value)
        if any(tail in digits for tail in needles.phone_tails) and phone_normalize(value) in needles.phones:
            return True
    return False


def _import_content_without(content: bytes, needles: _Needles) -> tuple[bytes, set[int]]:
    """The file with the person's rows emptied (bare delimiters), and those rows' numbers."""
    from apps.customers.csv_format import CsvFileError, _delimiter, csv_decode

    try:
        decoded = csv_decode(bytes(content))
    except CsvFileError:
        return b"", set()
    stripped = decoded.text.lstrip("\r\n")
    header_line = stripped.split("\n", 1)[0]
    delimiter = _delimiter(header_line)
    try:
        rows = list(csv.reader(io.StringIO(stripped, newline=""), delimiter=delimiter))
    except csv.Error:
        return b"", set()
    removed: set[int] = set()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for index, cells in enumerate(rows, start=1):
        if index > 1 and _row_is_the_person(cells, needles):
            removed.add(index)
            cells = [""] * len(cells)
        writer.writerow(cells)
    if not removed:
        return bytes(content), removed
    return out.getvalue().encode(decoded.encoding), removed


def _report_without(report: Any, removed_rows: set[int], pattern: re.Pattern[str] | None) -> Any:
    if not isinstance(report, dict):
        return report
    cleaned = dict(report)
    errors = cleaned.get("errors")
    if isinstance(errors, list):
        cleaned["errors"] = [
            error
            for error in errors
            if not (isinstance(error, dict) and error.get("row") in removed_rows)
            and not (pattern is not None and pattern.search(json.dumps(error, ensure_ascii=False)))
        ]
    return cleaned


def _bytea_like(text: str, encoding: str = "utf-8") -> str:
    """A LIKE pattern matching `text` in PostgreSQL's encode(bytea, 'escape') form of its bytes in `encoding`,
    where a backslash is doubled and a byte above 127 is written as a backslash and three octal digits."""
    escaped = []
    for byte in text.encode(encoding):
        if byte == 0x5C:
            escaped.append("\\\\\\\\")
        elif byte == 0 or byte >= 0x80:
            escaped.append(f"\\\\{byte:03o}")
        elif chr(byte) in "%_":
            escaped.append("\\" + chr(byte))
        else:
            escaped.append(chr(byte))
    return "%" + "".join(escaped) + "%"


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _imports_naming(needles: _Needles) -> list[int]:
    """The imports whose file, report or error may name the person: a quick search in the
    database, so only those few files are read and parsed here."""
    texts = [text for text in [needles.email, needles.full_name, *needles.phones, *needles.external_ids] if text]
    if not texts and not needles.phone_tails:
        return []
    table = CustomerImport._meta.db_table
    conditions: list[str] = []
    params: list[str] = []
    for text in texts:
        conditions.append("encode(content, 'escape') ILIKE %s")
        params.append(_bytea_like(text))
        if not text.isascii():  # the same letters in a Windows-1252 (Excel) file
            try:
                conditions.append("encode(content, 'escape') ILIKE %s")
                params.append(_bytea_like(text, WINDOWS_1252))
            except UnicodeEncodeError:
                conditions.pop()  # not writable in Windows-1252, so not in such a file either
        conditions.append("report::text ILIKE %s OR file_error ILIKE %s")
        params += [_like(text), _like(text)]
    for tail in needles.phone_tails:
        # The phone as the file wrote it ("040 765 4321"): its digits contain the normalised number's last ones.
        conditions.append("regexp_replace(encode(content, 'escape'), '[^0-9]', '', 'g') LIKE %s")
        params.append(f"%{tail}%")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE {' OR '.join(conditions)}", params)  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _imports_erase(needles: _Needles, counts: dict[str, int]) -> None:
    pattern = needles.pattern()
    changed = 0
    naming = CustomerImport.objects.filter(pk__in=_imports_naming(needles)).select_for_update()
    for customer_import in naming.only("pk", "content", "report", "file_error"):
        content, removed = _import_content_without(customer_import.content, needles)
        report = _report_without(customer_import.report, removed, pattern)
        file_error = customer_import.file_error
        if pattern is not None and pattern.search(file_error):
            file_error = ""
        if (
            content != bytes(customer_import.content)
            or report != customer_import.report
            or file_error != customer_import.file_error
        ):
            CustomerImport.objects.filter(pk=customer_import.pk).update(
                content=content, report=report, file_error=file_error
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
            needles = _needles(locked)
            counts: dict[str, int] = {}
            # Before the rows are blanked: the admin log and emails are found through them.
            _admin_log_erase(locked, counts)
            _invitations_stop(locked, counts)
            _outbound_erase(locked, needles, counts)
            _imports_erase(needles, counts)
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
