"""Changes of consent on the customer's profile timeline."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.customers.models import Customer
from apps.customers.selectors import customer_consent_history
from apps.customers.timeline import TimelineEntry, TimelineKind


def consent_timeline_entries(customer: Customer, user: User) -> Iterator[TimelineEntry]:
    # Consent belongs to the person, not to a place: whoever may see the profile sees it.
    for event in customer_consent_history(customer=customer):
        wording = _("Wording version %(version)s") % {"version": event.wording.version}
        if event.migrated:
            by = _("From before the consent history")
        elif event.by_customer:
            by = _("The customer themselves")
        elif event.actor is not None:
            by = _("Recorded by %(user)s") % {"user": event.actor.get_full_name()}
        else:
            by = ""
        yield TimelineEntry(
            kind=TimelineKind.CONSENT,
            at=event.at,
            title=f"{event.get_kind_display()} · {event.get_source_display()}",
            detail=" · ".join(part for part in (by, wording) if part),
        )
