import datetime as dt

from django.db.models import QuerySet

from apps.accounts.capabilities import can_view_dashboards
from apps.accounts.models import User
from apps.cases.models import FollowUpCase


def case_list(*, user: User, status: str | None = None, mine: bool = False) -> QuerySet[FollowUpCase]:
    """Cases the user may see: managers and admins all of them, others the ones assigned to them."""
    cases = FollowUpCase.objects.select_related("customer", "touchpoint__stage__path", "assignee").order_by(
        "due_at", "id"
    )
    if mine or not can_view_dashboards(user):
        cases = cases.filter(assignee=user)
    if status:
        cases = cases.filter(status=status)
    return cases


def case_get(*, user: User, case_id: int) -> FollowUpCase | None:
    return case_list(user=user).filter(pk=case_id).first()


def cases_unnotified_ids(*, older_than: dt.datetime, limit: int = 100) -> list[int]:
    """Cases whose assignee email never went out (its task was lost), for the dispatcher to resend."""
    return list(
        FollowUpCase.objects.filter(notified_at__isnull=True, assignee__isnull=False, created_at__lt=older_than)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
