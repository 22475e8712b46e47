"""The weekly leadership digest: opting in and out, claiming each Monday's emails, and sending them.

Every hour each company looks whether it is Monday 07:00 or later in its own time
zone. If so, each subscriber without a delivery row for this week gets one: the
insert is the claim (one row per user and week), so two overlapping runs cannot
both send. A task started when the claim commits claims the row once more
(sent_at still null) and writes the email into the outbox in the same
transaction, so a task delivered twice queues one email; the outbox sends it.
What the email says is read by `apps.dashboards.selectors.digest`.

The digest is on by default for managers and admins (no row needed); a subscription row with
`subscribed=False` is an opt-out that stays. "Send now" on the digest page sends this week's
digest to the reader at once, once per click (`digest_send_now`); an admin can send it at once to
every subscribed address of the company's list too, once per click (`digest_send_to_list`).
"""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_manage_users, can_view_dashboards
from apps.accounts.models import User
from apps.accounts.scope import user_location_scope
from apps.accounts.token_keys import key_digest
from apps.audit.models import AuditEvent
from apps.audit.services import audit_log_record
from apps.core.exceptions import DomainError
from apps.dashboards.models import (
    DashboardShareLink,
    DigestDelivery,
    DigestExternalDelivery,
    DigestExternalRecipient,
    DigestListSend,
    DigestManualSend,
    DigestSubscription,
)
from apps.dashboards.selectors.digest import (
    Digest,
    digest_external_recipients_subscribed,
    digest_is_subscribed,
    digest_recipients,
    digest_week_current,
    digest_week_due,
)

logger = logging.getLogger(__name__)

# A claimed digest still unsent after this long lost its task (a broker hiccup); the next run resends it.
RESEND_AFTER = dt.timedelta(minutes=30)
LEADERSHIP_DIGEST_EMAIL = "leadership_digest"


@transaction.atomic
def digest_subscribe(*, user: User) -> DigestSubscription:
    if not can_view_dashboards(user):
        raise DomainError(_("The weekly digest is for managers and admins."), code="not_allowed")
    subscription, _created = DigestSubscription.objects.update_or_create(user=user, defaults={"subscribed": True})
    return subscription


@transaction.atomic
def digest_unsubscribe(*, user: User) -> None:
    """An explicit opt-out: kept as a row, so the default (on) never switches the digest back on."""
    DigestSubscription.objects.update_or_create(user=user, defaults={"subscribed": False})


def _send_later(delivery_id: int) -> None:
    from apps.dashboards.tasks import digest_send_task

    transaction.on_commit(lambda: digest_send_task.delay(delivery_id=delivery_id))


def digest_deliveries_claim(*, now: dt.datetime) -> list[int]:
    """Claim this week's digest for every subscriber who has none yet; the emails go out on commit.

    Also hands out again the claims of this week whose task never ran. Returns the ids sent to tasks.
    """
    week_start = digest_week_due(now=now)
    if week_start is None:
        return []
    recipients = digest_recipients().exclude(digest_deliveries__week_start=week_start)
    queued = []
    for user in recipients:
        if not can_view_dashboards(user):
            continue
        try:
            with transaction.atomic():
                delivery = DigestDelivery.objects.create(user=user, week_start=week_start)
                _send_later(delivery.pk)
        except IntegrityError:
            continue  # another run claimed it first
        queued.append(delivery.pk)
    stalled = DigestDelivery.objects.filter(
        week_start=week_start, sent_at__isnull=True, created_at__lt=now - RESEND_AFTER
    ).values_list("pk", flat=True)
    for delivery_id in stalled:
        with transaction.atomic():
            _send_later(delivery_id)
        queued.append(delivery_id)
    return queued + _external_deliveries_claim(week_start=week_start, now=now)


def _external_send_later(delivery_id: int) -> None:
    from apps.dashboards.tasks import digest_external_send_task

    transaction.on_commit(lambda: digest_external_send_task.delay(delivery_id=delivery_id))


def _external_deliveries_claim(*, week_start: dt.date, now: dt.datetime) -> list[int]:
    """The same claim for the company's addresses without an account (company-wide figures)."""
    recipients = DigestExternalRecipient.objects.filter(unsubscribed_at__isnull=True).exclude(
        deliveries__week_start=week_start
    )
    queued = []
    for recipient in recipients.order_by("id"):
        try:
            with transaction.atomic():
                delivery = DigestExternalDelivery.objects.create(recipient=recipient, week_start=week_start)
                _external_send_later(delivery.pk)
        except IntegrityError:
            continue
        queued.append(delivery.pk)
    stalled = DigestExternalDelivery.objects.filter(
        week_start=week_start, sent_at__isnull=True, created_at__lt=now - RESEND_AFTER
    ).values_list("pk", flat=True)
    for delivery_id in stalled:
        with transaction.atomic():
            _external_send_later(delivery_id)
        queued.append(delivery_id)
    return queued


