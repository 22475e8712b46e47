"""Scheduling and sending survey invitations.

Work due later is a row (InvitationEmail.due_at), never a long Celery ETA. A
periodic task per company (tasks.survey_dispatch) turns new consenting
encounters and due send-outs into invitations and hands due emails to workers.
A worker claims a due email (a row lock taken without waiting), checks consent,
the frequency cap and the quiet hours, and hands the rendered message to the
outbox (apps/outbox) in the same transaction; the outbox sends it once, retries
it, and tells the invitation through the hooks at the end of this module.
"""

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.hand_out import rows_hand_out
from apps.customers.models import Customer
from apps.encounters.models import Encounter
from apps.outbox.kinds import SEND, SendDecision
from apps.surveys.emails import invitation_email_build
from apps.surveys.models import (
    Campaign,
    EmailKind,
    EmailStatus,
    Invitation,
    InvitationEmail,
    InvitationStatus,
    SuppressionReason,
    Survey,
    SurveySettings,
)
from apps.surveys.schedule import is_quiet, quiet_hours_adjust
from apps.surveys.selectors import claimable_emails_q, survey_settings_get
from apps.surveys.tokens import token_for, token_hash, token_nonce_new

if TYPE_CHECKING:
    from apps.outbox.models import OutboundEmail

logger = logging.getLogger(__name__)

# Encounters older than this are not surveyed any more, however late the dispatcher runs.
ENCOUNTER_SURVEY_WINDOW = dt.timedelta(days=7)


def _quiet_adjust(moment: dt.datetime, rules: SurveySettings) -> dt.datetime:
    return quiet_hours_adjust(
        moment, time_zone=connection.tenant.time_zone, start=rules.quiet_hours_start, end=rules.quiet_hours_end
    )


def suppression_reason_for(
    *, customer: Customer, survey: Survey, rules: SurveySettings, now: dt.datetime, invitation_id: int | None = None
) -> str:
    """Why this customer must not get this survey now, or "" when they may.

    When scheduling (`invitation_id` None) an invitation still waiting to be sent
    counts against the frequency cap; when sending, only invitations already sent do.
    """
    if not survey.is_active:
        return SuppressionReason.SURVEY_INACTIVE
    if not customer.email:
        return SuppressionReason.NO_EMAIL
    if customer.unsubscribed:
        return SuppressionReason.UNSUBSCRIBED
    if not customer.survey_consent:
        return SuppressionReason.NO_CONSENT
    surveyed = Q(sent_at__gte=now - dt.timedelta(days=rules.frequency_cap_days))
    if invitation_id is None:
        surveyed |= Q(status=InvitationStatus.SCHEDULED)
    recent = Invitation.objects.filter(customer=customer).filter(surveyed).exclude(pk=invitation_id)
    if rules.frequency_cap_days and recent.exists():
        return SuppressionReason.FREQUENCY_CAP
    return ""


def invitation_create(
    *,
    survey: Survey,
    customer: Customer,
    send_at: dt.datetime,
    now: dt.datetime,
    rules: SurveySettings,
    encounter: Encounter | None = None,
    campaign: Campaign | None = None,
) -> Invitation:
    """An invitation with its first email due at `send_at` (moved out of quiet hours), or a
    suppressed invitation that records why nothing will be sent."""
    reason = suppression_reason_for(customer=customer, survey=survey, rules=rules, now=now)
    nonce = token_nonce_new()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            survey=survey,
            customer=customer,
            encounter=encounter,
            touchpoint=encounter.touchpoint if encounter is not None else None,
            campaign=campaign,
            language=customer.language,
            status=InvitationStatus.SUPPRESSED if reason else InvitationStatus.SCHEDULED,
            suppression_reason=reason,
            token_nonce=nonce,
            token_hash=token_hash(token_for(nonce)),
        )
        if not reason:
            InvitationEmail.objects.create(
                invitation=invitation, kind=EmailKind.INITIAL, due_at=_quiet_adjust(send_at, rules)
            )
    return invitation


