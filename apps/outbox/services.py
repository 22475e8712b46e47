"""Queueing and delivering outgoing email: a claim with a lease, a stable Message-ID, retries, a dead letter.

Exactly once, as far as SMTP allows: a message is claimed with one conditional
UPDATE, so a task delivered twice sends nothing the second time. A worker killed
mid-send leaves its lease, which runs out after OUTBOX_LEASE_SECONDS, and the
dispatcher hands the message out again. The one window that can duplicate is the
instant between the mail server accepting a message and the row being marked sent
(a few milliseconds): a worker killed there sends it again, with the same
Message-ID, so the receiving side can recognise the repeat.

A text message, and a webhook, take the same path; only the hand-over differs (`_transmit`). Its window
is the provider's answer to the send: lost to a timeout or a killed worker, the message
is sent again with the same client reference (see apps/outbox/sms_backends.py). A webhook's
window is the receiver's answer: it is sent again with the same webhook-id, which the
receiver deduplicates by (apps/outbox/webhook_sending.py).
"""

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

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
from apps.outbox.models import DeliveryStatus, OutboundChannel, OutboundEmail, OutboundStatus
from apps.outbox.rate import send_turn_take
from apps.outbox.selectors import outbound_claimable_q
from apps.outbox.sms_backends import SmsMessage, SmsRejectedError, SmsTemporaryError, sms_backend_get
from apps.outbox.webhook_sending import WebhookRejectedError, WebhookTemporaryError, webhook_post

logger = logging.getLogger(__name__)


def _message_id_new(kind: str) -> str:
    schema = getattr(db_connection, "schema_name", "public")
    return f"<{kind}.{uuid.uuid4().hex}@{schema}.{settings.BASE_DOMAIN}>"


def _outbound_row(
    *,
    kind: str,
    message: EmailMessage,
    due_at: dt.datetime,
    handed_out_at: dt.datetime | None,
    customer_id: int | None = None,
) -> OutboundEmail:
    """The unsaved outbox row of one rendered message: one recipient, no attachments."""
    if len(message.recipients()) != 1 or message.attachments:
        raise ValueError("An outbox message has exactly one recipient and no attachments.")
    headers = dict(message.extra_headers)
    alternatives = getattr(message, "alternatives", [])
    return OutboundEmail(
        kind=kind,
        recipient=message.recipients()[0],
        customer_id=customer_id,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        subject=message.subject,
        body_text=message.body,
        body_html=next((content for content, mimetype in alternatives if mimetype == "text/html"), ""),
        message_id=headers.pop("Message-ID", "") or _message_id_new(kind),
        headers=headers,
        due_at=due_at,
        handed_out_at=handed_out_at,
    )


def outbound_email_queue(
    *,
    kind: str,
    message: EmailMessage,
    due_at: dt.datetime | None = None,
    send_on_commit: bool = True,
    customer_id: int | None = None,
) -> OutboundEmail:
    """Put one email in the outbox, in the caller's transaction; a worker sends it once that commits.

    `message` names exactly one recipient. A Message-ID header it carries is kept
    (a caller with its own stable id); otherwise one is made, and every try uses it.
    `customer_id`: the customer the email is to or about, if any (see OutboundEmail.customer).
    """
    now = timezone.now()
    due_at = due_at or now
    # Due now: the caller's commit (or the caller itself) gives it to a worker, not the sweep.
    outbound = _outbound_row(
        kind=kind,
        message=message,
        due_at=due_at,
        handed_out_at=now if due_at <= now else None,
        customer_id=customer_id,
    )
    outbound.save(force_insert=True)
    if send_on_commit:
        from apps.outbox.tasks import outbox_send_task

        transaction.on_commit(lambda: outbox_send_task.delay(message_ids=[outbound.pk]))
    return outbound


