import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Least

from apps.accounts.capabilities import can_view_dashboards
from apps.accounts.models import User
from apps.cases.models import CaseStatus, FollowUpCase


def case_list(
    *,
    user: User,
    status: str | None = None,
    mine: bool = False,
    touchpoint_id: int | None = None,
    encounter_id: int | None = None,
) -> QuerySet[FollowUpCase]:
    """Cases the user may see: managers and admins all of them, others the ones assigned to them."""
    cases = FollowUpCase.objects.select_related("customer", "touchpoint__stage__path", "assignee").order_by(
        "due_at", "id"
    )
    if mine or not can_view_dashboards(user):
        cases = cases.filter(assignee=user)
    if status:
        cases = cases.filter(status=status)
    if touchpoint_id is not None:
        cases = cases.filter(touchpoint_id=touchpoint_id)
    if encounter_id is not None:
        cases = cases.filter(encounter_id=encounter_id)
    return cases


def case_list_for_period(
    *, user: User, touchpoint_id: int, opened_from: dt.datetime, opened_until: dt.datetime, limit: int
) -> list[FollowUpCase]:
    """A touchpoint's cases for a review of a period: every case still open, most urgent first (whenever
    it was opened: it still needs doing), then the cases opened in the period and resolved, newest first."""
    cases = case_list(user=user, touchpoint_id=touchpoint_id)
    still_open = list(cases.exclude(status=CaseStatus.RESOLVED).order_by("due_at", "id")[:limit])
    resolved = cases.filter(status=CaseStatus.RESOLVED, created_at__gte=opened_from, created_at__lt=opened_until)
    return still_open + list(resolved.order_by("-created_at", "-id")[: limit - len(still_open)])


def case_get(*, user: User, case_id: int) -> FollowUpCase | None:
    return case_list(user=user).filter(pk=case_id).first()


def cases_unnotified_ids(*, older_than: dt.datetime, limit: int = 100) -> list[int]:
    """Cases whose assignee email never went out (its task was lost), for the dispatcher to resend."""
    return list(
        FollowUpCase.objects.filter(notified_at__isnull=True, assignee__isnull=False, created_at__lt=older_than)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def cases_late_by_touchpoint(*, opened_from: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """{touchpoint id: cases opened in the window that were not followed up by their due time, as of `until`}."""
    # Late: due before `until`, and neither contacted nor resolved by the due time (PostgreSQL's
    # LEAST skips nulls, so first_action is null only when nothing has been done yet).
    rows = (
        FollowUpCase.objects.filter(touchpoint__isnull=False, created_at__gte=opened_from, created_at__lt=until)
        .annotate(first_action=Least("contacted_at", "resolved_at"))
        .filter(Q(due_at__lt=until) & (Q(first_action__isnull=True) | Q(first_action__gt=F("due_at"))))
        .values("touchpoint_id")
        .annotate(late=Count("id"))
        .order_by()
    )
    return {row["touchpoint_id"]: row["late"] for row in rows}


@dataclass(frozen=True)
class CaseCounts:
    open: int
    overdue: int


def case_counts(*, now: dt.datetime, touchpoint_ids: list[int] | None = None) -> CaseCounts:
    """Open cases (not yet resolved) and those of them past due, now."""
    cases = FollowUpCase.objects.exclude(status="resolved")
    if touchpoint_ids is not None:
        cases = cases.filter(touchpoint_id__in=touchpoint_ids)
    counts = cases.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now, contacted_at__isnull=True)))
    return CaseCounts(open=counts["open"], overdue=counts["overdue"])