def invitations_schedule_from_encounters(*, now: dt.datetime, limit: int = 500) -> int:
    """Invite every recent encounter whose customer agreed and whose touchpoint has a survey. Idempotent."""
    rules = survey_settings_get()
    encounters = (
        Encounter.objects.filter(
            survey_agreed=True,
            occurred_at__gte=now - ENCOUNTER_SURVEY_WINDOW,
            invitation__isnull=True,
            touchpoint__follow_up_survey__isnull=False,
        )
        .select_related("customer", "touchpoint__follow_up_survey__survey")
        .order_by("occurred_at")[:limit]
    )
    created = 0
    for encounter in encounters:
        follow_up = encounter.touchpoint.follow_up_survey
        delay = follow_up.delay_minutes if follow_up.delay_minutes is not None else rules.default_delay_minutes
        try:
            invitation_create(
                survey=follow_up.survey,
                customer=encounter.customer,
                encounter=encounter,
                send_at=max(encounter.occurred_at + dt.timedelta(minutes=delay), now),
                now=now,
                rules=rules,
            )
        except IntegrityError:
            continue  # another dispatcher invited this encounter first
        created += 1
    return created


def campaigns_run_due(*, now: dt.datetime) -> int:
    """Invite the audience of every send-out whose time has come; a recurring one moves to its next date."""
    rules = survey_settings_get()
    invited = 0
    for campaign in Campaign.objects.filter(is_active=True, next_run_at__lte=now).select_related("survey"):
        invited += _campaign_run(campaign, rules=rules, now=now)
    return invited


@transaction.atomic
def _campaign_run(campaign: Campaign, *, rules: SurveySettings, now: dt.datetime) -> int:
    """One run of a send-out, all or nothing: the claim and every invitation commit together."""
    from dateutil.relativedelta import relativedelta

    from apps.customers.selectors import customer_list

    run_at = campaign.next_run_at
    following = run_at + relativedelta(months=campaign.repeat_every_months) if campaign.repeat_every_months else None
    # Claim this run: a second dispatcher finds next_run_at already moved and skips it.
    claimed = Campaign.objects.filter(pk=campaign.pk, next_run_at=run_at).update(next_run_at=following, last_run_at=now)
    if not claimed:
        return 0
    audience = campaign.audience or {}
    customers = customer_list(
        search=audience.get("search", ""),
        segment_id=audience.get("segment"),
        persona_id=audience.get("persona"),
        consent=True,
        unsubscribed=False,
    ).exclude(email="")
    if audience.get("language") in ("fi", "en"):
        customers = customers.filter(language=audience["language"])
    invited = 0
    for customer in customers.iterator(chunk_size=500):
        invitation_create(
            survey=campaign.survey, customer=customer, campaign=campaign, send_at=now, now=now, rules=rules
        )
        invited += 1
    return invited


# A due email given to a worker's queue is not given again for this long: a backlog of slow sends
# does not fill the queue with copies of the same task, and a task lost with Redis is given again after it.
HAND_OUT_AGAIN_AFTER = dt.timedelta(minutes=1)


def invitation_emails_hand_out(*, now: dt.datetime, limit: int = 200) -> list[int]:
    """Claim up to `limit` due emails for workers' queues; returns their ids."""
    return rows_hand_out(
        due=InvitationEmail.objects.filter(claimable_emails_q(now)),
        now=now,
        again_before=now - HAND_OUT_AGAIN_AFTER,
        limit=limit,
    )


SURVEY_INVITATION_EMAIL = "survey_invitation"
SURVEY_REMINDER_EMAIL = "survey_reminder"


def _reminder_schedule(invitation: Invitation, *, rules: SurveySettings, now: dt.datetime) -> None:
    if not rules.reminder_after_days:
        return
    due_at = _quiet_adjust(now + dt.timedelta(days=rules.reminder_after_days), rules)
    if invitation.expires_at and due_at >= invitation.expires_at:
        return
    InvitationEmail.objects.get_or_create(invitation=invitation, kind=EmailKind.REMINDER, defaults={"due_at": due_at})


def _not_wanted_reason(email: InvitationEmail, *, rules: SurveySettings, now: dt.datetime) -> str:
    """Why this email must not go out now, or "" when it may; asked at hand-over and before every try."""
    invitation = email.invitation
    if email.kind == EmailKind.INITIAL:
        return suppression_reason_for(
            customer=invitation.customer, survey=invitation.survey, rules=rules, now=now, invitation_id=invitation.pk
        )
    customer = invitation.customer
    if customer.unsubscribed:
        return SuppressionReason.UNSUBSCRIBED
    if not customer.survey_consent:
        return SuppressionReason.NO_CONSENT
    if invitation.status != InvitationStatus.SENT or (invitation.expires_at and invitation.expires_at <= now):
        return "not_needed"
    return ""


