"""The dashboard as a PDF: the page's own figures for the period and cut, a scoped manager's scope,
small samples marked, roles and the reader's language (docs/leadership-report.md)."""

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from apps.core.pdf_text import pdf_latin1
from apps.locations.services import location_scope_set
from apps.metrics.services import metrics_refresh_dirty
from tests.factories import CustomerFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/"


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus"]})
    check = touchpoint_named(path, "Tarkastus")
    survey = scored_survey_build()
    oulu = location_build(name="Oulu", code="OULU", region=region_path_build("Pohjoinen"))
    turku = location_build(name="Turku", code="TURKU", region=region_path_build("Etelä"))
    customer = CustomerFactory(full_name="Asiakas Salainen")

    def answer(days_ago: int, nps: int, csat: int, location: Any) -> None:
        at = timezone.now() - dt.timedelta(days=days_ago)
        encounter = encounter_add(customer=customer, touchpoint=check, at=at, location=location)
        invitation = invitation_deliver(survey=survey, customer=customer, encounter=encounter, at=at)
        invitation_answer(invitation=invitation, at=at, scores={"nps": nps, "csat": csat})

    for days_ago, nps, csat in ((2, 10, 5), (3, 9, 5), (4, 10, 4), (5, 3, 2), (9, 8, 4)):
        answer(days_ago, nps, csat, oulu)
    for days_ago in (2, 3, 4):
        answer(days_ago, 0, 1, turku)
    metrics_refresh_dirty()
    return {"oulu": oulu, "turku": turku, "path": path}


def pdf_text(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-katsastus-oy-dashboard-')
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_pdf_has_the_pages_figures(world: dict[str, Any], client_for: Any, company_admin: Any) -> None:
    client = english(client_for(company_admin))
    page = client.get(PAGE)
    text = pdf_text(client.get(PAGE, {"export": "pdf"}))
    data = page.context["data"]
    assert "Customer experience report" in text and "Alpha Katsastus Oy" in text
    assert pdf_latin1(page.context["period"].label) in text
    for kpi in data.kpis:
        assert kpi.label in text
        assert pdf_latin1(kpi.display) in text
        assert kpi.answers_text in text
    # The path table: the page's row, figure by figure.
    [row] = data.paths
    assert f"Katsastus {row.rollup.level.label if row.rollup else '-'}" in text
    assert row.scores.nps_n == 8 and " 8 " in text
    # No customer names and no free text.
    assert "Asiakas" not in text


def test_a_cut_is_named_and_its_figures_are_the_cuts(
    world: dict[str, Any], client_for: Any, company_admin: Any
) -> None:
    client = english(client_for(company_admin))
    query = {"location": world["turku"].pk}
    page = client.get(PAGE, query)
    text = pdf_text(client.get(PAGE, {**query, "export": "pdf"}))
    assert "Location: Turku" in text
    nps = next(kpi for kpi in page.context["data"].kpis if kpi.key == "nps")
    assert pdf_latin1(nps.display) in text and nps.value == -100


def test_a_scoped_managers_pdf_is_their_scope(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    location_scope_set(user=manager, regions=[], locations=[world["oulu"]], acting_user=None)
    client = english(client_for(manager))
    page = client.get(PAGE)
    # Asking for another location changes nothing: the scope holds.
    text = pdf_text(client.get(PAGE, {"export": "pdf"}))
    assert "The figures cover only your locations." in text
    answers = next(kpi for kpi in page.context["data"].kpis if kpi.key == "nps").answers
    assert answers == 5
    for kpi in page.context["data"].kpis:
        assert pdf_latin1(kpi.display) in text


def test_small_samples_are_marked(world: dict[str, Any], client_for: Any, company_admin: Any) -> None:
    text = pdf_text(english(client_for(company_admin)).get(PAGE, {"export": "pdf"}))
    assert "* Too few answers to judge" in text


def test_bad_filters_are_a_400_not_a_pdf(world: dict[str, Any], client_for: Any, company_admin: Any) -> None:
    response = client_for(company_admin).get(PAGE, {"export": "pdf", "period": "custom", "start": "2026-13-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_frontline_and_another_company_get_no_pdf(
    world: dict[str, Any], client_for: Any, frontline: Any, outsider: Any, manager: Any
) -> None:
    assert client_for(frontline).get(PAGE, {"export": "pdf"}).status_code == 403
    other = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(client_for(outsider).get(PAGE, {"export": "pdf"}).content)).pages
    )
    assert "Katsastus" not in other and "Beta Palvelu Oy" in other
    connection.set_tenant(manager.tenant)


@pytest.mark.parametrize(
    ("language", "title", "few"),
    [("fi", "Asiakaskokemusraportti", "Liian vähän vastauksia"), ("sv", "Rapport om kundupplevelsen", "För få svar")],
)
def test_pdf_in_the_readers_language(
    world: dict[str, Any], client_for: Any, company_admin: Any, language: str, title: str, few: str
) -> None:
    client = client_for(company_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    text = pdf_text(client.get(PAGE, {"export": "pdf"}))
    assert title in text and few in text
