"""Initiatives: the measured effect against an independent computation, on the page and in the API;
mix and season warnings; roles, location scope, form and API errors, the audit log and the dashboard card."""

import datetime as dt
import math
import re
from typing import Any

import pytest

from apps.audit.models import AuditLogEntry
from apps.customers.services import customer_create
from apps.initiatives.models import Initiative
from apps.initiatives.services import initiative_create
from apps.locations.services import location_scope_set
from apps.surveys.models import ResponseSource
from tests.factories import PersonaFactory
from tests.initiatives.conftest import scores

pytestmark = pytest.mark.django_db

BEFORE = {"promoters": 6, "passives": 6, "detractors": 8}
AFTER = {"promoters": 14, "passives": 4, "detractors": 2}


def _independent_difference(before: list[int], after: list[int]) -> tuple[float, float, float]:
    """d and its 95 % interval from the raw scores, written out from DOMAIN.md without the app's code."""

    def nps_and_variance(values: list[int]) -> tuple[float, float]:
        n = len(values)
        p = sum(1 for v in values if v >= 9) / n
        d = sum(1 for v in values if v <= 6) / n
        return 100 * (p - d), (100 * math.sqrt(((p + d) - (p - d) ** 2) / n)) ** 2

    nps_b, var_b = nps_and_variance(before)
    nps_a, var_a = nps_and_variance(after)
    diff = nps_a - nps_b
    half = 1.96 * math.sqrt(var_a + var_b)
    return diff, diff - half, diff + half


def _initiative(world: dict[str, Any], by: Any, **fields: Any) -> Initiative:
    values = {
        "title": "Kassajonon purku",
        "owner": by,
        "touchpoints": [world["checkout"]],
        "locations": [world["north"]],
        "started_on": world["today"] - dt.timedelta(days=40),
        "window_days": 30,
        "description": "Toinen kassa auki ruuhka-aikaan",
    }
    return initiative_create(acting_user=by, **{**values, **fields})


@pytest.fixture
def measured(world: dict[str, Any], manager: Any) -> dict[str, Any]:
    """Known answers before and after at the initiative's cut, and answers that must not count."""
    answers, today = world["answers"], world["today"]
    before_day, after_day = today - dt.timedelta(days=55), today - dt.timedelta(days=25)
    before, after = scores(**BEFORE), scores(**AFTER)
    at = {"touchpoint": world["checkout"], "location": world["north"]}
    answers.add(day=before_day, scores=before, **at)
    answers.add(day=after_day, scores=after, **at)
    # Not on the cut: another touchpoint, another station, point-of-service answers, outside the windows.
    answers.add(day=after_day, touchpoint=world["pickup"], location=world["north"], scores=[0] * 5)
    answers.add(day=after_day, touchpoint=world["checkout"], location=world["south"], scores=[0] * 5)
    answers.add(day=after_day, scores=[0] * 5, source=ResponseSource.QR, **at)
    answers.add(day=today - dt.timedelta(days=5), scores=[0] * 5, **at)
    answers.add(day=today - dt.timedelta(days=75), scores=[0] * 5, **at)
    # The window's edges: the start day is "after", the day before it "before".
    start = today - dt.timedelta(days=40)
    answers.add(day=start, scores=[10], **at)
    answers.add(day=start - dt.timedelta(days=1), scores=[8], **at)
    return {"initiative": _initiative(world, manager), "before": [*before, 8], "after": [*after, 10]}


def test_the_api_difference_matches_an_independent_computation(client_for, manager, measured) -> None:
    diff, low, high = _independent_difference(measured["before"], measured["after"])
    body = client_for(manager).get(f"/api/v1/initiatives/{measured['initiative'].pk}/").json()
    nps = body["effect"]["metrics"][0]
    assert nps["metric"] == "nps"
    assert nps["before"]["n"] == 21 and nps["after"]["n"] == 21
    assert nps["difference"] == pytest.approx(diff)
    assert nps["low"] == pytest.approx(low) and nps["high"] == pytest.approx(high)
    assert nps["verdict"] == "improved" and body["effect"]["verdict"] == "improved"
    assert body["effect"]["running"] is False
    assert body["effect"]["small_sample"] == {"before": True, "after": True}  # 21 < the company's 30


