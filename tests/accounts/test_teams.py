"""Teams: a company admin puts users in teams on the pages and through the API."""

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import Role, Team, User
from apps.accounts.selectors import team_by_user_ids, team_list
from apps.accounts.services import team_update, user_create, user_update
from apps.audit.models import AuditEvent, AuditLogEntry
from apps.core.exceptions import DomainError
from apps.locations.services import location_create, location_team_add
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk() -> Team:
    return TeamFactory(name="Asiakaspalvelu")


@pytest.fixture
def hall() -> Team:
    return TeamFactory(name="Katsastajat")


def test_service_creates_a_user_in_a_team_and_moves_and_clears_it(desk, hall):
    user = user_create(email="new@alpha.example", role=Role.FRONTLINE, team=desk)
    assert User.objects.get(pk=user.pk).team == desk

    user_update(user=user, team=hall)
    assert User.objects.get(pk=user.pk).team == hall

    user_update(user=user, full_name="Kalle")
    assert User.objects.get(pk=user.pk).team == hall, "a change that leaves the team out keeps it"

    user_update(user=user, team=None)
    assert User.objects.get(pk=user.pk).team is None


def test_service_refuses_a_team_that_is_not_in_this_company():
    with pytest.raises(DomainError) as raised:
        user_create(email="new@alpha.example", team=Team(name="Unsaved"))
    assert set(raised.value.fields) == {"team"}
    assert not User.objects.filter(email="new@alpha.example").exists()


def test_deleting_a_team_keeps_its_members(desk):
    user = UserFactory(team=desk)
    desk.delete()
    user.refresh_from_db()
    assert user.team is None


def test_selectors_list_teams_and_map_users_to_them(desk, hall):
    member = UserFactory(team=desk)
    other = UserFactory(team=desk)
    loner = UserFactory()
    UserFactory(team=desk, is_active=False)

    counts = {team.name: team.member_count for team in team_list()}
    assert counts == {"Asiakaspalvelu": 2, "Katsastajat": 0}
    assert team_by_user_ids(user_ids=[member.pk, other.pk, loner.pk, 999_999]) == {
        member.pk: desk,
        other.pk: desk,
        loner.pk: None,
    }


def test_admin_adds_a_user_to_a_team_on_the_page(client_for, company_admin, desk):
    client = client_for(company_admin)
    form = client.get("/accounts/users/new/")
    assert "Asiakaspalvelu" in form.content.decode()

    response = client.post(
        "/accounts/users/new/",
        {"email": "uusi@alpha.example", "full_name": "Uusi", "role": Role.FRONTLINE, "language": "", "team": desk.pk},
    )
    assert response.status_code == 302
    assert User.objects.get(email="uusi@alpha.example").team == desk
    listing = client.get("/accounts/users/").content.decode()
    assert "Asiakaspalvelu" in listing


