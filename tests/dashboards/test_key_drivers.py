"""The key drivers page and the dashboard's card: real rows, the same figures as the API, languages, the CSV,
roles, a scoped manager's view, and a card that asks nothing once its view is cached."""

import csv
import io
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.locations.services import location_scope_set
from apps.metrics.key_drivers import key_drivers_forget
from tests.metrics.key_driver_data import PERIOD, key_driver_world

pytestmark = pytest.mark.django_db

VIEW = {"period": "custom", **PERIOD}


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> None:
    key_drivers_forget()


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    return key_driver_world()


def _client(client_for: Any, user: Any, language: str) -> Any:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_page_ranks_the_touchpoints_with_the_apis_figures(
    client_for: Any, manager: Any, world: dict[str, Any]
) -> None:
    client = _client(client_for, manager, "en")
    response = client.get(reverse("dashboards:key_drivers"), VIEW)
    assert response.status_code == 200
    html = response.content.decode()
    api = client.get("/api/v1/key-drivers/", PERIOD).json()
    tarkastus = api["ranked"][0]
    assert "Key drivers of the relationship NPS" in html
    assert "an association, not proof of cause" in html.replace("It is an association", "an association")
    # The ranked table: Tarkastus first, certain, with its r and interval as the API gives them (2 decimals).
    table = html.split('<table class="data-table league-table">')[1].split("</table>")[0]
    assert table.index("Tarkastus") < table.index("Maksu")
    assert f"{tarkastus['r']:.2f}" in table and f"{tarkastus['low']:.2f}…{tarkastus['high']:.2f}" in table
    assert "<strong>1</strong>" in table
    # Soitto is listed apart.
    apart = html.split('id="too-few"')[1]
    assert "Soitto" in apart and "Soitto" not in table
    assert "48" in html  # customers who answered the relationship survey


def test_the_page_in_finnish_and_swedish(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    finnish = _client(client_for, manager, "fi").get(reverse("dashboards:key_drivers"), VIEW, HTTP_ACCEPT_LANGUAGE="fi")
    html = finnish.content.decode()
    assert "Asiakassuhteen NPS:n avaintekijät" in html
    assert "Kyse on yhteydestä, ei todisteesta syy-seuraussuhteesta" in html
    assert "Liian vähän asiakkaita järjestykseen asettamiseksi" in html
    swedish = _client(client_for, manager, "sv").get(reverse("dashboards:key_drivers"), VIEW, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Nyckelfaktorer för kundrelationens NPS" in swedish.content.decode()


def test_the_csv_lists_every_touchpoint(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    response = _client(client_for, manager, "en").get(reverse("dashboards:key_drivers"), {**VIEW, "export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    if len(rows[0]) == 1:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Rank", "Best possible rank", "Worst possible rank", "Touchpoint"]
    assert [row[3] for row in rows[1:]] == ["Tarkastus", "Maksu", "Soitto"]
    assert rows[3][0] == "" and rows[3][7] == "10"


def test_the_dashboard_card_shows_the_strongest_links_and_asks_nothing_once_cached(
    client_for: Any, manager: Any, world: dict[str, Any]
) -> None:
    client = _client(client_for, manager, "en")
    url = reverse("dashboards:company")
    first = client.get(url, VIEW).content.decode()
    card = first.split('id="key-drivers"')[1].split("</section>")[0]
    assert "Tarkastus" in card and "Maksu" in card and "Soitto" not in card
    assert reverse("dashboards:key_drivers") in card
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, VIEW).status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert not any("surveys_invitation i ON i.id = r.invitation_id" in sql for sql in statements)


def test_an_empty_view_says_so(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    october = {"period": "custom", "start": "2026-10-01", "end": "2026-10-31"}
    html = _client(client_for, manager, "en").get(reverse("dashboards:company"), october).content.decode()
    # October holds no relationship answer.
    assert "No answers to a relationship survey (a send-out to customers) in this period." in html


def test_frontline_staff_cannot_see_it(client_for: Any, frontline: Any, world: dict[str, Any]) -> None:
    assert _client(client_for, frontline, "en").get(reverse("dashboards:key_drivers"), VIEW).status_code == 403


def test_a_scoped_manager_sees_their_locations_customers_only(
    client_for: Any, manager: Any, world: dict[str, Any]
) -> None:
    location_scope_set(user=manager, regions=[], locations=[world["konala"]], acting_user=None)
    html = _client(client_for, manager, "en").get(reverse("dashboards:key_drivers"), VIEW).content.decode()
    # Only Tarkastus met customers at Konala, 24 of them: too few to rank; Maksu is not there at all.
    assert "Maksu" not in html
    apart = html.split('id="too-few"')[1]
    assert "Tarkastus" in apart and "24" in apart
