"""The hand-written baselines of bench/baselines/api.py answer what the product answers.

A benchmark's floor is honest only when it does the same work: the same first page
(the same keys, values and count) of the encounter and customer lists for the same
user, and the same encounter written by the same POST body.
"""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.accounts.services import api_token_issue
from apps.customers.services import customer_create
from apps.encounters.models import Encounter
from apps.encounters.services import encounter_log
from tests.journeys.factories import map_build, touchpoint_named

# The bench URL conf: the product's company URLs with the baselines beside them, as bench/run.py serves them.
pytestmark = pytest.mark.urls("bench.urls")


@pytest.fixture
def company(manager: Any, frontline: Any) -> dict[str, Any]:
    """60 encounters by two people (one page and a bit for the manager), customers with and without names."""
    path = map_build(stages={"Saapuminen": ["Vastaanotto"], "Katsastus": ["Tarkastus"]})
    touchpoints = [touchpoint_named(path, "Vastaanotto"), touchpoint_named(path, "Tarkastus")]
    customers = [
        customer_create(full_name="Maija Meikäläinen", email="maija@example.fi", phone="040 123 4567"),
        customer_create(email="nimeton@example.fi", survey_consent=True, consent_source="api"),
        customer_create(phone="040 765 4321", external_id="TILL-1"),
    ]
    now = timezone.now()
    for number in range(60):
        encounter_log(
            logged_by=frontline if number % 3 else manager,
            customer=customers[number % 3],
            touchpoint=touchpoints[number % 2],
            outcome=("resolved", "unresolved", "escalated")[number % 3],
            peak_feeling=None if number % 4 == 0 else number % 5 - 2,
            end_feeling=number % 3 - 1,
            note=f"Huomio {number}" if number % 2 else "",
            raised_to_management=number % 5 == 0,
            survey_agreed=number % 7 == 0,
            occurred_at=now - dt.timedelta(minutes=number * 7, microseconds=number),
        )
    return {"touchpoint": touchpoints[0], "customer": customers[0]}


def _token_client(client_for: Any, user: Any) -> Any:
    client = client_for()
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token_issue(user=user, name='Bench')[1]}"
    return client


def _same_page(product: Any, baseline: Any) -> None:
    assert product.status_code == baseline.status_code == 200
    product_body, baseline_body = product.json(), baseline.json()
    assert product_body["results"], "an empty page compares nothing"
    assert product_body["results"] == baseline_body["results"]
    assert product_body["count"] == baseline_body["count"]
    assert product_body["previous"] is baseline_body["previous"] is None
    assert (product_body["next"] is None) == (baseline_body["next"] is None)


@pytest.mark.parametrize("role", ["manager", "frontline"])
def test_encounter_list_baseline_answers_the_same_page(
    role: str, company: dict[str, Any], client_for: Any, request: pytest.FixtureRequest
) -> None:
    client = _token_client(client_for, request.getfixturevalue(role))
    _same_page(client.get("/api/v1/encounters/"), client.get("/bench/api/encounters/"))


def test_customer_list_baseline_answers_the_same_page(company: dict[str, Any], client_for: Any, manager: Any) -> None:
    client = _token_client(client_for, manager)
    _same_page(client.get("/api/v1/customers/"), client.get("/bench/api/customers/"))


def test_encounter_post_baseline_writes_and_answers_the_same(
    company: dict[str, Any], client_for: Any, frontline: Any
) -> None:
    client = _token_client(client_for, frontline)
    body = {
        "customer": company["customer"].pk,
        "touchpoint": company["touchpoint"].pk,
        "outcome": "escalated",
        "peak_feeling": -1,
        "end_feeling": 1,
        "note": " Jono oli pitkä. ",
        "raised_to_management": True,
        "survey_agreed": True,
    }
    product = client.post("/api/v1/encounters/", body, content_type="application/json")
    baseline = client.post("/bench/api/encounters/create/", body, content_type="application/json")
    assert product.status_code == baseline.status_code == 201
    different = {"id", "occurred_at", "created_at"}
    product_body, baseline_body = product.json(), baseline.json()
    assert {key: value for key, value in product_body.items() if key not in different} == {
        key: value for key, value in baseline_body.items() if key not in different
    }
    assert list(product_body) == list(baseline_body)
    written = Encounter.objects.filter(pk__in=[product_body["id"], baseline_body["id"]])
    assert {(row.source, row.logged_by_id, row.note) for row in written} == {("api", frontline.pk, "Jono oli pitkä.")}


def test_quick_log_baseline_writes_the_same_row(company: dict[str, Any], client_for: Any, frontline: Any) -> None:
    client = client_for(frontline)
    form = {
        "action": "log",
        "customer": company["customer"].pk,
        "touchpoint": company["touchpoint"].pk,
        "outcome": "resolved",
        "peak_feeling": "1",
        "end_feeling": "2",
        "note": "Kiitti",
        "survey_agreed": "on",
    }
    before = set(Encounter.objects.values_list("pk", flat=True))
    product = client.post("/encounters/log/", form)
    baseline = client.post("/bench/quick-log/", form)
    assert product.status_code == baseline.status_code == 302
    assert product["Location"] == baseline["Location"]
    fields = ("customer_id", "touchpoint_id", "logged_by_id", "outcome", "peak_feeling", "end_feeling", "note")
    written = list(Encounter.objects.exclude(pk__in=before).values_list(*fields, "survey_agreed", "source"))
    assert len(written) == 2 and written[0] == written[1]
