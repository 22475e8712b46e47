"""The locations API: one allowed, one forbidden and one cross-tenant case per operation, and the rules."""

import pytest

from apps.locations.models import Location, LocationMembership, Region
from tests.locations.factories import location_build, region_path_build

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_members_read_locations_and_the_region_filter_covers_sub_regions(client_for, frontline) -> None:
    helsinki = region_path_build("Uusimaa", "Helsinki")
    location_build(name="Konala", region=helsinki)
    location_build(name="Tampere", region=region_path_build("Pirkanmaa"))
    client = client_for(frontline)
    answer = client.get(f"{API}/locations/", {"region": helsinki.parent.pk})
    assert answer.status_code == 200
    assert [row["name"] for row in answer.json()["results"]] == ["Konala"]
    regions = client.get(f"{API}/regions/").json()
    assert {"Uusimaa > Helsinki"} <= {region["path"] for region in regions}


def test_a_manager_creates_and_updates_regions_and_locations(client_for, manager) -> None:
    client = client_for(manager)
    region = client.post(f"{API}/regions/", {"name": "Uusimaa"}, content_type="application/json")
    assert region.status_code == 201
    child = client.post(
        f"{API}/regions/", {"name": "Espoo", "parent": region.json()["id"]}, content_type="application/json"
    )
    assert child.json()["path"] == "Uusimaa > Espoo"
    created = client.post(
        f"{API}/locations/",
        {"name": "Leppävaara", "code": "ESP1", "region": child.json()["id"], "city": "Espoo"},
        content_type="application/json",
    )
    assert created.status_code == 201
    location_id = created.json()["id"]
    changed = client.patch(
        f"{API}/locations/{location_id}/", {"address": "Kutomotie 1"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["address"] == "Kutomotie 1"
    assert changed.json()["region"] == child.json()["id"]
    assert client.delete(f"{API}/locations/{location_id}/").status_code == 204
    assert not Location.objects.get(pk=location_id).is_active
    restored = client.patch(f"{API}/locations/{location_id}/", {"is_active": True}, content_type="application/json")
    assert restored.json()["is_active"] is True


def test_a_broken_rule_is_a_400_with_fields(client_for, manager) -> None:
    client = client_for(manager)
    location_build(code="HKI1")
    taken = client.post(f"{API}/locations/", {"name": "X", "code": "hki1"}, content_type="application/json")
    assert taken.status_code == 400 and "code" in taken.json()["fields"]
    uusimaa = region_path_build("Uusimaa")
    helsinki = region_path_build("Uusimaa", "Helsinki")
    cycle = client.patch(f"{API}/regions/{uusimaa.pk}/", {"parent": helsinki.pk}, content_type="application/json")
    assert cycle.status_code == 400 and "parent" in cycle.json()["fields"]
    not_empty = client.delete(f"{API}/regions/{uusimaa.pk}/")
    assert not_empty.status_code == 400 and not_empty.json()["code"] == "region_not_empty"


def test_frontline_cannot_write(client_for, frontline) -> None:
    client = client_for(frontline)
    assert client.post(f"{API}/regions/", {"name": "X"}, content_type="application/json").status_code == 403
    location = location_build()
    assert client.delete(f"{API}/locations/{location.pk}/").status_code == 403
    assert client.get(f"{API}/locations/{location.pk}/staff/").status_code == 403
    assert not Region.objects.filter(name="X").exists() and Location.objects.get(pk=location.pk).is_active


def test_location_staff(client_for, manager, frontline) -> None:
    client = client_for(manager)
    location = location_build()
    added = client.post(
        f"{API}/locations/{location.pk}/staff/", {"user": frontline.pk}, content_type="application/json"
    )
    assert added.status_code == 201
    assert [row["id"] for row in client.get(f"{API}/locations/{location.pk}/staff/").json()] == [frontline.pk]
    assert client.delete(f"{API}/locations/{location.pk}/staff/{frontline.pk}/").status_code == 204
    assert client.delete(f"{API}/locations/{location.pk}/staff/{frontline.pk}/").status_code == 404
    assert not LocationMembership.objects.filter(location=location).exists()


def test_another_company_sees_nothing(client_for, outsider, manager, tenant_alpha) -> None:
    location = location_build(name="Alfan asema")
    own_host = client_for(outsider)
    assert own_host.get(f"{API}/locations/{location.pk}/").status_code == 404
    assert "Alfan asema" not in own_host.get(f"{API}/locations/").content.decode()
    # Beta's session replayed on alpha's host.
    on_alpha = client_for(tenant=tenant_alpha)
    on_alpha.cookies["sessionid"] = own_host.cookies["sessionid"].value
    refused = on_alpha.patch(f"{API}/locations/{location.pk}/", {"name": "Beta"}, content_type="application/json")
    assert refused.status_code in (401, 403)
    assert Location.objects.get(pk=location.pk).name == "Alfan asema"


def test_the_schema_has_the_locations_api(client_for, manager) -> None:
    schema = client_for(manager).get(f"{API}/schema/", {"format": "json"}).json()
    assert {"/api/v1/locations/", "/api/v1/regions/", "/api/v1/locations/{location_id}/staff/"} <= set(schema["paths"])
