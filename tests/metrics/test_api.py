"""GET /api/v1/metrics/scores/ and POST /api/v1/metrics/recompute/: numbers, cuts, refusals, errors."""

import datetime as dt
from typing import Any

import pytest

from apps.metrics.services import metrics_refresh_dirty
from apps.tenants.selectors import company_today
from tests.accounts.test_access import _token_for
from tests.factories import CustomerFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

URL = "/api/v1/metrics/scores/"
MONDAY = dt.datetime(2026, 9, 7, 9, 0, tzinfo=dt.UTC)
SEPTEMBER = {"start": "2026-09-01", "end": "2026-09-30"}


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    inspection = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus", "Maksu"]})
    check, payment = touchpoint_named(inspection, "Tarkastus"), touchpoint_named(inspection, "Maksu")
    survey = scored_survey_build()
    anna = CustomerFactory(full_name="Anna", email="anna@example.fi")

    def visit(touchpoint: Any, day: int, scores: dict[str, int | None] | None) -> None:
        at = MONDAY + dt.timedelta(days=day)
        encounter = encounter_add(customer=anna, touchpoint=touchpoint, at=at)
        invitation = invitation_deliver(survey=survey, customer=anna, encounter=encounter, at=at)
        if scores is not None:
            invitation_answer(invitation=invitation, at=at, scores=scores)

    # Week of 7 Sep: Tarkastus 10 and 3 (CSAT 5 and 2), Maksu 9 (CES 6) and one unanswered invitation.
    visit(check, 0, {"nps": 10, "csat": 5})
    visit(check, 1, {"nps": 3, "csat": 2})
    visit(payment, 2, {"nps": 9, "ces": 6})
    visit(payment, 3, None)
    # Week of 14 Sep: Maksu 7 (a passive, CES 3).
    visit(payment, 8, {"nps": 7, "ces": 3})
    metrics_refresh_dirty()
    return {"path": inspection, "check": check, "payment": payment}


def test_manager_gets_the_company_total(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    response = client_for(manager).get(URL, SEPTEMBER)
    assert response.status_code == 200, response.json()
    body = response.json()
    total = body["total"]
    # 4 NPS answers: 10 and 9 promote, 3 detracts, 7 is passive -> (2 - 1) / 4 = 25.
    assert (total["nps_n"], total["nps_promoters"], total["nps_detractors"], total["nps"]) == (4, 2, 1, 25)
    # 1.96 * sqrt((0.75 - 0.0625) / 4) * 100 = 81.3
    assert total["nps_margin"] == pytest.approx(81.3)
    assert total["nps_small_sample"] is True
    assert (total["csat"], total["ces"], total["ces_easy_percent"]) == (50.0, 4.5, 50.0)
    assert (total["invitations_delivered"], total["invitations_answered"], total["response_rate"]) == (5, 4, 80.0)
    assert (total["encounters"], total["responses"]) == (5, 4)
    assert (body["start"], body["end"], body["group_by"], body["interval"], body["rows"]) == (
        "2026-09-01",
        "2026-09-30",
        None,
        None,
        [],
    )


def test_group_by_touchpoint_names_each_row(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    body = client_for(manager).get(URL, {**SEPTEMBER, "group_by": "touchpoint"}).json()
    rows = {row["name"]: row for row in body["rows"]}
    assert set(rows) == {"Tarkastus", "Maksu"}
    assert rows["Tarkastus"]["key"] == world["check"].pk
    assert (rows["Tarkastus"]["nps"], rows["Tarkastus"]["csat"]) == (0, 50.0)
    assert (rows["Maksu"]["nps"], rows["Maksu"]["response_rate"]) == (50, pytest.approx(66.7))


def test_weekly_series_and_per_touchpoint_series(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    client = client_for(manager)
    weeks = client.get(URL, {"start": "2026-09-07", "end": "2026-09-20", "interval": "week"}).json()["rows"]
    assert [(row["period_start"], row["nps_n"], row["nps"]) for row in weeks] == [
        ("2026-09-07", 3, 33),
        ("2026-09-14", 1, 0),
    ]
    assert all(row["key"] is None for row in weeks)

    both = client.get(
        URL, {"start": "2026-09-07", "end": "2026-09-20", "interval": "week", "group_by": "touchpoint"}
    ).json()["rows"]
    cells = {(row["name"], row["period_start"]): row["nps_n"] for row in both}
    assert cells == {
        ("Tarkastus", "2026-09-07"): 2,
        ("Tarkastus", "2026-09-14"): 0,
        ("Maksu", "2026-09-07"): 1,
        ("Maksu", "2026-09-14"): 1,
    }


def test_narrowing_to_a_touchpoint(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    total = client_for(manager).get(URL, {**SEPTEMBER, "touchpoint": world["payment"].pk}).json()["total"]
    assert (total["nps_n"], total["nps"], total["ces"]) == (2, 50, 4.5)


def test_default_period_is_the_last_90_days(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    body = client_for(manager).get(URL).json()
    today = company_today()
    assert body["end"] == today.isoformat()
    assert body["start"] == (today - dt.timedelta(days=89)).isoformat()


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"start": "yesterday", "group_by": "customer", "interval": "year"}, {"start", "group_by", "interval"}),
        ({"start": "2026-09-30", "end": "2026-09-01"}, {"end"}),
        ({"start": "2020-01-01", "end": "2026-09-01"}, {"start"}),
        ({"persona": 1, "group_by": "employee"}, {"group_by"}),
        ({"touchpoint": 0}, {"touchpoint"}),
    ],
)
def test_bad_parameters_give_field_messages(client_for: Any, manager: Any, params: dict, fields: set) -> None:
    response = client_for(manager).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["fields"]) == fields


