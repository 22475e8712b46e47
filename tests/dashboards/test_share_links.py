"""Read-only dashboard links: made from the dashboard, valid, expired, revoked or forged, the creator's
scope frozen, roles and another company (docs/leadership-report.md)."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.dashboards.models import DashboardShareLink
from apps.dashboards.services import share_link_create, share_link_revoke
from apps.locations.services import location_scope_set
from apps.metrics.services import metrics_refresh_dirty
from tests.factories import CustomerFactory, ManagerFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

CREATE = "/dashboard/digest/share/"
DIGEST = "/dashboard/digest/"


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus"]})
    check = touchpoint_named(path, "Tarkastus")
    survey = scored_survey_build()
    oulu = location_build(name="Oulu", code="OULU", region=region_path_build("Pohjoinen"))
    turku = location_build(name="Turku", code="TURKU", region=region_path_build("Etelä"))
    customer = CustomerFactory(full_name="Asiakas Salainen")

    def answer(days_ago: int, nps: int, location: Any, note: str = "") -> None:
        at = timezone.now() - dt.timedelta(days=days_ago)
        encounter = encounter_add(
            customer=customer, touchpoint=check, at=at, location=location, note=note, raised_to_management=bool(note)
        )
        invitation = invitation_deliver(survey=survey, customer=customer, encounter=encounter, at=at)
        invitation_answer(invitation=invitation, at=at, scores={"nps": nps, "csat": 5})

    for days_ago in (2, 3, 4):
        answer(days_ago, 10, oulu)
    answer(2, 0, turku, note="Sisäinen huomio johdolle")
    metrics_refresh_dirty()
    return {"oulu": oulu, "turku": turku}


def shared_path(token: str) -> str:
    return f"/shared/{token}/"


def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_made_from_the_dashboard_shown_once_and_opened_without_login(
    world: dict[str, Any], client_for: Any, company_admin: Any
) -> None:
    client = english(client_for(company_admin))
    response = client.post(CREATE, {"days": 7, "period": "90"})
    assert response.status_code == 302
    page = client.get(DIGEST).content.decode()
    link = DashboardShareLink.objects.get()
    url = page.split('readonly value="')[1].split('"')[0]
    token = url.rsplit("/", 2)[-2]
    assert url.endswith(shared_path(token)) and len(token) >= 43
    assert token not in link.token_hash and link.query == "period=90" and link.scope_location_ids is None
    assert round((link.expires_at - link.created_at).total_seconds() / 86400) == 7
    # Shown once.
    assert token not in client.get(DIGEST).content.decode()
    assert AuditLogEntry.objects.filter(event_type=AuditEvent.SHARE_LINK_CREATED, acting_user=company_admin).exists()

    anonymous = english(client_for(None))
    shared = anonymous.get(shared_path(token))
    text = shared.content.decode()
    assert shared.status_code == 200
    assert shared["X-Robots-Tag"] == "noindex, nofollow" and shared["Referrer-Policy"] == "no-referrer"
    assert 'name="robots" content="noindex, nofollow"' in text
    # Figures only: no navigation, no customer names, no raised notes, no links into the app.
    assert "Asiakas Salainen" not in text and "Sisäinen huomio" not in text
    assert "/dashboard/" not in text and "/customers/" not in text and "/accounts/logout" not in text
    # The same KPI figures as the creator's dashboard with the same filters.
    dashboard = client.get("/dashboard/", {"period": "90"})
    shared_kpis = shared.context["data"].kpis
    assert [(kpi.key, kpi.display) for kpi in shared_kpis] == [
        (kpi.key, kpi.display) for kpi in dashboard.context["data"].kpis
    ]


def test_expired_revoked_and_forged_links(world: dict[str, Any], client_for: Any, company_admin: Any) -> None:
    link, token = share_link_create(user=company_admin, query="", cut="", days=1)
    anonymous = english(client_for(None))
    assert anonymous.get(shared_path(token)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        assert anonymous.get(shared_path(token)).status_code == 410
    assert anonymous.get(shared_path(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    assert anonymous.get(shared_path("x" * 200)).status_code == 404
    share_link_revoke(user=company_admin, link_id=link.pk)
    gone = anonymous.get(shared_path(token))
    assert gone.status_code == 410 and "expired or was revoked" in gone.content.decode()
    assert AuditLogEntry.objects.filter(event_type=AuditEvent.SHARE_LINK_REVOKED).count() == 1


def test_a_scoped_managers_link_keeps_the_scope_it_was_made_with(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    location_scope_set(user=manager, regions=[], locations=[world["oulu"]], acting_user=None)
    client = english(client_for(manager))
    # Asking for Turku in the link's filters does not widen it.
    assert client.post(CREATE, {"days": 3, "location": world["turku"].pk}).status_code == 400
    client.post(CREATE, {"days": 3})
    link = DashboardShareLink.objects.get()
    assert link.scope_location_ids == [world["oulu"].pk]
    page = client.get(DIGEST).content.decode()
    token = page.split('readonly value="')[1].split('"')[0].rsplit("/", 2)[-2]
    # Later the manager's scope widens; the link still shows Oulu only: three promoters, NPS 100.
    location_scope_set(user=manager, regions=[], locations=[world["oulu"], world["turku"]], acting_user=None)
    shared = english(client_for(None)).get(shared_path(token))
    nps = next(kpi for kpi in shared.context["data"].kpis if kpi.key == "nps")
    assert nps.answers == 3 and nps.value == 100
    assert "The figures cover only some of the company's locations." in shared.content.decode()


def test_a_link_stops_when_its_creator_leaves_the_dashboards(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    _link, token = share_link_create(user=manager, query="", cut="", days=7)
    manager.role = "frontline"
    manager.save(update_fields=["role"])
    assert client_for(None).get(shared_path(token)).status_code == 410


def test_days_must_be_one_to_thirty(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    for days in (0, 31, "x", ""):
        assert client.post(CREATE, {"days": days}).status_code == 400
    assert not DashboardShareLink.objects.exists()


def test_who_lists_and_revokes(world: dict[str, Any], client_for: Any, manager: Any, company_admin: Any) -> None:
    other = ManagerFactory(email="toinen@alpha.example")
    mine, _token = share_link_create(user=manager, query="", cut="", days=7)
    theirs, _token = share_link_create(user=other, query="", cut="", days=7)
    client = client_for(manager)
    # A manager cannot revoke another manager's link (nor see it); an admin can.
    client.post(f"/dashboard/digest/share/{theirs.pk}/revoke/")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    client.post(f"/dashboard/digest/share/{mine.pk}/revoke/")
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    client_for(company_admin).post(f"/dashboard/digest/share/{theirs.pk}/revoke/")
    theirs.refresh_from_db()
    assert theirs.revoked_at is not None


def test_frontline_cannot_share(world: dict[str, Any], client_for: Any, frontline: Any) -> None:
    assert client_for(frontline).post(CREATE, {"days": 7}).status_code == 403
    assert not DashboardShareLink.objects.exists()


def test_a_link_opens_only_on_its_own_companys_address(
    world: dict[str, Any], client_for: Any, company_admin: Any, tenant_beta: Any
) -> None:
    _link, token = share_link_create(user=company_admin, query="", cut="", days=7)
    assert client_for(None, tenant=tenant_beta).get(shared_path(token)).status_code == 404
    connection.set_tenant(company_admin.tenant)


@pytest.mark.parametrize(
    ("language", "words"),
    [("fi", "Sinulle jaettu näkymä"), ("sv", "En vy som delats med dig")],
)
def test_shared_page_in_finnish_and_swedish(
    world: dict[str, Any], client_for: Any, company_admin: Any, language: str, words: str
) -> None:
    _link, token = share_link_create(user=company_admin, query="", cut="", days=7)
    client = client_for(None)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert words in client.get(shared_path(token)).content.decode()
