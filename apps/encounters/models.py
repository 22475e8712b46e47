from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

FEELING_MIN, FEELING_MAX = -2, 2


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Unresolved")
    ESCALATED = "escalated", _("Escalated")


class Feeling(models.IntegerChoices):
    """How the customer seemed, on the same -2..+2 scale as a path's planned emotion."""

    VERY_BAD = -2, _("Very unhappy")
    BAD = -1, _("Unhappy")
    NEUTRAL = 0, _("Neutral")
    GOOD = 1, _("Happy")
    VERY_GOOD = 2, _("Delighted")


class EncounterSource(models.TextChoices):
    FRONTLINE = "frontline", _("Logged by staff")
    API = "api", _("Integration")


class Encounter(TimeStampedModel):
    """A real customer meeting that a frontline employee logged."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="encounters"
    )
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint", verbose_name=_("touchpoint"), on_delete=models.PROTECT, related_name="encounters"
    )
    # PROTECT: locations are archived, not deleted, so an encounter never silently loses its place
    # (SET_NULL would move it out of its location's figures). Null for encounters logged before
    # the company had locations, and for companies that have none.
    location = models.ForeignKey(
        "locations.Location",
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_encounters",
    )
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    peak_feeling = models.SmallIntegerField(
        _("feeling at the peak"),
        choices=Feeling.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(FEELING_MIN), MaxValueValidator(FEELING_MAX)],
    )
    end_feeling = models.SmallIntegerField(
        _("feeling at the end"),
        choices=Feeling.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(FEELING_MIN), MaxValueValidator(FEELING_MAX)],
    )
    note = models.TextField(_("note"), blank=True)
    raised_to_management = models.BooleanField(_("raised to management"), default=False)
    survey_agreed = models.BooleanField(_("agreed to a follow-up survey"), default=False)
    source = models.CharField(
        _("source"), max_length=16, choices=EncounterSource.choices, default=EncounterSource.FRONTLINE
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(peak_feeling__isnull=True) | Q(peak_feeling__gte=FEELING_MIN, peak_feeling__lte=FEELING_MAX)
                )
                & (Q(end_feeling__isnull=True) | Q(end_feeling__gte=FEELING_MIN, end_feeling__lte=FEELING_MAX)),
                name="encounter_feelings_in_range",
            ),
            # An integration may resend the same encounter: its id makes the write idempotent.
            models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""), name="encounter_external_id"),
        ]
        indexes = [
            models.Index(fields=["logged_by", "-occurred_at"], name="encounter_by_staff"),
            # The quick-log form's "recently used": the user's latest encounter at each touchpoint.
            models.Index(fields=["logged_by", "touchpoint", "-occurred_at"], name="encounter_by_staff_touchpoint"),
            models.Index(fields=["touchpoint", "-occurred_at"], name="encounter_by_touchpoint"),
            models.Index(fields=["customer", "-occurred_at"], name="encounter_by_customer"),
            # The form's remembered location, and later the cuts by location.
            models.Index(fields=["location", "-occurred_at"], name="encounter_by_location"),
            models.Index(fields=["-occurred_at"], condition=Q(raised_to_management=True), name="encounter_raised"),
        ]

    @classmethod
    def location_scope_q(cls, location_ids: frozenset[int]) -> Q:
        """For apps.accounts.scope: an encounter is where it happened; one with no location is no scoped
        manager's."""
        return Q(location_id__in=location_ids)

    def __str__(self) -> str:
        return f"{self.customer} · {self.touchpoint} · {self.occurred_at:%Y-%m-%d %H:%M}"
