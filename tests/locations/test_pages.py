"""The locations pages: the tree, adding and editing, archiving, staff. For managers and admins only."""

import pytest
from django.conf import settings

from apps.locations.models import Location, LocationMembership, Region
from tests.locations.factories import location_build, region_path_build

pytestmark = pytest.mark.django_db

LIST_URL = "/company/locations/"


def test_the_tree_shows_regions_and_their_locations(client_for, manager) -> None:
    helsinki = region_path_build("Uusimaa", "Helsinki")
    location_build(name="Konala", code="HKI1", region=helsinki)
    location_build(name="Liikkuva asema", code="MOB1")
    page = client_for(manager).get(LIST_URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index("Uusimaa") < body.index("Helsinki") < body.index("Konala") < body.index("Liikkuva asema")
    assert "HKI1" in body


def test_frontline_staff_cannot_manage_locations(client_for, frontline) -> None:
    assert client_for(frontline).get(LIST_URL).status_code == 403
    assert client_for(frontline).post(f"{LIST_URL}new/", {"name": "X", "code": "X1"}).status_code == 403
    assert not Location.objects.filter(code="X1").exists()


def test_a_manager_adds_a_region_and_a_location_in_it(client_for, manager) -> None:
    client = client_for(manager)
    assert client.post(f"{LIST_URL}regions/new/", {"name": "Pirkanmaa", "parent": ""}).status_code == 302
    region = Region.objects.get(name="Pirkanmaa")
    response = client.post(
        f"{LIST_URL}new/", {"name": "Tampere", "code": "TRE1", "region": region.pk, "address": "", "city": "Tampere"}
    )
    location = Location.objects.get(code="TRE1")
    assert response.status_code == 302 and response["Location"] == f"{LIST_URL}{location.pk}/staff/"
    assert location.region == region


def test_a_taken_code_is_shown_on_the_form_not_a_500(client_for, manager) -> None:
    location_build(code="HKI1")
    response = client_for(manager).post(f"{LIST_URL}new/", {"name": "Toinen", "code": "hki1", "region": ""})
    assert response.status_code == 400
    assert "Toisella toimipisteellä on jo tämä tunnus." in response.content.decode()


def test_a_region_cannot_be_moved_into_its_own_branch(client_for, manager) -> None:
    helsinki = region_path_build("Uusimaa", "Helsinki")
    uusimaa = helsinki.parent
    response = client_for(manager).post(
        f"{LIST_URL}regions/{uusimaa.pk}/edit/", {"name": "Uusimaa", "parent": helsinki.pk}
    )
    assert response.status_code == 400
    assert Region.objects.get(pk=uusimaa.pk).parent is None


def test_archive_and_restore(client_for, manager) -> None:
    location = location_build(code="ARK1")
    client = client_for(manager)
    client.post(f"{LIST_URL}{location.pk}/archive/")
    location.refresh_from_db()
    assert not location.is_active
    assert "ARK1" not in client.get(LIST_URL).content.decode()
    assert "ARK1" in client.get(f"{LIST_URL}?archived=1").content.decode()
    client.post(f"{LIST_URL}{location.pk}/archive/")
    location.refresh_from_db()
    assert location.is_active


def test_staff_are_added_and_removed(client_for, company_admin, frontline) -> None:
    location = location_build()
    client = client_for(company_admin)
    page = client.get(f"{LIST_URL}{location.pk}/staff/")
    assert frontline.email in page.content.decode()
    assert client.post(f"{LIST_URL}{location.pk}/staff/", {"user": frontline.pk}).status_code == 302
    assert LocationMembership.objects.filter(location=location, user=frontline).exists()
    assert client.post(f"{LIST_URL}{location.pk}/staff/{frontline.pk}/remove/").status_code == 302
    assert not LocationMembership.objects.filter(location=location, user=frontline).exists()


def test_the_page_in_finnish_and_english(client_for, manager) -> None:
    location_build(name="Konala", region=region_path_build("Uusimaa"))
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    body = client.get(LIST_URL).content.decode()
    assert "Toimipisteet" in body and "Lisää toimipiste" in body and "Alue / toimipiste" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(LIST_URL).content.decode()
    assert "Add location" in body and "Region / location" in body


def test_another_companys_location_is_not_found(client_for, outsider) -> None:
    location = location_build(name="Alfan asema")
    client = client_for(outsider)
    for url in (f"{LIST_URL}{location.pk}/edit/", f"{LIST_URL}{location.pk}/staff/"):
        assert client.get(url).status_code == 404
    assert client.post(f"{LIST_URL}{location.pk}/archive/").status_code == 404
    assert "Alfan asema" not in client.get(LIST_URL).content.decode()
    location.refresh_from_db()
    assert location.is_active
