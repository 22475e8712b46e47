"""Queueing and delivering outgoing email: a claim with a lease, a stable Message-ID, retries, a dead letter.

Exactly once, as far as SMTP allows: a message is claimed with one conditional
UPDATE, so a task delivered twice sends nothing the second time. A worker killed
mid-send leaves its lease, which runs out after OUTBOX_LEASE_SECONDS, and the
dispatcher hands the message out again. The one window that can duplicate is the
instant between the mail server accepting a message and the row being marked sent
(a few milliseconds): a worker killed there sends it again, with the same
Message-ID, so the receiving side can recognise the repeat.
"""

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import DomainError
from apps.core.hand_out import rows_hand_out
from apps.outbox.backoff import retry_at
from apps.outbox.kinds import OutboxKind, outbox_kind
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.selectors import outbound_claimable_q

logger = logging.getLogger(__name__)


def _message_id_new(kind: str) -> str:
    schema = getattr(db_connection, "schema_name", "public")
    return f"<{kind}.{uuid.uuid4().hex}@{schema}.{settings.BASE_DOMAIN}>"


def outbound_email_queue(
    *, kind: str, message: EmailMessage, due_at: dt.datetime | None = None, send_on_commit: bool = True
) -> OutboundEmail:
    """Put one email in the outbox, in the caller's transaction; a worker sends it once that commits.

    `message` names exactly one recipient. A Message-ID header it carries is kept
    (a caller with its own stable id); otherwise one is made, and every try uses it.
    """
    if len(message.recipients()) != 1 or message.attachments:
        raise ValueError("An outbox message has exactly one recipient and no attachments.")
    now = timezone.now()
    due_at = due_at or now
    headers = dict(message.extra_headers)
    message_id = headers.pop("Message-ID", "") or _message_id_new(kind)
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    outbound = OutboundEmail.objects.create(
        kind=kind,
        recipient=message.recipients()[0],
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        subject=message.subject,
        body_text=message.body,
        body_html=html,
        headers=headers,
        message_id=message_id,
        due_at=due_at,
        # Due now: the caller's commit (or the caller itself) gives it to a worker, not the sweep.
        handed_out_at=now if due_at <= now else None,
    )
    if send_on_commit:
        from apps.outbox.tasks import outbox_send_task

        transaction.on_commit(lambda: outbox_send_task.delay(message_ids=[outbound.pk]))
    return outbound


def _as_email(outbound: OutboundEmail, *, connection: BaseEmailBackend | None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_email,
        to=[outbound.recipient],
        headers={**outbound.headers, "Message-ID": outbound.message_id},
        connection=connection,
    )
    if outbound.body_html:
        email.attach_alternative(outbound.body_html, "text/html")
    return email


def _finish(outbound: OutboundEmail, **fields: object) -> None:
    for name, value in fields.items():
        setattr(outbound, name, value)
    outbound.lease_until = None
    outbound.save(update_fields=[*fields, "lease_until"])


