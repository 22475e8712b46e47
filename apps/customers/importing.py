"""Customer import: check an uploaded CSV, report every problem, then write all valid rows or nothing.

The file is kept on a CustomerImport row between the check and the user's choice.
Rows are matched to existing customers by external id, else email, else (for a
row with neither) a phone number that exactly one customer has; a matched row
updates the customer instead of adding a duplicate. Blank cells leave the
existing value as it is. Writes are one transaction of batched bulk operations; a change of
consent is a ledger event (apps.customers.consent) bulk-created with its customers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_log_record
from apps.core.exceptions import DomainError
from apps.customers.consent import consent_event_build, consent_wording_current
from apps.customers.csv_format import (
    CleanRow,
    CsvFileError,
    RowError,
    commit_error_message,
    csv_parse,
    row_clean,
    rows_deduplicate,
)
from apps.customers.models import (
    ConsentEvent,
    ConsentKind,
    ConsentSource,
    ConsentWording,
    Customer,
    CustomerImport,
    ImportStatus,
    Language,
    Segment,
)
from apps.personas.selectors import persona_by_name_map

BATCH_SIZE = 2000
# The customer fields each file column sets.
_COLUMN_FIELDS = {
    "name": ["full_name"],
    "email": ["email"],
    "phone": ["phone", "phone_normalized"],
    "language": ["language"],
    "segment": ["segment_id"],
    "persona": ["persona_id"],
    "consent": ["survey_consent", "consent_given_at", "consent_source"],
    "external_id": ["external_id"],
}

Progress = Callable[[int], None]


class ImportWriteError(DomainError):
    """The import wrote nothing. Its reason is a code and parameters (COMMIT_MESSAGES, or a file's
    FILE_MESSAGES code), kept on the import so each reader reads it in their own language."""

    def __init__(self, code: str, **params: object):
        self.params = params
        super().__init__(commit_error_message({"code": code, "params": params}), code=code)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": self.params}


class ImportMode:
    VALID_ROWS = "valid_rows"  # write the valid rows, skip the rest
    ALL_OR_NOTHING = "all_or_nothing"  # write nothing if any row has an error


@dataclass
class ImportPlan:
    encoding: str = ""
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    total_rows: int = 0
    creates: list[CleanRow] = field(default_factory=list)
    updates: list[tuple[CleanRow, int]] = field(default_factory=list)  # (row, customer id)
    errors: list[RowError] = field(default_factory=list)
    new_segments: list[str] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors})

    def report(self) -> dict[str, object]:
        """The check's outcome as stored on the import: counts, the format read, and the row errors as
        codes and parameters (rendered in the reader's language by selectors.customer_import_report)."""
        return {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "total_rows": self.total_rows,
            "valid_rows": len(self.creates) + len(self.updates),
            "invalid_rows": self.invalid_rows,
            "to_create": len(self.creates),
            "to_update": len(self.updates),
            "new_segments": self.new_segments,
            "errors": [error.as_dict() for error in sorted(self.errors, key=lambda e: (e.row, e.field))],
        }


def _existing_by(field_name: str, values: set[str]) -> dict[str, list[tuple[int, str, str]]]:
    """field value -> [(id, external_id, email)] of the customers that have it.

    One array parameter (= ANY) instead of an IN list of tens of thousands of parameters."""
    if not values:
        return {}
    column = connection.ops.quote_name(Customer._meta.get_field(field_name).column)
    table = connection.ops.quote_name(Customer._meta.db_table)
    found: dict[str, list[tuple[int, str, str]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, id, external_id, email FROM {table} WHERE {column} = ANY(%s)",  # noqa: S608
            [sorted(values)],
        )
        for value, pk, external_id, email in cursor.fetchall():
            found.setdefault(value, []).append((pk, external_id, email))
    return found


def customer_import_plan(content: bytes) -> ImportPlan:
    """Parse and check `content` against the company's data; raise CsvFileError for a file-level problem."""
    parsed = csv_parse(content)
    personas = {name: (persona.pk, persona.is_active) for name, persona in persona_by_name_map().items()}
    plan = ImportPlan(
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        columns=parsed.columns,
        ignored_columns=parsed.ignored_columns,
        total_rows=len(parsed.rows),
    )
    clean_rows: list[CleanRow] = []
    for number, cells in parsed.rows:
        row, errors = row_clean(number, cells, personas=personas)
        if errors:
            plan.errors.extend(errors)
        else:
            clean_rows.append(row)
    clean_rows, duplicates = rows_deduplicate(clean_rows)
    plan.errors.extend(duplicates)

    by_external = _existing_by(
        "external_id", {str(r.values["external_id"]) for r in clean_rows if "external_id" in r.values}
    )
    by_email = _existing_by("email", {str(r.values["email"]) for r in clean_rows if "email" in r.values})
    phone_only = {
        str(r.values["phone_normalized"])
        for r in clean_rows
        if "external_id" not in r.values and "email" not in r.values and "phone_normalized" in r.values
    }
    by_phone = _existing_by("phone_normalized", phone_only)

    segments = {name.lower() for name in Segment.objects.values_list("name", flat=True)}
    new_segments: dict[str, str] = {}
    matched_rows: dict[int, int] = {}  # customer id -> the row that updates it
    for row in clean_rows:
        values = row.values
        external_id = str(values.get("external_id", ""))
        email = str(values.get("email", ""))
        match = by_external.get(external_id, [None])[0] if external_id else None
        email_owner = by_email.get(email, [None])[0] if email else None
        if match is not None and email_owner is not None and email_owner[0] != match[0]:
            plan.errors.append(RowError(row.row, "email", "email_taken", {"other": email_owner[1] or "-"}))
            continue
        if match is None and email_owner is not None:
            if external_id and email_owner[1] and email_owner[1] != external_id:
                plan.errors.append(
                    RowError(row.row, "external_id", "email_of_other_external_id", {"other": email_owner[1]})
                )
                continue
            match = email_owner
        if match is None and not external_id and not email:
            owners = by_phone.get(str(values["phone_normalized"]), [])
            if len(owners) == 1:
                match = owners[0]
        segment = str(values.get("segment", ""))
        if segment and segment.lower() not in segments and segment.lower() not in new_segments:
            new_segments[segment.lower()] = segment
        if match is not None and match[0] in matched_rows:
            plan.errors.append(RowError(row.row, "email", "same_customer", {"row": matched_rows[match[0]]}))
            continue
        if match is None:
            plan.creates.append(row)
        else:
            matched_rows[match[0]] = row.row
            plan.updates.append((row, match[0]))
    plan.new_segments = sorted(new_segments.values())
    return plan


@transaction.atomic
def customer_import_create(*, file_name: str, content: bytes, created_by: User | None) -> CustomerImport:
    """Keep an uploaded file and check it now (the shell command); the report is on the returned row.
    The web page checks in the background instead (import_jobs.py)."""
    customer_import = CustomerImport(file_name=file_name[:255], content=content, created_by=created_by)
    customer_import_check_into(customer_import)
    return customer_import


def customer_import_check_into(customer_import: CustomerImport) -> None:
    """Check the kept file and save the outcome on the row: validated with its report, or failed with
    the reason as a code and parameters in the report (shown in the reader's language)."""
    try:
        plan = customer_import_plan(bytes(customer_import.content))
    except CsvFileError as error:
        customer_import.status = ImportStatus.FAILED
        customer_import.file_error = ""
        customer_import.report = {"file_error": error.as_dict()}
    else:
        customer_import.status = ImportStatus.VALIDATED
        customer_import.report = plan.report()
    customer_import.save()


def _segment_ids(new_names: list[str]) -> dict[str, int]:
    """Create the file's new segments (spelled as first seen) and map every segment's lower-cased name to its id."""
    existing = {segment.name.lower(): segment.pk for segment in Segment.objects.all()}
    missing = [Segment(name=name) for name in new_names if name.lower() not in existing]
    for segment in Segment.objects.bulk_create(missing):
        existing[segment.name.lower()] = segment.pk
    return existing


@dataclass
class _ConsentChanges:
    """The ledger events of an import's consent column, bulk-created with its customers."""

    customer_import: CustomerImport
    user: User | None
    at: datetime
    wording: ConsentWording = field(default_factory=consent_wording_current)
    events: list[ConsentEvent] = field(default_factory=list)

    def apply(self, customer: Customer, consent: bool) -> None:
        event = consent_event_build(
            customer=customer,
            kind=ConsentKind.GIVEN if consent else ConsentKind.WITHDRAWN,
            source=ConsentSource.IMPORT,
            actor=self.user,
            wording=self.wording,
            at=self.at,
            import_ref=self.customer_import.pk,
        )
        if event is not None:
            self.events.append(event)

    def write(self) -> None:
        ConsentEvent.objects.bulk_create(self.events, batch_size=BATCH_SIZE)
        self.events = []


def _apply(
    customer: Customer, values: dict[str, object], *, segment_ids: dict[str, int], consent: _ConsentChanges
) -> None:
    for key, value in values.items():
        if key == "segment":
            customer.segment_id = segment_ids[str(value).lower()]
        elif key == "survey_consent":
            consent.apply(customer, bool(value))
        else:
            setattr(customer, key, value)


def _customers_update(customers: list[Customer], field_names: list[str]) -> None:
    """One UPDATE ... FROM (VALUES ...) for a batch. Django's bulk_update builds a CASE per
    field whose cost grows with the square of the batch; this stays linear."""
    fields = [Customer._meta.get_field(name) for name in field_names]
    row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    params: list[object] = []
    for customer in customers:
        params.append(customer.pk)
        params.extend(field.get_db_prep_save(getattr(customer, field.attname), connection) for field in fields)
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(field.column)}::{field.db_type(connection)}" for field in fields
    )
    columns = ", ".join(["id", *(quote(field.column) for field in fields)])
    table = quote(Customer._meta.db_table)
    sql = (
        f"UPDATE {table} AS c SET {assignments} "  # noqa: S608 - names come from the model, values are parameters
        f"FROM (VALUES {', '.join([row] * len(customers))}) AS v({columns}) WHERE c.id = v.id::bigint"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def customer_import_commit(
    *,
    customer_import: CustomerImport,
    mode: str,
    user: User | None,
    progress: Progress | None = None,
    expected_status: str = ImportStatus.VALIDATED,
) -> CustomerImport:
    """Write the import. The file is checked again inside the transaction (the data may have
    changed since the report); with ALL_OR_NOTHING any error writes nothing. The shell writes a
    validated import; the background job one that the page has marked as importing."""
    try:
        return _commit(
            customer_import=customer_import, mode=mode, user=user, progress=progress, expected_status=expected_status
        )
    except IntegrityError as error:
        raise ImportWriteError("conflict") from error


@transaction.atomic
def _commit(
    *, customer_import: CustomerImport, mode: str, user: User | None, progress: Progress | None, expected_status: str
) -> CustomerImport:
    customer_import = CustomerImport.objects.select_for_update().get(pk=customer_import.pk)
    if customer_import.status != expected_status:
        raise DomainError(_("This import is already finished."), code="import_finished")
    try:
        plan = customer_import_plan(bytes(customer_import.content))
    except CsvFileError as error:
        raise ImportWriteError(error.code, **error.params) from error
    if plan.errors and mode == ImportMode.ALL_OR_NOTHING:
        raise ImportWriteError("row_errors", count=plan.invalid_rows)
    tick = progress or (lambda count: None)
    now = timezone.now()
    segment_ids = _segment_ids(plan.new_segments)
    consent = _ConsentChanges(customer_import=customer_import, user=user, at=now)

    for start in range(0, len(plan.creates), BATCH_SIZE):
        batch = []
        for row in plan.creates[start : start + BATCH_SIZE]:
            customer = Customer(language=Language.FI, created_by=user)
            _apply(customer, row.values, segment_ids=segment_ids, consent=consent)
            batch.append(customer)
        Customer.objects.bulk_create(batch)
        consent.write()
        tick(len(batch))

    # Only the file's columns are written, and only for customers whose values change:
    # re-importing an unchanged file rewrites nothing (and no index entries).
    fields = sorted({name for column in plan.columns for name in _COLUMN_FIELDS.get(column, [])})
    for start in range(0, len(plan.updates), BATCH_SIZE):
        chunk = plan.updates[start : start + BATCH_SIZE]
        customers = Customer.objects.in_bulk([pk for _row, pk in chunk])
        changed = []
        for row, pk in chunk:
            customer = customers[pk]
            before = [getattr(customer, name) for name in fields]
            _apply(customer, row.values, segment_ids=segment_ids, consent=consent)
            if [getattr(customer, name) for name in fields] != before:
                customer.updated_at = now
                changed.append(customer)
        if changed:
            _customers_update(changed, [*fields, "updated_at"])
        consent.write()
        tick(len(chunk))

    customer_import.status = ImportStatus.COMMITTED
    customer_import.report = plan.report()
    customer_import.created_count = len(plan.creates)
    customer_import.updated_count = len(plan.updates)
    customer_import.skipped_count = plan.invalid_rows
    customer_import.finished_by = user
    customer_import.finished_at = now
    customer_import.commit_error = ""
    customer_import.save()
    audit_log_record(
        event_type=AuditEvent.CUSTOMERS_IMPORTED,
        acting_user=user,
        target=customer_import,
        extra={
            "mode": mode,
            "created": customer_import.created_count,
            "updated": customer_import.updated_count,
            "skipped": customer_import.skipped_count,
        },
    )
    return customer_import


@transaction.atomic
def customer_import_discard(*, customer_import: CustomerImport, user: User | None) -> CustomerImport:
    """The user chose to import nothing."""
    customer_import = CustomerImport.objects.select_for_update().get(pk=customer_import.pk)
    if customer_import.status != ImportStatus.VALIDATED:
        raise DomainError(_("This import is already finished."), code="import_finished")
    customer_import.status = ImportStatus.DISCARDED
    customer_import.finished_by = user
    customer_import.finished_at = timezone.now()
    customer_import.save()
    return customer_import
