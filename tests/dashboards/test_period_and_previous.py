"""The dashboard's one read of daily scores gives the figures of scores_total and scores_series exactly."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.dashboards.selectors.common import period_and_previous
from apps.metrics.selectors import MetricFilter, scores_series, scores_total
from tests.dashboards.test_views import world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("days", "interval"), [(7, "day"), (30, "day"), (90, "week"), (365, "month")])
def test_totals_and_points_equal_the_metrics_reads(world: dict[str, Any], days: int, interval: str) -> None:  # noqa: F811
    today = timezone.localdate()
    for filters in (
        MetricFilter(start=today - dt.timedelta(days=days - 1), end=today),
        MetricFilter(start=today - dt.timedelta(days=days + 2), end=today - dt.timedelta(days=3)),
        MetricFilter(start=today - dt.timedelta(days=days - 1), end=today, path_id=world["path"].pk),
        MetricFilter(start=today - dt.timedelta(days=days - 1), end=today, touchpoint_id=world["leaving"].pk),
    ):
        total, previous, points = period_and_previous(filters=filters, interval=interval)
        assert total == scores_total(filters=filters)
        assert total.responses > 0
        assert previous == scores_total(filters=filters.shifted(days=-filters.days))
        expected = [(point.period_start, point.scores) for point in scores_series(filters=filters, interval=interval)]
        if interval == "week" and (expected[1][0] - filters.start).days < 4:
            # A first week with fewer than four days of the period is part of the next one.
            expected = [(expected[1][0], expected[0][1] + expected[1][1]), *expected[2:]]
        assert points == expected
