"""Roll-up tables: survey and encounter counts per day, week and month, kept current from the raw rows.

A dashboard reads these sums instead of the raw answers, so its cost follows the
number of periods, touchpoints, personas, segments and employees, not the number of
answers. Every number is an additive count (or an exact decimal sum), so a week, a
month, a stage or a path is a plain SUM over the rows.

Two tables: `DailyRollup` holds a row per day and bucket; `PeriodRollup` holds the
same buckets summed over whole ISO weeks and calendar months, so that a 90-day view
reads about a dozen periods instead of ninety days. The grains without a touchpoint
(the company, persona and segment, employee) are sums of the touchpoint grains, for
views that are not narrowed to a place: they read one row per period instead of one
per touchpoint. The touchpoint and employee grains have twins that are also broken
down by location, read by the views cut by a location or a region; the plain grains
stay as they were, so a view of the whole company reads no more rows than before.
Persona and segment are not kept per location (see docs/league-tables.md).

The dimension columns are plain integers, not foreign keys: the table is derived
data, rebuilt from the source rows (see `rollup.py`), and must never hold up the
deletion of a persona or a segment.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    """Which dimensions a row is broken down by (besides its day or period)."""

    # Computed from the source rows (rollup.py).
    TOUCHPOINT = "tp", _("Touchpoint")
    AUDIENCE = "aud", _("Touchpoint, persona and segment")
    STAFF = "staff", _("Touchpoint and employee")
    # Touchpoint and employee again, also by the location of the answer's encounter (rollup.py). Not
    # persona and segment: that product with the locations would keep about a row per answer.
    TOUCHPOINT_LOCATION = "tpl", _("Touchpoint and location")
    STAFF_LOCATION = "stfl", _("Touchpoint, employee and location")
    # Sums of the grains above over every touchpoint (rollup.py, DERIVED_GRAINS).
    COMPANY = "co", _("Whole company")
    PERSONA_SEGMENT = "ps", _("Persona and segment")
    EMPLOYEE = "emp", _("Employee")
    LOCATION = "loc", _("Location")
    EMPLOYEE_LOCATION = "empl", _("Employee and location")


class Span(models.TextChoices):
    """How long a period roll-up row is."""

    WEEK = "week", _("ISO week")
    MONTH = "month", _("Month")


class RollupBucket(models.Model):
    """The dimensions and the additive measures of one roll-up row."""

    grain = models.CharField(max_length=5, choices=Grain.choices)
    # Null: not tied to one (an answer to a send-out, a customer without a persona, ...).
    touchpoint_id = models.IntegerField(null=True)
    persona_id = models.IntegerField(null=True)
    segment_id = models.IntegerField(null=True)
    employee_id = models.IntegerField(null=True)
    # The location of the encounter an answer follows (null: none, or not a location grain). Only the
    # location is kept: a region is resolved when a view is read, so moving a location to another
    # region needs no recompute.
    location_id = models.IntegerField(null=True)

    # Encounters, on the day they happened; the staff's reading of the customer's feeling.
    encounters = models.IntegerField(default=0)
    encounters_raised = models.IntegerField(default=0)
    peak_feel_n = models.IntegerField(default=0)
    peak_feel_sum = models.IntegerField(default=0)
    end_feel_n = models.IntegerField(default=0)
    end_feel_sum = models.IntegerField(default=0)
    # Invitations, on the day they were delivered; answered counts that cohort's answers.
    invitations_delivered = models.IntegerField(default=0)
    invitations_answered = models.IntegerField(default=0)
    # Responses, on the day they were submitted.
    responses = models.IntegerField(default=0)
    nps_n = models.IntegerField(default=0)
    nps_promoters = models.IntegerField(default=0)
    nps_detractors = models.IntegerField(default=0)
    csat_n = models.IntegerField(default=0)
    csat_satisfied = models.IntegerField(default=0)
    ces_n = models.IntegerField(default=0)
    ces_sum = models.IntegerField(default=0)
    ces_easy = models.IntegerField(default=0)
    # The customer's own answer on the staff's -2..+2 feeling scale (see formulas.customer_feeling).
    feel_n = models.IntegerField(default=0)
    feel_sum = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    # Perception gap: answers to an encounter whose end feeling the employee recorded.
    gap_n = models.IntegerField(default=0)
    gap_staff_sum = models.IntegerField(default=0)
    gap_customer_sum = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    gap_over = models.IntegerField(default=0)
    gap_under = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyRollup(RollupBucket):
    day = models.DateField()

    class Meta:
        verbose_name = _("daily roll-up")
        verbose_name_plural = _("daily roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "touchpoint_id", "persona_id", "segment_id", "employee_id", "location_id"],
                name="rollup_bucket_unique",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["grain", "day"], name="rollup_grain_day"),
            models.Index(fields=["touchpoint_id", "day"], name="rollup_touchpoint_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grain} touchpoint {self.touchpoint_id}"


class PeriodRollup(RollupBucket):
    """The daily rows of a whole ISO week or calendar month, summed: derived from `DailyRollup` only."""

    span = models.CharField(max_length=5, choices=Span.choices)
    # The period's first day: a Monday for a week, the 1st for a month.
    day = models.DateField()

    class Meta:
        verbose_name = _("period roll-up")
        verbose_name_plural = _("period roll-ups")
        constraints = [
            # Also the index of the reads: grain, span and the periods' first days.
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "span",
                    "day",
                    "touchpoint_id",
                    "persona_id",
                    "segment_id",
                    "employee_id",
                    "location_id",
                ],
                name="period_rollup_bucket_unique",
                nulls_distinct=False,
            )
        ]
        # The refresh rewrites whole weeks and months, of every grain.
        indexes = [models.Index(fields=["span", "day"], name="period_rollup_span_day")]

    def __str__(self) -> str:
        return f"{self.span} of {self.day} {self.grain} touchpoint {self.touchpoint_id}"


class DirtyMark(models.Model):
    """A source row changed: the (touchpoint, day) bucket it falls in must be recomputed.

    Written by database triggers (migration 0002) on encounters, invitations,
    responses, answers and customers, so no write path, bulk import or admin edit
    can forget it. The local day is worked out when the mark is processed, in the
    company's time zone.
    """

    id = models.BigAutoField(primary_key=True)
    touchpoint_id = models.IntegerField(null=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("pending roll-up change")
        verbose_name_plural = _("pending roll-up changes")

    def __str__(self) -> str:
        return f"touchpoint {self.touchpoint_id} at {self.at}"


class RecomputeRun(models.Model):
    """One full recompute of a company's roll-ups: when, how long, how many rows."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.IntegerField(default=0)
    trigger = models.CharField(max_length=16)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("full recompute")
        verbose_name_plural = _("full recomputes")

    def __str__(self) -> str:
        return f"{self.trigger} {self.started_at}"
