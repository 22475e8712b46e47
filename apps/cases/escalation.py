"""Late cases: remind the assignee once, then escalate, one step at a time, up a ladder.

A case is followed up when someone contacts the customer or resolves it (apps/cases/timeliness.py).
A case still not followed up by its due time is late; it then

1. reminds its assignee, once, as soon as a run finds it late;
2. escalates to the lead of the assignee's team, once, when it is still not followed up the
   company's number of working days (`case_escalate_after_working_days`, N, on the survey settings
   page beside the due time) after its due time. Skipped when the team has no lead, the lead is
   not active, or the lead is the assignee;
3. escalates to the assignee's manager, once, N more working days after the lead was told, or
   N working days after the due time when step 2 was skipped. It emails them and writes
   "escalated to X" into its history.

The assignee's manager (`case_escalation_recipients`): the active managers scoped to a region or
location that holds the place of the case's encounter, other than the assignee; when there is none
(no encounter, no location, or nobody scoped to it), the company's active admins, other than the
assignee unless they are the only admin.

Each step is claimed in its own transaction: the case row is locked (`SKIP LOCKED`, so a
concurrent run passes it by), its timestamp (`reminded_at`, `lead_escalated_at`, `escalated_at`)
set, the history written and the emails queued in the outbox, all or nothing. A second run, or a
second worker, finds the timestamp set and sends nothing.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.scope import user_location_scope
from apps.accounts.selectors import user_list
from apps.cases.models import CaseEvent, CaseEventKind, CaseStatus, FollowUpCase
from apps.cases.selectors import late_q, with_followed_up_at
from apps.cases.working_days import add_working_days
from apps.core.tenancy import company_time_zone

logger = logging.getLogger(__name__)

CASE_REMINDER_EMAIL = "case_reminder"
CASE_ESCALATED_TO_LEAD_EMAIL = "case_escalated_lead"
CASE_ESCALATED_EMAIL = "case_escalated"
BATCH = 200

# The company's number of working days from late to escalated. The setting lives with the other
# case rules in apps.surveys (above this app), which registers its reader here when it is ready.
EscalationDaysSource = Callable[[], int]
_escalation_days_source: EscalationDaysSource | None = None


def case_escalation_days_source_set(source: EscalationDaysSource) -> None:
    global _escalation_days_source
    _escalation_days_source = source


def case_escalation_days() -> int:
    if _escalation_days_source is None:
        raise ImproperlyConfigured("No source for the escalation setting: is apps.surveys installed?")
    return _escalation_days_source()


def _late_unfollowed(*, now: dt.datetime) -> QuerySet[FollowUpCase]:
    """Unresolved cases late as of `now` (the one rule, late_q) that nobody has followed up yet."""
    cases = with_followed_up_at(FollowUpCase.objects.exclude(status=CaseStatus.RESOLVED))
    return cases.filter(late_q(now=now), followed_up_at__isnull=True)


def case_escalation_due_at(*, due_at: dt.datetime, escalate_after_working_days: int) -> dt.datetime:
    """When a case due at `due_at` and not followed up escalates: that many working days after it."""
    return add_working_days(due_at, days=escalate_after_working_days, time_zone=company_time_zone().key)


ScopedManagers = list[tuple[User, frozenset[int]]]


def managers_scoped() -> ScopedManagers:
    """The active managers scoped to some locations, each with the ids of those locations."""
    managers = user_list(include_inactive=False).filter(role=Role.MANAGER)
    return [(manager, scope) for manager in managers if (scope := user_location_scope(manager)) is not None]


def case_escalation_recipients(*, case: FollowUpCase, managers: ScopedManagers | None = None) -> list[User]:
    """The assignee's manager (the rule is in this module's docstring). `managers`: managers_scoped(),
    read once for a run over many cases."""
    assignee_id = case.assignee_id
    location_id = case.encounter.location_id if case.encounter_id is not None else None
    if location_id is not None:
        scoped_here = [
            manager
            for manager, scope in (managers if managers is not None else managers_scoped())
            if location_id in scope and manager.pk != assignee_id
        ]
        if scoped_here:
            return scoped_here
    admins = list(user_list(include_inactive=False).filter(role=Role.ADMIN).order_by("date_joined", "id"))
    others = [admin for admin in admins if admin.pk != assignee_id]
    return others or admins


def case_escalation_lead(*, case: FollowUpCase) -> User | None:
    """The lead of the assignee's team, when there is one to tell: active, and not the assignee."""
    assignee = case.assignee
    if assignee is None or assignee.team is None:
        return None
    lead = assignee.team.lead
    if lead is None or not lead.is_active or lead.pk == assignee.pk:
        return None
    return lead


def case_manager_escalation_due_at(
    *, case: FollowUpCase, escalate_after_working_days: int, lead: User | None
) -> dt.datetime | None:
    """When the case goes up to the managers: N working days after the team lead was told; None while a
    lead is still to be told first; N working days after the due time when there is no lead."""
    if case.lead_escalated_at is not None:
        start = case.lead_escalated_at
    elif lead is not None:
        return None
    else:
        start = case.due_at
    return add_working_days(start, days=escalate_after_working_days, time_zone=company_time_zone().key)


def _claim(*, case_id: int, now: dt.datetime, field: str) -> FollowUpCase | None:
    """Lock the case if it is still late, not followed up, and the step not taken; None otherwise."""
    # A case escalated to the managers is past the lead's step too (also those escalated before teams
    # had leads).
    later_steps = {"escalated_at__isnull": True} if field == "lead_escalated_at" else {}
    return (
        _late_unfollowed(now=now)
        .filter(pk=case_id, **{f"{field}__isnull": True}, **later_steps)
        .select_related("assignee__team__lead", "customer", "touchpoint", "encounter")
        .select_for_update(of=("self",), no_key=True, skip_locked=True)
        .first()
    )


