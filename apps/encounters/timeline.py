"""The customer's encounters on their profile timeline."""

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.customers.models import Customer
from apps.customers.timeline import TimelineEntry, TimelineKind
from apps.encounters.models import Feeling
from apps.encounters.selectors import encounters_of_customer


def _feeling(value: int | None) -> str:
    return Feeling(value).label if value is not None else "-"


def encounter_timeline_entries(customer: Customer, user: User) -> Iterator[TimelineEntry]:
    for encounter in encounters_of_customer(customer_id=customer.pk, user=user):
        parts = [
            _("Peak: %(peak)s, end: %(end)s")
            % {"peak": _feeling(encounter.peak_feeling), "end": _feeling(encounter.end_feeling)}
        ]
        if encounter.logged_by:
            parts.append(_("logged by %(name)s") % {"name": encounter.logged_by})
        if encounter.note:
            parts.append(f"“{encounter.note}”")
        yield TimelineEntry(
            kind=TimelineKind.ENCOUNTER,
            at=encounter.occurred_at,
            title=f"{encounter.touchpoint} · {encounter.get_outcome_display()}",
            detail=" · ".join(parts),
            url=reverse("encounters:detail", args=[encounter.pk]),
        )
