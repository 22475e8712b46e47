"""/api/v1/cases/: the case list and page as data, with the page's role and scope rules."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.cases.models import CaseEvent, CaseEventKind, CaseStatus, FollowUpCase
from apps.cases.reasons import CaseReason, PoorScore
from apps.cases.services import case_open
from apps.customers.services import customer_create
from apps.encounters.services import encounter_log
from apps.locations.services import location_scope_set
from tests.conftest import make_user
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"


@pytest.fixture
def touchpoint(db, frontline):
    touchpoint = touchpoint_named(map_build(stages={"Tulos": ["Tuloksen kertominen"]}), "Tuloksen kertominen")
    touchpoint.owner = frontline
    touchpoint.save()
    return touchpoint


@pytest.fixture
def stations(db):
    return (
        location_build(name="Asema A", code="APIA", region=region_path_build("Etelä")),
        location_build(name="Asema B", code="APIB", region=region_path_build("Pohjoinen")),
    )


def open_case(*, name: str, touchpoint, location=None, logged_by=None, now=None) -> FollowUpCase:
    customer = customer_create(full_name=name, email=f"{name.split()[0].lower()}@example.fi")
    encounter = None
    if location is not None:
        encounter = encounter_log(
            logged_by=logged_by, customer=customer, touchpoint=touchpoint, outcome="resolved", location=location
        )
    return case_open(
        customer=customer,
        touchpoint=touchpoint,
        encounter=encounter,
        reason=CaseReason.poor_answer([PoorScore(measure="nps", score=3)]),
        due_working_days=2,
        now=now,
    )


@pytest.fixture
def cases(touchpoint, stations, frontline, manager):
    """Aino's case at station A (frontline's), Bertta's at B (the manager's), Cecilia's late one (frontline's)."""
    at_a = open_case(name="Aino Asiakas", touchpoint=touchpoint, location=stations[0], logged_by=frontline)
    at_b = open_case(name="Bertta Asiakas", touchpoint=touchpoint, location=stations[1], logged_by=frontline)
    FollowUpCase.objects.filter(pk=at_b.pk).update(assignee=manager)
    late = open_case(name="Cecilia Asiakas", touchpoint=touchpoint, now=timezone.now() - dt.timedelta(days=30))
    return {"a": at_a, "b": at_b, "late": late}


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_frontline_sees_their_own_cases_and_managers_all(client_for, cases, frontline, manager, company_admin):
    assert sorted(ids(client_for(frontline).get(URL))) == sorted([cases["a"].pk, cases["late"].pk])
    assert len(ids(client_for(manager).get(URL))) == 3
    assert len(ids(client_for(company_admin).get(URL))) == 3
    assert client_for(frontline).get(f"{URL}{cases['b'].pk}/").status_code == 404


def test_filters_as_on_the_case_list(client_for, cases, manager, frontline, stations, touchpoint):
    client = client_for(manager)
    assert ids(client.get(URL, {"timeliness": "late"})) == [cases["late"].pk]
    assert ids(client.get(URL, {"location": stations[0].pk})) == [cases["a"].pk]
    assert ids(client.get(URL, {"assignee": manager.pk})) == [cases["b"].pk]
    assert ids(client.get(URL, {"mine": "true"})) == [cases["b"].pk]
    assert ids(client.get(URL, {"search": "bertta"})) == [cases["b"].pk]
    assert len(ids(client.get(URL, {"touchpoint": touchpoint.pk, "status": "open"}))) == 3
    assert ids(client.get(URL, {"status": "resolved"})) == []

    row = client.get(URL, {"timeliness": "late"}).json()["results"][0]
    assert row["timeliness"] == "late" and row["status"] == "open" and row["customer_name"] == "Cecilia Asiakas"
    assert row["assignee"] == frontline.pk and row["location"] is None

    response = client.get(URL, {"status": "someday", "location": "x"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"status", "location"}


def test_detail_with_its_history(client_for, cases, frontline):
    response = client_for(frontline).get(f"{URL}{cases['a'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["customer_name"] == "Aino Asiakas" and body["reason_scores"] == [{"measure": "nps", "score": 3}]
    assert [event["to_status"] for event in body["events"]] == ["open"]


def test_contact_then_resolve_through_the_page_services(client_for, cases, frontline):
    client = client_for(frontline)
    url = f"{URL}{cases['a'].pk}/transition/"

    response = client.post(url, {"status": "contacted", "note": "Soitin asiakkaalle."}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "contacted"

    again = client.post(url, {"status": "contacted"}, content_type="application/json")
    assert again.status_code == 400 and "status" in again.json()["fields"]

    no_note = client.post(url, {"status": "resolved", "note": " "}, content_type="application/json")
    assert no_note.status_code == 400 and "note" in no_note.json()["fields"]

    unknown = client.post(url, {"status": "open"}, content_type="application/json")
    assert unknown.status_code == 400 and "status" in unknown.json()["fields"]

    done = client.post(url, {"status": "resolved", "note": "Hyvitys sovittu."}, content_type="application/json")
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "resolved" and body["resolution_note"] == "Hyvitys sovittu."
    assert [event["to_status"] for event in body["events"]] == ["open", "contacted", "resolved"]
    assert body["events"][1]["note"] == "Soitin asiakkaalle." and body["events"][1]["actor"] == frontline.pk

    resolved = client.post(url, {"status": "resolved", "note": "Taas."}, content_type="application/json")
    assert resolved.status_code == 400 and "status" in resolved.json()["fields"]


def test_only_managers_and_admins_reassign(client_for, cases, frontline, manager):
    url = f"{URL}{cases['a'].pk}/reassign/"
    refused = client_for(frontline).post(url, {"assignee": manager.pk}, content_type="application/json")
    assert refused.status_code == 403
    assert FollowUpCase.objects.get(pk=cases["a"].pk).assignee == frontline

    response = client_for(manager).post(url, {"assignee": manager.pk}, content_type="application/json")
    assert response.status_code == 200 and response.json()["assignee"] == manager.pk
    event = CaseEvent.objects.get(case=cases["a"], kind=CaseEventKind.REASSIGNED)
    assert event.assignee == manager and event.actor == manager

    inactive = make_user(manager.tenant, role=Role.FRONTLINE, email="gone@alpha.example", is_active=False)
    for bad in (inactive.pk, 999999, "x"):
        response = client_for(manager).post(url, {"assignee": bad}, content_type="application/json")
        assert response.status_code == 400 and "assignee" in response.json()["fields"]


def test_a_scoped_manager_gets_only_their_locations(client_for, cases, manager, stations):
    location_scope_set(user=manager, regions=[], locations=[stations[1]], acting_user=None)
    client = client_for(manager)
    assert ids(client.get(URL)) == [cases["b"].pk]
    assert client.get(f"{URL}{cases['a'].pk}/").status_code == 404
    transition = client.post(
        f"{URL}{cases['a'].pk}/transition/", {"status": "contacted"}, content_type="application/json"
    )
    assert transition.status_code == 404
    assert FollowUpCase.objects.get(pk=cases["a"].pk).status == CaseStatus.OPEN


def test_another_company_sees_none_of_them(client_for, cases, outsider):
    client = client_for(outsider)
    assert ids(client.get(URL)) == []
    assert client.get(f"{URL}{cases['a'].pk}/").status_code == 404


def test_anonymous_is_refused(anonymous_client, cases):
    assert anonymous_client.get(URL).status_code == 401