def test_frontline_and_anonymous_are_refused(client_for: Any, frontline: Any, anonymous_client: Any) -> None:
    assert client_for(frontline).get(URL).status_code == 403
    assert anonymous_client.get(URL).status_code == 401


def test_another_companys_admin_gets_nothing(
    client_for: Any, outsider: Any, tenant_alpha: Any, world: dict[str, Any]
) -> None:
    by_token = client_for(tenant=tenant_alpha).get(URL, SEPTEMBER, HTTP_AUTHORIZATION=f"Token {_token_for(outsider)}")
    assert by_token.status_code == 401
    beta_client = client_for(outsider)
    beta_client.get("/")
    on_alpha = client_for(tenant=tenant_alpha)
    on_alpha.cookies["sessionid"] = beta_client.cookies["sessionid"].value
    assert on_alpha.get(URL, SEPTEMBER).status_code == 401
    # On its own company's domain the outsider sees its own (empty) numbers, never alpha's.
    own = client_for(outsider).get(URL, SEPTEMBER).json()["total"]
    assert (own["nps_n"], own["encounters"]) == (0, 0)


def test_manager_with_a_token(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    response = client_for().get(URL, SEPTEMBER, HTTP_AUTHORIZATION=f"Token {_token_for(manager)}")
    assert response.status_code == 200 and response.json()["total"]["nps"] == 25


def test_recompute_is_queued_for_company_admins_only(
    client_for: Any, company_admin: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert client_for(manager).post("/api/v1/metrics/recompute/").status_code == 403
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(company_admin).post("/api/v1/metrics/recompute/")
    assert response.status_code == 202
    assert response.json()["message"]
    assert len(callbacks) == 1


def test_schema_documents_the_metrics_and_maturity_endpoints(client_for: Any, manager: Any) -> None:
    response = client_for(manager).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path in (
        "/api/v1/metrics/scores/",
        "/api/v1/metrics/recompute/",
        "/api/v1/maturity/touchpoints/",
        "/api/v1/maturity/summary/",
        "/api/v1/maturity/trend/",
    ):
        assert path in schema["paths"], path
    parameters = {item["name"] for item in schema["paths"]["/api/v1/metrics/scores/"]["get"]["parameters"]}
    assert {"start", "end", "path", "stage", "touchpoint", "persona", "segment", "group_by", "interval"} <= parameters