def outbound_emails_queue_many(
    *,
    kind: str,
    messages: list[EmailMessage],
    due_at: dt.datetime,
    customer_ids: list[int | None] | None = None,
) -> list[OutboundEmail]:
    """Put many emails of one kind in the outbox at once (one INSERT), in the caller's transaction.

    For a caller that sends them itself right away (a batch of invitations): nothing is
    given to a worker on commit, and the rows count as handed out, so the sweep takes
    them over only when the caller died before sending them (after OUTBOX_LEASE_SECONDS).
    `customer_ids`, in the order of `messages`: whom each email is to or about.
    """
    now = timezone.now()
    customer_ids = customer_ids if customer_ids is not None else [None] * len(messages)
    if len(customer_ids) != len(messages):
        raise ValueError("One customer id (or None) per message.")
    rows = [
        _outbound_row(kind=kind, message=message, due_at=due_at, handed_out_at=now, customer_id=customer_id)
        for message, customer_id in zip(messages, customer_ids, strict=True)
    ]
    return OutboundEmail.objects.bulk_create(rows)


@dataclass(frozen=True)
class TextMessage:
    """One text message to queue: the phone (E.164), the text, the sender the phone shows."""

    recipient: str
    text: str
    sender: str
    # Where the provider reports delivery (the company's address, apps.outbox.webhooks); "" for none.
    status_url: str = ""
    customer_id: int | None = None


def _outbound_sms_row(
    *, kind: str, message: TextMessage, due_at: dt.datetime, handed_out_at: dt.datetime | None
) -> OutboundEmail:
    if not message.recipient.startswith("+") or not message.text.strip():
        raise ValueError("A text message has a phone number in E.164 form and a text.")
    return OutboundEmail(
        kind=kind,
        channel=OutboundChannel.SMS,
        recipient=message.recipient,
        customer_id=message.customer_id,
        from_email=message.sender,
        subject="",
        body_text=message.text,
        # The client reference the provider echoes in its reports: short, and unique across companies.
        message_id=f"sms.{uuid.uuid4().hex}",
        headers={"status_url": message.status_url} if message.status_url else {},
        due_at=due_at,
        handed_out_at=handed_out_at,
    )


def outbound_sms_queue(
    *, kind: str, message: TextMessage, due_at: dt.datetime | None = None, send_on_commit: bool = True
) -> OutboundEmail:
    """Put one text message in the outbox, in the caller's transaction; a worker sends it once that commits."""
    now = timezone.now()
    due_at = due_at or now
    handed_out_at = now if due_at <= now else None
    outbound = _outbound_sms_row(kind=kind, message=message, due_at=due_at, handed_out_at=handed_out_at)
    outbound.save(force_insert=True)
    if send_on_commit:
        from apps.outbox.tasks import outbox_send_task

        transaction.on_commit(lambda: outbox_send_task.delay(message_ids=[outbound.pk]))
    return outbound


def outbound_sms_queue_many(*, kind: str, messages: list[TextMessage], due_at: dt.datetime) -> list[OutboundEmail]:
    """Many text messages of one kind at once, for a caller that sends them itself (see outbound_emails_queue_many)."""
    now = timezone.now()
    rows = [_outbound_sms_row(kind=kind, message=message, due_at=due_at, handed_out_at=now) for message in messages]
    return OutboundEmail.objects.bulk_create(rows)


def outbound_webhook_queue(
    *,
    kind: str,
    recipient: str,
    body: str,
    webhook_id: str,
    message_id: str,
    due_at: dt.datetime | None = None,
    send_on_commit: bool = True,
) -> OutboundEmail:
    """Put one webhook call in the outbox, in the caller's transaction; a worker sends it once that commits.

    `recipient`: a name people read in the logs (the URL and secret come from the kind's
    `webhook_target` at each try). `webhook_id`: the id the receiver deduplicates by, the same on
    every try; `message_id`: unique for this row (one event goes to many destinations, and again
    on a replay). `body`: the JSON text, sent byte for byte as signed.
    """
    now = timezone.now()
    due_at = due_at or now
    if not webhook_id or not body.strip():
        raise ValueError("A webhook has an id and a body.")
    outbound = OutboundEmail(
        kind=kind,
        channel=OutboundChannel.WEBHOOK,
        recipient=recipient[:254],
        from_email="",
        subject="",
        body_text=body,
        message_id=message_id,
        headers={"webhook_id": webhook_id},
        due_at=due_at,
        handed_out_at=now if due_at <= now else None,
    )
    outbound.save(force_insert=True)
    if send_on_commit:
        from apps.outbox.tasks import outbox_send_task

        transaction.on_commit(lambda: outbox_send_task.delay(message_ids=[outbound.pk]))
    return outbound


