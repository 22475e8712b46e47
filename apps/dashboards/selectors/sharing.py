"""Read-only dashboard links: which a reader may list, and what a token opens (docs/leadership-report.md)."""

import datetime as dt
import enum
from dataclasses import dataclass, replace

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from apps.accounts.capabilities import can_manage_users, can_view_dashboards
from apps.accounts.models import User
from apps.accounts.token_keys import key_digest
from apps.dashboards.forms import DashboardFilterForm
from apps.dashboards.models import DashboardShareLink
from apps.dashboards.periods import Period
from apps.dashboards.selectors.choices import FilterChoices

SHARE_DAYS_DEFAULT = 7
SHARE_DAYS_MAX = 30


class ShareStatus(enum.Enum):
    OPEN = "open"
    GONE = "gone"  # expired, revoked, or its creator no longer sees the dashboards


def share_link_list(*, user: User) -> QuerySet[DashboardShareLink]:
    """An admin sees every link of the company; a manager, their own."""
    links = DashboardShareLink.objects.select_related("created_by").order_by("-created_at")
    return links if can_manage_users(user) else links.filter(created_by=user)


def share_link_by_token(*, token: str) -> DashboardShareLink | None:
    if not token or len(token) > 100:
        return None
    return DashboardShareLink.objects.select_related("created_by").filter(token_hash=key_digest(token)).first()


def share_link_status(*, link: DashboardShareLink, now: dt.datetime | None = None) -> ShareStatus:
    now = now or timezone.now()
    if link.revoked_at is not None or link.expires_at <= now or not can_view_dashboards(link.created_by):
        return ShareStatus.GONE
    return ShareStatus.OPEN


@dataclass(frozen=True)
class SharedView:
    period: Period
    form: DashboardFilterForm


def share_link_period(*, link: DashboardShareLink, today: dt.date, choices: FilterChoices) -> SharedView:
    """The link's frozen filters and scope, read again today (a relative period, "last 30 days", moves on).

    The filters are read with no viewer, then the creator's scope as it was when the link was made is put
    back in: a scoped creator's link shows their locations, whatever their scope becomes later."""
    data = QueryDict(link.query)
    if link.scope_location_ids is not None:
        # Figures by location keep no persona or segment (docs/locations.md).
        data = data.copy()
        for name in ("persona", "segment"):
            data.pop(name, None)
    form = DashboardFilterForm(data, today=today, choices=choices, user=None)
    period = form.view_period()
    scope = frozenset(link.scope_location_ids) if link.scope_location_ids is not None else None
    return SharedView(period=replace(period, filters=replace(period.filters, scope_location_ids=scope)), form=form)
