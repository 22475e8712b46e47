"""The one outbox: every email and text message that leaves a company is a row here before it is sent.

A domain action writes its email in the same transaction as the change it tells
about (a case assigned, an invitation due), so an email exists exactly when its
change committed. A worker then claims the row with a lease, sends it with the
row's stable Message-ID, and marks it sent; a failed try is retried with backoff,
and a message that cannot be delivered ends in the dead-letter state (failed),
where company admins see it and can send it again.

A text message (channel "sms") is a row of the same table, claimed, retried and
given up by the same code: only the last step, the hand-over to the provider,
differs (apps/outbox/sms_backends.py). For it the recipient is a phone number in
E.164 form, the sender the name the phone shows, the text the body, and the
Message-ID the client reference the provider echoes in its delivery reports.

A webhook (channel "webhook") is one too (apps/outbox/webhook_sending.py): the recipient is
a name for people to read, the text the JSON body, the headers hold the id the receiver
deduplicates by, and the receiver's HTTP status of the last try is kept.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutboundChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    """What the SMS provider last reported of a sent text message (blank: nothing yet, or an email)."""

    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")
    PENDING = "pending", _("On its way")


class OutboundEmail(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(
        _("channel"), max_length=8, choices=OutboundChannel.choices, default=OutboundChannel.EMAIL
    )
    status = models.CharField(_("status"), max_length=16, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED)
    recipient = models.CharField(_("recipient"), max_length=254)
    # The customer the email is to or about (a survey invitation, a case assigned), set by the
    # sender: erasure and the per-person export find a person's emails by it exactly.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_emails",
    )
    from_email = models.CharField(_("sender"), max_length=320)
    subject = models.CharField(_("subject"), max_length=500)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # Extra headers (List-Unsubscribe, Auto-Submitted, ...); the Message-ID has its own column.
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    due_at = models.DateTimeField(_("due"))
    lease_until = models.DateTimeField(null=True, blank=True)
    # When the message was last given to a worker's queue (see services.outbound_emails_hand_out).
    handed_out_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A text message: the provider's id for it, and what its delivery reports said last.
    provider_ref = models.CharField(_("provider's id"), max_length=64, blank=True)
    delivery_status = models.CharField(_("delivery"), max_length=16, choices=DeliveryStatus.choices, blank=True)
    delivery_detail = models.CharField(_("delivery detail"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # A webhook: the HTTP status the receiver answered the last try with (none: no answer, or not a webhook).
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status__in=["queued", "sending"]), name="outbound_pending"),
            models.Index(fields=["status", "-created_at"], name="outbound_status_created"),
            models.Index(fields=["provider_ref"], condition=~Q(provider_ref=""), name="outbound_provider_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
