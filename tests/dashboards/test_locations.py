"""The dashboards cut by a location or a region, a location's page and the league tables."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.maturity.models import MaturitySettings
from apps.metrics.services import metrics_refresh_dirty
from tests.factories import CustomerFactory, PersonaFactory, UserFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for: Any) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


@pytest.fixture
def chain(db: None) -> dict[str, Any]:
    """Konala: 40 answers, NPS +80. Espoo: 40 answers, NPS -50. Turku: 3 promoters (too few to rank)."""
    MaturitySettings.objects.update_or_create(singleton=True, defaults={"min_answers": 30})
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    uusimaa = region_path_build("Uusimaa")
    helsinki = region_path_build("Uusimaa", "Helsinki")
    konala = location_build(name="Konala", region=helsinki)
    espoo = location_build(name="Espoo", region=uusimaa)
    turku = location_build(name="Turku", region=region_path_build("Varsinais-Suomi"))
    survey = scored_survey_build()
    anna = UserFactory(role="frontline", full_name="Anna Asemalla")
    customer = CustomerFactory()
    now = timezone.now() - dt.timedelta(days=2)

    def visit(location: Any, nps: int) -> None:
        encounter = encounter_add(customer=customer, touchpoint=touchpoint, at=now, by=anna, location=location)
        invitation = invitation_deliver(survey=survey, customer=customer, encounter=encounter, at=now)
        invitation_answer(invitation=invitation, at=now, scores={"nps": nps})

    for nps in [10] * 34 + [8] * 4 + [3] * 2:
        visit(konala, nps)
    for nps in [10] * 5 + [7] * 10 + [2] * 25:
        visit(espoo, nps)
    for _ in range(3):
        visit(turku, 10)
    metrics_refresh_dirty()
    return {
        "path": path,
        "touchpoint": touchpoint,
        "konala": konala,
        "espoo": espoo,
        "turku": turku,
        "uusimaa": uusimaa,
        "helsinki": helsinki,
    }


def test_the_company_dashboard_cut_by_a_location_shows_its_figures(
    chain: dict[str, Any], client_for: Any, manager: Any
) -> None:
    client = client_for(manager)
    whole = client.get("/dashboard/")
    assert whole.status_code == 200
    assert whole.context["data"].total.nps_n == 83
    konala = client.get("/dashboard/", {"location": chain["konala"].pk})
    assert konala.status_code == 200
    assert konala.context["data"].total.nps_n == 40
    assert konala.context["data"].total.nps == 80
    assert f'<option value="{chain["konala"].pk}" selected>Konala</option>' in konala.content.decode()
    # The cut stays in the links and in the export.
    assert f"location={chain['konala'].pk}" in konala.context["export_query"]
    region = client.get("/dashboard/", {"region": chain["uusimaa"].pk})
    assert region.context["data"].total.nps_n == 80
    assert "Uusimaa &gt; Helsinki" in region.content.decode()


def test_a_location_and_a_region_together_are_a_field_error(
    chain: dict[str, Any], client_for: Any, manager: Any
) -> None:
    response = client_for(manager).get("/dashboard/", {"location": chain["konala"].pk, "region": chain["uusimaa"].pk})
    assert response.status_code == 400
    assert "Choose a location or a region, not both." in response.content.decode()
    unknown = client_for(manager).get("/dashboard/", {"location": 999999, "export": "csv"})
    assert unknown.status_code == 400


def test_the_csv_export_and_the_path_view_follow_the_cut(chain: dict[str, Any], client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    response = client.get("/dashboard/", {"location": chain["espoo"].pk, "export": "csv", "delimiter": "comma"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    total = rows[1]
    assert total[0] == "Total" and total[7] == "-50" and total[9] == "40"
    path_page = client.get(f"/dashboard/paths/{chain['path'].pk}/", {"location": chain["espoo"].pk})
    assert path_page.status_code == 200
    assert path_page.context["data"].total.nps_n == 40
    touchpoint_page = client.get(f"/dashboard/touchpoints/{chain['touchpoint'].pk}/", {"region": chain["helsinki"].pk})
    assert touchpoint_page.context["data"].total.nps_n == 40


def test_the_location_page_shows_its_figures_touchpoints_and_staff(
    chain: dict[str, Any], client_for: Any, manager: Any
) -> None:
    response = client_for(manager).get(f"/dashboard/locations/{chain['konala'].pk}/")
    assert response.status_code == 200
    data = response.context["data"]
    assert data.total.nps == 80 and data.total.nps_n == 40
    assert [row.name for row in data.touchpoints] == ["Tarkastus"]
    assert [(row.name, row.scores.encounters) for row in data.staff] == [("Anna Asemalla", 40)]
    page = response.content.decode()
    assert "Konala" in page and "Anna Asemalla" in page
    csv_response = client_for(manager).get(f"/dashboard/locations/{chain['konala'].pk}/", {"export": "csv"})
    assert csv_response.status_code == 200


def test_the_location_page_refuses_frontline_and_unknown_ids(
    chain: dict[str, Any], client_for: Any, frontline: Any, manager: Any
) -> None:
    assert client_for(frontline).get(f"/dashboard/locations/{chain['konala'].pk}/").status_code == 403
    assert client_for(manager).get("/dashboard/locations/999999/").status_code == 404


def test_the_location_page_of_another_company_is_not_found(
    chain: dict[str, Any], client_for: Any, outsider: Any, tenant_beta: Any
) -> None:
    response = client_for(outsider, tenant=tenant_beta).get(f"/dashboard/locations/{chain['konala'].pk}/")
    assert response.status_code in (403, 404)
    assert b"Konala" not in response.content


def test_the_league_table_ranks_with_ranges_and_keeps_small_samples_apart(
    chain: dict[str, Any], client_for: Any, manager: Any
) -> None:
    response = client_for(manager).get("/dashboard/league/")
    assert response.status_code == 200
    league = response.context["data"].league
    assert [(row.name, row.best_rank, row.worst_rank) for row in league.ranked] == [("Konala", 1, 1), ("Espoo", 2, 2)]
    assert [row.name for row in league.small] == ["Turku"]
    page = response.content.decode()
    assert "How to read this table" in page
    assert "Too few answers to rank" in page
    exported = client_for(manager).get("/dashboard/league/", {"export": "csv", "delimiter": "comma"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row[3] for row in rows[1:]] == ["Konala", "Espoo", "Turku"]
    assert rows[3][0] == "" and rows[3][6] == ""  # Turku: no rank, no figure


def test_the_employee_league_is_for_managers_only(
    chain: dict[str, Any], client_for: Any, manager: Any, frontline: Any
) -> None:
    response = client_for(manager).get("/dashboard/league/", {"of": "employees"})
    assert response.status_code == 200
    assert [row.name for row in response.context["data"].league.ranked] == ["Anna Asemalla"]
    assert client_for(frontline).get("/dashboard/league/", {"of": "employees"}).status_code == 403


def test_the_locations_list_links_to_each_locations_figures(
    chain: dict[str, Any], client_for: Any, manager: Any
) -> None:
    page = client_for(manager).get("/company/locations/").content.decode()
    assert f"/dashboard/locations/{chain['konala'].pk}/" in page
    assert f"/dashboard/?region={chain['uusimaa'].pk}" in page


def test_a_region_cut_costs_one_query_per_page_not_one_per_read(
    chain: dict[str, Any], client_for: Any, manager: Any
) -> None:
    client = client_for(manager)
    client.get("/dashboard/")  # warm the caches shared by both pages
    with CaptureQueriesContext(connection) as plain:
        client.get("/dashboard/")
    with CaptureQueriesContext(connection) as cut:
        client.get("/dashboard/", {"region": chain["uusimaa"].pk})
    # The region's locations once (not once per read), the raised notes' own region lookup, and the cut
    # by touchpoint, which the uncut page shares with the maturity window's read.
    assert len(cut) <= len(plain) + 3


def test_a_location_cut_shows_no_persona_tables_and_refuses_a_persona_with_it(
    chain: dict[str, Any], client_for: Any, manager: Any
) -> None:
    persona = PersonaFactory()
    client = client_for(manager)
    located = client.get("/dashboard/", {"location": chain["konala"].pk})
    assert located.context["data"].audience_cut is False
    assert "are not broken down by persona or segment" in located.content.decode()
    both = client.get("/dashboard/", {"location": chain["konala"].pk, "persona": persona.pk})
    assert both.status_code == 400
    assert "are not cut by persona or segment" in both.content.decode()
