"""The comments as CSV: every comment the filters select, streamed, in the app's CSV format
(apps/core/csv_export.py), the export logged before any row goes out."""

import csv
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from apps.audit.models import AuditEvent, AuditSource
from apps.audit.services import audit_log_record
from apps.dashboards.selectors.comments import SCORE_GROUPS, CommentCriteria, comment_export_rows, comments_matching

# A cell starting with one of these is a formula to a spreadsheet, and customers write what they like:
# such a cell is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@transaction.atomic
def comment_export_log(
    *, user: Any, criteria: CommentCriteria, filters: list[str], source: str = AuditSource.WEB
) -> int:
    """Record that `user` exported the comments `criteria` select: the row count and the names of the
    filters used, never their values (a search may be a name). Returns the row count."""
    count = comments_matching(user=user, criteria=criteria).count()
    audit_log_record(
        event_type=AuditEvent.COMMENTS_EXPORTED,
        acting_user=user,
        source=source,
        extra={"rows": count, "filters": sorted(filters)},
    )
    return count


def comment_export_lines(*, user: Any, criteria: CommentCriteria, delimiter: str, zone: ZoneInfo) -> Iterator[str]:
    """Lines of CSV text, the first with the BOM Excel needs to read UTF-8. The rows are made while the
    response streams, after the view has returned: in the company and the language active now, whatever
    the connection was set to in between."""
    return _lines(
        user=user, criteria=criteria, delimiter=delimiter, zone=zone, language=get_language(), tenant=connection.tenant
    )


def _lines(
    *, user: Any, criteria: CommentCriteria, delimiter: str, zone: ZoneInfo, language: str, tenant: Any
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    yield "\ufeff"
    with tenant_context(tenant), translation.override(language):
        for row in _rows(user=user, criteria=criteria, zone=zone):
            writer.writerow([f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _rows(*, user: Any, criteria: CommentCriteria, zone: ZoneInfo) -> Iterator[list[str]]:
    yield [
        _("Submitted"),
        _("Comment"),
        _("Language"),
        _("NPS"),
        _("NPS group"),
        _("CSAT"),
        _("CES"),
        _("Service path"),
        _("Touchpoint"),
        _("Location"),
        _("Buyer persona"),
        pgettext("a customer's id number", "Customer number"),
        _("Answer id"),
    ]
    for answer in comment_export_rows(user=user, criteria=criteria):
        response = answer.response
        customer = response.customer
        encounter = response.encounter
        yield [
            response.submitted_at.astimezone(zone).isoformat(timespec="seconds"),
            answer.text,
            answer.language,
            _text(answer.nps),
            str(SCORE_GROUPS[answer.nps_group][0]) if answer.nps_group else "",
            _text(answer.csat),
            _text(answer.ces),
            response.path.name if response.path else "",
            response.touchpoint.name if response.touchpoint else "",
            encounter.location.name if encounter and encounter.location else "",
            customer.persona.name if customer and customer.persona else "",
            _text(response.customer_id),
            str(answer.pk),
        ]
