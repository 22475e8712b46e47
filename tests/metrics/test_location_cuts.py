"""Scores per location and region: the roll-ups against a count made straight from the raw answers."""

import datetime as dt
from collections import defaultdict
from random import Random
from typing import Any

import pytest

from apps.encounters.models import Encounter
from apps.metrics.models import DailyRollup, Grain
from apps.metrics.selectors import MetricFilter, scores_by, scores_total
from apps.metrics.services import metrics_recompute_full, metrics_refresh_dirty
from apps.surveys.models import Answer
from tests.factories import CustomerFactory, UserFactory
from tests.journeys.factories import map_build
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build
from tests.metrics.test_rollup_identity import rollup_rows

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
PERIOD = MetricFilter(start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))


@pytest.fixture
def chain(db: None) -> dict[str, Any]:
    """Three stations in two regions (one a sub-region), answers spread over them and some with no station."""
    random = Random(2026)
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus", "Maksu"]})
    touchpoints = [tp for stage in path.stages.all() for tp in stage.touchpoints.all()]
    helsinki = region_path_build("Uusimaa", "Helsinki")
    uusimaa = helsinki.parent
    pirkanmaa = region_path_build("Pirkanmaa")
    stations = [
        location_build(name="Konala", region=helsinki),
        location_build(name="Espoo", region=uusimaa),
        location_build(name="Tampere", region=pirkanmaa),
    ]
    survey = scored_survey_build()
    staff = [UserFactory(role="frontline") for _ in range(3)]
    customers = [CustomerFactory() for _ in range(10)]
    for number in range(160):
        at = START + dt.timedelta(hours=7 * number)
        station = random.choice([*stations, None])
        encounter = encounter_add(
            customer=random.choice(customers),
            touchpoint=random.choice(touchpoints),
            at=at,
            by=random.choice(staff),
            location=station,
        )
        if random.random() < 0.8:
            invitation = invitation_deliver(survey=survey, customer=encounter.customer, encounter=encounter, at=at)
            invitation_answer(
                invitation=invitation,
                at=at + dt.timedelta(hours=1),
                scores={"nps": random.randrange(0, 11), "csat": random.randrange(1, 6), "ces": random.randrange(1, 8)},
            )
    metrics_refresh_dirty()
    return {"stations": stations, "helsinki": helsinki, "uusimaa": uusimaa, "pirkanmaa": pirkanmaa}


def _raw_counts() -> dict[int | None, dict[str, int]]:
    """Per location of the answer's encounter: NPS, CSAT and CES counts from the answer rows themselves."""
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for answer in Answer.objects.select_related("response__encounter"):
        encounter = answer.response.encounter
        row = counts[encounter.location_id if encounter else None]
        score = answer.score
        if answer.type == "nps":
            row["nps_n"] += 1
            row["nps_promoters"] += score >= 9
            row["nps_detractors"] += score <= 6
        elif answer.type == "csat":
            row["csat_n"] += 1
            row["csat_satisfied"] += score >= 4
        elif answer.type == "ces":
            row["ces_n"] += 1
            row["ces_sum"] += score
    return counts


