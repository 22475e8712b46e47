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
import itertools
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.content_languages import CONTENT_LANGUAGES
from apps.core.hand_out import rows_hand_out
from apps.customers.models import Customer
from apps.encounters.models import Encounter
from apps.outbox.kinds import SEND, SendDecision
from apps.outbox.rate import RATE_SETTINGS, send_rate
from apps.surveys.emails import company_address_get, invitation_email_build
from apps.surveys.models import (
    Campaign,
    EmailKind,
    EmailStatus,
    Invitation,
    InvitationChannel,
    InvitationEmail,
    InvitationStatus,
    SuppressionReason,
    Survey,
    SurveySettings,
)
from apps.surveys.schedule import is_quiet, quiet_hours_adjust
from apps.surveys.selectors import (
    channel_reachable_q,
    claimable_emails_q,
    invitation_channel_choice,
    survey_settings_get,
)
from apps.surveys.texts import invitation_sms_build
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


def invitation_channel_choose(*, customer: Customer, choice: str) -> str:
    """The channel ("email" or "sms") an invitation goes by, under the send-out's, survey's or company's
    `choice` (selectors.invitation_channel_choice)."""
    if choice == InvitationChannel.SMS:
        return InvitationChannel.SMS
    if choice == InvitationChannel.EMAIL_ELSE_SMS and not customer.email and customer.phone_normalized:
        return InvitationChannel.SMS
    return InvitationChannel.EMAIL


def _address_missing(customer: Customer, *, channel: str) -> str:
    if channel == InvitationChannel.SMS:
        if not customer.phone_normalized:
            return SuppressionReason.NO_PHONE
        if customer.sms_stopped:
            return SuppressionReason.SMS_STOPPED
        return ""
    return "" if customer.email else SuppressionReason.NO_EMAIL


def suppression_reason_for(
    *,
    customer: Customer,
    survey: Survey,
    rules: SurveySettings,
    now: dt.datetime,
    invitation_id: int | None = None,
    recently_surveyed: bool | None = None,
    channel: str = InvitationChannel.EMAIL,
) -> str:
    """Why this customer must not get this survey now, or "" when they may.

    When scheduling (`invitation_id` None) an invitation still waiting to be sent
    counts against the frequency cap; when sending, only invitations already sent do.
    `recently_surveyed`: the frequency cap's answer when the caller asked it for many
    customers at once (`customers_recently_surveyed`); otherwise it is asked here.
    """
    if not survey.is_active:
        return SuppressionReason.SURVEY_INACTIVE
    missing = _address_missing(customer, channel=channel)
    if missing:
        return missing
    if customer.unsubscribed:
        return SuppressionReason.UNSUBSCRIBED
    if not customer.survey_consent:
        return SuppressionReason.NO_CONSENT
    if not rules.frequency_cap_days:
        return ""
    if recently_surveyed is None:
        surveyed = Q(sent_at__gte=now - dt.timedelta(days=rules.frequency_cap_days))
        if invitation_id is None:
            surveyed |= Q(status=InvitationStatus.SCHEDULED)
        recently_surveyed = (
            Invitation.objects.filter(customer=customer).filter(surveyed).exclude(pk=invitation_id).exists()
        )
    return SuppressionReason.FREQUENCY_CAP if recently_surveyed else ""


def customers_recently_surveyed(
    *, customer_ids: list[int], rules: SurveySettings, now: dt.datetime, sending: dict[int, int] | None = None
) -> set[int]:
    """The frequency cap for many customers in one query: the ids of those it holds back.

    Scheduling (`sending` None): an invitation sent within the cap or still waiting counts.
    Sending (`sending` maps customer id to the invitation being sent): only one sent within
    the cap does, and never the invitation being sent itself.
    """
    if not rules.frequency_cap_days or not customer_ids:
        return set()
    surveyed = Q(sent_at__gte=now - dt.timedelta(days=rules.frequency_cap_days))
    if sending is None:
        surveyed |= Q(status=InvitationStatus.SCHEDULED)
    recent = Invitation.objects.filter(surveyed, customer_id__in=customer_ids).values_list("customer_id", "id")
    return {customer_id for customer_id, pk in recent if sending is None or sending.get(customer_id) != pk}


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
    choice = invitation_channel_choice(
        rules=rules, survey=survey, send_out_channel=campaign.channel if campaign is not None else ""
    )
    channel = invitation_channel_choose(customer=customer, choice=choice)
    reason = suppression_reason_for(customer=customer, survey=survey, rules=rules, now=now, channel=channel)
    nonce = token_nonce_new()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            survey=survey,
            customer=customer,
            encounter=encounter,
            touchpoint=encounter.touchpoint if encounter is not None else None,
            campaign=campaign,
            language=customer.language,
            channel=channel,
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
        user=None,  # a campaign goes to the company's audience, not to what one viewer sees
        search=audience.get("search", ""),
        segment_id=audience.get("segment"),
        persona_id=audience.get("persona"),
        consent=True,
        unsubscribed=False,
    ).filter(
        channel_reachable_q(
            invitation_channel_choice(rules=rules, survey=campaign.survey, send_out_channel=campaign.channel)
        )
    )
    if audience.get("language") in CONTENT_LANGUAGES:
        customers = customers.filter(language=audience["language"])
    customer_ids = list(customers.values_list("id", flat=True))
    invited = 0
    for start in range(0, len(customer_ids), 1000):
        invited += _campaign_invite(campaign, customer_ids=customer_ids[start : start + 1000], rules=rules, now=now)
    return invited


