"""The leadership dashboard pages: who may open them, what they show, their CSV, and bad filters."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.cases.models import FollowUpCase
from apps.encounters.models import Encounter
from apps.journeys.models import ServicePath, Touchpoint
from apps.maturity.models import MaturitySettings
from apps.metrics.services import metrics_refresh_dirty
from tests.factories import (
    CustomerFactory,
    EncounterFactory,
    FollowUpCaseFactory,
    PersonaFactory,
    TeamFactory,
    UserFactory,
)
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for: Any) -> Any:
    """The pages in English, so the assertions read the source strings (test_finnish_pages switches back)."""

    def build(*args: Any, **kwargs: Any) -> Any:
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


def _visit(world: dict[str, Any], *, touchpoint: Touchpoint, days_ago: int, nps: int, csat: int, **fields: Any) -> None:
    at = timezone.now() - dt.timedelta(days=days_ago, hours=1)
    encounter = encounter_add(customer=world["customer"], touchpoint=touchpoint, at=at, **fields)
    invitation = invitation_deliver(survey=world["survey"], customer=world["customer"], encounter=encounter, at=at)
    invitation_answer(invitation=invitation, at=at, scores={"nps": nps, "csat": csat})


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """A two-stage path whose end moment trails the rest: 6 promoters before it, 6 detractors at it."""
    path = map_build(name="Katsastus", stages={"Ennen": ["Ajanvaraus"], "Käynti": ["Tarkastus", "Maksu ja lähtö"]})
    booking, check, leaving = (touchpoint_named(path, name) for name in ("Ajanvaraus", "Tarkastus", "Maksu ja lähtö"))
    Touchpoint.objects.filter(pk=leaving.pk).update(is_end=True, target_nps=30)
    Touchpoint.objects.filter(pk=check.pk).update(is_peak=True)
    team = TeamFactory(name="Tiski")
    staff = [UserFactory(role="frontline", team=team) for _ in range(3)]
    world: dict[str, Any] = {
        "path": path,
        "booking": booking,
        "check": check,
        "leaving": Touchpoint.objects.get(pk=leaving.pk),
        "customer": CustomerFactory(full_name="Äijä Öljynen", email="aija@example.fi"),
        "survey": scored_survey_build(),
        "team": team,
    }
    for day in range(6):
        _visit(world, touchpoint=booking if day % 2 else check, days_ago=day + 1, nps=10, csat=5)
        # Staff read the leaving customers as pleased (+1); they answered CSAT 2 (-1).
        _visit(world, touchpoint=leaving, days_ago=day + 1, nps=2, csat=2, by=staff[day % 3], end_feeling=1)
    EncounterFactory(
        customer=world["customer"],
        touchpoint=check,
        occurred_at=timezone.now() - dt.timedelta(hours=3),
        outcome="unresolved",
        note="Jono kassalle oli puoli tuntia",
        raised_to_management=True,
    )
    metrics_refresh_dirty()
    return world


@pytest.fixture
def few_answers_judged(world: dict[str, Any]) -> None:
    """The company judges a figure from a single answer (the world has 3 to 12 answers per figure)."""
    MaturitySettings.objects.update_or_create(singleton=True, defaults={"min_answers": 1})


def _pages(world: dict[str, Any]) -> list[str]:
    return [
        reverse("dashboards:company"),
        reverse("dashboards:path", args=[world["path"].pk]),
        reverse("dashboards:touchpoint", args=[world["leaving"].pk]),
        reverse("dashboards:perception"),
    ]


def test_manager_sees_each_page_and_its_csv(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    client = client_for(manager)
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        export = client.get(url, {"export": "csv"})
        assert export.status_code == 200, url
        assert export["Content-Type"].startswith("text/csv")
        assert "alpha-katsastus-oy" in export["Content-Disposition"]
        assert export.content.startswith("\ufeff".encode())


@pytest.mark.usefixtures("few_answers_judged")
def test_company_view_shows_scores_maturity_and_notes(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    html = client_for(manager).get(reverse("dashboards:company")).content.decode()
    # 12 NPS answers: 6 promoters, 6 detractors -> NPS 0; CSAT: 6 of 12 satisfied -> 50 %.
    assert 'class="kpi__value">0<' in html
    assert "12 answers" in html
    assert "Fewer than 30 answers" in html
    assert "Jono kassalle oli puoli tuntia" in html
    assert reverse("dashboards:path", args=[world["path"].pk]) in html
    assert "at least 50 % of encounters reach" in html
    assert 'data-chart="maturity-distribution"' in html
    assert 'data-chart="score-trend"' in html
    # map_build leaves every touchpoint without an owner: each is listed as a defect with a link to the editor.
    assert f"?touchpoint={world['leaving'].pk}" in html


@pytest.mark.usefixtures("few_answers_judged")
def test_path_view_shows_the_map_and_weak_ending(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    html = client_for(manager).get(reverse("dashboards:path", args=[world["path"].pk])).content.decode()
    for text in ("Ennen", "Käynti", "Ajanvaraus", "Maksu ja lähtö", "tp-card is-end unowned", "tp-card is-peak"):
        assert text in html
    assert "Weak ending" in html
    # The rest: all promoters (NPS 100) and CSAT 5 (+2); the end: all detractors (-100) and CSAT 2 (-1).
    assert "feeling 3.0 lower, NPS 200 lower" in html
    assert "target 30" in html
    assert 'data-chart="emotion-curve"' in html
    assert "No owner" in html


def test_drill_down_shows_reasons_encounters_and_cases(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    html = client_for(manager).get(reverse("dashboards:touchpoint", args=[world["leaving"].pk])).content.decode()
    assert "No owner" in html
    assert "6 answers in 90 days, needs 30" in html
    assert "NPS -100 below target 30" in html
    encounter = Encounter.objects.filter(touchpoint=world["leaving"]).first()
    assert reverse("encounters:detail", args=[encounter.pk]) in html


def test_drill_down_lists_open_cases_of_any_age_and_the_periods_resolved_ones(
    client_for: Any, manager: Any, world: dict[str, Any]
) -> None:
    now = timezone.now()

    def case(reason: str, *, days_ago: int, status: str) -> None:
        opened = now - dt.timedelta(days=days_ago)
        created = FollowUpCaseFactory(
            customer=world["customer"],
            touchpoint=world["leaving"],
            reason_text=reason,
            status=status,
            due_at=opened + dt.timedelta(days=2),
        )
        FollowUpCase.objects.filter(pk=created.pk).update(created_at=opened)

    case("Vanha avoin", days_ago=200, status="open")
    case("Vanha ratkaistu", days_ago=200, status="resolved")
    case("Tuore ratkaistu", days_ago=5, status="resolved")
    case("Tuore avoin", days_ago=1, status="open")
    html = client_for(manager).get(reverse("dashboards:touchpoint", args=[world["leaving"].pk])).content.decode()
    assert "2 unresolved (2 open, 0 contacted), of which 1 late." in html
    assert html.index("Vanha avoin") < html.index("Tuore avoin") < html.index("Tuore ratkaistu")
    assert "Vanha ratkaistu" not in html


@pytest.mark.usefixtures("few_answers_judged")
def test_perception_gap_per_touchpoint_and_team(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    html = client_for(manager).get(reverse("dashboards:perception")).content.decode()
    # Staff read +1, customers said -1 (CSAT 2): a gap of +2 on every compared encounter.
    assert "Maksu ja lähtö" in html
    assert "+2,00" in html or "+2.00" in html
    assert "Tiski" in html  # three different people contributed
    assert 'data-chart="gap-bars"' in html


def test_a_team_of_fewer_than_three_people_is_not_shown(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    Encounter.objects.filter(touchpoint=world["leaving"]).exclude(logged_by=None).update(
        logged_by=world["team"].members.first()
    )
    # The roll-ups are recomputed from the rows; marks come from the triggers on the update.
    metrics_refresh_dirty()
    html = client_for(manager).get(reverse("dashboards:perception")).content.decode()
    assert "Tiski" not in html
    assert "left out, so that no one can be singled out" in html


@pytest.mark.usefixtures("few_answers_judged")
def test_csv_carries_the_numbers_on_the_page(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    response = client_for(manager).get(reverse("dashboards:path", args=[world["path"].pk]), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:] if row[0] == "Touchpoint"}
    assert by_name["Maksu ja lähtö"]["NPS"] == "-100"
    assert by_name["Maksu ja lähtö"]["NPS answers"] == "6"
    assert by_name["Maksu ja lähtö"]["Target NPS"] == "30"
    total = next(row for row in rows[1:] if row[0] == "Total")
    assert dict(zip(header, total, strict=True))["NPS"] == "0"


@pytest.mark.usefixtures("few_answers_judged")
def test_csv_is_for_finnish_excel_unless_plain_commas_are_asked(
    client_for: Any, manager: Any, world: dict[str, Any]
) -> None:
    """Semicolons and a decimal comma by default (12,5 stays a number in Finnish Excel); `delimiter=comma` is plain."""
    client = client_for(manager)
    url = reverse("dashboards:path", args=[world["path"].pk])

    def total_row(separator: str, **query: str) -> dict[str, str]:
        content = client.get(url, {"export": "csv", **query}).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content), delimiter=separator))
        return dict(zip(rows[0], next(row for row in rows[1:] if row[0] == "Total"), strict=True))

    excel = total_row(";")
    plain = total_row(",", delimiter="comma")
    assert excel["NPS 95% margin"] and "," in excel["NPS 95% margin"] and "." not in excel["NPS 95% margin"]
    assert plain["NPS 95% margin"] == excel["NPS 95% margin"].replace(",", ".")
    assert float(plain["NPS 95% margin"]) > 0
    assert excel["Answers"] == plain["Answers"]


def test_the_filter_is_kept_in_links_and_the_export(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    html = client_for(manager).get(reverse("dashboards:company"), {"period": "30"}).content.decode()
    assert f"{reverse('dashboards:path', args=[world['path'].pk])}?period=30" in html
    assert "period=30&amp;export=csv" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom", "start": "2026-05-10", "end": "2026-05-01"}, "The period ends before it starts."),
        ({"period": "custom", "start": "not a date"}, "Enter a valid date."),
        ({"path": "999999"}, "Select a valid choice."),
        ({"persona": "abc"}, "Select a valid choice."),
        ({"period": "forever"}, "Select a valid choice."),
    ],
)
def test_bad_filters_are_form_errors(
    client_for: Any, manager: Any, world: dict[str, Any], query: dict[str, str], message: str
) -> None:
    client = client_for(manager)
    response = client.get(reverse("dashboards:company"), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "field--error" in html
    assert client.get(reverse("dashboards:company"), {**query, "export": "csv"}).status_code == 400


def test_custom_period_and_filters(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    today = timezone.localdate()
    query = {"period": "custom", "start": (today - dt.timedelta(days=400)).isoformat(), "end": today.isoformat()}
    response = client_for(manager).get(reverse("dashboards:company"), {**query, "path": world["path"].pk})
    assert response.status_code == 200
    assert "Katsastus" in response.content.decode()


@pytest.mark.parametrize("name", ["company", "path", "touchpoint", "perception"])
def test_frontline_staff_are_refused(client_for: Any, frontline: Any, world: dict[str, Any], name: str) -> None:
    url = dict(zip(["company", "path", "touchpoint", "perception"], _pages(world), strict=True))[name]
    client = client_for(frontline)
    assert client.get(url).status_code == 403
    assert client.get(url, {"export": "csv"}).status_code == 403


def test_anonymous_is_sent_to_login(anonymous_client: Any, world: dict[str, Any]) -> None:
    response = anonymous_client.get(reverse("dashboards:company"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_another_companys_user_is_refused(
    client_for: Any, outsider: Any, tenant_alpha: Any, world: dict[str, Any]
) -> None:
    # The beta admin's session does not exist in alpha: alpha's pages send them to log in.
    beta_client = client_for(outsider)
    on_alpha = client_for(tenant=tenant_alpha)
    on_alpha.cookies[settings.SESSION_COOKIE_NAME] = beta_client.cookies[settings.SESSION_COOKIE_NAME].value
    for url in _pages(world):
        response = on_alpha.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def test_alpha_ids_are_not_found_in_beta(client_for: Any, outsider: Any, world: dict[str, Any]) -> None:
    client = client_for(outsider)
    assert client.get(reverse("dashboards:path", args=[world["path"].pk])).status_code == 404
    assert client.get(reverse("dashboards:touchpoint", args=[world["leaving"].pk])).status_code == 404
    # Beta's own dashboard opens, without alpha's path.
    response = client.get(reverse("dashboards:company"))
    assert response.status_code == 200
    assert "Katsastus" not in response.content.decode()


def test_finnish_pages(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    html = client.get(reverse("dashboards:company"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Johdon koontinäyttö" in html
    assert "Kontaktipisteet ilman omistajaa" in html
    html = client.get(reverse("dashboards:path", args=[world["path"].pk]), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Heikko loppu" in html
    html = client.get(reverse("dashboards:perception"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Havaintoero" in html
    export = client.get(reverse("dashboards:company"), {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="fi")
    assert "Vastaukset" in export.content.decode("utf-8-sig")


def test_managers_see_the_dashboard_first_in_the_nav(client_for: Any, manager: Any, frontline: Any, db: None) -> None:
    html = client_for(manager).get("/").content.decode()
    nav = html[html.index('id="main-nav"') :]
    assert nav.index(reverse("dashboards:company")) < nav.index('href="/"')
    assert reverse("dashboards:company") not in client_for(frontline).get("/").content.decode()


def test_perception_gap_by_persona_leaves_the_teams_out(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    persona = PersonaFactory(name="Kiireinen")
    response = client_for(manager).get(reverse("dashboards:perception"), {"persona": persona.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Team figures are not cut by persona or segment" in html
    assert "Tiski" not in html


def test_an_archived_path_still_opens(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    ServicePath.objects.filter(pk=world["path"].pk).update(archived_at=timezone.now())
    client = client_for(manager)
    assert client.get(reverse("dashboards:path", args=[world["path"].pk])).status_code == 200
    html = client.get(reverse("dashboards:touchpoint", args=[world["leaving"].pk])).content.decode()
    assert "The path is archived" in html


def test_queries_do_not_grow_with_the_company(
    client_for: Any, manager: Any, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    """Each page costs the same number of queries with one small path or with more paths, stages, teams,
    touchpoints, answers, cases and raised notes: numbers come from the roll-ups, lists are prefetched."""
    client = client_for(manager)
    pages = [
        *_pages(world),
        f"{reverse('dashboards:company')}?export=csv",
        "/api/v1/metrics/scores/?group_by=touchpoint",
    ]
    before = {}
    for url in pages:
        client.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        before[url] = len(queries)

    big = map_build(name="Reklamaatio", stages={f"Vaihe {i}": [f"Piste {i}-{j}" for j in range(3)] for i in range(5)})
    touchpoints = list(Touchpoint.objects.filter(stage__path=big))
    for path_touchpoint in (world["booking"], world["check"], world["leaving"], *touchpoints):
        path_touchpoint.owner = manager
        path_touchpoint.save(update_fields=["owner"])
    for number in range(3):
        team = TeamFactory(name=f"Tiimi {number}")
        staff = [UserFactory(role="frontline", team=team) for _ in range(3)]
        for day, touchpoint in enumerate(touchpoints):
            _visit(
                world,
                touchpoint=touchpoint,
                days_ago=day + 1,
                nps=day % 11,
                csat=day % 5 + 1,
                by=staff[day % 3],
                end_feeling=day % 5 - 2,
                raised_to_management=day % 4 == 0,
                note="Asiakas toivoi iltavuoroja",
            )
    for encounter in Encounter.objects.filter(touchpoint__in=[world["leaving"], *touchpoints])[:12]:
        FollowUpCaseFactory(
            customer=world["customer"],
            touchpoint=encounter.touchpoint,
            encounter=encounter,
            poor_answer=True,
            reason_scores=[{"measure": "nps", "score": 2}],
            assignee=manager,
            due_at=timezone.now() - dt.timedelta(days=1),
        )
    metrics_refresh_dirty()

    for url in pages:
        with django_assert_max_num_queries(before[url]):
            assert client.get(url).status_code == 200, url
    # The bigger path and one of its touchpoints cost what the small ones did.
    with django_assert_max_num_queries(before[pages[1]]):
        assert client.get(reverse("dashboards:path", args=[big.pk])).status_code == 200
    with django_assert_max_num_queries(before[pages[2]]):
        assert client.get(reverse("dashboards:touchpoint", args=[touchpoints[0].pk])).status_code == 200


def test_a_single_answer_is_counted_in_the_singular(client_for: Any, manager: Any, world: dict[str, Any]) -> None:
    path = map_build(name="Jälkitarkastus", stages={"Käynti": ["Uusintatarkastus"]})
    touchpoint = touchpoint_named(path, "Uusintatarkastus")
    _visit(world, touchpoint=touchpoint, days_ago=1, nps=3, csat=2)
    metrics_refresh_dirty()
    url = reverse("dashboards:touchpoint", args=[touchpoint.pk])
    english = client_for(manager).get(url).content.decode()
    assert "1 answer<" in english or "1 answer\n" in english
    assert "1 answers" not in english
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    finnish = client.get(url, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "1 vastaus<" in finnish or "1 vastaus\n" in finnish
    assert "1 vastausta" not in finnish


def test_company_view_of_a_company_without_touchpoints_says_there_are_none(client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("dashboards:company")).content.decode()
    assert "There are no touchpoints yet." in html
    assert "Every touchpoint has an owner." not in html


def test_company_view_says_every_touchpoint_has_an_owner_when_they_have(client_for: Any, manager: Any) -> None:
    path = map_build(stages={"Katsastus": ["Tarkastus"]})
    Touchpoint.objects.filter(stage__path=path).update(owner=manager)
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("dashboards:company")).content.decode()
    assert "Every touchpoint has an owner." in html
    assert "There are no touchpoints yet." not in html
