"""The period a dashboard shows, and its arithmetic: preset periods to dates, the chart interval
that suits its length, and the period in words. No forms and no queries, so the selectors and the
filter form both build on it."""

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format

from apps.metrics.selectors import MetricFilter

DEFAULT_PERIOD = "90"
MAX_CUSTOM_DAYS = 3 * 366
# The interval of a chart follows the length of the period, so a chart has 5 to 60 points.
DAY_INTERVAL_MAX_DAYS = 31
WEEK_INTERVAL_MAX_DAYS = 182


def interval_for(*, days: int) -> str:
    if days <= DAY_INTERVAL_MAX_DAYS:
        return "day"
    if days <= WEEK_INTERVAL_MAX_DAYS:
        return "week"
    return "month"


@dataclass(frozen=True)
class Period:
    """What the page shows: the metric filter, the chart interval and the period in words."""

    filters: MetricFilter
    interval: str
    label: str

    @property
    def previous(self) -> MetricFilter:
        """The period of the same length just before, for the deltas."""
        return self.filters.shifted(days=-self.filters.days)


def period_label(*, start: dt.date, end: dt.date) -> str:
    return f"{date_format(start, 'SHORT_DATE_FORMAT')}\u2013{date_format(end, 'SHORT_DATE_FORMAT')}"


def period_dates(*, preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of a preset period ending today: "year" (since New Year) or a number
    of days ("30", "90", "365")."""
    if preset == "year":
        return today.replace(month=1, day=1), today
    days = int(preset)
    return today - dt.timedelta(days=days - 1), today


def period_of(*, filters: MetricFilter) -> Period:
    """The period `filters` covers, with the chart interval that suits its length."""
    return Period(
        filters=filters,
        interval=interval_for(days=filters.days),
        label=period_label(start=filters.start, end=filters.end),
    )
