"""Chart data built from scores: pure functions, no database."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import translation

from apps.dashboards.charts import TREND_FEW_ANSWERS, period_titles, score_trend_chart, volume_chart
from apps.dashboards.selectors import score_metrics
from apps.metrics.formulas import Scores

MONDAY = dt.date(2026, 8, 31)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The labels in English whatever an earlier test left active."""
    with translation.override("en"):
        yield


def test_a_point_from_too_few_answers_gets_no_margin_band_and_a_note() -> None:
    """One promoter in a two-day first week is NPS 100 with a margin of zero: drawn hollow, no band."""
    points = [
        (MONDAY - dt.timedelta(days=2), Scores(nps_n=1, nps_promoters=1)),
        (MONDAY, Scores(nps_n=40, nps_promoters=20, nps_detractors=8)),
        (MONDAY + dt.timedelta(days=7), Scores()),
    ]
    chart = score_trend_chart(dom_id="nps", metric=score_metrics()["nps"], points=points, interval="week")
    series = chart.data["series"][0]
    assert series["values"] == [100.0, 30.0, None]
    assert series["answers"] == [1, 40, 0]
    assert series["low"][0] is None and series["high"][0] is None
    assert series["low"][1] < 30 < series["high"][1]
    assert chart.data["few"] == TREND_FEW_ANSWERS
    assert "fewer than 5 answers" in chart.note
    assert chart.rows[0][2] == "\u2013"  # no margin in the table either


def test_no_note_when_every_point_has_enough_answers() -> None:
    points = [(MONDAY, Scores(csat_n=TREND_FEW_ANSWERS, csat_satisfied=3))]
    chart = score_trend_chart(dom_id="csat", metric=score_metrics()["csat"], points=points, interval="week")
    assert chart.note == ""
    assert "low" not in chart.data["series"][0]


def test_the_response_rate_counts_delivered_invitations() -> None:
    points = [(MONDAY, Scores(invitations_delivered=2, invitations_answered=1))]
    chart = score_trend_chart(dom_id="rate", metric=score_metrics()["response_rate"], points=points, interval="week")
    assert chart.head[2] == "Delivered invitations"
    assert chart.data["names"]["answers"] == "Delivered invitations"
    assert "delivered invitations" in chart.note


def test_weeks_only_partly_in_the_view_are_marked_and_say_their_days() -> None:
    """The last 90 days to Thursday 26 November start on Saturday 29 August: two partial weeks."""
    starts = [dt.date(2026, 8, 24), dt.date(2026, 8, 31), dt.date(2026, 11, 23)]
    titles, partial = period_titles(starts, "week", (dt.date(2026, 8, 29), dt.date(2026, 11, 26)))
    assert partial == [True, False, True]
    assert titles[0] == "W35 \u00b7 08/29/2026\u201308/30/2026 \u00b7 2 of 7 days"
    assert titles[1] == "W36 \u00b7 08/31/2026\u201309/06/2026"
    assert titles[2].endswith("4 of 7 days")
    chart = volume_chart(
        dom_id="volume",
        points=[(day, Scores(encounters=3)) for day in starts],
        interval="week",
        span=(dt.date(2026, 8, 29), dt.date(2026, 11, 26)),
    )
    assert chart.data["partial"] == [True, False, True]
    assert "Lighter bars" in chart.note


def test_a_whole_month_is_not_partial() -> None:
    _titles, partial = period_titles(
        [dt.date(2026, 2, 1), dt.date(2026, 3, 1)], "month", (dt.date(2026, 2, 1), dt.date(2026, 3, 15))
    )
    assert partial == [False, True]