def case_remind(*, case_id: int, now: dt.datetime | None = None) -> bool:
    """Remind the assignee of a late case, once; returns whether this call sent the reminder."""
    from apps.cases.emails import case_late_email
    from apps.outbox.services import outbound_email_queue

    now = now or timezone.now()
    with transaction.atomic():
        case = _claim(case_id=case_id, now=now, field="reminded_at")
        if case is None or case.assignee is None or not case.assignee.is_active:
            return False
        case.reminded_at = now
        case.save(update_fields=["reminded_at", "updated_at"])
        CaseEvent.objects.create(case=case, at=now, kind=CaseEventKind.REMINDED, recipient=case.assignee)
        outbound_email_queue(
            kind=CASE_REMINDER_EMAIL,
            message=case_late_email(case=case, recipient=case.assignee, escalated=False),
            customer_id=case.customer_id,
        )
    return True


def case_escalate_to_lead(*, case_id: int, escalate_after_working_days: int, now: dt.datetime | None = None) -> bool:
    """Escalate a case still not followed up N working days after its due time to the lead of its
    assignee's team, once; returns whether this call escalated it (False too when there is no lead)."""
    from apps.cases.emails import case_late_email
    from apps.outbox.services import outbound_email_queue

    now = now or timezone.now()
    with transaction.atomic():
        case = _claim(case_id=case_id, now=now, field="lead_escalated_at")
        if case is None:
            return False
        if now < case_escalation_due_at(due_at=case.due_at, escalate_after_working_days=escalate_after_working_days):
            return False
        lead = case_escalation_lead(case=case)
        if lead is None:
            return False
        case.lead_escalated_at = now
        case.escalated_to_lead = lead
        case.save(update_fields=["lead_escalated_at", "escalated_to_lead", "updated_at"])
        CaseEvent.objects.create(case=case, at=now, kind=CaseEventKind.ESCALATED_TO_LEAD, recipient=lead)
        outbound_email_queue(
            kind=CASE_ESCALATED_TO_LEAD_EMAIL,
            message=case_late_email(case=case, recipient=lead, escalated=True, to_lead=True),
            customer_id=case.customer_id,
        )
    return True


def case_escalate(
    *,
    case_id: int,
    escalate_after_working_days: int,
    now: dt.datetime | None = None,
    managers: ScopedManagers | None = None,
) -> bool:
    """Escalate a case still not followed up to the assignee's manager when it is due for it
    (case_manager_escalation_due_at), once; returns whether this call escalated it."""
    from apps.cases.emails import case_late_email
    from apps.outbox.services import outbound_email_queue

    now = now or timezone.now()
    with transaction.atomic():
        case = _claim(case_id=case_id, now=now, field="escalated_at")
        if case is None:
            return False
        due = case_manager_escalation_due_at(
            case=case, escalate_after_working_days=escalate_after_working_days, lead=case_escalation_lead(case=case)
        )
        if due is None or now < due:
            return False
        recipients = case_escalation_recipients(case=case, managers=managers)
        if not recipients:
            logger.warning("Case %s is late but the company has nobody to escalate it to.", case.pk)
            return False
        case.escalated_at = now
        case.save(update_fields=["escalated_at", "updated_at"])
        for recipient in recipients:
            CaseEvent.objects.create(case=case, at=now, kind=CaseEventKind.ESCALATED, recipient=recipient)
            outbound_email_queue(
                kind=CASE_ESCALATED_EMAIL,
                message=case_late_email(case=case, recipient=recipient, escalated=True),
                customer_id=case.customer_id,
            )
    return True


def cases_late_follow_up(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """The periodic run in the current company: remind and escalate the late cases that are due
    for it. Returns (reminded, escalated: to a team lead or to the managers). Safe to run twice, or in
    two workers at once."""
    now = now or timezone.now()
    days = case_escalation_days()
    late = _late_unfollowed(now=now).order_by("due_at", "id")
    to_remind = late.filter(reminded_at__isnull=True, assignee__is_active=True).values_list("id", flat=True)
    reminded = sum(case_remind(case_id=case_id, now=now) for case_id in to_remind[:BATCH])
    # Working days are never shorter than calendar days: a case due less than `days` days ago cannot be
    # due for escalation, so the holiday arithmetic runs only on the rest.
    cut = now - dt.timedelta(days=days)
    to_lead = late.filter(
        escalated_at__isnull=True, lead_escalated_at__isnull=True, due_at__lte=cut, assignee__team__lead__isnull=False
    ).values_list("id", flat=True)
    escalated = sum(
        case_escalate_to_lead(case_id=case_id, escalate_after_working_days=days, now=now) for case_id in to_lead[:BATCH]
    )
    # The managers' step counts from the lead's when there was one; a case told to its lead just now is
    # not a candidate.
    to_managers = late.filter(
        Q(lead_escalated_at__isnull=True, due_at__lte=cut) | Q(lead_escalated_at__lte=cut), escalated_at__isnull=True
    )
    candidate_ids = list(to_managers.values_list("id", flat=True)[:BATCH])
    managers = managers_scoped() if candidate_ids else []
    escalated += sum(
        case_escalate(case_id=case_id, escalate_after_working_days=days, now=now, managers=managers)
        for case_id in candidate_ids
    )
    return reminded, escalated
