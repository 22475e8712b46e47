"""Teams belong to locations: placing and removing a team (services, pages, API), a location's teams and a
team's locations, and a team's members working where their team does (the phone form's preselection)."""

import pytest
from django.conf import settings

from apps.accounts.models import Team, User
from apps.accounts.scope import location_scope_forget
from apps.core.exceptions import DomainError
from apps.locations.models import TeamLocation
from apps.locations.selectors import location_teams, locations_of_user, region_tree, team_locations
from apps.locations.services import (
    location_archive,
    location_restore,
    location_scope_set,
    location_staff_add,
    location_team_add,
    location_team_remove,
)
from tests.locations.factories import location_build, region_path_build

pytestmark = pytest.mark.django_db

API = "/api/v1"
PAGES = "/company/locations"


def _team(name: str, *members: User) -> Team:
    team = Team.objects.create(name=name)
    for member in members:
        member.team = team
        member.save(update_fields=["team"])
    return team


# Services and selectors


def test_placing_a_team_is_idempotent_and_removing_it_says_whether_it_was_there(frontline: User) -> None:
    konala, tampere = location_build(name="Konala"), location_build(name="Tampere")
    crew = _team("Katsastajat", frontline)
    first = location_team_add(location=konala, team=crew)
    assert location_team_add(location=konala, team=crew) == first
    location_team_add(location=tampere, team=crew)
    assert TeamLocation.objects.filter(team=crew).count() == 2
    assert [(team.name, team.member_count) for team in location_teams(location=konala)] == [("Katsastajat", 1)]
    assert [location.name for location in team_locations(team=crew)] == ["Konala", "Tampere"]
    assert location_team_remove(location=konala, team=crew) is True
    assert location_team_remove(location=konala, team=crew) is False
    assert [location.name for location in team_locations(team=crew)] == ["Tampere"]


def test_an_archived_location_takes_no_new_team_and_keeps_the_ones_it_had() -> None:
    station = location_build()
    kept, new = _team("Aamuvuoro"), _team("Iltavuoro")
    location_team_add(location=station, team=kept)
    location_archive(location=station)
    with pytest.raises(DomainError) as error:
        location_team_add(location=station, team=new)
    assert error.value.code == "location_archived" and "location" in error.value.fields
    assert [team.name for team in location_teams(location=station)] == ["Aamuvuoro"]
    location_restore(location=station)
    location_team_add(location=station, team=new)
    assert [team.name for team in location_teams(location=station)] == ["Aamuvuoro", "Iltavuoro"]


def test_removing_a_team_removes_its_placements() -> None:
    station = location_build()
    crew = _team("Poistuva")
    location_team_add(location=station, team=crew)
    crew.delete()
    assert not TeamLocation.objects.exists()


def test_a_users_locations_are_their_own_and_their_teams(frontline: User, manager: User) -> None:
    own, of_team, archived, other = (location_build(name=name) for name in ("Oma", "Tiimin", "Arkistoitu", "Muu"))
    location_staff_add(location=own, user=frontline)
    crew = _team("Katsastajat", frontline)
    location_team_add(location=of_team, team=crew)
    location_team_add(location=archived, team=crew)
    location_staff_add(location=of_team, user=frontline)  # both ways at once: listed once
    location_archive(location=archived)
    assert [location.name for location in locations_of_user(user=frontline)] == ["Oma", "Tiimin"]
    assert [location.name for location in locations_of_user(user=frontline, include_archived=True)] == [
        "Arkistoitu",
        "Oma",
        "Tiimin",
    ]
    assert list(locations_of_user(user=manager)) == []
    assert other.pk not in {location.pk for location in locations_of_user(user=frontline)}


def test_the_tree_counts_teams_and_staff_apart(frontline: User, manager: User) -> None:
    station = location_build(region=region_path_build("Uusimaa"))
    location_staff_add(location=station, user=frontline)
    location_staff_add(location=station, user=manager)
    for name in ("A", "B", "C"):
        location_team_add(location=station, team=_team(name))
    (node,) = region_tree().flat()
    (counted,) = node.locations
    assert (counted.staff_count, counted.team_count) == (2, 3)


# The phone form's preselection


def test_a_frontline_person_in_a_team_placed_at_one_station_gets_it_preselected(client_for, frontline) -> None:
    location_build(name="Muu asema")
    station = location_build(name="Tiimin asema")
    location_team_add(location=station, team=_team("Konalan tiimi", frontline))
    page = client_for(frontline).get("/encounters/log/").content.decode()
    assert f'<option value="{station.pk}" selected>' in page
    assert page.index("Tiimin asema") < page.index("Muu asema")


def test_a_team_at_two_stations_preselects_neither(client_for, frontline) -> None:
    first, second = location_build(name="Eka"), location_build(name="Toka")
    crew = _team("Kiertävä", frontline)
    location_team_add(location=first, team=crew)
    location_team_add(location=second, team=crew)
    page = client_for(frontline).get("/encounters/log/").content.decode()
    assert f'<option value="{first.pk}">Eka</option>' in page
    assert f'<option value="{second.pk}">Toka</option>' in page


# Pages


