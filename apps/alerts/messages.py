"""What people read of an alert event (email, Slack, Teams), in the company's language."""

from django.conf import settings
from django.db import connection
from django.utils import formats, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.alerts.models import AlertEvent, RuleKind
from apps.alerts.payloads import AlertMessage
from apps.core.tenancy import company_time_zone


def _company_language() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "language", "") or settings.LANGUAGE_CODE


def alert_message(event: AlertEvent) -> AlertMessage:
    """What the people at a destination read of the event, in the company's language."""
    data = event.payload
    with translation.override(_company_language()):
        place = data.get("touchpoint", {}).get("name") or _("the whole company")
        if data.get("location"):
            place = f"{place} · {data['location']['name']}"
        if event.kind == RuleKind.POOR_ANSWER:
            title = _("A poor answer at %(place)s") % {"place": place}
            lines = [_("NPS %(score)s (alert at %(threshold)s or below)") % data]
        elif event.kind == RuleKind.NPS_DROP:
            title = _("NPS fell at %(place)s") % {"place": place}
            lines = [
                _("This week %(this_week)s (%(this_answers)s answers), last week %(last_week)s (%(last_answers)s).")
                % data,
                _("The fall of %(drop)s points is more than its margin of ±%(margin)s.") % data,
            ]
        else:
            title = _("A follow-up case is late at %(place)s") % {"place": place}
            due_at = parse_datetime(data.get("due_at", ""))
            due = formats.date_format(due_at.astimezone(company_time_zone()), "SHORT_DATETIME_FORMAT") if due_at else ""
            lines = [_("Case %(case_id)s was due %(due_at)s.") % {"case_id": data.get("case_id"), "due_at": due}]
    return AlertMessage(title=title, lines=lines, link=data.get("url", ""))
