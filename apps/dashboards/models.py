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