def digest_external_send(*, delivery_id: int) -> bool:
    """Queue one claimed external digest once (as `digest_send`)."""
    from apps.dashboards.emails import digest_email_external
    from apps.outbox.services import outbound_email_queue

    with transaction.atomic():
        claimed = DigestExternalDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return False
        delivery = DigestExternalDelivery.objects.select_related("recipient").get(pk=delivery_id)
        if delivery.recipient.unsubscribed_at is not None:
            return False
        outbound_email_queue(
            kind=LEADERSHIP_DIGEST_EMAIL,
            message=digest_email_external(recipient=delivery.recipient, week_start=delivery.week_start),
        )
    return True


DIGEST_EXTERNAL_MAX = 50


@transaction.atomic
def digest_recipients_add(*, acting_user: User, emails: list[str], language: str = "") -> list[DigestExternalRecipient]:
    """Add addresses without an account to the company's digest list: each checked, duplicates (also
    ones already listed) skipped, at most DIGEST_EXTERNAL_MAX in all. All or nothing. `language`: the
    one their digest is written in (blank: the company's)."""
    if not can_manage_users(acting_user):
        raise DomainError(_("Only admins manage the digest's list."), code="not_allowed")
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        message = _("Choose a language from the list.")
        raise DomainError(message, fields={"language": [message]})
    validate = EmailValidator()
    wanted: dict[str, str] = {}
    for raw in emails:
        email = raw.strip()
        if not email:
            continue
        try:
            validate(email)
        except ValidationError:
            raise DomainError(
                _("%(email)s is not an email address.") % {"email": email[:100]},
                fields={"emails": [_("%(email)s is not an email address.") % {"email": email[:100]}]},
            ) from None
        wanted.setdefault(email.lower(), email)
    existing = {email.lower() for email in DigestExternalRecipient.objects.values_list("email", flat=True)}
    new = [email for key, email in wanted.items() if key not in existing]
    if len(existing) + len(new) > DIGEST_EXTERNAL_MAX:
        message = _("The list holds at most %(max)s addresses.") % {"max": DIGEST_EXTERNAL_MAX}
        raise DomainError(message, fields={"emails": [message]})
    added = [
        DigestExternalRecipient.objects.create(email=email, language=language, added_by=acting_user) for email in new
    ]
    if added:
        audit_log_record(
            event_type=AuditEvent.SETTINGS_CHANGED,
            acting_user=acting_user,
            extra={"digest_recipients_added": len(added)},
        )
    return added


@transaction.atomic
def digest_recipient_remove(*, acting_user: User, recipient_id: int) -> bool:
    """Remove an address and its deliveries: the erasure of a recipient (the outbox's copies of sent
    emails go with the outbox's own 30 days). Returns whether the address was on the list."""
    if not can_manage_users(acting_user):
        raise DomainError(_("Only admins manage the digest's list."), code="not_allowed")
    deleted, _rows = DigestExternalRecipient.objects.filter(pk=recipient_id).delete()
    if deleted:
        audit_log_record(
            event_type=AuditEvent.SETTINGS_CHANGED, acting_user=acting_user, extra={"digest_recipients_removed": 1}
        )
    return bool(deleted)


@transaction.atomic
def digest_recipient_unsubscribe(*, recipient_id: int) -> bool:
    """The recipient's own unsubscribe (the email's link or a mail program's one-click POST)."""
    return bool(
        DigestExternalRecipient.objects.filter(pk=recipient_id, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    )


def digest_send(*, delivery_id: int) -> bool:
    """Queue one claimed digest once; returns whether this call queued it.

    The second claim (sent_at) and the outbox message commit together; the outbox
    sends the email and retries it.
    """
    from apps.dashboards.emails import digest_email
    from apps.outbox.services import outbound_email_queue

    with transaction.atomic():
        claimed = DigestDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True).update(sent_at=timezone.now())
        if not claimed:
            return False
        delivery = DigestDelivery.objects.select_related("user").get(pk=delivery_id)
        user = delivery.user
        if not (can_view_dashboards(user) and user.email and digest_is_subscribed(user=user)):
            logger.info("digest %s not sent: the user left the dashboards or unsubscribed", delivery_id)
            return False
        outbound_email_queue(
            kind=LEADERSHIP_DIGEST_EMAIL, message=digest_email(user=user, week_start=delivery.week_start)
        )
    return True


