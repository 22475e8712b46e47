"""Answers at the point of service: open links on posters (QR code and short link) and kiosks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class OpenLink(TimeStampedModel):
    """The open survey link of a touchpoint, at one location or anywhere: what a poster's QR code opens."""

    code = models.CharField(_("short code"), max_length=16, unique=True, editable=False)
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint", on_delete=models.CASCADE, related_name="open_links", verbose_name=_("touchpoint")
    )
    location = models.ForeignKey(
        "locations.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="open_links",
        verbose_name=_("location"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("open survey link")
        verbose_name_plural = _("open survey links")
        ordering = ["touchpoint__name", "location__name"]
        constraints = [
            # One link per touchpoint and place, so a reprinted poster carries the same code.
            models.UniqueConstraint(
                fields=["touchpoint", "location"], nulls_distinct=False, name="open_link_touchpoint_location_unique"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @classmethod
    def location_scope_q(cls, location_ids: frozenset[int]) -> Q:
        """For apps.accounts.scope: a link is at its location; an "any location" link is no scoped manager's."""
        return Q(location_id__in=location_ids)


class KioskDevice(TimeStampedModel):
    """A tablet at a counter that shows one touchpoint's survey. It signs in with its own key, not a
    person's session: the key is given once, through a one-time pairing link, and only hashes are kept."""

    name = models.CharField(_("name"), max_length=100)
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint", on_delete=models.CASCADE, related_name="kiosks", verbose_name=_("touchpoint")
    )
    location = models.ForeignKey(
        "locations.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kiosks",
        verbose_name=_("location"),
    )
    pairing_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    pairing_expires_at = models.DateTimeField(null=True, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    paired_at = models.DateTimeField(_("paired"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    idle_reset_seconds = models.PositiveSmallIntegerField(_("start over after idle (seconds)"), default=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def location_scope_q(cls, location_ids: frozenset[int]) -> Q:
        """For apps.accounts.scope: a kiosk is at its location; one with none is no scoped manager's."""
        return Q(location_id__in=location_ids)


class PointAnswer(models.Model):
    """Where a point-of-service answer came from, for the limits and the burst count.

    No address is stored: `address_hash` is the client address hashed with a salt that
    lives one day in the cache and is then forgotten, so the hashes of one day can be
    compared with each other and with nothing else.
    """

    response = models.OneToOneField("surveys.Response", on_delete=models.CASCADE, related_name="point_answer")
    open_link = models.ForeignKey(OpenLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers")
    kiosk = models.ForeignKey(KioskDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers")
    touchpoint = models.ForeignKey("journeys.Touchpoint", on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(
        "locations.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address_hash = models.CharField(max_length=64, blank=True)
    device_hash = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["open_link", "address_hash", "submitted_at"], name="point_answer_link_address"),
            models.Index(fields=["open_link", "device_hash", "submitted_at"], name="point_answer_link_device"),
            models.Index(fields=["kiosk", "submitted_at"], name="point_answer_kiosk_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(open_link__isnull=True) | Q(kiosk__isnull=True), name="point_answer_one_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.touchpoint_id} · {self.submitted_at:%Y-%m-%d %H:%M}"

    @classmethod
    def location_scope_q(cls, location_ids: frozenset[int]) -> Q:
        """For apps.accounts.scope: an answer is where its link or kiosk stood."""
        return Q(location_id__in=location_ids)