def _as_sms(outbound: OutboundEmail) -> SmsMessage:
    return SmsMessage(
        recipient=outbound.recipient,
        text=outbound.body_text,
        sender=outbound.from_email,
        reference=outbound.message_id,
        status_url=outbound.headers.get("status_url", ""),
    )


def _transmit(outbound: OutboundEmail, *, kind: OutboxKind, line: "_Line | None", now: dt.datetime) -> dict:
    """Hand the message to the mail server, the SMS provider or the webhook's receiver; returns the
    fields to mark on the sent row (the provider's id, the receiver's status)."""
    if outbound.channel == OutboundChannel.SMS:
        return {"provider_ref": sms_backend_get().send(_as_sms(outbound))[:64]}
    if outbound.channel == OutboundChannel.WEBHOOK:
        target = kind.webhook_target(outbound) if kind.webhook_target else None
        if target is None:
            raise WebhookRejectedError("the webhook's destination no longer exists")
        code = webhook_post(target=target, webhook_id=outbound.headers["webhook_id"], body=outbound.body_text, at=now)
        return {"response_code": code}
    if line is None:
        _as_email(outbound, connection=None).send()
    else:
        line.send(_as_email(outbound, connection=None))
    return {}


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


class _Line:
    """One connection to the mail server for a whole batch, opened once and reopened after it broke.

    Without a line (`connection` None) each message opens and closes its own connection.
    """

    def __init__(self) -> None:
        self.connection = get_connection()
        self.is_open = False
        self.opened = 0

    def send(self, email: EmailMultiAlternatives) -> None:
        for attempt in (1, 2):
            if not self.is_open:
                self.connection.open()
                self.is_open = True
                self.opened += 1
            email.connection = self.connection
            try:
                email.send()
                return
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                # The server closed an idle connection, or the line broke: once more on a new one.
                self.close()
                if attempt == 2:
                    raise
            except Exception:
                # Whatever state the dialogue was left in, the next message starts on a clean connection.
                self.close()
                raise

    def close(self) -> None:
        if self.is_open:
            try:
                self.connection.close()
            except Exception:  # a broken connection may fail to say goodbye
                logger.debug("closing a broken mail connection failed", exc_info=True)
            self.is_open = False


def _claim(message_ids: list[int], *, now: dt.datetime) -> list[OutboundEmail]:
    """Claim the claimable ones of `message_ids` with one lease (one conditional UPDATE); returns them in order.

    The lease's end identifies this claim: the row is marked sent only while it still holds it.
    """
    lease_until = now + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = (
        OutboundEmail.objects.filter(pk__in=message_ids)
        .filter(outbound_claimable_q(now))
        .update(status=OutboundStatus.SENDING, lease_until=lease_until, attempts=F("attempts") + 1)
    )
    if not claimed:
        return []
    rows = {
        outbound.pk: outbound
        for outbound in OutboundEmail.objects.filter(
            pk__in=message_ids, status=OutboundStatus.SENDING, lease_until=lease_until
        )
    }
    return [rows[pk] for pk in message_ids if pk in rows]


def outbound_email_deliver(
    *, message_id: int, connection: BaseEmailBackend | None = None, now: dt.datetime | None = None
) -> str:
    """Send one message if this call can claim it. Returns what happened, for logs and tests."""
    now = now or timezone.now()
    claimed = _claim([message_id], now=now)
    if not claimed:
        return "not_claimed"
    return _claimed_deliver(claimed[0], line=None, now=now, checked=False)


