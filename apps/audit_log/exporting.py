"""The audit log as CSV: the filtered entries, with the users' names as they are today."""

import csv
import io
import json
from collections.abc import Iterator
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.audit.selectors import audit_log_list
from apps.audit.services import audit_log_record
from apps.audit_log.presentation import audit_rows

EXPORT_CHUNK = 2000
# A cell starting with one of these is a formula to a spreadsheet: it is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@transaction.atomic
def audit_log_export_start(*, acting_user: Any, filters: dict[str, Any]) -> QuerySet[AuditLogEntry]:
    """The entries `filters` (audit_log_list's arguments) select; the export is logged with the
    names of the filters used and the number of entries, before any row goes out."""
    entries = audit_log_list(**filters)
    used = sorted(name for name, value in filters.items() if value not in (None, ""))
    audit_log_record(
        event_type=AuditEvent.AUDIT_LOG_EXPORTED,
        acting_user=acting_user,
        extra={"filters": used, "rows": entries.count()},
    )
    return entries


def audit_log_export_rows(*, entries: QuerySet[AuditLogEntry], zone: ZoneInfo) -> Iterator[list[str]]:
    """The header and one row per entry, read in chunks so memory stays flat.

    In the language active now: the rows are made while the response streams, after the request.
    """
    return _rows(entries=entries, zone=zone, language=get_language())


def _rows(*, entries: QuerySet[AuditLogEntry], zone: ZoneInfo, language: str) -> Iterator[list[str]]:
    with translation.override(language):
        yield from _rows_translated(entries=entries, zone=zone)


def _rows_translated(*, entries: QuerySet[AuditLogEntry], zone: ZoneInfo) -> Iterator[list[str]]:
    yield [
        _("Time"),
        _("Event"),
        _("Event code"),
        _("Source"),
        _("By (id)"),
        pgettext("audit actor", "By"),
        _("User concerned (id)"),
        _("User concerned"),
        _("Object type"),
        _("Object id"),
        _("Details"),
        _("Details (JSON)"),
    ]
    iterator = entries.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        for row in audit_rows(chunk):
            entry = row.entry
            yield [
                entry.event_time.astimezone(zone).isoformat(timespec="seconds"),
                row.event,
                entry.event_type,
                row.source,
                str(entry.acting_user_id or ""),
                row.actor,
                str(entry.modified_user_id or ""),
                row.concerned,
                entry.target_type,
                entry.target_id,
                row.details,
                json.dumps(entry.extra_data, ensure_ascii=False, sort_keys=True),
            ]


def csv_lines(rows: Iterator[list[str]], *, delimiter: str) -> Iterator[str]:
    """Lines of CSV text for streaming; the first carries the BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        writer.writerow([f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
