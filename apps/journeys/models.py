"""Service-path maps: a path has ordered stages, a stage has ordered touchpoints.

Positions are 0-based and dense within their parent; only the services in
apps/journeys/services/ change them. The unique constraints are deferred to the
end of the transaction so that a reorder may pass through duplicate positions.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Deferrable, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

EMOTION_MIN = -2
EMOTION_MAX = 2
NPS_MIN = -100
NPS_MAX = 100


# The planned-emotion scale, from the top of the curve to the bottom.
EMOTION_CHOICES = [
    (2, _("Delighted")),
    (1, _("Pleased")),
    (0, _("Neutral")),
    (-1, _("Annoyed")),
    (-2, _("Frustrated")),
]


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    STORE = "store", _("On site")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    OTHER = "other", _("Other")


class ServicePath(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("service path")
        verbose_name_plural = _("service paths")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Stage(TimeStampedModel):
    path = models.ForeignKey(
        ServicePath, verbose_name=_("service path"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"))

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["path_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["path", "position"], name="journeys_stage_position_unique", deferrable=Deferrable.DEFERRED
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Touchpoint(TimeStampedModel):
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="touchpoints")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=160)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.OTHER)
    customer_does = models.TextField(_("customer does"), blank=True)
    customer_thinks = models.TextField(_("customer thinks"), blank=True)
    customer_feels = models.TextField(_("customer feels"), blank=True)
    intended_experience = models.TextField(
        _("intended experience"), blank=True, help_text=_("What good looks like at this touchpoint.")
    )
    planned_emotion = models.SmallIntegerField(
        _("planned emotion"),
        default=0,
        validators=[MinValueValidator(EMOTION_MIN), MaxValueValidator(EMOTION_MAX)],
        help_text=_("How we want the customer to feel here, from -2 (very bad) to +2 (delighted)."),
    )
    is_peak = models.BooleanField(
        _("peak moment"), default=False, help_text=_("One of the most intense moments of the path.")
    )
    is_end = models.BooleanField(
        _("end moment"), default=False, help_text=_("The moment the path ends for the customer.")
    )
    target_nps = models.SmallIntegerField(
        _("target NPS"),
        null=True,
        blank=True,
        validators=[MinValueValidator(NPS_MIN), MaxValueValidator(NPS_MAX)],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_touchpoints",
    )
    backup_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("backup owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="backup_touchpoints",
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["stage__path_id", "stage__position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "position"], name="journeys_touchpoint_position_unique", deferrable=Deferrable.DEFERRED
            ),
            models.CheckConstraint(
                condition=Q(planned_emotion__gte=EMOTION_MIN) & Q(planned_emotion__lte=EMOTION_MAX),
                name="journeys_touchpoint_emotion_range",
            ),
            models.CheckConstraint(
                condition=Q(target_nps__isnull=True) | (Q(target_nps__gte=NPS_MIN) & Q(target_nps__lte=NPS_MAX)),
                name="journeys_touchpoint_target_nps_range",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(backup_owner__isnull=True) | ~Q(owner=models.F("backup_owner")),
                name="journeys_touchpoint_backup_not_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OwnershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    BACKUP = "backup", _("Backup")


class OwnershipChange(models.Model):
    """One change of a touchpoint's owner or backup: who changed it, when, from whom, to whom.

    Rows are written only by the ownership services, in the same transaction as the
    change, and never edited. The touchpoint's name is kept so the row still reads
    well after the touchpoint is deleted.
    """

    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="ownership_changes",
    )
    touchpoint_name = models.CharField(_("touchpoint name"), max_length=160)
    path_name = models.CharField(_("service path name"), max_length=200)
    role = models.CharField(_("role"), max_length=8, choices=OwnershipRole.choices)
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("from"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.touchpoint_name}: {self.from_owner} -> {self.to_owner}"
