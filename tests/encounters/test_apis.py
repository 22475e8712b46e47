"""POST/GET /api/v1/encounters/: logging from an integration, idempotent resends, scoping."""

import datetime as dt
from typing import Any

from django.utils import timezone

from apps.encounters.models import Encounter, EncounterSource
from tests.encounters.conftest import log

URL = "/api/v1/encounters/"


def _post(client: Any, data: dict[str, Any]) -> Any:
    return client.post(URL, data, content_type="application/json")


def test_log_by_customer_id(client_for: Any, frontline: Any, customer: Any, touchpoint: Any) -> None:
    occurred = (timezone.now() - dt.timedelta(minutes=20)).replace(microsecond=0)
    response = _post(
        client_for(frontline),
        {
            "customer": customer.pk,
            "touchpoint": touchpoint.pk,
            "outcome": "escalated",
            "peak_feeling": -1,
            "end_feeling": 0,
            "note": "Jono oli pitkä.",
            "raised_to_management": True,
            "occurred_at": occurred.isoformat(),
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["customer"] == customer.pk and body["touchpoint"] == touchpoint.pk
    assert body["outcome"] == "escalated" and body["source"] == "api" and body["logged_by"] == frontline.pk
    encounter = Encounter.objects.get(pk=body["id"])
    assert encounter.occurred_at == occurred and encounter.source == EncounterSource.API


def test_inline_customer_and_idempotent_resend(fresh: Any, client_for: Any, manager: Any, touchpoint: Any) -> None:
    client = client_for(manager)
    data = {
        "customer_external_id": "TILL-77",
        "customer_email": "Kassa@Example.fi",
        "customer_name": "Kassan Asiakas",
        "touchpoint": touchpoint.pk,
        "outcome": "resolved",
        "survey_agreed": True,
        "external_id": "receipt-1001",
    }
    first = _post(client, data)
    assert first.status_code == 201, first.json()
    again = _post(client, {**data, "outcome": "unresolved"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["outcome"] == "resolved"
    assert fresh.encounters().count() == 1
    customer = fresh.customers().get()
    assert (customer.external_id, customer.email, customer.survey_consent) == ("TILL-77", "kassa@example.fi", True)
    # A new encounter for the same customer, found by email this time.
    third = _post(client, {"customer_email": "kassa@example.fi", "touchpoint": touchpoint.pk, "outcome": "resolved"})
    assert third.status_code == 201
    assert fresh.customers().count() == 1


def test_bad_input_gives_field_messages(client_for: Any, frontline: Any, touchpoint: Any) -> None:
    response = _post(client_for(frontline), {"touchpoint": 999999, "outcome": "maybe", "peak_feeling": 5})
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"touchpoint", "outcome", "peak_feeling"} <= set(fields)


def test_missing_customer_and_bad_customer_fields(fresh: Any, client_for: Any, frontline: Any, touchpoint: Any) -> None:
    client = client_for(frontline)
    missing = _post(client, {"touchpoint": touchpoint.pk, "outcome": "resolved"})
    assert missing.status_code == 400 and "customer" in missing.json()["fields"]
    bad = _post(
        client, {"customer_name": "X", "customer_email": "nope", "touchpoint": touchpoint.pk, "outcome": "resolved"}
    )
    assert bad.status_code == 400 and "customer_email" in bad.json()["fields"]
    unknown = _post(client, {"customer": 999999, "touchpoint": touchpoint.pk, "outcome": "resolved"})
    assert unknown.status_code == 400 and "customer" in unknown.json()["fields"]
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    late = _post(
        client,
        {"customer_email": "a@example.fi", "touchpoint": touchpoint.pk, "outcome": "resolved", "occurred_at": future},
    )
    assert late.status_code == 400 and "occurred_at" in late.json()["fields"]
    assert not fresh.encounters().exists() and not fresh.customers().exists()


def test_list_scoping_and_filters(
    client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any, other_touchpoint: Any
) -> None:
    mine = log(by=frontline, customer=customer, touchpoint=touchpoint, note="Kiitos", raised_to_management=True)
    theirs = log(by=manager, customer=customer, touchpoint=other_touchpoint, outcome="escalated")
    ours = {mine.pk, theirs.pk}

    def ids(client: Any, **filters: Any) -> set[int]:
        # Only this test's rows: other suites may leave committed encounters in the schema.
        return {row["id"] for row in client.get(URL, {**filters, "customer": customer.pk}).json()["results"]} & ours

    manager_client = client_for(manager)
    assert ids(client_for(frontline)) == {mine.pk}
    assert ids(manager_client) == ours
    assert ids(manager_client, raised="true") == {mine.pk}
    assert ids(manager_client, outcome="escalated") == {theirs.pk}
    assert ids(manager_client, touchpoint=touchpoint.pk) == {mine.pk}
    assert ids(manager_client, logged_by=manager.pk) == {theirs.pk}
    assert manager_client.get(URL, {"outcome": "nope"}).status_code == 400


def test_detail_scoping(client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any) -> None:
    theirs = log(by=manager, customer=customer, touchpoint=touchpoint)
    mine = log(by=frontline, customer=customer, touchpoint=touchpoint)
    assert client_for(frontline).get(f"{URL}{mine.pk}/").status_code == 200
    assert client_for(frontline).get(f"{URL}{theirs.pk}/").status_code == 404
    assert client_for(manager).get(f"{URL}{mine.pk}/").json()["customer_name"] == "Maija Meikäläinen"


def test_resend_of_someone_elses_external_id_is_refused(
    client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    log(by=manager, customer=customer, touchpoint=touchpoint, external_id="X-1")
    response = _post(
        client_for(frontline),
        {"customer": customer.pk, "touchpoint": touchpoint.pk, "outcome": "resolved", "external_id": "X-1"},
    )
    assert response.status_code == 400 and "external_id" in response.json()["fields"]


def test_anonymous_is_refused(fresh: Any, client_for: Any, customer: Any, touchpoint: Any) -> None:
    client = client_for()
    assert client.get(URL).status_code == 401
    assert (
        _post(client, {"customer": customer.pk, "touchpoint": touchpoint.pk, "outcome": "resolved"}).status_code == 401
    )
    assert not fresh.encounters().exists()


def test_other_company_sees_and_reaches_nothing(
    fresh: Any, client_for: Any, outsider: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    encounter = log(by=frontline, customer=customer, touchpoint=touchpoint)
    client = client_for(outsider)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{encounter.pk}/").status_code == 404
    response = _post(client, {"customer": customer.pk, "touchpoint": touchpoint.pk, "outcome": "resolved"})
    assert response.status_code == 400 and "touchpoint" in response.json()["fields"]
    assert fresh.encounters().count() == 1


def test_list_rows_are_what_the_output_serializer_writes(
    client_for: Any, manager: Any, frontline: Any, touchpoint: Any, other_touchpoint: Any
) -> None:
    """The list writes plain rows; each must equal EncounterOutputSerializer's output of the same encounter."""
    from apps.customers.services import customer_create
    from apps.encounters.apis import EncounterOutputSerializer
    from apps.encounters.selectors import encounter_list

    customers = [
        customer_create(full_name="Äijä Öhman", email="aija@example.fi"),
        customer_create(email="vain.sahkoposti@example.fi"),
        customer_create(phone="040 765 4321"),
    ]
    for number, customer in enumerate(customers):
        log(
            by=frontline if number else None,
            customer=customer,
            touchpoint=(touchpoint, other_touchpoint)[number % 2],
            ago=dt.timedelta(minutes=5 + number, microseconds=number * 7),
            peak_feeling=None if number == 1 else -2,
            note="Kiitos!" if number else "",
            raised_to_management=number == 2,
        )
    body = client_for(manager).get(URL).json()
    expected = [EncounterOutputSerializer(encounter).data for encounter in encounter_list(user=manager)]
    assert body["count"] == 3 and body["results"] == expected


def test_list_reads_a_page_in_two_queries(
    client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for minutes in range(12):
        log(by=frontline, customer=customer, touchpoint=touchpoint, ago=dt.timedelta(minutes=minutes + 1))
    client = client_for(manager)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}?page_size=5&page=2&path={touchpoint.stage.path_id}")
    assert response.status_code == 200 and len(response.json()["results"]) == 5
    reads = [query["sql"] for query in queries if "encounters_encounter" in query["sql"]]
    # The count and the page; the count joins only what the filter needs.
    assert len(reads) == 2
    assert "customers_customer" not in reads[0] and "accounts_user" not in reads[1]
    assert client.get(f"{URL}?page=99").status_code == 404


def test_browsable_list_shows_its_page_controls(client_for: Any, manager: Any, customer: Any, touchpoint: Any) -> None:
    for minutes in range(3):
        log(by=manager, customer=customer, touchpoint=touchpoint, ago=dt.timedelta(minutes=minutes + 1))
    page = client_for(manager).get(f"{URL}?page_size=2", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert 'class="pagination' in page.content.decode()
