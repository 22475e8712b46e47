"""GET /api/v1/key-drivers/: the figures against an independent computation from what was written, the
viewer's scope, roles, bad input, and the cache forgotten when an answer arrives."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.customers.models import Customer
from apps.locations.services import location_scope_set
from apps.metrics.key_drivers import key_drivers_forget
from apps.surveys.models import Question, QuestionType
from apps.surveys.responses import response_submit
from apps.tenants.selectors import company_day_start
from tests.accounts.test_access import _token_for
from tests.factories import CampaignFactory, CustomerFactory, InvitationFactory, PersonaFactory, SurveyFactory
from tests.metrics.key_driver_data import PERIOD, SEND_OUT, expected_pairs, key_driver_world
from tests.metrics.test_key_driver_stats import interval_by_hand, spearman_by_hand

pytestmark = pytest.mark.django_db

URL = "/api/v1/key-drivers/"


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> None:
    # The cache outlives each test's transaction: start every test from figures of its own rows.
    key_drivers_forget()


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    return key_driver_world()


def _expected(world: dict[str, Any], **kwargs: Any) -> dict[int, list[tuple[float, int]]]:
    start, end = dt.date.fromisoformat(PERIOD["start"]), dt.date.fromisoformat(PERIOD["end"])
    return expected_pairs(
        world["plan"], start=company_day_start(start), until=company_day_start(end + dt.timedelta(days=1)), **kwargs
    )


def _check_row(row: dict[str, Any], pairs: list[tuple[float, int]]) -> None:
    xs, ys = [float(x) for x, _y in pairs], [float(y) for _x, y in pairs]
    r = spearman_by_hand(xs, ys)
    low, high = interval_by_hand(r, len(pairs))
    assert row["customers"] == len(pairs)
    assert row["r"] == pytest.approx(round(r, 3), abs=1e-9)
    assert (row["low"], row["high"]) == (pytest.approx(round(low, 3)), pytest.approx(round(high, 3)))
    assert row["performance"] == pytest.approx(round(100 * sum(xs) / len(xs), 1))


def test_the_figures_match_an_independent_computation(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    response = client_for(manager).get(URL, PERIOD)
    assert response.status_code == 200, response.json()
    body = response.json()
    expected = _expected(world)
    # 48 customers answered in September; 16 of them twice (the latest counts), 12 also in August (not counted).
    assert (body["respondents"], body["linked_customers"], body["min_customers"], body["lookback_days"]) == (
        48,
        48,
        30,
        365,
    )
    ranked = {row["name"]: row for row in body["ranked"]}
    assert list(ranked) == ["Tarkastus", "Maksu"]
    _check_row(ranked["Tarkastus"], expected[world["check"].pk])
    _check_row(ranked["Maksu"], expected[world["payment"].pk])
    # Tarkastus goes with the relationship NPS clearly, Maksu not distinguishably from no link.
    assert ranked["Tarkastus"]["r"] > 0.8 and ranked["Tarkastus"]["clear_link"]
    assert ranked["Tarkastus"]["low"] > ranked["Maksu"]["high"]
    assert (ranked["Tarkastus"]["best_rank"], ranked["Tarkastus"]["worst_rank"]) == (1, 1)
    assert (ranked["Tarkastus"]["path"], ranked["Tarkastus"]["touchpoint"]) == ("Katsastus", world["check"].pk)
    # Soitto: ten customers, listed apart without a correlation.
    (few,) = body["too_few"]
    assert (few["name"], few["customers"], few["r"], few["rank"]) == ("Soitto", 10, None, None)
    scores = [score for _experience, score in expected[world["check"].pk]]
    promoters, detractors = sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
    assert body["relationship_nps"] == round(100 * (promoters - detractors) / len(scores))


def test_a_path_narrows_the_touchpoints(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    body = client_for(manager).get(URL, {**PERIOD, "path": world["inspection"].pk}).json()
    assert [row["name"] for row in body["ranked"]] == ["Tarkastus", "Maksu"] and body["too_few"] == []


def test_a_persona_narrows_the_customers(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    persona = PersonaFactory()
    chosen = sorted(world["plan"].relationship)[::2]
    Customer.objects.filter(pk__in=chosen).update(persona=persona)
    body = client_for(manager).get(URL, {**PERIOD, "persona": persona.pk}).json()
    assert body["respondents"] == body["linked_customers"] == len(chosen) == 24
    assert {row["customers"] for row in [*body["ranked"], *body["too_few"]]} <= set(range(25))


def test_a_scoped_manager_counts_the_experiences_at_their_locations_only(
    client_for: Any, manager: Any, world: dict[str, Any]
) -> None:
    location_scope_set(user=manager, regions=[], locations=[world["konala"]], acting_user=None)
    body = client_for(manager).get(URL, PERIOD).json()
    expected = _expected(world, location_ids={world["konala"].pk})
    # Only Tarkastus had encounters at Konala: half the customers.
    assert set(expected) == {world["check"].pk}
    assert body["linked_customers"] == len(expected[world["check"].pk]) == 24
    # The relationship answers counted are those of the customers met at their locations.
    assert body["respondents"] == 24
    # 24 customers are too few to rank: listed apart.
    assert body["ranked"] == []
    (row,) = body["too_few"]
    assert (row["name"], row["customers"], row["r"]) == ("Tarkastus", 24, None)
    # Asking for another location gives nothing from outside the scope.
    other = client_for(manager).get(URL, {**PERIOD, "location": world["tampere"].pk}).json()
    assert (other["ranked"], other["too_few"], other["linked_customers"]) == ([], [], 0)


def test_a_location_cut_matches_the_independent_computation(
    client_for: Any, company_admin: Any, world: dict[str, Any]
) -> None:
    body = client_for(company_admin).get(URL, {**PERIOD, "location": world["tampere"].pk}).json()
    expected = _expected(world, location_ids={world["tampere"].pk})
    rows = {row["name"]: row for row in [*body["ranked"], *body["too_few"]]}
    assert rows["Maksu"]["customers"] == len(expected[world["payment"].pk]) == 48
    _check_row(rows["Maksu"], expected[world["payment"].pk])


def test_an_arriving_answer_forgets_the_cached_figures(
    client_for: Any, manager: Any, world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(manager)
    before = client.get(URL, PERIOD).json()
    # Read again: from the cache, no statement of its own.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, PERIOD).json() == before
    assert not any("surveys_response" in query["sql"] for query in queries.captured_queries)
    survey = SurveyFactory()
    campaign = CampaignFactory(survey=survey)
    question = Question.objects.create(survey=survey, position=1, type=QuestionType.NPS, text_fi="NPS", text_en="NPS")
    invitation = InvitationFactory(survey=survey, customer=CustomerFactory(), campaign=campaign, sent_at=SEND_OUT)
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(
            invitation_id=invitation.pk, raw_answers={f"q{question.pk}": "9"}, now=SEND_OUT + dt.timedelta(hours=1)
        )
    after = client.get(URL, PERIOD).json()
    assert after["respondents"] == before["respondents"] + 1


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"start": "2026-09-30", "end": "2026-09-01"}, {"end"}),
        ({"start": "2020-01-01", "end": "2026-09-01"}, {"start"}),
        ({"start": "eilen", "path": 0}, {"start", "path"}),
        ({"location": 999999}, {"location"}),
        ({"region": 999999}, {"region"}),
    ],
)
def test_bad_parameters_give_field_messages(client_for: Any, manager: Any, params: dict, fields: set) -> None:
    response = client_for(manager).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["fields"]) == fields


def test_location_and_region_together_are_refused(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    from tests.locations.factories import region_path_build

    region = region_path_build("Uusimaa")
    response = client_for(manager).get(URL, {"location": world["konala"].pk, "region": region.pk})
    assert response.status_code == 400 and set(response.json()["fields"]) == {"region"}


def test_frontline_anonymous_and_outsiders_are_refused(
    client_for: Any, frontline: Any, outsider: Any, anonymous_client: Any, tenant_alpha: Any, world: dict[str, Any]
) -> None:
    assert client_for(frontline).get(URL, PERIOD).status_code == 403
    assert anonymous_client.get(URL).status_code == 401
    by_token = client_for(tenant=tenant_alpha).get(URL, PERIOD, HTTP_AUTHORIZATION=f"Token {_token_for(outsider)}")
    assert by_token.status_code == 401
    # On its own company's domain the outsider sees its own (empty) figures, never alpha's.
    own = client_for(outsider).get(URL, PERIOD).json()
    assert (own["respondents"], own["ranked"], own["too_few"]) == (0, [], [])


def test_manager_with_a_token(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    response = client_for().get(URL, PERIOD, HTTP_AUTHORIZATION=f"Token {_token_for(manager)}")
    assert response.status_code == 200 and response.json()["ranked"][0]["name"] == "Tarkastus"


def test_the_schema_documents_the_endpoint(client_for: Any, manager: Any) -> None:
    response = client_for(manager).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert URL in schema["paths"]
    names = {parameter["name"] for parameter in schema["paths"][URL]["get"]["parameters"]}
    assert {"start", "end", "path", "persona", "segment", "location", "region"} <= names