def test_admin_moves_a_user_to_another_team_on_the_edit_page(client_for, company_admin, frontline, desk, hall):
    user_update(user=frontline, team=desk)
    client = client_for(company_admin)
    page = client.get(f"/accounts/users/{frontline.pk}/").content.decode()
    assert f'<option value="{desk.pk}" selected>' in page

    response = client.post(
        f"/accounts/users/{frontline.pk}/",
        {
            "email": frontline.email,
            "full_name": frontline.full_name,
            "role": Role.FRONTLINE,
            "language": "",
            "team": hall.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    frontline.refresh_from_db()
    assert frontline.team == hall


def test_team_field_is_finnish_on_a_finnish_page(client_for, company_admin):
    client = client_for(company_admin)
    client.cookies["django_language"] = "fi"
    page = client.get("/accounts/users/new/").content.decode()
    assert "Tiimi" in page
    assert "Ei tiimiä" in page


def test_api_sets_the_team_and_returns_its_name(client_for, company_admin, frontline, desk):
    client = client_for(company_admin)
    created = client.post(
        "/api/v1/users/",
        {"email": "api@alpha.example", "role": "frontline", "team": desk.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["team"] == desk.pk
    assert created.json()["team_name"] == "Asiakaspalvelu"

    moved = client.patch(f"/api/v1/users/{frontline.pk}/", {"team": desk.pk}, content_type="application/json")
    assert moved.status_code == 200
    assert moved.json()["team_name"] == "Asiakaspalvelu"
    cleared = client.patch(f"/api/v1/users/{frontline.pk}/", {"team": None}, content_type="application/json")
    assert cleared.json()["team"] is None
    assert cleared.json()["team_name"] is None

    teams = client.get("/api/v1/teams/").json()
    assert [(row["name"], row["member_count"]) for row in teams["results"]] == [("Asiakaspalvelu", 1)]


def test_api_refuses_a_team_of_another_company(client_for, company_admin, frontline, tenant_beta):
    with schema_context(tenant_beta.schema_name):
        beta_team = TeamFactory(name="Beetan tiimi")
    # Ids are per company: make sure alpha has no team that happens to share the id.
    Team.objects.filter(pk=beta_team.pk).delete()
    client = client_for(company_admin)

    created = client.post(
        "/api/v1/users/",
        {"email": "api@alpha.example", "role": "frontline", "team": beta_team.pk},
        content_type="application/json",
    )
    assert created.status_code == 400
    assert set(created.json()["fields"]) == {"team"}
    assert not User.objects.filter(email="api@alpha.example").exists()

    moved = client.patch(f"/api/v1/users/{frontline.pk}/", {"team": beta_team.pk}, content_type="application/json")
    assert moved.status_code == 400
    assert set(moved.json()["fields"]) == {"team"}
    frontline.refresh_from_db()
    assert frontline.team is None


def test_teams_api_is_for_company_admins_only(client_for, frontline, outsider, desk):
    assert client_for(frontline).get("/api/v1/teams/").status_code == 403
    with schema_context("beta"):
        assert not Team.objects.filter(name="Asiakaspalvelu").exists()
    outsider_view = client_for(outsider).get("/api/v1/teams/").json()
    assert "Asiakaspalvelu" not in [row["name"] for row in outsider_view["results"]]


def test_admin_site_lists_teams_and_filters_users_by_team(client_for, company_admin, frontline, desk):
    user_update(user=frontline, team=desk)
    client = client_for(company_admin)
    teams = client.get("/admin/accounts/team/")
    assert teams.status_code == 200
    assert "Asiakaspalvelu" in teams.content.decode()
    users = client.get(f"/admin/accounts/user/?team__id__exact={desk.pk}")
    assert users.status_code == 200
    assert frontline.email in users.content.decode()
    assert company_admin.email not in users.content.decode()


def test_admin_site_sets_a_users_team(client_for, company_admin, frontline, desk):
    client = client_for(company_admin)
    assert client.get(f"/admin/accounts/user/{frontline.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/accounts/user/{frontline.pk}/change/",
        {
            "email": frontline.email,
            "full_name": frontline.full_name,
            "role": Role.FRONTLINE,
            "language": "",
            "team": desk.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    frontline.refresh_from_db()
    assert frontline.team == desk


def test_service_sets_and_clears_a_lead_and_audits_it(desk, company_admin):
    lead = UserFactory(full_name="Liisa Vetäjä")
    team_update(team=desk, lead=lead, acting_user=company_admin)
    assert Team.objects.get(pk=desk.pk).lead == lead
    team_update(team=desk, name="Palvelutiski")
    assert Team.objects.get(pk=desk.pk).lead == lead, "a change that leaves the lead out keeps it"
    team_update(team=desk, lead=None)
    assert Team.objects.get(pk=desk.pk).lead is None
    entries = AuditLogEntry.objects.filter(
        target_type="accounts.team", target_id=str(desk.pk), event_type=AuditEvent.SETTINGS_CHANGED
    ).order_by("event_time", "id")
    assert [entry.extra_data["changed"] for entry in entries] == [["lead"], ["name"], ["lead"]]
    assert entries[0].extra_data["new"] == {"lead": lead.pk} and entries[0].acting_user == company_admin


def test_service_refuses_an_inactive_or_unknown_lead(desk):
    for lead in (UserFactory(is_active=False), User(email="unsaved@alpha.example")):
        with pytest.raises(DomainError) as raised:
            team_update(team=desk, lead=lead)
        assert set(raised.value.fields) == {"lead"}
    assert Team.objects.get(pk=desk.pk).lead is None


def test_deleting_the_lead_leaves_the_team_without_one(desk):
    lead = UserFactory()
    team_update(team=desk, lead=lead)
    lead.delete()
    assert Team.objects.get(pk=desk.pk).lead is None


def test_admin_sets_a_lead_on_the_team_page(client_for, company_admin, frontline, desk):
    client = client_for(company_admin)
    client.cookies["django_language"] = "fi"
    assert "/accounts/teams/" in client.get("/accounts/users/").content.decode()
    page = client.get(f"/accounts/teams/{desk.pk}/").content.decode()
    assert "Tiiminvetäjä" in page and "Ei tiiminvetäjää" in page

    response = client.post(f"/accounts/teams/{desk.pk}/", {"name": "Asiakaspalvelu", "lead": frontline.pk})
    assert response.status_code == 302
    assert Team.objects.get(pk=desk.pk).lead == frontline
    listing = client.get("/accounts/teams/").content.decode()
    assert "Asiakaspalvelu" in listing and frontline.full_name in listing

    inactive = UserFactory(is_active=False)
    refused = client.post(f"/accounts/teams/{desk.pk}/", {"name": "Asiakaspalvelu", "lead": inactive.pk})
    assert refused.status_code == 400 and refused.context["form"].errors["lead"]
    assert Team.objects.get(pk=desk.pk).lead == frontline


def test_team_pages_are_for_company_admins(client_for, manager, frontline, desk):
    for user in (manager, frontline):
        assert client_for(user).get("/accounts/teams/").status_code == 403
        assert client_for(user).post(f"/accounts/teams/{desk.pk}/", {"name": "X", "lead": user.pk}).status_code == 403
    assert Team.objects.get(pk=desk.pk).lead is None


def test_api_sets_a_lead_and_refuses_a_bad_one(client_for, company_admin, frontline, manager, desk, tenant_beta):
    client = client_for(company_admin)
    url = f"/api/v1/teams/{desk.pk}/"
    set_ = client.patch(url, {"lead": frontline.pk}, content_type="application/json")
    assert set_.status_code == 200
    assert set_.json()["lead"] == frontline.pk and set_.json()["lead_name"] == frontline.full_name
    listed = client.get("/api/v1/teams/").json()["results"]
    assert [(row["name"], row["lead"]) for row in listed] == [("Asiakaspalvelu", frontline.pk)]

    inactive = UserFactory(is_active=False)
    for bad in (inactive.pk, 999_999, "x"):
        refused = client.patch(url, {"lead": bad}, content_type="application/json")
        assert refused.status_code == 400 and set(refused.json()["fields"]) == {"lead"}
    assert client.patch(url, {"lead": None}, content_type="application/json").json()["lead"] is None
    assert client.get("/api/v1/teams/999999/").status_code == 404
    assert client_for(manager).patch(url, {"lead": manager.pk}, content_type="application/json").status_code == 403
    assert Team.objects.get(pk=desk.pk).lead is None


def test_admin_site_sets_a_teams_lead(client_for, company_admin, frontline, desk):
    client = client_for(company_admin)
    assert client.get(f"/admin/accounts/team/{desk.pk}/change/").status_code == 200
    response = client.post(f"/admin/accounts/team/{desk.pk}/change/", {"name": desk.name, "lead": frontline.pk})
    assert response.status_code == 302
    assert Team.objects.get(pk=desk.pk).lead == frontline


def test_the_location_staff_page_names_each_teams_lead(client_for, company_admin, frontline, desk):
    location = location_create(name="Asema", code="ASEMA1")
    location_team_add(location=location, team=desk)
    team_update(team=desk, lead=frontline)
    client = client_for(company_admin)
    client.cookies["django_language"] = "fi"
    page = client.get(f"/company/locations/{location.pk}/staff/").content.decode()
    assert f"vetäjä {frontline.full_name}" in page