def _claimed_deliver(outbound: OutboundEmail, *, line: _Line | None, now: dt.datetime, checked: bool) -> str:
    """Send a message this worker holds the lease of, and mark how it ended.

    `checked`: the caller asked the kind's own questions a moment ago (the survey's
    hand-over), so `before_send` is not asked again on this first try.
    """
    kind = outbox_kind(outbound.kind)
    lease_until = outbound.lease_until

    decision = kind.before_send(outbound, now) if kind.before_send and not checked else None
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
        transmitted = _transmit(outbound, kind=kind, line=line, now=now)
    except (smtplib.SMTPRecipientsRefused, AnymailRecipientsRefused, SmsRejectedError, WebhookRejectedError) as error:
        return _failed(outbound, kind=kind, error=error, permanent=True, now=now)
    except smtplib.SMTPResponseException as error:
        return _failed(outbound, kind=kind, error=error, permanent=500 <= error.smtp_code < 600, now=now)
    except (smtplib.SMTPException, AnymailError, OSError, SmsTemporaryError, WebhookTemporaryError) as error:
        return _failed(outbound, kind=kind, error=error, permanent=False, now=now)

    with transaction.atomic():
        sent = {"status": OutboundStatus.SENT, "sent_at": now, "last_error": "", "lease_until": None}
        sent.update({name: value for name, value in transmitted.items() if value})
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
    # A webhook's receiver answered with this status (none when it did not answer at all).
    answered = (
        {"response_code": getattr(error, "status_code", None)} if outbound.channel == OutboundChannel.WEBHOOK else {}
    )
    if next_try is not None:
        logger.warning("outbound email %s failed (attempt %s), retrying: %s", outbound.pk, outbound.attempts, message)
        _finish(
            outbound, status=OutboundStatus.QUEUED, due_at=next_try, last_error=message, handed_out_at=None, **answered
        )
        return "retry"
    logger.error("outbound email %s failed for good: %s", outbound.pk, message)
    with transaction.atomic():
        _finish(outbound, status=OutboundStatus.FAILED, last_error=message, **answered)
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


# Messages claimed (and counted against the send rate) at a time within a batch: few enough that
# the lease is not spent waiting for the rate, and a worker killed mid-chunk leaves only these held.
CLAIM_CHUNK = 10


def _chunks_by_channel(ids: list[int]) -> list[tuple[str, list[int]]]:
    """The batch in chunks of one channel each, the emails first, each in the batch's order.

    Each channel has its provider's rate (apps/outbox/rate.py): a chunk waits for its own
    channel's turn only, and the emails of a batch never wait behind its text messages.
    """
    channels = dict(OutboundEmail.objects.filter(pk__in=ids).values_list("pk", "channel"))
    chunks = []
    # Every channel, the emails first: a channel left out here would never be sent from a batch.
    for channel in (OutboundChannel.EMAIL, *(other for other in OutboundChannel if other != OutboundChannel.EMAIL)):
        # A row gone from the table (erased) is still offered to the claim, which counts it not claimed.
        of_channel = [pk for pk in ids if channels.get(pk, OutboundChannel.EMAIL) == channel]
        chunks += [
            (channel, of_channel[start : start + CLAIM_CHUNK]) for start in range(0, len(of_channel), CLAIM_CHUNK)
        ]
    return chunks


