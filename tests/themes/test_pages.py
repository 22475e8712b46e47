"""The themes pages and API: roles, form errors, figures by week, a scoped manager, another company."""

from typing import Any

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.locations.services import location_scope_set
from apps.themes.models import Theme
from apps.themes.services import response_tag, theme_create
from tests.themes.factories import comment_add, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for: Any) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    world = world_build()
    world["theme"] = theme_create(name="Waiting", name_fi="Jonotus", terms=["jono", "queue"])
    for text, nps, location, days_ago in (
        ("Jonossa meni tunti", 2, "oulu", 1),
        ("Jonot olivat pitkät", 10, "oulu", 1),
        ("Pitkä jono", 3, "turku", 1),
        ("Jono, taas", 9, "oulu", 15),
        ("Hyvä palvelu", 10, "oulu", 1),
    ):
        answer = comment_add(world, text, nps=nps, location=location, days_ago=days_ago)
        response_tag(response_id=answer.response_id)
    return world


def test_roles(world: dict[str, Any], client_for: Any, company_admin: Any, manager: Any, frontline: Any) -> None:
    theme = world["theme"]
    for url in (
        "/dashboard/themes/",
        "/dashboard/themes/new/",
        "/dashboard/themes/suggestions/",
        f"/dashboard/themes/{theme.pk}/",
        f"/dashboard/themes/{theme.pk}/edit/",
    ):
        assert client_for(company_admin).get(url).status_code == 200, url
        assert client_for(manager).get(url).status_code == 200, url
        assert client_for(frontline).get(url).status_code == 403, url
    assert client_for(frontline).get("/api/v1/themes/", HTTP_ACCEPT="application/json").status_code == 403
    assert client_for(frontline).post(f"/dashboard/themes/{theme.pk}/delete/").status_code == 403
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_the_list_shows_volume_and_nps_in_the_period(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    page = client_for(manager).get("/dashboard/themes/", {"days": 30})
    rows = {row["theme"].name: row["figures"] for row in page.context["rows"]}
    figures = rows["Waiting"]
    # Four answers mention queues; NPS of those: 2 promoters (10, 9), 2 detractors (2, 3).
    assert (figures.responses, figures.promoters, figures.detractors, figures.nps) == (4, 2, 2, 0)
    assert "Jonotus" not in page.content.decode()  # the English name is the theme's one name


def test_weeks_and_a_scoped_manager(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    theme = world["theme"]
    body = (
        client_for(manager)
        .get(f"/api/v1/themes/{theme.pk}/figures/", {"days": 30}, HTTP_ACCEPT="application/json")
        .json()
    )
    assert sum(week["responses"] for week in body["weeks"]) == 4 and len(body["weeks"]) >= 2
    location_scope_set(user=manager, regions=[], locations=[world["turku"]], acting_user=None)
    body = (
        client_for(manager)
        .get(f"/api/v1/themes/{theme.pk}/figures/", {"days": 30}, HTTP_ACCEPT="application/json")
        .json()
    )
    assert [(week["responses"], week["detractors"]) for week in body["weeks"]] == [(1, 1)]
    page = client_for(manager).get("/dashboard/themes/", {"days": 30})
    assert page.context["rows"][0]["figures"].responses == 1


def test_form_errors_write_nothing(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    response = client.post("/dashboard/themes/new/", {"name": "", "terms": "  \n, "})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "terms"}
    response = client.post("/dashboard/themes/new/", {"name": "waiting", "terms": "jono"})
    assert response.status_code == 400 and "name" in response.context["form"].errors
    response = client.post("/dashboard/themes/new/", {"name": "Hinta", "terms": "!!!"})
    assert response.status_code == 400 and "terms" in response.context["form"].errors
    assert Theme.objects.count() == 1
    response = client.post(
        "/dashboard/themes/new/", {"name": "Hinta", "terms": "Hinta\nliian  kallis, hinta", "is_active": "on"}
    )
    assert response.status_code == 302
    assert Theme.objects.get(name="Hinta").terms == ["hinta", "liian kallis"]


def test_the_api_crud(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    created = client.post(
        "/api/v1/themes/", {"name": "Price", "terms": ["hinta", "kallis"]}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["retagging"] is True
    theme_id = created.json()["id"]
    bad = client.post("/api/v1/themes/", {"name": "Price", "terms": []}, content_type="application/json")
    assert bad.status_code == 400 and "terms" in str(bad.json())
    duplicate = client.post("/api/v1/themes/", {"name": "price", "terms": ["x1"]}, content_type="application/json")
    assert duplicate.status_code == 400 and "name" in str(duplicate.json())
    patched = client.patch(f"/api/v1/themes/{theme_id}/", {"terms": ["hinnat"]}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["terms"] == ["hinnat"]
    assert client.get("/api/v1/themes/", HTTP_ACCEPT="application/json").json()[0]["name"] == "Price"
    assert client.delete(f"/api/v1/themes/{theme_id}/").status_code == 204
    assert client.get(f"/api/v1/themes/{theme_id}/", HTTP_ACCEPT="application/json").status_code == 404


def test_another_companys_theme_is_not_found(world: dict[str, Any], client_for: Any, outsider: Any) -> None:
    theme = world["theme"]
    client = client_for(outsider)
    assert client.get(f"/api/v1/themes/{theme.pk}/", HTTP_ACCEPT="application/json").status_code in (403, 404)
    with schema_context("beta"):
        assert not Theme.objects.filter(name="Waiting").exists()


def test_the_dashboard_links_to_the_themes(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    assert 'href="/dashboard/themes/"' in client_for(manager).get("/dashboard/comments/").content.decode()


def test_a_bad_period_on_a_page_is_a_field_error(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    response = client_for(manager).get("/dashboard/themes/", {"days": "7"})
    assert response.status_code == 400 and "days" in response.context["period"].errors


def test_the_period_choices_follow_the_language(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    page = client_for(manager).get("/dashboard/themes/").content.decode()
    assert "Last 90 days" in page and 'value="90" selected' in page
