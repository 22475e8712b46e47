"""Follow-up cases on the customer's profile timeline."""

from collections.abc import Iterator

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.scope import scoped
from apps.cases.models import FollowUpCase
from apps.cases.timeliness import Timeliness
from apps.customers.models import Customer
from apps.customers.timeline import TimelineEntry, TimelineKind

LIMIT = 100


def case_timeline_entries(customer: Customer, user: User) -> Iterator[TimelineEntry]:
    now = timezone.now()
    cases = (
        scoped(FollowUpCase.objects.filter(customer=customer), user=user)
        .select_related("assignee", "escalated_to_lead")
        .annotate(opened_at=Min("events__at"))
        .order_by("-created_at")
    )
    for case in cases[:LIMIT]:
        status = case.get_status_display()
        if case.timeliness(now) == Timeliness.LATE:
            status = _("%(status)s, late") % {"status": status}
        parts = [_("Assigned to %(name)s") % {"name": case.assignee}] if case.assignee else []
        if case.escalated_to_lead:
            parts.append(_("Escalated to team lead %(name)s") % {"name": case.escalated_to_lead})
        if case.escalated_at:
            parts.append(_("Escalated"))
        if case.resolution_note:
            parts.append(case.resolution_note)
        yield TimelineEntry(
            kind=TimelineKind.CASE,
            at=case.opened_at or case.created_at,
            title=f"{case.reason} · {status}",
            detail=" · ".join(parts),
            url=reverse("cases:detail", args=[case.pk]),
        )
