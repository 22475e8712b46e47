import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Least
from django.utils import timezone

from apps.accounts.capabilities import can_view_dashboards
from apps.accounts.models import User
from apps.accounts.scope import scoped
from apps.cases.models import CaseStatus, FollowUpCase
from apps.cases.timeliness import Timeliness


def case_list(
    *,
    user: User,
    status: str | None = None,
    mine: bool = False,
    touchpoint_id: int | None = None,
    encounter_id: int | None = None,
    unresolved: bool = False,
    timeliness: str | None = None,
    location_id: int | None = None,
    assignee_id: int | None = None,
    search: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[FollowUpCase]:
    """Cases the user may see: managers and admins all of them (a scoped manager those of encounters at
    their locations), others the ones assigned to them; everyone, too, the late cases escalated to them
    as their team's lead (apps/cases/escalation.py). `mine`: assigned to the user.
    `unresolved`: open and contacted; `timeliness`: an apps.cases.timeliness.Timeliness as of `now`;
    `location_id`: where the case's encounter happened; `search`: in the customer's name or email."""
    cases = FollowUpCase.objects.select_related(
        "customer", "touchpoint__stage__path", "assignee", "escalated_to_lead"
    ).order_by("due_at", "id")
    # A case put on a scoped manager (they own its touchpoint) is theirs to follow up, wherever it happened;
    # so is a case escalated to them as the assignee's team lead.
    theirs = Q(assignee=user) | Q(escalated_to_lead=user)
    cases = scoped(cases, user=user, also=theirs)
    if mine:
        cases = cases.filter(assignee=user)
    elif not can_view_dashboards(user):
        cases = cases.filter(theirs)
    if status:
        cases = cases.filter(status=status)
    if unresolved:
        cases = cases.exclude(status=CaseStatus.RESOLVED)
    if timeliness:
        cases = timeliness_filter(cases, timeliness=timeliness, now=now or timezone.now())
    if touchpoint_id is not None:
        cases = cases.filter(touchpoint_id=touchpoint_id)
    if encounter_id is not None:
        cases = cases.filter(encounter_id=encounter_id)
    if location_id is not None:
        cases = cases.filter(encounter__location_id=location_id)
    if assignee_id is not None:
        cases = cases.filter(assignee_id=assignee_id)
    if search := search.strip():
        cases = cases.filter(Q(customer__full_name__icontains=search) | Q(customer__email__icontains=search))
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


def late_q(*, now: dt.datetime) -> Q:
    """apps.cases.timeliness's late as a filter: not followed up by the due time (as of `now`). Needs the
    `followed_up_at` annotation of `with_followed_up_at`."""
    return Q(followed_up_at__isnull=True, due_at__lt=now) | Q(followed_up_at__gt=F("due_at"))


def with_followed_up_at(cases: QuerySet[FollowUpCase]) -> QuerySet[FollowUpCase]:
    # PostgreSQL's LEAST skips nulls, so this is null only when nothing has been done yet.
    return cases.annotate(followed_up_at=Least("contacted_at", "resolved_at"))


def timeliness_filter(cases: QuerySet[FollowUpCase], *, timeliness: str, now: dt.datetime) -> QuerySet[FollowUpCase]:
    """The cases of one apps.cases.timeliness.Timeliness, as of `now`."""
    cases = with_followed_up_at(cases)
    if timeliness == Timeliness.LATE:
        return cases.filter(late_q(now=now))
    if timeliness == Timeliness.NOT_DUE:
        return cases.filter(followed_up_at__isnull=True, due_at__gte=now)
    return cases.filter(followed_up_at__lte=F("due_at"))


def cases_late_by_touchpoint(*, opened_from: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """{touchpoint id: cases opened in the window that are late (resolved or not), as of `until` or now,
    whichever is earlier}."""
    as_of = min(until, timezone.now())
    rows = (
        with_followed_up_at(
            FollowUpCase.objects.filter(touchpoint__isnull=False, created_at__gte=opened_from, created_at__lt=until)
        )
        .filter(late_q(now=as_of))
        .values("touchpoint_id")
        .annotate(late=Count("id"))
        .order_by()
    )
    return {row["touchpoint_id"]: row["late"] for row in rows}


@dataclass(frozen=True)
class CaseCounts:
    """The unresolved cases by status, and how many of them are late (apps.cases.timeliness)."""

    open: int
    contacted: int
    late: int

    @property
    def unresolved(self) -> int:
        return self.open + self.contacted


def case_counts(
    *, now: dt.datetime, touchpoint_ids: list[int] | None = None, location_ids: frozenset[int] | None = None
) -> CaseCounts:
    """The unresolved cases, now: open, contacted, and late. `location_ids`: only the cases of those
    locations (apps.accounts.scope.user_location_scope: None is the whole company)."""
    cases = with_followed_up_at(FollowUpCase.objects.exclude(status=CaseStatus.RESOLVED))
    if location_ids is not None:
        cases = cases.filter(FollowUpCase.location_scope_q(location_ids))
    if touchpoint_ids is not None:
        cases = cases.filter(touchpoint_id__in=touchpoint_ids)
    counts = cases.aggregate(
        open=Count("id", filter=Q(status=CaseStatus.OPEN)),
        contacted=Count("id", filter=Q(status=CaseStatus.CONTACTED)),
        late=Count("id", filter=late_q(now=now)),
    )
    return CaseCounts(open=counts["open"], contacted=counts["contacted"], late=counts["late"])