def _campaign_invite(campaign: Campaign, *, customer_ids: list[int], rules: SurveySettings, now: dt.datetime) -> int:
    """What `invitation_create` does for each customer, for a thousand at a time (a few queries, not thousands)."""
    customers = Customer.objects.in_bulk(customer_ids)
    capped = customers_recently_surveyed(customer_ids=customer_ids, rules=rules, now=now)
    survey = campaign.survey
    choice = invitation_channel_choice(rules=rules, survey=survey, send_out_channel=campaign.channel)
    invitations = []
    for customer_id in customer_ids:
        customer = customers[customer_id]
        channel = invitation_channel_choose(customer=customer, choice=choice)
        reason = suppression_reason_for(
            customer=customer,
            survey=survey,
            rules=rules,
            now=now,
            recently_surveyed=customer_id in capped,
            channel=channel,
        )
        nonce = token_nonce_new()
        invitations.append(
            Invitation(
                survey=survey,
                customer=customer,
                campaign=campaign,
                language=customer.language,
                channel=channel,
                status=InvitationStatus.SUPPRESSED if reason else InvitationStatus.SCHEDULED,
                suppression_reason=reason,
                token_nonce=nonce,
                token_hash=token_hash(token_for(nonce)),
            )
        )
    Invitation.objects.bulk_create(invitations)
    due_at = _quiet_adjust(now, rules)
    InvitationEmail.objects.bulk_create(
        InvitationEmail(invitation=invitation, kind=EmailKind.INITIAL, due_at=due_at)
        for invitation in invitations
        if invitation.status == InvitationStatus.SCHEDULED
    )
    return len(invitations)


# A due email given to a worker's queue is not given again for this long: a backlog of slow sends
# does not fill the queue with copies of the same task, and a task lost with Redis is given again after it.
HAND_OUT_AGAIN_AFTER = dt.timedelta(minutes=1)
# The longest a batch should take at the provider's rate: a slow rate makes smaller batches.
BATCH_SECONDS = 20


def invitation_batch_size() -> int:
    """How many emails one send task takes: EMAIL_BATCH_SIZE, or fewer when a provider's rate (the
    slower of email's and text messages', a batch may hold both) would make a batch outlast BATCH_SECONDS."""
    rates = [rate for rate in (send_rate(channel) for channel in RATE_SETTINGS) if rate > 0]
    size = settings.EMAIL_BATCH_SIZE
    return max(1, min(size, int(min(rates) * BATCH_SECONDS))) if rates else max(1, size)


def invitation_emails_hand_out(*, now: dt.datetime, limit: int = 200) -> list[int]:
    """Claim up to `limit` due emails for workers' queues; returns their ids."""
    return rows_hand_out(
        due=InvitationEmail.objects.filter(claimable_emails_q(now)),
        now=now,
        again_before=now - HAND_OUT_AGAIN_AFTER,
        limit=limit,
    )


def invitation_senders_active(*, now: dt.datetime) -> bool:
    """Whether send tasks of this company are at work: emails handed out lately that wait in a
    queue or are on the wire. Each such task hands out the next batch before it delivers its own,
    so the dispatch starts new ones only when none is (and after a lost task, once its emails'
    hand-out is HAND_OUT_AGAIN_AFTER old)."""
    waiting = Q(status=EmailStatus.SCHEDULED, due_at__lte=now) | Q(status=EmailStatus.SENDING)
    return InvitationEmail.objects.filter(waiting, handed_out_at__gte=now - HAND_OUT_AGAIN_AFTER).exists()


SURVEY_INVITATION_EMAIL = "survey_invitation"
SURVEY_REMINDER_EMAIL = "survey_reminder"


