"""The weekly leadership digest: who asked for it, and which weeks' emails are claimed and sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestSubscription(models.Model):
    """A manager's or admin's own choice about the Monday email. Without a row the digest is on (the
    default for everyone who sees the dashboards); `subscribed=False` is an opt-out that stays."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="digest_subscription"
    )
    subscribed = models.BooleanField(_("subscribed"), default=True)
    created_at = models.DateTimeField(_("subscribed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")

    def __str__(self) -> str:
        return str(self.user)


class DigestDelivery(models.Model):
    """One user's digest of one week. The row is the claim (one per user and week); sent_at, the send."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    week_start = models.DateField(_("week starting"))
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [models.UniqueConstraint(fields=["user", "week_start"], name="digest_delivery_user_week")]

    def __str__(self) -> str:
        return f"{self.user} {self.week_start}"


class DigestManualSend(models.Model):
    """One click of "send now" on the digest page. The key comes with the form, so a second POST of the
    same form (a double click, a resent request) finds its row and sends nothing more."""

    key = models.CharField(_("request key"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="digest_manual_sends"
    )
    week_start = models.DateField(_("week starting"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent by hand")
        verbose_name_plural = _("digests sent by hand")

    def __str__(self) -> str:
        return f"{self.user} {self.week_start}"


class DashboardShareLink(models.Model):
    """A read-only link to the company dashboard for a period and cut, for people without an account.

    Only the SHA-256 of the token is kept (the link is shown once, when made). The view is frozen when
    the link is made: the filters (`query`) and the creator's location scope (`scope_location_ids`,
    null: the whole company), so a link never shows more than its creator could see then."""

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="dashboard_share_links",
    )
    query = models.CharField(_("filters"), max_length=500, blank=True)
    cut = models.CharField(_("filters in words"), max_length=300, blank=True)
    scope_location_ids = models.JSONField(_("location scope"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shared dashboard link")
        verbose_name_plural = _("shared dashboard links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_by} {self.created_at:%Y-%m-%d}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class DigestExternalRecipient(models.Model):
    """An address outside the company's accounts (a board member, a partner) that gets the company-wide
    digest. Staff or partner addresses, not customers (docs/personal-data.md); removing the row erases it."""

    email = models.EmailField(_("email"), unique=True)
    # The language the digest is written in; blank: the company's.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest recipient without an account")
        verbose_name_plural = _("digest recipients without an account")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class DigestExternalDelivery(models.Model):
    """One external recipient's digest of one week: the row is the claim, sent_at the send."""

    recipient = models.ForeignKey(
        DigestExternalRecipient, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="deliveries"
    )
    week_start = models.DateField(_("week starting"))
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest delivery without an account")
        verbose_name_plural = _("digest deliveries without an account")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "week_start"], name="digest_external_delivery_week")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.week_start}"


class DigestListSend(models.Model):
    """One click of "send now to the list": this week's digest to every subscribed address without an
    account. The key comes with the confirmation form, so a second POST of it (a double click, a resent
    request, a second click while the first is still sending) finds its row and sends nothing more."""

    key = models.CharField(_("request key"), max_length=64, unique=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_list_sends",
    )
    week_start = models.DateField(_("week starting"))
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent to the list by hand")
        verbose_name_plural = _("digests sent to the list by hand")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.week_start} ({self.recipient_count})"