def test_a_manager_places_and_removes_a_team_on_the_staff_page(client_for, manager, frontline) -> None:
    station = location_build(name="Konala")
    crew = _team("Katsastajat", frontline)
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"{PAGES}/{station.pk}/staff/").content.decode()
    assert f'<option value="{crew.pk}">Katsastajat</option>' in page
    assert client.post(f"{PAGES}/{station.pk}/staff/", {"add": "team", "team": crew.pk}).status_code == 302
    page = client.get(f"{PAGES}/{station.pk}/staff/").content.decode()
    assert "Katsastajat" in page and "1 person" in page
    assert "1 team" in client.get(f"{PAGES}/").content.decode()
    assert client.post(f"{PAGES}/{station.pk}/teams/{crew.pk}/remove/").status_code == 302
    assert not TeamLocation.objects.exists()


def test_a_bad_team_is_a_form_error_not_a_500(client_for, manager) -> None:
    station = location_build()
    crew = _team("Katsastajat")
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.post(f"{PAGES}/{station.pk}/staff/", {"add": "team", "team": 999_999}).status_code == 400
    location_archive(location=station)
    refused = client.post(f"{PAGES}/{station.pk}/staff/", {"add": "team", "team": crew.pk})
    assert refused.status_code == 400 and "Restore it first" in refused.content.decode()
    assert not TeamLocation.objects.exists()


def test_the_team_part_in_finnish_and_swedish(client_for, manager) -> None:
    station = location_build()
    location_team_add(location=station, team=_team("Katsastajat"))
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    body = client.get(f"{PAGES}/{station.pk}/staff/").content.decode()
    assert "Lisää tiimi" in body and "Jäsenet" in body and "0 henkilöä" in body
    assert "1 tiimi" in client.get(f"{PAGES}/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    body = client.get(f"{PAGES}/{station.pk}/staff/").content.decode()
    assert "Lägg till ett team" in body and "Medlemmar" in body
    assert "1 team" in client.get(f"{PAGES}/").content.decode()


def test_frontline_staff_and_scoped_managers_cannot_place_teams(client_for, frontline, manager) -> None:
    station = location_build()
    crew = _team("Katsastajat")
    location_scope_set(user=manager, regions=[], locations=[station], acting_user=None)
    location_scope_forget(manager)
    for user in (frontline, manager):
        client = client_for(user)
        assert client.get(f"{PAGES}/{station.pk}/staff/").status_code == 403
        assert client.post(f"{PAGES}/{station.pk}/staff/", {"add": "team", "team": crew.pk}).status_code == 403
        assert client.get(f"{API}/locations/{station.pk}/teams/").status_code == 403
        posted = client.post(f"{API}/locations/{station.pk}/teams/", {"team": crew.pk}, content_type="application/json")
        assert posted.status_code == 403
    assert not TeamLocation.objects.exists()


# API


def test_the_api_lists_places_and_removes_teams(client_for, manager, frontline) -> None:
    station = location_build()
    crew = _team("Katsastajat", frontline)
    client = client_for(manager)
    url = f"{API}/locations/{station.pk}/teams/"
    added = client.post(url, {"team": crew.pk}, content_type="application/json")
    assert added.status_code == 201
    assert added.json() == {"id": crew.pk, "name": "Katsastajat", "member_count": 1}
    assert client.post(url, {"team": crew.pk}, content_type="application/json").status_code == 201
    assert client.get(url).json() == [{"id": crew.pk, "name": "Katsastajat", "member_count": 1}]
    assert client.delete(f"{url}{crew.pk}/").status_code == 204
    assert client.delete(f"{url}{crew.pk}/").status_code == 404
    assert client.get(url).json() == []


def test_the_api_names_the_field_of_bad_input(client_for, manager) -> None:
    station = location_build()
    crew = _team("Katsastajat")
    client = client_for(manager)
    url = f"{API}/locations/{station.pk}/teams/"
    for body in ({"team": 999_999}, {"team": "x"}, {}):
        refused = client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 400 and "team" in refused.json()["fields"]
    location_archive(location=station)
    refused = client.post(url, {"team": crew.pk}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "location" in refused.json()["fields"]
    assert (
        client.post(f"{API}/locations/999999/teams/", {"team": crew.pk}, content_type="application/json").status_code
        == 404
    )
    assert not TeamLocation.objects.exists()


def test_another_company_cannot_place_its_teams_here(client_for, outsider, manager) -> None:
    station = location_build(name="Alfan asema")
    crew = _team("Alfan tiimi")
    location_team_add(location=station, team=crew)
    beta = client_for(outsider)
    assert beta.get(f"{API}/locations/{station.pk}/teams/").status_code == 404
    assert beta.delete(f"{API}/locations/{station.pk}/teams/{crew.pk}/").status_code == 404
    assert TeamLocation.objects.filter(team=crew).exists()


def test_the_schema_has_the_teams_api(client_for, manager) -> None:
    schema = client_for(manager).get(f"{API}/schema/", {"format": "json"}).json()
    assert {"/api/v1/locations/{location_id}/teams/", "/api/v1/locations/{location_id}/teams/{team_id}/"} <= set(
        schema["paths"]
    )
    assert "member_count" in schema["components"]["schemas"]["LocationTeamOutput"]["properties"]