def test_the_page_shows_the_same_figures(client_for, manager, measured) -> None:
    diff, low, high = _independent_difference(measured["before"], measured["after"])
    page = client_for(manager).get(f"/initiatives/{measured['initiative'].pk}/").content.decode()
    assert f"+{diff:.1f}".replace("-", "\u2212") in page
    assert f"+{low:.1f} \u2026 +{high:.1f}" in page
    assert "Improved" in page and "distinguishable from noise" in page
    assert "Few answers before" in page
    assert 'data-initiative-effect="initiative-effect-data"' in page


def test_cannot_tell_says_how_many_answers_are_needed(client_for, manager, world) -> None:
    answers, today = world["answers"], world["today"]
    at = {"touchpoint": world["checkout"], "location": world["north"]}
    answers.add(day=today - dt.timedelta(days=55), scores=scores(promoters=4, passives=3, detractors=3), **at)
    answers.add(day=today - dt.timedelta(days=25), scores=scores(promoters=5, passives=3, detractors=2), **at)
    initiative = _initiative(world, manager)
    nps = client_for(manager).get(f"/api/v1/initiatives/{initiative.pk}/").json()["effect"]["metrics"][0]
    assert nps["verdict"] == "cannot_tell" and nps["low"] < 0 < nps["high"]
    # Independently: v = ((p + d) - (p - d)^2) x 100^2 per period, n = ceil(1.96^2 (v_a + v_b) / d^2).
    v_b = ((0.4 + 0.3) - 0.1**2) * 100**2
    v_a = ((0.5 + 0.2) - 0.3**2) * 100**2
    assert nps["answers_needed_per_period"] == math.ceil(1.96**2 * (v_a + v_b) / 20**2)
    page = client_for(manager).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "Cannot tell yet" in page and "answers in each period" in page


def test_running_initiative_measures_up_to_yesterday(client_for, manager, world) -> None:
    initiative = _initiative(world, manager, started_on=world["today"] - dt.timedelta(days=12), window_days=90)
    body = client_for(manager).get(f"/api/v1/initiatives/{initiative.pk}/").json()["effect"]
    assert body["running"] is True and body["after"]["days"] == 12 and body["verdict"] == "no_data"
    page = client_for(manager).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "Measuring, 12 days of 90." in page


def test_mix_warning_names_the_persona_that_moved(client_for, manager, world) -> None:
    regulars, newcomers = PersonaFactory(name="Kanta-asiakas"), PersonaFactory(name="Uusi asiakas")
    regular = customer_create(full_name="Kalle Kanta", email="kalle@example.fi", persona=regulars)
    newcomer = customer_create(full_name="Uuno Uusi", email="uuno@example.fi", persona=newcomers)
    answers, today = world["answers"], world["today"]
    at = {"touchpoint": world["checkout"], "location": world["north"]}
    answers.add(day=today - dt.timedelta(days=55), scores=[9] * 10, customer=regular, **at)
    answers.add(day=today - dt.timedelta(days=25), scores=[9] * 6, customer=regular, **at)
    answers.add(day=today - dt.timedelta(days=25), scores=[9] * 4, customer=newcomer, **at)
    initiative = _initiative(world, manager)
    shifts = client_for(manager).get(f"/api/v1/initiatives/{initiative.pk}/").json()["effect"]["mix_shifts"]
    assert {(s["dimension"], s["name"], round(s["before_percent"]), round(s["after_percent"])) for s in shifts} == {
        ("persona", "Kanta-asiakas", 100, 60),
        ("persona", "Uusi asiakas", 0, 40),
    }
    page = client_for(manager).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "Persona Uusi asiakas: 0 % of answers before, 40 % after" in page


def test_season_warning_shows_the_same_windows_a_year_earlier(client_for, manager, world) -> None:
    answers = world["answers"]
    at = {"touchpoint": world["checkout"], "location": world["north"]}
    # Before: 3 Jul - 31 Aug 2025 (summer); after: 1 Sep - 30 Oct 2025 (autumn).
    answers.add(day=dt.date(2025, 8, 1), scores=scores(promoters=5, passives=0, detractors=5), **at)
    answers.add(day=dt.date(2025, 10, 1), scores=scores(promoters=8, passives=0, detractors=2), **at)
    # A year earlier the same windows moved from +20 to -20: the usual swing goes the other way.
    answers.add(day=dt.date(2024, 8, 1), scores=scores(promoters=6, passives=0, detractors=4), **at)
    answers.add(day=dt.date(2024, 10, 1), scores=scores(promoters=4, passives=0, detractors=6), **at)
    initiative = _initiative(world, manager, started_on=dt.date(2025, 9, 1), window_days=60)
    season = client_for(manager).get(f"/api/v1/initiatives/{initiative.pk}/").json()["effect"]["season"]
    assert (season["before"], season["after"], season["differs"]) == ("summer", "autumn", True)
    assert season["year_earlier"]["difference"] == pytest.approx(-40)
    page = client_for(manager).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "falls mostly in summer" in page and "A year earlier the same windows" in page
    assert "moved NPS by \u221240.0" in page