def _summed(counts: dict[int | None, dict[str, int]], keys: list[int]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for key in keys:
        for name, value in counts.get(key, {}).items():
            total[name] += value
    return total


def _assert_same(scores: Any, expected: dict[str, int]) -> None:
    for name in ("nps_n", "nps_promoters", "nps_detractors", "csat_n", "csat_satisfied", "ces_n", "ces_sum"):
        assert getattr(scores, name) == expected.get(name, 0), name


def test_each_location_and_region_matches_the_raw_answers(chain: dict[str, Any]) -> None:
    counts = _raw_counts()
    konala, espoo, tampere = chain["stations"]
    for station in chain["stations"]:
        _assert_same(
            scores_total(filters=MetricFilter(start=PERIOD.start, end=PERIOD.end, location_id=station.pk)),
            counts[station.pk],
        )
    # A region holds its sub-regions' stations.
    regions = {
        chain["uusimaa"]: [konala.pk, espoo.pk],
        chain["helsinki"]: [konala.pk],
        chain["pirkanmaa"]: [tampere.pk],
    }
    for region, members in regions.items():
        scores = scores_total(filters=MetricFilter(start=PERIOD.start, end=PERIOD.end, region_id=region.pk))
        _assert_same(scores, _summed(counts, members))
    by_location = scores_by(filters=PERIOD, dimension="location")
    for key, expected in counts.items():
        _assert_same(by_location[key], expected)
    # Each station's own region: Konala in Helsinki, Espoo straight in Uusimaa.
    by_region = scores_by(filters=PERIOD, dimension="region")
    _assert_same(by_region[chain["uusimaa"].pk], counts[espoo.pk])
    _assert_same(by_region[chain["helsinki"].pk], counts[konala.pk])
    # The company total is unchanged by the new grains, and still every answer.
    _assert_same(scores_total(filters=PERIOD), _summed(counts, list(counts)))


def test_a_location_cut_narrows_a_touchpoint_view_too(chain: dict[str, Any]) -> None:
    konala = chain["stations"][0]
    located = MetricFilter(start=PERIOD.start, end=PERIOD.end, location_id=konala.pk)
    per_touchpoint = scores_by(filters=located, dimension="touchpoint")
    assert sum(scores.nps_n for scores in per_touchpoint.values()) == _raw_counts()[konala.pk]["nps_n"]
    for touchpoint_id, scores in per_touchpoint.items():
        one = MetricFilter(start=PERIOD.start, end=PERIOD.end, location_id=konala.pk, touchpoint_id=touchpoint_id)
        assert scores_total(filters=one).nps_n == scores.nps_n


def test_moving_an_encounter_to_another_location_moves_its_answers(chain: dict[str, Any]) -> None:
    konala, _espoo, tampere = chain["stations"]
    moved = Encounter.objects.filter(location=konala, responses__isnull=False).first()
    Encounter.objects.filter(pk=moved.pk).update(location=tampere)
    metrics_refresh_dirty()
    counts = _raw_counts()
    for station in (konala, tampere):
        scores = scores_total(filters=MetricFilter(start=PERIOD.start, end=PERIOD.end, location_id=station.pk))
        _assert_same(scores, counts[station.pk])
    refreshed = rollup_rows()
    metrics_recompute_full()
    assert rollup_rows() == refreshed
    assert DailyRollup.objects.filter(grain=Grain.LOCATION, location_id=tampere.pk).exists()


def test_the_scores_api_cuts_by_location_and_region(chain: dict[str, Any], client_for: Any, manager: Any) -> None:
    konala = chain["stations"][0]
    counts = _raw_counts()
    client = client_for(manager)
    url = "/api/v1/metrics/scores/"
    base = {"start": "2026-03-01", "end": "2026-04-30"}
    response = client.get(url, {**base, "location": konala.pk})
    assert response.status_code == 200
    assert response.json()["total"]["nps_n"] == counts[konala.pk]["nps_n"]
    response = client.get(url, {**base, "region": chain["uusimaa"].pk, "group_by": "location"})
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["rows"]}
    assert names == {"Konala", "Espoo"}
    for query, field in (({"location": 999999}, "location"), ({"region": 999999}, "region")):
        response = client.get(url, {**base, **query})
        assert response.status_code == 400
        assert set(response.json()["fields"]) == {field}
    response = client.get(url, {**base, "location": konala.pk, "region": chain["uusimaa"].pk})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"region"}


def test_a_located_view_has_no_persona_or_segment_cut(chain: dict[str, Any], client_for: Any, manager: Any) -> None:
    konala = chain["stations"][0]
    url = "/api/v1/metrics/scores/"
    base = {"start": "2026-03-01", "end": "2026-04-30"}
    client = client_for(manager)
    for query, field in (
        ({"location": konala.pk, "persona": 1}, "persona"),
        ({"region": chain["uusimaa"].pk, "segment": 1}, "segment"),
        ({"group_by": "location", "segment": 1}, "segment"),
        ({"location": konala.pk, "group_by": "persona"}, "group_by"),
    ):
        response = client.get(url, {**base, **query})
        assert response.status_code == 400, query
        assert set(response.json()["fields"]) == {field}
