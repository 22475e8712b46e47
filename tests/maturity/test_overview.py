"""Each touchpoint's level from real evidence, the weighted roll-ups and the daily snapshots."""

import datetime as dt
from typing import Any

import pytest

from apps.cases.models import FollowUpCase
from apps.maturity.models import MaturitySnapshot, TouchpointLevel
from apps.maturity.rules import Level
from apps.maturity.selectors import maturity_overview
from apps.maturity.services import maturity_history_backfill, maturity_settings_update, maturity_snapshot_take
from apps.metrics.services import metrics_refresh_dirty
from tests.factories import CustomerFactory, FollowUpCaseFactory, ManagerFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
NOON = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.UTC)


def answers(*, touchpoint: Any, customer: Any, survey: Any, scores: list[int], visits: int | None = None) -> None:
    for number in range(visits if visits is not None else len(scores)):
        encounter = encounter_add(customer=customer, touchpoint=touchpoint, at=NOON + dt.timedelta(hours=number))
        if number < len(scores):
            at = encounter.occurred_at
            invitation = invitation_deliver(survey=survey, customer=customer, encounter=encounter, at=at)
            invitation_answer(invitation=invitation, at=encounter.occurred_at, scores={"nps": scores[number]})


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    maturity_settings_update(window_days=30, min_answers=3, max_overdue_cases=0, rollup_share_percent=50)
    owner = ManagerFactory()
    path = map_build(name="Katsastus", stages={"Ennen": ["Varaus", "Saapuminen"], "Käynti": ["Tarkastus", "Maksu"]})
    touchpoints = {name: touchpoint_named(path, name) for name in ("Varaus", "Saapuminen", "Tarkastus", "Maksu")}
    for name, touchpoint in touchpoints.items():
        touchpoint.owner = owner if name != "Saapuminen" else None
        touchpoint.intended_experience = "Asiakas tietää, mitä seuraavaksi tapahtuu."
        touchpoint.target_nps = 30
        touchpoint.save()
    customer = CustomerFactory(full_name="Anna", email="anna@example.fi")
    survey = scored_survey_build()
    # Varaus: 4 answers, 3 promoters and a passive -> NPS 75 >= 30, measured: managed (6 encounters).
    answers(touchpoint=touchpoints["Varaus"], customer=customer, survey=survey, scores=[10, 9, 10, 8], visits=6)
    # Tarkastus: 3 answers, NPS (1 - 2) / 3 = -33 below target 30: designed (2 encounters... plus one visit).
    answers(touchpoint=touchpoints["Tarkastus"], customer=customer, survey=survey, scores=[10, 3, 2])
    # Maksu: only 2 answers: designed; and one case overdue.
    answers(touchpoint=touchpoints["Maksu"], customer=customer, survey=survey, scores=[10, 10])
    case = FollowUpCaseFactory(
        customer=customer,
        touchpoint=touchpoints["Maksu"],
        poor_answer=True,
        reason_scores=[{"measure": "nps", "score": 2}],
        due_at=NOON + dt.timedelta(days=2),
    )
    FollowUpCase.objects.filter(pk=case.pk).update(created_at=NOON)
    metrics_refresh_dirty()
    return {"path": path, **touchpoints}


def test_each_touchpoint_gets_its_level_and_reasons(world: dict[str, Any]) -> None:
    overview = maturity_overview(as_of=TODAY)
    by_name = {item.touchpoint.name: item for item in overview.touchpoints}

    assert by_name["Varaus"].level == Level.MANAGED
    assert by_name["Varaus"].assessment.reasons == []
    assert by_name["Saapuminen"].level == Level.AD_HOC
    assert "no_owner" in [reason.code for reason in by_name["Saapuminen"].assessment.reasons]
    assert by_name["Tarkastus"].level == Level.DESIGNED
    assert [r.code for r in by_name["Tarkastus"].assessment.reasons] == ["below_target"]
    assert [str(r.message) for r in by_name["Tarkastus"].assessment.reasons] == ["NPS -33 alle tavoitteen 30"]
    maksu = {reason.code for reason in by_name["Maksu"].assessment.reasons}
    assert maksu == {"too_few_answers", "cases_overdue"}
    assert by_name["Maksu"].evidence.overdue_cases == 1


def test_path_and_company_roll_up_by_encounter_volume(world: dict[str, Any]) -> None:
    overview = maturity_overview(as_of=TODAY)
    # Encounters: Varaus 6 (managed), Tarkastus 3 + Maksu 2 (designed), Saapuminen 0 (ad hoc): 11 in all.
    rollup = overview.paths[world["path"].pk]
    assert rollup.weighted_by == "encounters"
    assert rollup.shares[Level.MANAGED] == pytest.approx(54.5, abs=0.05)
    assert rollup.level == Level.MANAGED
    assert overview.company.level == Level.MANAGED


def test_a_case_followed_up_in_time_does_not_count_against_the_touchpoint(world: dict[str, Any]) -> None:
    FollowUpCase.objects.filter(touchpoint=world["Maksu"]).update(contacted_at=NOON + dt.timedelta(days=1))
    item = next(i for i in maturity_overview(as_of=TODAY).touchpoints if i.touchpoint.name == "Maksu")
    assert item.evidence.overdue_cases == 0
    assert {reason.code for reason in item.assessment.reasons} == {"too_few_answers"}


def test_evidence_outside_the_window_does_not_count(world: dict[str, Any]) -> None:
    later = TODAY + dt.timedelta(days=60)
    by_name = {item.touchpoint.name: item for item in maturity_overview(as_of=later).touchpoints}
    assert by_name["Varaus"].level == Level.DESIGNED
    assert by_name["Varaus"].evidence.answers_in_window == 0


def test_snapshot_is_stored_once_per_day_and_backfill_keeps_history(world: dict[str, Any]) -> None:
    maturity_snapshot_take(day=TODAY)
    maturity_snapshot_take(day=TODAY)
    company = MaturitySnapshot.objects.get(taken_on=TODAY, path_id__isnull=True)
    assert company.level == Level.MANAGED
    assert company.encounters == 11
    assert TouchpointLevel.objects.filter(taken_on=TODAY).count() == 4

    assert maturity_history_backfill(until=TODAY, weeks=4) == 5
    assert MaturitySnapshot.objects.filter(path_id__isnull=True).count() == 5
    # Four weeks back nothing was measured yet, and no encounters: each touchpoint weighs the same.
    early = MaturitySnapshot.objects.get(taken_on=TODAY - dt.timedelta(weeks=4), path_id__isnull=True)
    assert (early.level, early.weighted_by, early.share_designed) == (Level.DESIGNED, "touchpoints", 75)