# --- Roles, scope, errors, audit ----------------------------------------------------------


def test_frontline_staff_are_refused(client_for, frontline, manager, world) -> None:
    initiative = _initiative(world, manager)
    client = client_for(frontline)
    for url in ("/initiatives/", "/initiatives/new/", f"/initiatives/{initiative.pk}/", "/api/v1/initiatives/"):
        assert client.get(url).status_code == 403, url


def test_admin_and_manager_see_the_list(client_for, company_admin, manager, world) -> None:
    _initiative(world, manager)
    for user in (company_admin, manager):
        page = client_for(user).get("/initiatives/").content.decode()
        assert "Kassajonon purku" in page and "Measured" in page


def test_a_scoped_manager_sees_only_their_locations(client_for, company_admin, manager, measured, world) -> None:
    location_scope_set(user=manager, regions=[], locations=[world["south"]], acting_user=company_admin)
    north_only = measured["initiative"]
    everywhere = initiative_create(
        acting_user=company_admin,
        title="Kaikki asemat",
        owner=company_admin,
        touchpoints=[world["checkout"]],
        locations=[],
        started_on=world["today"] - dt.timedelta(days=40),
        window_days=30,
    )
    client = client_for(manager)
    listing = client.get("/initiatives/").content.decode()
    assert "Kaikki asemat" in listing and "Kassajonon purku" not in listing
    assert client.get(f"/initiatives/{north_only.pk}/").status_code == 404
    assert client.get(f"/api/v1/initiatives/{north_only.pk}/").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/initiatives/").json()["results"]] == [everywhere.pk]
    # Figures over the south station only: the five 0s there after, nothing before.
    nps = client.get(f"/api/v1/initiatives/{everywhere.pk}/").json()["effect"]["metrics"][0]
    assert (nps["before"]["n"], nps["after"]["n"]) == (0, 5)
    whole = client_for(company_admin).get(f"/api/v1/initiatives/{everywhere.pk}/").json()["effect"]["metrics"][0]
    assert whole["after"]["n"] == 21 + 5
    # All locations reach beyond the scope: not the scoped manager's to change.
    assert client.get(f"/initiatives/{everywhere.pk}/edit/").status_code == 404
    payload = {"title": "X"}
    assert (
        client.patch(f"/api/v1/initiatives/{everywhere.pk}/", payload, content_type="application/json").status_code
        == 404
    )


def test_a_scoped_manager_creates_only_within_their_scope(client_for, company_admin, manager, world) -> None:
    location_scope_set(user=manager, regions=[], locations=[world["south"]], acting_user=company_admin)
    client = client_for(manager)
    form = {
        "title": "Eteläinen kokeilu",
        "owner": manager.pk,
        "touchpoints": [world["checkout"].pk],
        "started_on": (world["today"] - dt.timedelta(days=3)).isoformat(),
        "window_days": 90,
    }
    refused = client.post("/initiatives/new/", form)
    assert refused.status_code == 400 and not Initiative.objects.exists()
    outside = client.post(
        "/api/v1/initiatives/", {**form, "locations": [world["north"].pk]}, content_type="application/json"
    )
    assert outside.status_code == 400 and "locations" in outside.json()["fields"]
    created = client.post("/initiatives/new/", {**form, "locations": [world["south"].pk]})
    assert created.status_code == 302
    assert Initiative.objects.get().title == "Eteläinen kokeilu"


