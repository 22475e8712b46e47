"""An encounter happens at a location: chosen once on the phone form and remembered, shown in the list, and
accepted (validated) by the API."""

from typing import Any

import pytest

from apps.locations.services import location_archive, location_staff_add
from tests.encounters.conftest import log
from tests.locations.factories import location_build, region_path_build

pytestmark = pytest.mark.django_db

LOG_URL = "/encounters/log/"


def _post(client: Any, **data: Any) -> Any:
    payload = {"action": "log", "outcome": "resolved", "peak_feeling": "1", "end_feeling": "2"}
    payload.update(data)
    return client.post(LOG_URL, payload)


def test_the_form_logs_the_location_and_keeps_it_for_the_next_one(
    fresh: Any, client_for: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    station = location_build(name="Konala")
    client = client_for(frontline)
    response = _post(client, customer=customer.pk, touchpoint=touchpoint.pk, location=station.pk)
    assert response.status_code == 302
    assert response["Location"] == f"{LOG_URL}?touchpoint={touchpoint.pk}&location={station.pk}"
    assert fresh.encounters().get().location == station
    page = client.get(response["Location"]).content.decode()
    assert f'<option value="{station.pk}" selected>' in page


def test_a_company_with_locations_must_name_one(fresh: Any, client_for: Any, frontline: Any, customer, touchpoint):
    location_build()
    response = _post(client_for(frontline), customer=customer.pk, touchpoint=touchpoint.pk)
    assert response.status_code == 400
    assert not fresh.encounters().exists()


def test_a_company_without_locations_is_not_asked(fresh: Any, client_for: Any, frontline: Any, customer, touchpoint):
    page = client_for(frontline).get(LOG_URL).content.decode()
    assert 'name="location"' not in page
    assert _post(client_for(frontline), customer=customer.pk, touchpoint=touchpoint.pk).status_code == 302
    assert fresh.encounters().get().location is None


def test_the_users_only_location_is_preselected(client_for: Any, frontline: Any) -> None:
    location_build(name="Muu asema")
    own = location_build(name="Oma asema")
    location_staff_add(location=own, user=frontline)
    page = client_for(frontline).get(LOG_URL).content.decode()
    assert f'<option value="{own.pk}" selected>' in page
    assert page.index("Oma asema") < page.index("Muu asema")


def test_the_last_used_location_is_remembered(client_for: Any, frontline: Any, customer, touchpoint) -> None:
    first, second = location_build(), location_build()
    location_staff_add(location=first, user=frontline)
    log(by=frontline, customer=customer, touchpoint=touchpoint, location=second)
    page = client_for(frontline).get(LOG_URL).content.decode()
    assert f'<option value="{second.pk}" selected>' in page


def test_an_archived_location_cannot_be_chosen(fresh, client_for: Any, frontline: Any, customer, touchpoint) -> None:
    location_build()
    archived = location_archive(location=location_build())
    response = _post(client_for(frontline), customer=customer.pk, touchpoint=touchpoint.pk, location=archived.pk)
    assert response.status_code == 400
    assert not fresh.encounters().exists()


def test_the_api_accepts_and_shows_the_location(fresh, client_for: Any, frontline: Any, customer, touchpoint):
    station = location_build(name="Konala")
    client = client_for(frontline)
    body = {"customer": customer.pk, "touchpoint": touchpoint.pk, "outcome": "resolved", "location": station.pk}
    created = client.post("/api/v1/encounters/", body, content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["location"], created.json()["location_name"]) == (station.pk, "Konala")
    listed = client.get("/api/v1/encounters/").json()["results"][0]
    assert (listed["location"], listed["location_name"]) == (station.pk, "Konala")


def test_the_api_refuses_an_archived_or_unknown_location(fresh, client_for, frontline, customer, touchpoint) -> None:
    archived = location_archive(location=location_build())
    client = client_for(frontline)
    for location_id in (archived.pk, 999_999):
        body = {"customer": customer.pk, "touchpoint": touchpoint.pk, "outcome": "resolved", "location": location_id}
        refused = client.post("/api/v1/encounters/", body, content_type="application/json")
        assert refused.status_code == 400 and "location" in refused.json()["fields"]
    assert not fresh.encounters().exists()


def test_the_list_shows_and_filters_by_location_and_region(client_for, manager, frontline, customer, touchpoint):
    helsinki = region_path_build("Uusimaa", "Helsinki")
    konala = location_build(name="Konala", region=helsinki)
    tampere = location_build(name="Tampere", region=region_path_build("Pirkanmaa"))
    at_konala = log(by=frontline, customer=customer, touchpoint=touchpoint, location=konala, note="Konalan käynti")
    log(by=frontline, customer=customer, touchpoint=touchpoint, location=tampere, note="Tampereen käynti")
    client = client_for(manager)
    page = client.get("/encounters/").content.decode()
    assert "Konala" in page and "Tampere" in page
    by_region = client.get("/encounters/", {"region": helsinki.parent.pk}).content.decode()
    assert "Konalan käynti" in by_region and "Tampereen käynti" not in by_region
    by_api = client.get("/api/v1/encounters/", {"region": helsinki.parent.pk}).json()["results"]
    assert [row["id"] for row in by_api] == [at_konala.pk]


# --- A manager scoped to locations logs only there ------------------------------------------------


@pytest.fixture
def scoped_manager(manager: Any) -> Any:
    from apps.locations.services import location_scope_set

    own, other = location_build(name="Oma asema"), location_build(name="Vieras asema")
    location_scope_set(user=manager, regions=[], locations=[own], acting_user=None)
    manager.own_station, manager.other_station = own, other
    return manager


def test_the_phone_form_offers_a_scoped_manager_only_their_locations(client_for, scoped_manager) -> None:
    page = client_for(scoped_manager).get(LOG_URL).content.decode()
    assert f'<option value="{scoped_manager.own_station.pk}"' in page
    assert "Vieras asema" not in page


def test_the_phone_form_refuses_a_location_outside_the_scope(fresh, client_for, scoped_manager, customer, touchpoint):
    client = client_for(scoped_manager)
    outside = _post(
        client,
        customer_name="Uusi Asiakas",
        customer_email="uusi@example.fi",
        touchpoint=touchpoint.pk,
        location=scoped_manager.other_station.pk,
    )
    assert outside.status_code == 400
    assert 'class="quicklog__section field field--error"' in outside.content.decode()
    nowhere = _post(client, customer_name="Uusi Asiakas", customer_email="uusi@example.fi", touchpoint=touchpoint.pk)
    assert nowhere.status_code == 400
    assert not fresh.encounters().exists()
    inside = _post(
        client,
        customer_name="Uusi Asiakas",
        customer_email="uusi@example.fi",
        touchpoint=touchpoint.pk,
        location=scoped_manager.own_station.pk,
    )
    assert inside.status_code == 302
    assert fresh.encounters().get().location == scoped_manager.own_station


def test_the_api_refuses_a_scoped_manager_a_location_outside_the_scope(
    fresh, client_for, scoped_manager, customer, touchpoint
) -> None:
    client = client_for(scoped_manager)
    body = {
        "customer_email": "uusi@example.fi",
        "customer_name": "Uusi Asiakas",
        "touchpoint": touchpoint.pk,
        "outcome": "resolved",
    }
    for location_id in (scoped_manager.other_station.pk, None):
        refused = client.post("/api/v1/encounters/", {**body, "location": location_id}, content_type="application/json")
        assert refused.status_code == 400 and "location" in refused.json()["fields"]
    assert not fresh.encounters().exists()
    body["location"] = scoped_manager.own_station.pk
    assert client.post("/api/v1/encounters/", body, content_type="application/json").status_code == 201


def test_frontline_staff_still_log_at_any_location(fresh, client_for, frontline, scoped_manager, customer, touchpoint):
    client = client_for(frontline)
    page = client.get(LOG_URL).content.decode()
    assert "Vieras asema" in page and "Oma asema" in page
    response = _post(client, customer=customer.pk, touchpoint=touchpoint.pk, location=scoped_manager.other_station.pk)
    assert response.status_code == 302