def outbound_emails_deliver(
    *, message_ids: Iterable[int], checked: bool = False, now: dt.datetime | None = None
) -> dict[str, int]:
    """Send a batch over one connection to the mail server, at the provider's rate; returns how many ended
    each way.

    Each message is claimed with a lease (a chunk at a time, just before its turn at its channel's
    rate; the emails first, then the text messages) and marked
    sent on its own, so a worker killed mid-batch sends again at most the message on the wire.
    A message that fails is retried or given up on its own; the others go on (on a fresh
    connection). `checked`: see `_claimed_deliver`. `now` (tests) stands for the clock of every chunk.
    """
    results: dict[str, int] = {}
    ids = list(message_ids)
    line = _Line()
    try:
        for channel, chunk in _chunks_by_channel(ids):
            if channel != OutboundChannel.EMAIL:
                line.close()  # the emails are done: the mail server need not wait on the other channels
            send_turn_take(len(chunk), channel=channel)
            chunk_now = now or timezone.now()
            claimed = _claim(chunk, now=chunk_now)
            if len(claimed) < len(chunk):
                results["not_claimed"] = results.get("not_claimed", 0) + len(chunk) - len(claimed)
            for outbound in claimed:
                result = _claimed_deliver(outbound, line=line, now=chunk_now, checked=checked)
                results[result] = results.get(result, 0) + 1
    finally:
        line.close()
    if line.opened > 1:
        logger.info("a batch of %s emails opened %s connections to the mail server", len(ids), line.opened)
    return results


@transaction.atomic
def outbound_email_requeue(*, outbound: OutboundEmail, now: dt.datetime | None = None) -> OutboundEmail:
    """Send a dead (failed) message again, from a company admin's hand; its tries start over."""
    now = now or timezone.now()
    if not OutboundEmail.objects.filter(pk=outbound.pk).exclude(recipient="").exists():
        # Retention (OUTBOUND_EMAIL_BODY_TTL) removed its recipient and text: there is nothing left to send.
        raise DomainError(
            _("This message's recipient and text have been deleted; it cannot be sent again."), code="deleted"
        )
    requeued = OutboundEmail.objects.filter(pk=outbound.pk, status=OutboundStatus.FAILED).update(
        status=OutboundStatus.QUEUED, due_at=now, attempts=0, handed_out_at=now
    )
    if not requeued:
        raise DomainError(_("Only a failed message can be sent again."), code="invalid_status")
    from apps.outbox.tasks import outbox_send_task

    transaction.on_commit(lambda: outbox_send_task.delay(message_ids=[outbound.pk]))
    outbound.refresh_from_db()
    return outbound


# GatewayAPI's delivery states (https://gatewayapi.com/docs/): what each says of the message's fate.
_PROVIDER_STATES = {
    "DELIVERED": DeliveryStatus.DELIVERED,
    "EXPIRED": DeliveryStatus.UNDELIVERED,
    "DELETED": DeliveryStatus.UNDELIVERED,
    "UNDELIVERABLE": DeliveryStatus.UNDELIVERED,
    "REJECTED": DeliveryStatus.UNDELIVERED,
    "SKIPPED": DeliveryStatus.UNDELIVERED,
}


def outbound_sms_report_record(
    *, provider_ref: str, reference: str, state: str, detail: str = "", at: dt.datetime | None = None
) -> bool:
    """Record a provider's delivery report on its message (found by our reference, else the provider's id).

    Reports may come twice or out of order: a final state (delivered, not delivered) is not
    overwritten by a later "on its way". Returns False when no message of this company matches.
    """
    at = at or timezone.now()
    status = _PROVIDER_STATES.get(state.upper(), DeliveryStatus.PENDING)
    sms = OutboundEmail.objects.filter(channel=OutboundChannel.SMS)
    if reference:
        target = sms.filter(message_id=reference)
    elif provider_ref:
        target = sms.filter(provider_ref=provider_ref)
    else:
        return False
    if not target.exists():
        return False
    if status == DeliveryStatus.PENDING:
        target = target.exclude(delivery_status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED])
    fields: dict[str, object] = {"delivery_status": status, "delivery_detail": detail[:200]}
    if status == DeliveryStatus.DELIVERED:
        fields["delivered_at"] = at
    if provider_ref:
        fields["provider_ref"] = provider_ref[:64]
    target.update(**fields)
    return True