def _cancel(email: InvitationEmail, *, reason: str) -> None:
    InvitationEmail.objects.filter(pk=email.pk).update(status=EmailStatus.CANCELLED, last_error=reason[:500])
    if email.kind == EmailKind.INITIAL:
        Invitation.objects.filter(pk=email.invitation_id).exclude(status=InvitationStatus.ANSWERED).update(
            status=InvitationStatus.SUPPRESSED,
            suppression_reason=reason if reason in SuppressionReason.values else "",
        )


def invitation_email_send(*, email_id: int, now: dt.datetime | None = None) -> str:
    """Hand one due email to the outbox and send it, if this call can claim it. Returns what happened.

    The hand-over (the checks, the rendered message in the outbox, the email row
    marked sending) is one transaction, so a worker killed before its commit leaves
    the email scheduled, and one killed after leaves it to the outbox's lease.
    """
    from apps.outbox.services import outbound_email_deliver, outbound_email_queue

    now = now or timezone.now()
    with transaction.atomic():
        email = (
            InvitationEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("invitation__customer", "invitation__survey", "invitation__touchpoint")
            .filter(claimable_emails_q(now), pk=email_id)
            .first()
        )
        if email is None:
            return "not_claimed"
        invitation = email.invitation
        rules = survey_settings_get()
        reason = _not_wanted_reason(email, rules=rules, now=now)
        if reason:
            _cancel(email, reason=reason)
            return "suppressed" if email.kind == EmailKind.INITIAL else "cancelled"
        tenant = connection.tenant
        if is_quiet(now, time_zone=tenant.time_zone, start=rules.quiet_hours_start, end=rules.quiet_hours_end):
            InvitationEmail.objects.filter(pk=email.pk).update(due_at=_quiet_adjust(now, rules))
            return "deferred"
        if email.kind == EmailKind.INITIAL:
            invitation.expires_at = now + dt.timedelta(days=rules.link_valid_days)
            Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.expires_at)
        kind = SURVEY_INVITATION_EMAIL if email.kind == EmailKind.INITIAL else SURVEY_REMINDER_EMAIL
        email.outbound = outbound_email_queue(
            kind=kind, message=invitation_email_build(email=email), due_at=now, send_on_commit=False
        )
        email.status = EmailStatus.SENDING
        email.save(update_fields=["outbound", "status"])
    return outbound_email_deliver(message_id=email.outbound_id, now=now)


# --- The outbox's hooks: the invitation follows its email -----------------------------------


def _email_of(outbound: "OutboundEmail") -> InvitationEmail | None:
    return (
        InvitationEmail.objects.select_related("invitation__customer", "invitation__survey")
        .filter(outbound=outbound)
        .first()
    )


def survey_email_before_send(outbound: "OutboundEmail", now: dt.datetime) -> SendDecision:
    """Before every try (a retry may come hours later): still wanted, and not in the quiet hours?"""
    email = _email_of(outbound)
    if email is None:
        return SendDecision(cancel_reason="invitation_removed")
    rules = survey_settings_get()
    reason = _not_wanted_reason(email, rules=rules, now=now)
    if reason:
        return SendDecision(cancel_reason=reason)
    tenant = connection.tenant
    if is_quiet(now, time_zone=tenant.time_zone, start=rules.quiet_hours_start, end=rules.quiet_hours_end):
        return SendDecision(defer_until=_quiet_adjust(now, rules))
    return SEND


def survey_email_sent(outbound: "OutboundEmail") -> None:
    email = _email_of(outbound)
    if email is None:
        return
    InvitationEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENT, sent_at=outbound.sent_at, last_error="")
    if email.kind == EmailKind.INITIAL:
        invitation = email.invitation
        Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.SCHEDULED).update(
            status=InvitationStatus.SENT, sent_at=outbound.sent_at
        )
        _reminder_schedule(invitation, rules=survey_settings_get(), now=outbound.sent_at)


def survey_email_failed(outbound: "OutboundEmail") -> None:
    email = _email_of(outbound)
    if email is None:
        return
    InvitationEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, last_error=outbound.last_error)
    if email.kind == EmailKind.INITIAL:
        Invitation.objects.filter(pk=email.invitation_id, status=InvitationStatus.SCHEDULED).update(
            status=InvitationStatus.FAILED
        )


def survey_email_cancelled(outbound: "OutboundEmail") -> None:
    email = _email_of(outbound)
    if email is not None:
        _cancel(email, reason=outbound.last_error)
