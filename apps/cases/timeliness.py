"""What the states of a follow-up case mean, in one place.

A poor answer opens a case with a due time: the customer is to be contacted by then.

Status, where the case is now:
- **open**: nobody has contacted the customer yet;
- **contacted**: someone has contacted the customer, the case is not resolved yet;
- **resolved**: done, with a note of what was done.
Open and contacted cases together are the **unresolved** ones.

Timeliness, whether the customer was followed up (contacted, or the case resolved, whichever
came first) by the due time:
- **on time**: followed up by the due time;
- **late**: followed up after the due time, or not followed up and the due time has passed;
- **not due yet**: not followed up, and the due time is still ahead.

A case that is late stays late when it is later contacted or resolved. Every count of late
cases counts these cases and says its scope: the dashboards, the digest and the case list
count the unresolved cases that are late, now; the maturity rule counts the cases opened in
its window that were late, resolved or not (a touchpoint that follows up late is not managed,
however quickly it then resolves).

No ORM here; `apps.cases.selectors.late_q` is the same rule as a query, and a test holds the
two to the same cases.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Timeliness(models.TextChoices):
    NOT_DUE = "not_due", _("Not due yet")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


def case_followed_up_at(*, contacted_at: dt.datetime | None, resolved_at: dt.datetime | None) -> dt.datetime | None:
    """When the customer was first followed up: contacted, or the case resolved, whichever came first."""
    times = [at for at in (contacted_at, resolved_at) if at is not None]
    return min(times) if times else None


def case_timeliness(
    *, due_at: dt.datetime, contacted_at: dt.datetime | None, resolved_at: dt.datetime | None, now: dt.datetime
) -> Timeliness:
    followed_up_at = case_followed_up_at(contacted_at=contacted_at, resolved_at=resolved_at)
    if followed_up_at is None:
        return Timeliness.LATE if due_at < now else Timeliness.NOT_DUE
    return Timeliness.LATE if followed_up_at > due_at else Timeliness.ON_TIME
