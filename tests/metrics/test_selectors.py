"""Scores read from the roll-ups: totals, cuts by dimension, series with empty periods."""

import datetime as dt
from typing import Any

import pytest

from apps.core.exceptions import DomainError
from apps.metrics.selectors import MetricFilter, period_starts, scores_by, scores_series, scores_total
from apps.metrics.services import metrics_refresh_dirty
from tests.factories import CustomerFactory, PersonaFactory, SegmentFactory, UserFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 9, 7, 9, 0, tzinfo=dt.UTC)  # 12:00 in Helsinki


def visit(*, world: dict[str, Any], touchpoint: str, customer: str, day: int, nps: int | None, **kwargs: Any) -> None:
    at = MONDAY + dt.timedelta(days=day)
    encounter = encounter_add(
        customer=world[customer],
        touchpoint=world[touchpoint],
        at=at,
        by=kwargs.get("by"),
        end_feeling=kwargs.get("end"),
    )
    invitation = invitation_deliver(survey=world["survey"], customer=world[customer], encounter=encounter, at=at)
    if nps is not None:
        invitation_answer(invitation=invitation, at=at, scores={"nps": nps, "csat": kwargs.get("csat")})


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    inspection = map_build(name="Katsastus", stages={"Ennen": ["Varaus"], "Käynti": ["Tarkastus", "Maksu"]})
    service = map_build(name="Huolto", stages={"Korjaus": ["Korjaus"]})
    busy = PersonaFactory(name="Kiireinen")
    fleet = SegmentFactory(name="Yritykset")
    world: dict[str, Any] = {
        "inspection": inspection,
        "service": service,
        "booking": touchpoint_named(inspection, "Varaus"),
        "check": touchpoint_named(inspection, "Tarkastus"),
        "payment": touchpoint_named(inspection, "Maksu"),
        "repair": touchpoint_named(service, "Korjaus"),
        "busy": busy,
        "fleet": fleet,
        "anna": CustomerFactory(full_name="Anna", email="anna@example.fi", persona=busy, segment=fleet),
        "bert": CustomerFactory(full_name="Bert", email="bert@example.fi"),
        "survey": scored_survey_build(),
        "staff": UserFactory(role="frontline"),
    }
    # Week 1 at the inspection path: 2 promoters, 1 passive, 1 detractor; one invitation unanswered.
    visit(world=world, touchpoint="booking", customer="anna", day=0, nps=10, csat=5)
    visit(world=world, touchpoint="check", customer="anna", day=1, nps=9, csat=4, by=world["staff"], end=2)
    visit(world=world, touchpoint="check", customer="bert", day=1, nps=3, csat=2, by=world["staff"], end=1)
    visit(world=world, touchpoint="payment", customer="bert", day=2, nps=8)
    visit(world=world, touchpoint="payment", customer="bert", day=3, nps=None)
    # Week 3: one promoter at the service path.
    visit(world=world, touchpoint="repair", customer="anna", day=15, nps=10)
    metrics_refresh_dirty()
    return world


def month(**kwargs: Any) -> MetricFilter:
    return MetricFilter(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), **kwargs)


def test_company_total_counts_every_answer_and_invitation(world: dict[str, Any]) -> None:
    scores = scores_total(filters=month())
    # 5 NPS answers: 3 promoters (10, 9 and 10), 1 passive (8), 1 detractor (3) -> (3 - 1) / 5 = 40.
    assert (scores.nps_n, scores.nps_promoters, scores.nps_detractors, scores.nps) == (5, 3, 1, 40)
    assert (scores.invitations_delivered, scores.invitations_answered, scores.encounters) == (6, 5, 6)
    assert scores.response_rate == pytest.approx(83.3, abs=0.05)
    # CSAT: 5, 4, 2 -> two of three satisfied.
    assert scores.csat == pytest.approx(66.7, abs=0.05)


def test_path_filter_and_cut_by_path_and_stage(world: dict[str, Any]) -> None:
    assert scores_total(filters=month(path_id=world["inspection"].pk)).nps_n == 4
    by_path = scores_by(filters=month(), dimension="path")
    assert by_path[world["inspection"].pk].nps == 25  # (2 - 1) / 4
    assert by_path[world["service"].pk].nps == 100
    by_stage = scores_by(filters=month(path_id=world["inspection"].pk), dimension="stage")
    assert {stage.name: by_stage[stage.pk].nps_n for stage in world["inspection"].stages.all()} == {
        "Ennen": 1,
        "Käynti": 3,
    }


def test_persona_and_segment_cuts(world: dict[str, Any]) -> None:
    by_persona = scores_by(filters=month(), dimension="persona")
    assert by_persona[world["busy"].pk].nps_n == 3
    assert by_persona[None].nps_n == 2
    only_fleet = scores_total(filters=month(segment_id=world["fleet"].pk, path_id=world["inspection"].pk))
    assert (only_fleet.nps_n, only_fleet.nps) == (2, 100)


def test_employee_cut_and_perception_gap(world: dict[str, Any]) -> None:
    by_employee = scores_by(filters=month(), dimension="employee")
    staff = by_employee[world["staff"].pk]
    # Anna: read as +2, answered CSAT 4 (+1): over-read by 1. Bert: read +1, CSAT 2 (-1): over-read by 2.
    assert (staff.gap_n, staff.gap_over, staff.gap_under) == (2, 2, 0)
    assert staff.gap_mean == pytest.approx(1.5)


def test_weekly_series_has_every_week_even_empty_ones(world: dict[str, Any]) -> None:
    series = scores_series(filters=month(), interval="week")
    assert [point.period_start for point in series] == period_starts(
        start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30), interval="week"
    )
    by_week = {point.period_start: point.scores.nps_n for point in series}
    assert by_week[dt.date(2026, 9, 7)] == 4
    assert by_week[dt.date(2026, 9, 14)] == 0
    assert by_week[dt.date(2026, 9, 21)] == 1


def test_monthly_series_per_path(world: dict[str, Any]) -> None:
    series = scores_series(filters=month(), interval="month", dimension="path")
    assert {(point.key, point.scores.nps_n) for point in series} == {
        (world["inspection"].pk, 4),
        (world["service"].pk, 1),
    }


def test_refuses_staff_cuts_narrowed_by_persona(world: dict[str, Any]) -> None:
    with pytest.raises(DomainError):
        scores_by(filters=month(persona_id=world["busy"].pk), dimension="employee")
    with pytest.raises(DomainError):
        scores_total(filters=MetricFilter(start=dt.date(2026, 9, 30), end=dt.date(2026, 9, 1)))


def test_no_data_gives_no_scores(world: dict[str, Any]) -> None:
    empty = scores_total(filters=MetricFilter(start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31)))
    assert (empty.nps, empty.csat, empty.response_rate) == (None, None, None)
