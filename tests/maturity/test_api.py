"""GET /api/v1/maturity/{touchpoints,summary,trend}/: levels with reasons, roll-ups, snapshots, refusals."""

import datetime as dt
from typing import Any

import pytest

from apps.maturity.services import maturity_settings_update, maturity_snapshot_take
from apps.metrics.services import metrics_refresh_dirty
from tests.accounts.test_access import _token_for
from tests.factories import CustomerFactory, ManagerFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

AS_OF = "2026-11-20"
NOON = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    maturity_settings_update(window_days=30, min_answers=3, max_overdue_cases=0, rollup_share_percent=50)
    owner = ManagerFactory(full_name="Olli Omistaja")
    path = map_build(name="Katsastus", stages={"Ennen": ["Varaus", "Saapuminen"], "Käynti": ["Tarkastus"]})
    touchpoints = {name: touchpoint_named(path, name) for name in ("Varaus", "Saapuminen", "Tarkastus")}
    for name, touchpoint in touchpoints.items():
        touchpoint.owner = None if name == "Saapuminen" else owner
        touchpoint.intended_experience = "Asiakas tietää, mitä seuraavaksi tapahtuu."
        touchpoint.target_nps = 30
        touchpoint.save()
    customer = CustomerFactory(full_name="Anna", email="anna@example.fi")
    survey = scored_survey_build()

    def visits(name: str, scores: list[int], count: int) -> None:
        for number in range(count):
            at = NOON + dt.timedelta(hours=number)
            encounter = encounter_add(customer=customer, touchpoint=touchpoints[name], at=at)
            if number < len(scores):
                invitation = invitation_deliver(survey=survey, customer=customer, encounter=encounter, at=at)
                invitation_answer(invitation=invitation, at=at, scores={"nps": scores[number]})

    visits("Varaus", [10, 9, 10], 4)  # NPS 100, 3 answers: managed, 4 encounters
    visits("Tarkastus", [10, 3, 2], 3)  # NPS -33 below 30: designed, 3 encounters
    metrics_refresh_dirty()
    return {"path": path, "owner": owner, **touchpoints}


def test_touchpoints_with_levels_reasons_and_evidence(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    response = client_for(manager).get("/api/v1/maturity/touchpoints/", {"as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["as_of"] == AS_OF and body["thresholds"]["min_answers"] == 3
    items = {item["name"]: item for item in body["touchpoints"]}
    assert [item["name"] for item in body["touchpoints"]] == ["Varaus", "Saapuminen", "Tarkastus"]

    assert (items["Varaus"]["level"], items["Varaus"]["level_label"], items["Varaus"]["reasons"]) == (3, "Managed", [])
    assert items["Varaus"]["evidence"] == {
        "on_map": True,
        "has_owner": True,
        "has_intended_experience": True,
        "answers_in_window": 3,
        "nps": 100,
        "target_nps": 30,
        "overdue_cases": 0,
        "encounters": 4,
    }
    assert items["Varaus"]["owner_name"] == "Olli Omistaja" and items["Varaus"]["path_name"] == "Katsastus"

    arrival = items["Saapuminen"]
    assert (arrival["level"], arrival["level_label"], arrival["owner"]) == (1, "Ad hoc", None)
    reasons = {reason["code"]: reason for reason in arrival["reasons"]}
    assert reasons["no_owner"]["blocks"] == 2 and reasons["no_owner"]["hint"]
    assert reasons["too_few_answers"]["message"] == "0 answers in 30 days, needs 3"

    check = items["Tarkastus"]
    assert check["level"] == 2
    assert [reason["message"] for reason in check["reasons"]] == ["NPS -33 below target 30"]


def test_touchpoints_of_one_path_and_in_finnish(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    other = map_build(name="Huolto", stages={"Korjaus": ["Korjaus"]})
    client = client_for(manager)
    response = client.get(
        "/api/v1/maturity/touchpoints/", {"as_of": AS_OF, "path": world["path"].pk}, HTTP_ACCEPT_LANGUAGE="fi"
    )
    names = [item["name"] for item in response.json()["touchpoints"]]
    assert names == ["Varaus", "Saapuminen", "Tarkastus"]
    labels = {item["name"]: item["level_label"] for item in response.json()["touchpoints"]}
    assert labels == {"Varaus": "Johdettu", "Saapuminen": "Satunnainen", "Tarkastus": "Suunniteltu"}
    only_other = client.get("/api/v1/maturity/touchpoints/", {"as_of": AS_OF, "path": other.pk}).json()
    assert [item["name"] for item in only_other["touchpoints"]] == ["Korjaus"]


def test_summary_rolls_up_by_encounter_volume(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    body = client_for(manager).get("/api/v1/maturity/summary/", {"as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="en").json()
    company = body["company"]
    # 4 of 7 encounters at a managed touchpoint (57.1 %) >= 50 %: the company is managed.
    assert (company["level"], company["level_label"], company["weighted_by"]) == (3, "Managed", "encounters")
    assert company["shares"] == {"ad_hoc": 0.0, "designed": 42.9, "managed": 57.1}
    assert "50 %" in company["rule"] and "encounter" in company["rule"]
    assert [(path["name"], path["level"], path["touchpoints"]) for path in body["paths"]] == [("Katsastus", 3, 3)]


def test_trend_lists_the_snapshots(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    maturity_snapshot_take(day=dt.date(2026, 11, 5))
    maturity_snapshot_take(day=dt.date(2026, 11, 19))
    client = client_for(manager)
    body = client.get("/api/v1/maturity/trend/", {"since": "2026-11-01"}).json()
    assert body["path"] is None
    assert [(row["taken_on"], row["level"]) for row in body["snapshots"]] == [("2026-11-05", 2), ("2026-11-19", 3)]
    assert body["snapshots"][1]["shares"] == {"ad_hoc": 0.0, "designed": 42.9, "managed": 57.1}
    assert body["snapshots"][0]["weighted_by"] == "touchpoints"
    of_path = client.get("/api/v1/maturity/trend/", {"since": "2026-11-10", "path": world["path"].pk}).json()
    assert [row["taken_on"] for row in of_path["snapshots"]] == ["2026-11-19"]


@pytest.mark.parametrize(
    ("url", "params", "fields"),
    [
        ("/api/v1/maturity/touchpoints/", {"as_of": "2999-01-01", "path": "x"}, {"as_of", "path"}),
        ("/api/v1/maturity/summary/", {"as_of": "soon"}, {"as_of"}),
        ("/api/v1/maturity/trend/", {"since": "2026-13-01", "path": 0}, {"since", "path"}),
    ],
)
def test_bad_parameters_give_field_messages(client_for: Any, manager: Any, url: str, params: dict, fields: set) -> None:
    response = client_for(manager).get(url, params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == fields


@pytest.mark.parametrize(
    "url", ["/api/v1/maturity/touchpoints/", "/api/v1/maturity/summary/", "/api/v1/maturity/trend/"]
)
def test_refusals(
    client_for: Any, frontline: Any, outsider: Any, anonymous_client: Any, tenant_alpha: Any, url: str
) -> None:
    assert client_for(frontline).get(url).status_code == 403
    assert anonymous_client.get(url).status_code == 401
    by_token = client_for(tenant=tenant_alpha).get(url, HTTP_AUTHORIZATION=f"Token {_token_for(outsider)}")
    assert by_token.status_code == 401
    beta_client = client_for(outsider)
    beta_client.get("/")
    on_alpha = client_for(tenant=tenant_alpha)
    on_alpha.cookies["sessionid"] = beta_client.cookies["sessionid"].value
    assert on_alpha.get(url).status_code == 401