def digest_send_now(*, user: User, key: str, now: dt.datetime | None = None) -> bool:
    """Send this week's digest to `user` now, through the outbox; returns whether this call sent it.

    `key` is the one the form carried: the row with it is the claim, so a second POST of the same
    form queues nothing. The email is the one the preview shows and Monday's job sends.
    """
    from apps.dashboards.emails import digest_email
    from apps.outbox.services import outbound_email_queue

    if not can_view_dashboards(user):
        raise DomainError(_("The weekly digest is for managers and admins."), code="not_allowed")
    if not user.email:
        raise DomainError(_("Your account has no email address."), code="no_email")
    week_start = digest_week_current(now=now)
    try:
        with transaction.atomic():
            sent = DigestManualSend.objects.create(key=key, user=user, week_start=week_start)
            outbound_email_queue(
                kind=LEADERSHIP_DIGEST_EMAIL, message=digest_email(user=user, week_start=week_start, now=now)
            )
            audit_log_record(
                event_type=AuditEvent.DIGEST_SENT_NOW,
                acting_user=user,
                target=sent,
                extra={"week_start": week_start.isoformat()},
            )
    except IntegrityError:
        return False  # the same click again
    return True


def digest_send_to_list(*, acting_user: User, key: str, now: dt.datetime | None = None) -> int | None:
    """Send this week's digest now to every subscribed address of the company's list, each in its own
    language with its own unsubscribe link, through the outbox (which paces the sending as always).

    Admins only, as the list is theirs to manage. `key` is the one the confirmation form carried: its
    row is the claim, so a second POST of the same form (a double click, a second click while the first
    is still sending) waits for the first and then queues nothing. Returns how many were queued, or None
    when this click was already sent. Monday's own digest to the list still goes out as usual."""
    from apps.dashboards.emails import digest_email_external
    from apps.outbox.services import outbound_email_queue

    if not can_manage_users(acting_user):
        raise DomainError(_("Only admins send the digest to the list."), code="not_allowed")
    week_start = digest_week_current(now=now)
    try:
        with transaction.atomic():
            sent = DigestListSend.objects.create(key=key, sent_by=acting_user, week_start=week_start)
            # Read in the claim's transaction: an address unsubscribed before this commits is skipped.
            recipients = list(digest_external_recipients_subscribed())
            built: dict[str, Digest] = {}
            for recipient in recipients:
                outbound_email_queue(
                    kind=LEADERSHIP_DIGEST_EMAIL,
                    message=digest_email_external(recipient=recipient, week_start=week_start, now=now, built=built),
                )
            sent.recipient_count = len(recipients)
            sent.save(update_fields=["recipient_count"])
            audit_log_record(
                event_type=AuditEvent.DIGEST_SENT_NOW,
                acting_user=acting_user,
                target=sent,
                extra={"week_start": week_start.isoformat(), "to_list": True, "recipients": len(recipients)},
            )
    except IntegrityError:
        return None  # the same click again
    return len(recipients)


# 32 random bytes: 256 bits, stored only as their SHA-256.
_SHARE_TOKEN_BYTES = 32


@transaction.atomic
def share_link_create(
    *, user: User, query: str, cut: str, days: int, now: dt.datetime | None = None
) -> tuple[DashboardShareLink, str]:
    """A read-only link to the dashboard as `user` sees it now; returns the link and its token (shown once).

    `query` is the dashboard's valid filters (DashboardFilterForm.query), `cut` the same in words."""
    from apps.dashboards.selectors.sharing import SHARE_DAYS_MAX

    if not can_view_dashboards(user):
        raise DomainError(_("Only managers and admins may share the dashboard."), code="not_allowed")
    if not 1 <= days <= SHARE_DAYS_MAX:
        raise DomainError(
            _("A link is valid for 1 to %(max)s days.") % {"max": SHARE_DAYS_MAX}, code="invalid", fields={"days": []}
        )
    token = secrets.token_urlsafe(_SHARE_TOKEN_BYTES)
    scope = user_location_scope(user)
    link = DashboardShareLink.objects.create(
        token_hash=key_digest(token),
        created_by=user,
        query=query[:500],
        cut=cut[:300],
        scope_location_ids=sorted(scope) if scope is not None else None,
        expires_at=(now or timezone.now()) + dt.timedelta(days=days),
    )
    audit_log_record(event_type=AuditEvent.SHARE_LINK_CREATED, acting_user=user, target=link, extra={"days": days})
    return link, token


@transaction.atomic
def share_link_revoke(*, user: User, link_id: int) -> DashboardShareLink:
    """Revoke a link at once; an admin may revoke any of the company's, a manager their own."""
    from apps.dashboards.selectors.sharing import share_link_list

    link = (
        share_link_list(user=user).select_for_update().filter(pk=link_id).first() if can_view_dashboards(user) else None
    )
    if link is None:
        raise DomainError(_("No such link."), code="not_found")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_log_record(event_type=AuditEvent.SHARE_LINK_REVOKED, acting_user=user, target=link)
    return link