def test_bad_input_gives_form_errors_not_500(client_for, manager, world) -> None:
    client = client_for(manager)
    response = client.post("/initiatives/new/", {"title": "", "window_days": 10, "started_on": "huomenna"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body and "greater than or equal to 30" in body
    api = client.post(
        "/api/v1/initiatives/",
        {"title": "X", "owner": manager.pk, "touchpoints": [], "started_on": "2026-01-01", "window_days": 400},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert {"touchpoints", "window_days"} <= set(api.json()["fields"])
    missing = client.post(
        "/api/v1/initiatives/",
        {"title": "X", "owner": manager.pk, "touchpoints": [999999], "started_on": "2026-01-01"},
        content_type="application/json",
    )
    assert missing.status_code == 400 and "touchpoints" in missing.json()["fields"]
    assert not Initiative.objects.exists()


def test_create_update_archive_through_the_api_are_audited(client_for, manager, world) -> None:
    client = client_for(manager)
    created = client.post(
        "/api/v1/initiatives/",
        {
            "title": "Nouto nopeammaksi",
            "owner": manager.pk,
            "touchpoints": [world["pickup"].pk],
            "started_on": world["today"].isoformat(),
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["window_days"] == 90 and created.json()["locations"] == []
    changed = client.patch(f"/api/v1/initiatives/{pk}/", {"window_days": 60}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["window_days"] == 60
    archived = client.post(f"/api/v1/initiatives/{pk}/archive/", {}, content_type="application/json")
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert client.get("/api/v1/initiatives/").json()["count"] == 0
    assert client.get("/api/v1/initiatives/?include_archived=true").json()["count"] == 1
    entries = AuditLogEntry.objects.filter(target_type="initiatives.initiative", target_id=str(pk)).order_by("pk")
    assert [entry.extra_data["action"] for entry in entries] == [
        "initiative.created",
        "initiative.changed",
        "initiative.archived",
    ]
    assert entries[1].extra_data["old"] == {"window_days": 90} and entries[1].extra_data["new"] == {"window_days": 60}
    assert all(entry.acting_user_id == manager.pk for entry in entries)


def test_edit_and_archive_pages(client_for, manager, world) -> None:
    initiative = _initiative(world, manager)
    client = client_for(manager)
    assert client.get(f"/initiatives/{initiative.pk}/edit/").status_code == 200
    form = {
        "title": "Kassajonon purku, vaihe 2",
        "owner": manager.pk,
        "touchpoints": [world["checkout"].pk, world["pickup"].pk],
        "locations": [],
        "started_on": initiative.started_on.isoformat(),
        "window_days": 45,
    }
    assert client.post(f"/initiatives/{initiative.pk}/edit/", form).status_code == 302
    initiative.refresh_from_db()
    assert initiative.window_days == 45 and initiative.touchpoints.count() == 2 and not initiative.locations.exists()
    assert client.post(f"/initiatives/{initiative.pk}/archive/").status_code == 302
    initiative.refresh_from_db()
    assert initiative.archived


# --- The dashboard card and Finnish -------------------------------------------------------


def test_dashboard_card_lists_recent_initiatives_with_verdicts(client_for, manager, measured, world) -> None:
    _initiative(world, manager, title="Vanha kokeilu", started_on=world["today"] - dt.timedelta(days=400))
    page = client_for(manager).get("/dashboard/").content.decode()
    assert "Kassajonon purku" in page and "verdict-badge--improved" in page
    assert "Vanha kokeilu" not in page  # ended long ago


def test_pages_in_finnish(client_for, manager, measured) -> None:
    client = client_for(manager, language="fi")
    page = client.get(f"/initiatives/{measured['initiative'].pk}/").content.decode()
    assert "Parani" in page and "erottuu kohinasta" in page
    assert re.search(r"\+\d+,\d \u2026 \+\d+,\d", page)  # decimal commas in Finnish
    assert "Parannukset" in client.get("/initiatives/").content.decode()
    assert "Parannukset" in client.get("/dashboard/").content.decode()


def test_the_dashboard_card_of_a_scoped_manager(client_for, company_admin, manager, measured, world) -> None:
    """The north station's initiative is not on a south manager's card; one for every station is, with
    the south station's figures only (five detractors after, nothing before: no verdict)."""
    location_scope_set(user=manager, regions=[], locations=[world["south"]], acting_user=company_admin)
    initiative_create(
        acting_user=company_admin,
        title="Kaikki asemat",
        owner=company_admin,
        touchpoints=[world["checkout"]],
        started_on=world["today"] - dt.timedelta(days=40),
        window_days=30,
    )
    page = client_for(manager).get("/dashboard/").content.decode()
    assert "Kaikki asemat" in page and "Kassajonon purku" not in page
    assert "verdict-badge--no_data" in page and "verdict-badge--improved" not in page


def test_the_menu_links_initiatives_for_managers_only(client_for, company_admin, manager, frontline) -> None:
    for user, shown in ((company_admin, True), (manager, True), (frontline, False)):
        assert ('href="/initiatives/"' in client_for(user).get("/").content.decode()) is shown, user.role
