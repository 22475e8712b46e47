"""The company's maturity thresholds and the daily snapshots that show its trend."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class MaturityLevel(models.IntegerChoices):
    AD_HOC = 1, _("Ad hoc")
    DESIGNED = 2, _("Designed")
    MANAGED = 3, _("Managed")


class MaturitySettings(models.Model):
    """One row per company: the evidence rule's thresholds (DOMAIN.md), editable by its admins."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    window_days = models.PositiveSmallIntegerField(
        _("measurement window (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text=_("Answers and follow-up cases of this many days count as evidence."),
    )
    min_answers = models.PositiveSmallIntegerField(
        _("answers needed"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
        help_text=_("A touchpoint counts as measured with at least this many answers in the window."),
    )
    max_overdue_cases = models.PositiveSmallIntegerField(
        _("late follow-up cases allowed"),
        default=0,
        validators=[MaxValueValidator(1000)],
        help_text=_(
            "A managed touchpoint contacts the customers of its poor answers by the due time: at most this many "
            "late cases opened in the window."
        ),
    )
    rollup_share_percent = models.PositiveSmallIntegerField(
        _("share of encounters for a path's level (%)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A path or the company is at the highest level that at least this share of encounters reaches."),
    )

    class Meta:
        verbose_name = _("maturity settings")
        verbose_name_plural = _("maturity settings")

    def __str__(self) -> str:
        return str(_("Maturity settings"))


class MaturitySnapshot(models.Model):
    """The level and its distribution on one day, for the company (path_id null) or one path."""

    taken_on = models.DateField(db_index=True)
    path_id = models.IntegerField(null=True)
    level = models.PositiveSmallIntegerField(choices=MaturityLevel.choices)
    share_ad_hoc = models.DecimalField(max_digits=4, decimal_places=1)
    share_designed = models.DecimalField(max_digits=4, decimal_places=1)
    share_managed = models.DecimalField(max_digits=4, decimal_places=1)
    weighted_by = models.CharField(max_length=12)
    touchpoints = models.PositiveIntegerField(default=0)
    encounters = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["taken_on"]
        verbose_name = _("maturity snapshot")
        verbose_name_plural = _("maturity snapshots")
        constraints = [
            models.UniqueConstraint(fields=["taken_on", "path_id"], name="maturity_snapshot_day", nulls_distinct=False)
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} {self.path_id or 'company'} {self.get_level_display()}"


class TouchpointLevel(models.Model):
    """A touchpoint's level on a snapshot day: what the weekly digest compares to see who moved."""

    taken_on = models.DateField(db_index=True)
    touchpoint_id = models.IntegerField()
    level = models.PositiveSmallIntegerField(choices=MaturityLevel.choices)

    class Meta:
        verbose_name = _("touchpoint level")
        verbose_name_plural = _("touchpoint levels")
        constraints = [
            models.UniqueConstraint(fields=["taken_on", "touchpoint_id"], name="touchpoint_level_day"),
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} touchpoint {self.touchpoint_id}: {self.level}"
