"""Scheduling and sending survey invitations.

Work due later is a row (InvitationEmail.due_at), never a long Celery ETA. A
periodic task per company (tasks.survey_dispatch) turns new consenting
encounters and due send-outs into invitations and hands due emails to workers.
Each send claims its row with one conditional UPDATE, so a task delivered twice
sends nothing the second time; a worker killed mid-send leaves a short lease
that expires, and the email is picked up again.

Known window: a worker killed after the SMTP server accepted a message but
before the row was marked sent (a few milliseconds) sends it again on the
retry, with the same Message-ID so the receiving side can recognise it.
"""

import datetime as dt
import logging
import smtplib

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.customers.models import Customer
from apps.encounters.models import Encounter
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
from apps.surveys.schedule import is_quiet, quiet_hours_adjust, retry_at
from apps.surveys.selectors import claimable_emails_q, survey_settings_get
from apps.surveys.tokens import token_for, token_hash, token_nonce_new

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


def _finish(email: InvitationEmail, **fields: object) -> None:
    for name, value in fields.items():
        setattr(email, name, value)
    email.lease_until = None
    email.save(update_fields=[*fields, "lease_until"])


def _reminder_schedule(invitation: Invitation, *, rules: SurveySettings, now: dt.datetime) -> None:
    if not rules.reminder_after_days:
        return
    due_at = _quiet_adjust(now + dt.timedelta(days=rules.reminder_after_days), rules)
    if invitation.expires_at and due_at >= invitation.expires_at:
        return
    InvitationEmail.objects.get_or_create(invitation=invitation, kind=EmailKind.REMINDER, defaults={"due_at": due_at})


def invitation_email_send(*, email_id: int, now: dt.datetime | None = None) -> str:
    """Send one due email if this call can claim it. Returns what happened, for logs and tests."""
    now = now or timezone.now()
    claimed = (
        InvitationEmail.objects.filter(pk=email_id)
        .filter(claimable_emails_q(now))
        .update(
            status=EmailStatus.SENDING,
            lease_until=now + dt.timedelta(seconds=settings.SURVEY_SEND_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return "not_claimed"

    email = InvitationEmail.objects.select_related(
        "invitation__customer", "invitation__survey", "invitation__touchpoint"
    ).get(pk=email_id)
    invitation = email.invitation
    rules = survey_settings_get()

    if email.kind == EmailKind.INITIAL:
        reason = suppression_reason_for(
            customer=invitation.customer, survey=invitation.survey, rules=rules, now=now, invitation_id=invitation.pk
        )
        if reason:
            with transaction.atomic():
                _finish(email, status=EmailStatus.CANCELLED, last_error=reason)
                Invitation.objects.filter(pk=invitation.pk).update(
                    status=InvitationStatus.SUPPRESSED, suppression_reason=reason
                )
            return "suppressed"
    else:
        customer = invitation.customer
        stale = invitation.status != InvitationStatus.SENT or (invitation.expires_at and invitation.expires_at <= now)
        if stale or customer.unsubscribed or not customer.survey_consent:
            _finish(email, status=EmailStatus.CANCELLED)
            return "cancelled"

    tenant = connection.tenant
    if is_quiet(now, time_zone=tenant.time_zone, start=rules.quiet_hours_start, end=rules.quiet_hours_end):
        _finish(email, status=EmailStatus.SCHEDULED, due_at=_quiet_adjust(now, rules), attempts=email.attempts - 1)
        return "deferred"

    if email.kind == EmailKind.INITIAL:
        invitation.expires_at = now + dt.timedelta(days=rules.link_valid_days)
    try:
        invitation_email_build(email=email).send()
    except (smtplib.SMTPRecipientsRefused, AnymailRecipientsRefused) as error:
        return _failed(email, invitation, error=error, permanent=True, now=now)
    except smtplib.SMTPResponseException as error:
        return _failed(email, invitation, error=error, permanent=500 <= error.smtp_code < 600, now=now)
    except (smtplib.SMTPException, AnymailError, OSError) as error:
        return _failed(email, invitation, error=error, permanent=False, now=now)

    with transaction.atomic():
        _finish(email, status=EmailStatus.SENT, sent_at=now, last_error="")
        if email.kind == EmailKind.INITIAL:
            Invitation.objects.filter(pk=invitation.pk).update(
                status=InvitationStatus.SENT, sent_at=now, expires_at=invitation.expires_at
            )
            _reminder_schedule(invitation, rules=rules, now=now)
    return "sent"


def _failed(
    email: InvitationEmail, invitation: Invitation, *, error: Exception, permanent: bool, now: dt.datetime
) -> str:
    message = f"{type(error).__name__}: {error}"[:500]
    next_try = None if permanent else retry_at(attempts=email.attempts, now=now)
    if next_try is not None:
        logger.warning("invitation email %s failed (attempt %s), retrying: %s", email.pk, email.attempts, message)
        _finish(email, status=EmailStatus.SCHEDULED, due_at=next_try, last_error=message)
        return "retry"
    logger.error("invitation email %s failed for good: %s", email.pk, message)
    with transaction.atomic():
        _finish(email, status=EmailStatus.FAILED, last_error=message)
        if email.kind == EmailKind.INITIAL:
            Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.FAILED)
    return "failed"
