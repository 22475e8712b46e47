"""The dashboard's point-of-service card: answers through posters and kiosks, apart from the invited
figures, for the period and the viewer's locations; absent, and not asked for, without links or kiosks."""

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.locations.services import location_scope_set
from apps.pos.models import OpenLink, PointAnswer
from apps.pos.services import kiosk_create, open_answer_submit, open_link_get_or_create
from tests.locations.factories import location_build
from tests.pos.conftest import answers_for
from tests.surveys.conftest import survey, touchpoint  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

CARD = 'id="point-of-service"'
POS_TABLES = (PointAnswer._meta.db_table, OpenLink._meta.db_table, "pos_kioskdevice")


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """The "has open links or kiosks" flag and the address salts start empty in each test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def places(db: None) -> dict[str, Any]:
    return {
        "kemi": location_build(name="Kemin asema", code="KEMI"),
        "tornio": location_build(name="Tornio", code="TOR"),
    }


def _answer(link: OpenLink, survey: Any, *, nps: int, address: str, days_ago: int = 1, minute: int = 0) -> None:  # noqa: F811
    at = timezone.now() - dt.timedelta(days=days_ago) + dt.timedelta(minutes=minute)
    open_answer_submit(
        link=link,
        raw_answers=answers_for(survey, nps=nps),
        language="fi",
        address=address,
        device_id=f"{address}-{days_ago}-{minute}",
        now=at,
    )


def _page(client: Any, query: str = "") -> tuple[str, list[str]]:
    client.get(f"/dashboard/{query}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/dashboard/{query}")
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def _english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_without_links_or_kiosks_there_is_no_card_and_no_query_about_them(client_for: Any, manager: Any) -> None:
    page, queries = _page(_english(client_for(manager)))

    assert CARD not in page
    assert not [sql for sql in queries if any(table in sql for table in POS_TABLES)]


def test_the_card_counts_the_periods_answers_nps_and_bursts_in_one_query(
    client_for: Any,
    manager: Any,
    places: dict[str, Any],
    touchpoint: Any,  # noqa: F811
    survey: Any,  # noqa: F811
) -> None:
    link = open_link_get_or_create(touchpoint=touchpoint, location=places["kemi"], created_by=manager)
    for minute, score in enumerate([10, 10, 9, 2, 7]):  # one address, five minutes: a burst
        _answer(link, survey, nps=score, address="198.51.100.7", minute=minute)
    _answer(link, survey, nps=0, address="203.0.113.9", days_ago=120)  # before the default 90 days

    page, queries = _page(_english(client_for(manager)))

    assert CARD in page and 'href="/point-of-service/"' in page
    card = page.split(CARD, 1)[1].split("</section>", 1)[0]
    assert ">5</span>" in card  # answers
    assert ">40</span>" in card  # NPS: 3 promoters, 1 detractor of 5
    assert ">1</span>" in card and "stat--error" in page  # the burst
    assert len([sql for sql in queries if any(table in sql for table in POS_TABLES)]) == 1
    longer, _ = _page(_english(client_for(manager)), "?period=365")
    assert ">6</span>" in longer.split(CARD, 1)[1].split("</section>", 1)[0]


def test_the_invited_figures_do_not_move(
    client_for: Any,
    manager: Any,
    places: dict[str, Any],
    touchpoint: Any,  # noqa: F811
    survey: Any,  # noqa: F811
) -> None:
    client = _english(client_for(manager))
    before = client.get("/dashboard/").content.decode().split('id="scores"', 1)[1].split("</section>", 1)[0]
    link = open_link_get_or_create(touchpoint=touchpoint, location=places["kemi"], created_by=manager)
    _answer(link, survey, nps=0, address="198.51.100.7")

    after = client.get("/dashboard/").content.decode().split('id="scores"', 1)[1].split("</section>", 1)[0]

    assert after == before


def test_a_scoped_manager_and_a_location_cut_see_the_answers_there_only(
    client_for: Any,
    manager: Any,
    company_admin: Any,
    places: dict[str, Any],
    touchpoint: Any,  # noqa: F811
    survey: Any,  # noqa: F811
) -> None:
    kemi = open_link_get_or_create(touchpoint=touchpoint, location=places["kemi"], created_by=company_admin)
    tornio = open_link_get_or_create(touchpoint=touchpoint, location=places["tornio"], created_by=company_admin)
    _answer(kemi, survey, nps=10, address="198.51.100.1")
    for n in range(3):
        _answer(tornio, survey, nps=0, address=f"198.51.100.{10 + n}")

    def card(client: Any, query: str = "") -> str:
        return client.get(f"/dashboard/{query}").content.decode().split(CARD, 1)[1].split("</section>", 1)[0]

    admin = _english(client_for(company_admin))
    assert ">4</span>" in card(admin)
    assert ">3</span>" in card(admin, f"?location={places['tornio'].pk}")
    location_scope_set(user=manager, regions=[], locations=[places["kemi"]], acting_user=None)
    scoped = card(_english(client_for(manager)))
    assert ">1</span>" in scoped and ">100</span>" in scoped


def test_a_new_link_or_kiosk_shows_the_card_at_once(
    client_for: Any,
    manager: Any,
    touchpoint: Any,  # noqa: F811
) -> None:
    client = _english(client_for(manager))
    assert CARD not in client.get("/dashboard/").content.decode()

    kiosk_create(name="Tabletti", touchpoint=touchpoint, location=None, created_by=manager)

    assert CARD in client.get("/dashboard/").content.decode()


@pytest.mark.parametrize(
    ("language", "title", "bursts"),
    [("fi", "Asiointipiste", "epäilyttävää ryöppyä"), ("sv", "Servicepunkt", "misstänkta svarsskurar")],
)
def test_the_card_speaks_finnish_and_swedish(
    client_for: Any,
    manager: Any,
    touchpoint: Any,  # noqa: F811
    language: str,
    title: str,
    bursts: str,
) -> None:
    open_link_get_or_create(touchpoint=touchpoint, location=None, created_by=manager)
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/dashboard/").content.decode()

    assert title in page and bursts in page