def outbound_email_deliver(
    *, message_id: int, connection: BaseEmailBackend | None = None, now: dt.datetime | None = None
) -> str:
    """Send one message if this call can claim it. Returns what happened, for logs and tests."""
    now = now or timezone.now()
    lease_until = now + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = (
        OutboundEmail.objects.filter(pk=message_id)
        .filter(outbound_claimable_q(now))
        .update(status=OutboundStatus.SENDING, lease_until=lease_until, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not_claimed"
    outbound = OutboundEmail.objects.get(pk=message_id)
    kind = outbox_kind(outbound.kind)

    decision = kind.before_send(outbound, now) if kind.before_send else None
    if decision is not None and decision.cancel_reason:
        with transaction.atomic():
            _finish(outbound, status=OutboundStatus.CANCELLED, last_error=decision.cancel_reason[:500])
            if kind.on_cancelled:
                kind.on_cancelled(outbound)
        return "cancelled"
    if decision is not None and decision.defer_until is not None:
        _finish(
            outbound,
            status=OutboundStatus.QUEUED,
            due_at=decision.defer_until,
            attempts=outbound.attempts - 1,
            handed_out_at=None,
        )
        return "deferred"

    try:
        _as_email(outbound, connection=connection).send()
    except (smtplib.SMTPRecipientsRefused, AnymailRecipientsRefused) as error:
        return _failed(outbound, kind=kind, error=error, permanent=True, now=now)
    except smtplib.SMTPResponseException as error:
        return _failed(outbound, kind=kind, error=error, permanent=500 <= error.smtp_code < 600, now=now)
    except (smtplib.SMTPException, AnymailError, OSError) as error:
        return _failed(outbound, kind=kind, error=error, permanent=False, now=now)

    with transaction.atomic():
        sent = {"status": OutboundStatus.SENT, "sent_at": now, "last_error": "", "lease_until": None}
        if kind.redact_after_send:
            sent.update(body_text="", body_html="")
        marked = OutboundEmail.objects.filter(
            pk=outbound.pk, status=OutboundStatus.SENDING, lease_until=lease_until
        ).update(**sent)
        if not marked:
            # Our lease ran out mid-send and another worker took the message over: it may go twice.
            logger.warning("outbound email %s was sent after its lease ran out", outbound.pk)
            return "sent_late"
        outbound.status, outbound.sent_at = OutboundStatus.SENT, now
        if kind.on_sent:
            kind.on_sent(outbound)
    return "sent"


def _failed(outbound: OutboundEmail, *, kind: OutboxKind, error: Exception, permanent: bool, now: dt.datetime) -> str:
    message = f"{type(error).__name__}: {error}"[:500]
    next_try = None if permanent else retry_at(attempts=outbound.attempts, now=now)
    if next_try is not None:
        logger.warning("outbound email %s failed (attempt %s), retrying: %s", outbound.pk, outbound.attempts, message)
        _finish(outbound, status=OutboundStatus.QUEUED, due_at=next_try, last_error=message, handed_out_at=None)
        return "retry"
    logger.error("outbound email %s failed for good: %s", outbound.pk, message)
    with transaction.atomic():
        _finish(outbound, status=OutboundStatus.FAILED, last_error=message)
        if kind.on_failed:
            kind.on_failed(outbound)
    return "failed"


def outbound_emails_hand_out(*, now: dt.datetime, limit: int = 500) -> list[int]:
    """Claim up to `limit` due messages for workers' queues (the sweep); returns their ids.

    A message given to a queue is not given again within a lease's length, so a backlog
    does not fill the queue with copies; a task lost with Redis is given again after it.
    """
    return rows_hand_out(
        due=OutboundEmail.objects.filter(outbound_claimable_q(now)),
        now=now,
        again_before=now - dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        limit=limit,
    )


def outbound_emails_deliver(*, message_ids: Iterable[int]) -> dict[str, int]:
    """Send a batch over one connection to the mail server; returns how many ended each way."""
    results: dict[str, int] = {}
    connection = get_connection()
    try:
        for message_id in message_ids:
            result = outbound_email_deliver(message_id=message_id, connection=connection)
            results[result] = results.get(result, 0) + 1
            if result in ("retry", "failed"):
                connection.close()  # the next message opens a fresh connection
    finally:
        connection.close()
    return results


@transaction.atomic
def outbound_email_requeue(*, outbound: OutboundEmail, now: dt.datetime | None = None) -> OutboundEmail:
    """Send a dead (failed) message again, from a company admin's hand; its tries start over."""
    now = now or timezone.now()
    requeued = OutboundEmail.objects.filter(pk=outbound.pk, status=OutboundStatus.FAILED).update(
        status=OutboundStatus.QUEUED, due_at=now, attempts=0, handed_out_at=now
    )
    if not requeued:
        raise DomainError(_("Only a failed message can be sent again."), code="invalid_status")
    from apps.outbox.tasks import outbox_send_task

    transaction.on_commit(lambda: outbox_send_task.delay(message_ids=[outbound.pk]))
    outbound.refresh_from_db()
    return outbound
