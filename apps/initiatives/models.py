"""An improvement a manager records, so that its effect can be measured on the same cut before and after."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

WINDOW_DAYS_MIN = 30
WINDOW_DAYS_MAX = 365
WINDOW_DAYS_DEFAULT = 90


class Initiative(TimeStampedModel):
    """What was changed, where and from when. Before = the `window_days` before `started_on`;
    after = `window_days` from `started_on` (up to yesterday while it is running)."""

    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("what was changed"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    touchpoints = models.ManyToManyField("journeys.Touchpoint", verbose_name=_("touchpoints"), related_name="+")
    # None chosen: every location (and answers without one).
    locations = models.ManyToManyField("locations.Location", verbose_name=_("locations"), related_name="+", blank=True)
    started_on = models.DateField(_("started on"))
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"),
        default=WINDOW_DAYS_DEFAULT,
        validators=[MinValueValidator(WINDOW_DAYS_MIN), MaxValueValidator(WINDOW_DAYS_MAX)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_days__gte=WINDOW_DAYS_MIN) & Q(window_days__lte=WINDOW_DAYS_MAX),
                name="initiative_window_days_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_on(self) -> dt.date:
        """The first day after the after-window."""
        return self.started_on + dt.timedelta(days=self.window_days)