def _not_wanted_reason(
    email: InvitationEmail, *, rules: SurveySettings, now: dt.datetime, recently_surveyed: bool | None = None
) -> str:
    """Why this email must not go out now, or "" when it may; asked at hand-over and before every retry."""
    invitation = email.invitation
    if email.kind == EmailKind.INITIAL:
        return suppression_reason_for(
            customer=invitation.customer,
            survey=invitation.survey,
            rules=rules,
            now=now,
            invitation_id=invitation.pk,
            recently_surveyed=recently_surveyed,
            channel=invitation.channel,
        )
    customer = invitation.customer
    missing = _address_missing(customer, channel=invitation.channel)
    if missing:
        return missing
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


def _count(results: dict[str, int], outcome: str, number: int = 1) -> None:
    if number:
        results[outcome] = results.get(outcome, 0) + number


@transaction.atomic
def _hand_over(email_ids: list[int], *, now: dt.datetime, results: dict[str, int]) -> list[int]:
    """Hand the claimable ones of `email_ids` to the outbox, all in one transaction; returns their outbox ids.

    The checks (consent, frequency cap, expiry), the rendered messages in the outbox and the
    emails marked sending commit together, so a worker killed before the commit leaves the
    emails scheduled, and one killed after leaves them to the outbox's lease.
    """
    emails = list(
        InvitationEmail.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("invitation__customer", "invitation__survey", "invitation__touchpoint")
        .filter(claimable_emails_q(now), pk__in=email_ids)
        .order_by("due_at", "id")
    )
    _count(results, "not_claimed", len(set(email_ids)) - len(emails))
    if not emails:
        return []
    rules = survey_settings_get()
    first_sends = {
        email.invitation.customer_id: email.invitation_id for email in emails if email.kind == EmailKind.INITIAL
    }
    capped = customers_recently_surveyed(customer_ids=list(first_sends), rules=rules, now=now, sending=first_sends)
    wanted = []
    for email in emails:
        reason = _not_wanted_reason(
            email, rules=rules, now=now, recently_surveyed=email.invitation.customer_id in capped
        )
        if reason:
            _cancel(email, reason=reason)
            _count(results, "suppressed" if email.kind == EmailKind.INITIAL else "cancelled")
        else:
            wanted.append(email)
    if not wanted:
        return []
    tenant = connection.tenant
    if is_quiet(now, time_zone=tenant.time_zone, start=rules.quiet_hours_start, end=rules.quiet_hours_end):
        InvitationEmail.objects.filter(pk__in=[email.pk for email in wanted]).update(
            due_at=_quiet_adjust(now, rules), handed_out_at=None
        )
        _count(results, "deferred", len(wanted))
        return []
    first = [email for email in wanted if email.kind == EmailKind.INITIAL]
    if first:
        expires_at = now + dt.timedelta(days=rules.link_valid_days)
        Invitation.objects.filter(pk__in=[email.invitation_id for email in first]).update(expires_at=expires_at)
        for email in first:
            email.invitation.expires_at = expires_at
    from apps.outbox.services import outbound_emails_queue_many, outbound_sms_queue_many

    address = company_address_get()
    outbox_kinds = {EmailKind.INITIAL: SURVEY_INVITATION_EMAIL, EmailKind.REMINDER: SURVEY_REMINDER_EMAIL}
    channels = (InvitationChannel.EMAIL, InvitationChannel.SMS)
    for (email_kind, outbox_kind), channel in itertools.product(outbox_kinds.items(), channels):
        of_kind = [email for email in wanted if email.kind == email_kind and email.invitation.channel == channel]
        if not of_kind:
            continue
        if channel == InvitationChannel.SMS:
            # A text message is an outbox row of the same kinds: the hooks below follow it the same way.
            texts = [invitation_sms_build(email=email, address=address) for email in of_kind]
            queued = outbound_sms_queue_many(kind=outbox_kind, messages=texts, due_at=now)
        else:
            messages = [invitation_email_build(email=email, address=address) for email in of_kind]
            queued = outbound_emails_queue_many(
                kind=outbox_kind,
                messages=messages,
                due_at=now,
                customer_ids=[email.invitation.customer_id for email in of_kind],
            )
        for email, outbound in zip(of_kind, queued, strict=True):
            email.outbound, email.status = outbound, EmailStatus.SENDING
    # One UPDATE from two arrays: bulk_update's CASE per row cost more CPU than the rest of the hand-over.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE surveys_invitationemail AS email SET outbound_id = handed.outbound_id, status = %s
            FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS outbound_id) AS handed
            WHERE email.id = handed.id
            """,
            [EmailStatus.SENDING, [email.pk for email in wanted], [email.outbound_id for email in wanted]],
        )
    return [email.outbound_id for email in wanted]


# The company's survey rules while a batch is delivered (set by invitation_emails_send).
_batch_rules: ContextVar[SurveySettings | None] = ContextVar("survey_batch_rules", default=None)


def _rules() -> SurveySettings:
    return _batch_rules.get() or survey_settings_get()


@dataclass
class HandedOver:
    """What a hand-over did: the outbox messages to deliver now, and how many emails ended otherwise."""

    outbound_ids: list[int]
    results: dict[str, int]
    now: dt.datetime | None


def invitation_emails_hand_over(*, email_ids: list[int], now: dt.datetime | None = None) -> HandedOver:
    """Hand the claimable ones of a batch of due emails to the outbox (one transaction). Safe to run
    twice: an email handed over already is not claimed again."""
    results: dict[str, int] = {}
    outbound_ids = _hand_over(list(email_ids), now=now or timezone.now(), results=results)
    return HandedOver(outbound_ids=outbound_ids, results=results, now=now)


def invitation_emails_deliver(handed: HandedOver) -> dict[str, int]:
    """Send what a hand-over gave the outbox, over one connection to the mail server, at the provider's
    rate. Returns how many emails ended each way, the hand-over's outcomes included.

    The checks were asked at the hand-over; the outbox does not ask them again before this
    first try (it does before a retry, which may come hours later).
    """
    from apps.outbox.services import outbound_emails_deliver

    results = dict(handed.results)
    if handed.outbound_ids:
        # The outbox's hooks below read the rules once for the batch, not once per message.
        rules = _batch_rules.set(survey_settings_get())
        try:
            delivered = outbound_emails_deliver(message_ids=handed.outbound_ids, checked=True, now=handed.now)
        finally:
            _batch_rules.reset(rules)
        for outcome, number in delivered.items():
            _count(results, outcome, number)
    return results


def invitation_emails_send(*, email_ids: list[int], now: dt.datetime | None = None) -> dict[str, int]:
    """Hand a batch of due emails to the outbox and send them (see the two functions above)."""
    return invitation_emails_deliver(invitation_emails_hand_over(email_ids=email_ids, now=now))


def invitation_email_send(*, email_id: int, now: dt.datetime | None = None) -> str:
    """Hand one due email to the outbox and send it, if this call can claim it. Returns what happened."""
    results = invitation_emails_send(email_ids=[email_id], now=now)
    return next(iter(results), "not_claimed")


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


# The sent hook as one statement: it runs once for every email in the send loop, in the transaction
# that marks the message sent, and four round trips to PostgreSQL (find the email, mark it, mark its
# invitation, schedule the reminder) were most of a message's cost. A first email marks its
# invitation sent and schedules the reminder (reminder_after_days later, out of the quiet hours)
# unless the link expires before it; an existing reminder is left alone.
_EMAIL_SENT_SQL = """
WITH email AS (
    UPDATE surveys_invitationemail SET status = %(sent)s, sent_at = %(sent_at)s, last_error = ''
    WHERE outbound_id = %(outbound)s
    RETURNING invitation_id, kind
), invitation AS (
    UPDATE surveys_invitation SET status = %(invitation_sent)s, sent_at = %(sent_at)s
    WHERE id IN (SELECT invitation_id FROM email WHERE kind = %(initial)s) AND status = %(invitation_scheduled)s
    RETURNING id
)
INSERT INTO surveys_invitationemail (invitation_id, kind, status, due_at, last_error)
SELECT invitation.id, %(reminder)s, %(scheduled)s, %(reminder_due)s, ''
FROM surveys_invitation AS invitation JOIN email ON email.invitation_id = invitation.id
WHERE email.kind = %(initial)s AND %(remind)s
  AND (invitation.expires_at IS NULL OR invitation.expires_at > %(reminder_due)s)
ON CONFLICT (invitation_id, kind) DO NOTHING
"""


def survey_email_sent(outbound: "OutboundEmail") -> None:
    rules = _rules()
    with connection.cursor() as cursor:
        cursor.execute(
            _EMAIL_SENT_SQL,
            {
                "outbound": outbound.pk,
                "sent_at": outbound.sent_at,
                "sent": EmailStatus.SENT,
                "initial": EmailKind.INITIAL,
                "reminder": EmailKind.REMINDER,
                "scheduled": EmailStatus.SCHEDULED,
                "invitation_sent": InvitationStatus.SENT,
                "invitation_scheduled": InvitationStatus.SCHEDULED,
                "remind": bool(rules.reminder_after_days),
                "reminder_due": _quiet_adjust(outbound.sent_at + dt.timedelta(days=rules.reminder_after_days), rules),
            },
        )


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
