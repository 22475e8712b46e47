"""Follow-up cases: open, assign, contact, resolve. Every change is written to the case's history."""

import datetime as dt
import logging

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import user_admin_first
from apps.cases.models import CaseEvent, CaseEventKind, CaseStatus, FollowUpCase
from apps.cases.reasons import CaseReason, ReasonCode
from apps.cases.working_days import add_working_days
from apps.core.exceptions import DomainError
from apps.customers.models import Customer
from apps.encounters.models import Encounter
from apps.journeys.models import Touchpoint

logger = logging.getLogger(__name__)


def case_assignee_for(*, touchpoint: Touchpoint | None) -> User | None:
    """The touchpoint's owner, else its backup, else the longest-standing active company admin."""
    if touchpoint is not None:
        for person in (touchpoint.owner, touchpoint.backup_owner):
            if person is not None and person.is_active:
                return person
    return user_admin_first()


def _event(case: FollowUpCase, *, at: dt.datetime, actor: User | None, to_status: str = "", note: str = "") -> None:
    CaseEvent.objects.create(
        case=case, at=at, actor=actor, from_status=case.status if to_status else "", to_status=to_status, note=note
    )


def case_open(
    *,
    customer: Customer,
    reason: CaseReason,
    due_working_days: int,
    touchpoint: Touchpoint | None = None,
    encounter: Encounter | None = None,
    detail: str = "",
    source_key: str = "",
    opened_by: User | None = None,
    now: dt.datetime | None = None,
) -> FollowUpCase:
    """Open a case for the right person, due in `due_working_days` working days.

    With a `source_key` the call is idempotent: the same source never opens a
    second case. The assignee is emailed after commit.
    """
    from apps.cases.tasks import case_assignment_notify_task

    if reason.code == ReasonCode.POOR_ANSWER and not reason.scores:
        raise DomainError(_("A poor answer names at least one poor score."), code="invalid_reason")
    if reason.code == ReasonCode.STAFF and not reason.text:
        message = _("Write why the case is opened.")
        raise DomainError(message, fields={"reason": [message]})
    now = now or timezone.now()
    if source_key:
        existing = FollowUpCase.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    due_at = add_working_days(now, days=due_working_days, time_zone=connection.tenant.time_zone)
    try:
        with transaction.atomic():
            case = FollowUpCase.objects.create(
                customer=customer,
                touchpoint=touchpoint,
                encounter=encounter,
                assignee=case_assignee_for(touchpoint=touchpoint),
                **reason.fields(),
                detail=detail,
                source_key=source_key,
                due_at=due_at,
            )
            # The reason is the case's, put into words when read; the event keeps no copy of it.
            CaseEvent.objects.create(case=case, at=now, actor=opened_by, to_status=CaseStatus.OPEN)
    except IntegrityError:
        # A concurrent call opened it first.
        return FollowUpCase.objects.get(source_key=source_key)
    transaction.on_commit(lambda: case_assignment_notify_task.delay(case_id=case.pk))
    return case


@transaction.atomic
def case_mark_contacted(
    *, case: FollowUpCase, actor: User, note: str = "", now: dt.datetime | None = None
) -> FollowUpCase:
    now = now or timezone.now()
    case = FollowUpCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        message = _("Only an open case can be marked contacted.")
        raise DomainError(message, code="invalid_status", fields={"status": [message]})
    _event(case, at=now, actor=actor, to_status=CaseStatus.CONTACTED, note=note.strip())
    case.status = CaseStatus.CONTACTED
    case.contacted_at = now
    case.save(update_fields=["status", "contacted_at", "updated_at"])
    return case


@transaction.atomic
def case_resolve(*, case: FollowUpCase, actor: User, note: str, now: dt.datetime | None = None) -> FollowUpCase:
    now = now or timezone.now()
    note = note.strip()
    if not note:
        message = _("Write what was done.")
        raise DomainError(message, fields={"note": [message]})
    case = FollowUpCase.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.RESOLVED:
        message = _("The case is already resolved.")
        raise DomainError(message, code="invalid_status", fields={"status": [message]})
    _event(case, at=now, actor=actor, to_status=CaseStatus.RESOLVED, note=note)
    case.status = CaseStatus.RESOLVED
    case.resolved_at = now
    case.resolved_by = actor
    case.resolution_note = note
    case.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note", "updated_at"])
    return case


@transaction.atomic
def case_reassign(*, case: FollowUpCase, assignee: User, actor: User, now: dt.datetime | None = None) -> FollowUpCase:
    from apps.cases.tasks import case_assignment_notify_task

    if not assignee.is_active:
        raise DomainError(_("Choose an active user."), fields={"assignee": [_("Choose an active user.")]})
    now = now or timezone.now()
    case = FollowUpCase.objects.select_for_update().get(pk=case.pk)
    # Kept as data, so the history names the new assignee in each reader's language.
    CaseEvent.objects.create(case=case, at=now, actor=actor, kind=CaseEventKind.REASSIGNED, assignee=assignee)
    case.assignee = assignee
    case.notified_at = None
    case.save(update_fields=["assignee", "notified_at", "updated_at"])
    transaction.on_commit(lambda: case_assignment_notify_task.delay(case_id=case.pk))
    return case


CASE_ASSIGNED_EMAIL = "case_assigned"


def case_assignment_notify(*, case_id: int) -> bool:
    """Queue the assignee's email once; returns whether this call queued it.

    The claim (notified_at) and the outbox message commit together, so the email
    exists exactly once; the outbox sends it and retries it.
    """
    from apps.cases.emails import case_assignment_email
    from apps.outbox.services import outbound_email_queue

    with transaction.atomic():
        claimed = FollowUpCase.objects.filter(pk=case_id, notified_at__isnull=True, assignee__isnull=False).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return False
        case = FollowUpCase.objects.select_related("assignee", "customer", "touchpoint").get(pk=case_id)
        outbound_email_queue(
            kind=CASE_ASSIGNED_EMAIL, message=case_assignment_email(case=case), customer_id=case.customer_id
        )
    return True
