"""A scoped manager's figures are their locations' figures, on every page, export, API answer and email.

Two stations with different answers: A (NPS -20, CSAT 40 %, CES 3.8) and B (NPS +25, CSAT 75 %, CES
6.25), and one answer after an encounter at no station. Every figure a manager scoped to B is shown must
equal what this test computes itself from B's Answer rows (the formulas of DOMAIN.md, not the app's
selectors); one scoped to A sees A's, an unscoped one the company's. B sits in a sub-region, and the
manager of B is scoped by the region above it, so a region's scope takes in its sub-regions.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone, translation

from apps.accounts.models import Role, User
from apps.dashboards.selectors.digest import digest_build
from apps.locations.services import location_scope_set
from apps.maturity.models import MaturitySettings
from apps.metrics.selectors import DIMENSIONS, INTERVALS
from apps.metrics.services import metrics_refresh_dirty
from apps.surveys.models import Answer, QuestionType
from apps.tenants.selectors import company_time_zone
from tests.conftest import make_user
from tests.factories import CustomerFactory, UserFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

# (touchpoint, NPS, CSAT, CES) of each answered visit.
VISITS_A = [("T1", 10, 5, 7), ("T1", 3, 2, 2), ("T1", 3, 1, 1), ("T1", 4, 2, 3), ("T1", 9, 5, 6)]
VISITS_B = [("T1", 10, 5, 7), ("T1", 10, 4, 6), ("T1", 8, 3, 5), ("T2", 6, 5, 7)]
VISITS_NOWHERE = [("T1", 0, 1, 1)]


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Expected:
    """Figures computed here from the raw Answer rows."""

    nps_n: int
    nps: int | None
    csat_n: int
    csat: float | None
    ces_n: int
    ces: float | None


def expected_from_answers(*, location_ids: Iterable[int] | None, touchpoint_id: int | None = None) -> Expected:
    """NPS = % promoters (9-10) - % detractors (0-6); CSAT = % of 4-5; CES = the mean; from Answer rows."""
    answers = Answer.objects.filter(score__isnull=False)
    if location_ids is not None:
        answers = answers.filter(response__encounter__location_id__in=list(location_ids))
    if touchpoint_id is not None:
        answers = answers.filter(response__touchpoint_id=touchpoint_id)
    scores: dict[str, list[int]] = {kind: [] for kind in (QuestionType.NPS, QuestionType.CSAT, QuestionType.CES)}
    for kind, score in answers.values_list("type", "score"):
        if kind in scores:
            scores[kind].append(score)
    nps, csat, ces = scores[QuestionType.NPS], scores[QuestionType.CSAT], scores[QuestionType.CES]
    promoters, detractors = sum(1 for s in nps if s >= 9), sum(1 for s in nps if s <= 6)
    return Expected(
        nps_n=len(nps),
        nps=int(_round(Decimal(100 * (promoters - detractors)) / len(nps), 0)) if nps else None,
        csat_n=len(csat),
        csat=float(_round(Decimal(100 * sum(1 for s in csat if s >= 4)) / len(csat), 1)) if csat else None,
        ces_n=len(ces),
        ces=float(_round(Decimal(sum(ces)) / len(ces), 2)) if ces else None,
    )


def assert_scores(scores: Any, expected: Expected, where: str) -> None:
    got = Expected(
        nps_n=scores.nps_n, nps=scores.nps, csat_n=scores.csat_n, csat=scores.csat, ces_n=scores.ces_n, ces=scores.ces
    )
    assert got == expected, f"{where}: {got} != {expected}"


def assert_api_scores(data: dict[str, Any], expected: Expected, where: str) -> None:
    got = Expected(**{name: data[name] for name in ("nps_n", "nps", "csat_n", "csat", "ces_n", "ces")})
    assert got == expected, f"{where}: {got} != {expected}"


@pytest.fixture
def client_for(client_for: Any) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


@pytest.fixture
def stations(tenant_alpha: Any) -> dict[str, Any]:
    # Every figure is judged from one answer up, so the exports show them all.
    MaturitySettings.objects.update_or_create(singleton=True, defaults={"min_answers": 1})
    path = map_build(name="Katsastus", stages={"Käynti": ["T1", "T2"]})
    touchpoints = {name: touchpoint_named(path, name) for name in ("T1", "T2")}
    station_a = location_build(name="Asema A", region=region_path_build("Etelä"))
    north = region_path_build("Pohjoinen")
    station_b = location_build(name="Asema B", region=region_path_build("Pohjoinen", "Oulu"))
    survey = scored_survey_build()
    anna = UserFactory(role="frontline", full_name="Anna Asemalla")
    customer = CustomerFactory()
    at = timezone.now() - dt.timedelta(days=2)
    for location, visits in ((station_a, VISITS_A), (station_b, VISITS_B), (None, VISITS_NOWHERE)):
        for touchpoint, nps, csat, ces in visits:
            encounter = encounter_add(
                customer=customer, touchpoint=touchpoints[touchpoint], at=at, by=anna, location=location
            )
            invitation = invitation_deliver(survey=survey, customer=customer, encounter=encounter, at=at)
            invitation_answer(invitation=invitation, at=at, scores={"nps": nps, "csat": csat, "ces": ces})
    metrics_refresh_dirty()
    manager_of_b = make_user(tenant_alpha, role=Role.MANAGER, email="b@alpha.example")
    location_scope_set(user=manager_of_b, regions=[north], locations=[], acting_user=None)
    manager_of_a = make_user(tenant_alpha, role=Role.MANAGER, email="a@alpha.example")
    location_scope_set(user=manager_of_a, regions=[], locations=[station_a], acting_user=None)
    manager_of_none = make_user(tenant_alpha, role=Role.MANAGER, email="none@alpha.example")
    location_scope_set(user=manager_of_none, regions=[region_path_build("Tyhjä")], locations=[], acting_user=None)
    return {
        "path": path,
        "touchpoints": touchpoints,
        "a": station_a,
        "b": station_b,
        "at": at,
        "anna": anna,
        "manager_of_b": manager_of_b,
        "manager_of_a": manager_of_a,
        "manager_of_none": manager_of_none,
    }


def _viewers(stations: dict[str, Any], manager: User) -> list[tuple[str, User, list[int] | None]]:
    """Who looks, and the locations their figures must come from (None: every answer of the company)."""
    return [
        ("manager of B (by region)", stations["manager_of_b"], [stations["b"].pk]),
        ("manager of A", stations["manager_of_a"], [stations["a"].pk]),
        ("unscoped manager", manager, None),
    ]


def _csv_total(response: Any) -> list[str]:
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "Total", rows[:2]
    return rows[1]


def _csv_expected(row: list[str], expected: Expected, where: str) -> None:
    # Columns of exporting.score_header: NPS 7, NPS answers 9, CSAT 10, CES 11, CSAT answers 15, CES answers 16.
    def number(cell: str) -> float | None:
        return float(cell) if cell else None

    got = (int(row[9]), number(row[7]), int(row[15]), number(row[10]), int(row[16]), number(row[11]))
    wanted = (expected.nps_n, expected.nps, expected.csat_n, expected.csat, expected.ces_n, expected.ces)
    assert got == wanted, f"{where}: {got} != {wanted}"


def test_the_figures_fixture_is_what_the_docstring_says(stations: dict[str, Any]) -> None:
    assert expected_from_answers(location_ids=[stations["a"].pk]) == Expected(5, -20, 5, 40.0, 5, 3.8)
    assert expected_from_answers(location_ids=[stations["b"].pk]) == Expected(4, 25, 4, 75.0, 4, 6.25)
    assert expected_from_answers(location_ids=None) == Expected(10, -10, 10, 50.0, 10, 4.5)


def test_dashboards_and_their_exports_show_each_manager_their_locations_figures(
    stations: dict[str, Any], manager: User, client_for: Callable[..., Any]
) -> None:
    path, t1 = stations["path"], stations["touchpoints"]["T1"]
    for who, user, location_ids in _viewers(stations, manager):
        client = client_for(user)
        expected = expected_from_answers(location_ids=location_ids)
        for url in ("/dashboard/", f"/dashboard/paths/{path.pk}/"):
            page = client.get(url)
            assert page.status_code == 200, (who, url)
            assert_scores(page.context["data"].total, expected, f"{who} {url}")
            _csv_expected(
                _csv_total(client.get(url, {"export": "csv", "delimiter": "comma"})), expected, f"{who} {url}"
            )
        url = f"/dashboard/touchpoints/{t1.pk}/"
        expected_t1 = expected_from_answers(location_ids=location_ids, touchpoint_id=t1.pk)
        page = client.get(url)
        assert_scores(page.context["data"].total, expected_t1, f"{who} {url}")
        _csv_expected(_csv_total(client.get(url, {"export": "csv", "delimiter": "comma"})), expected_t1, who)
        # The path's touchpoint cards and the company page's path rows too.
        path_page = client.get(f"/dashboard/paths/{path.pk}/").context["data"]
        assert_scores(
            next(card.scores for card in path_page.cards if card.touchpoint.pk == t1.pk), expected_t1, f"{who} card"
        )
        company = client.get("/dashboard/").context["data"]
        assert_scores(next(row.scores for row in company.paths if row.path.pk == path.pk), expected, f"{who} row")


def test_a_scoped_managers_cut_stays_inside_their_scope(
    stations: dict[str, Any], client_for: Callable[..., Any]
) -> None:
    client = client_for(stations["manager_of_b"])
    b = expected_from_answers(location_ids=[stations["b"].pk])
    # "All locations" is all of theirs; their own station by name is the same.
    assert_scores(client.get("/dashboard/", {"location": stations["b"].pk}).context["data"].total, b, "own station")
    # Another station is not offered: a field error, and the page falls back to their own figures.
    other = client.get("/dashboard/", {"location": stations["a"].pk})
    assert other.status_code == 400
    assert_scores(other.context["data"].total, b, "another station")
    form = other.context["form"]
    assert [place.pk for place in form.fields["location"].items] == [stations["b"].pk]
    assert [place.name for place in form.fields["region"].items] == ["Pohjoinen", "Pohjoinen > Oulu"]
    assert "persona" not in form.fields and "segment" not in form.fields
    assert client.get("/dashboard/", {"location": stations["a"].pk, "export": "csv"}).status_code == 400
    # A persona cut is refused with the reason, never shown for the whole company.
    persona = client.get("/dashboard/", {"persona": 1})
    assert persona.status_code == 400
    assert "figures by location are not cut by persona or segment" in persona.content.decode()
    assert_scores(persona.context["data"].total, b, "persona refused")
    # A scope with no stations in it: nothing, never everything.
    empty = client_for(stations["manager_of_none"]).get("/dashboard/")
    assert empty.status_code == 200
    assert empty.context["data"].total.responses == 0 and empty.context["data"].total.encounters == 0


def test_the_location_page_and_the_league_tables_stay_in_scope(
    stations: dict[str, Any], manager: User, client_for: Callable[..., Any]
) -> None:
    a, b = stations["a"], stations["b"]
    client = client_for(stations["manager_of_b"])
    expected_b = expected_from_answers(location_ids=[b.pk])
    page = client.get(f"/dashboard/locations/{b.pk}/")
    assert page.status_code == 200
    assert_scores(page.context["data"].total, expected_b, "location page")
    assert [(row.name, row.scores.encounters) for row in page.context["data"].staff] == [("Anna Asemalla", 4)]
    _csv_expected(
        _csv_total(client.get(f"/dashboard/locations/{b.pk}/", {"export": "csv", "delimiter": "comma"})),
        expected_b,
        "location csv",
    )
    assert client.get(f"/dashboard/locations/{a.pk}/").status_code == 404
    assert client_for(manager).get(f"/dashboard/locations/{a.pk}/").status_code == 200

    league = client.get("/dashboard/league/").context["data"].league
    rows = league.ranked + league.small
    assert [(row.key, row.answers, row.nps) for row in rows] == [(b.pk, expected_b.nps_n, expected_b.nps)]
    league_csv = client.get("/dashboard/league/", {"export": "csv", "delimiter": "comma"}).content.decode("utf-8-sig")
    assert "Asema B" in league_csv and "Asema A" not in league_csv
    employees = client.get("/dashboard/league/", {"of": "employees"}).context["data"].league
    assert [(row.name, row.answers, row.nps) for row in employees.ranked + employees.small] == [
        ("Anna Asemalla", expected_b.nps_n, expected_b.nps)
    ]
    unscoped = client_for(manager).get("/dashboard/league/").context["data"].league
    assert {row.key for row in unscoped.ranked + unscoped.small} == {a.pk, b.pk}


def test_the_perception_gap_of_a_scoped_manager_is_their_stations(
    stations: dict[str, Any], manager: User, client_for: Callable[..., Any]
) -> None:
    scoped = client_for(stations["manager_of_b"]).get("/dashboard/perception/").context["data"]
    cut = client_for(manager).get("/dashboard/perception/", {"location": stations["b"].pk}).context["data"]
    assert scoped.total == cut.total
    assert [(row.label, row.pairs) for row in scoped.touchpoints] == [(row.label, row.pairs) for row in cut.touchpoints]


def test_the_scores_api_answers_every_grouping_and_interval_within_the_scope(
    stations: dict[str, Any], manager: User, client_for: Callable[..., Any]
) -> None:
    for who, user, location_ids in _viewers(stations, manager):
        client = client_for(user)
        expected = expected_from_answers(location_ids=location_ids)
        for group_by in (None, *DIMENSIONS):
            for interval in (None, *INTERVALS):
                params = {k: v for k, v in (("group_by", group_by), ("interval", interval)) if v}
                response = client.get("/api/v1/metrics/scores/", params)
                where = f"{who} {params}"
                if location_ids is not None and group_by in ("persona", "segment"):
                    assert response.status_code == 400, where
                    assert "not cut by persona or segment" in str(response.json()), where
                    continue
                assert response.status_code == 200, (where, response.content)
                body = response.json()
                assert_api_scores(body["total"], expected, where)
                if body["rows"]:
                    assert sum(row["nps_n"] for row in body["rows"]) == expected.nps_n, where
                    assert sum(row["ces_n"] for row in body["rows"]) == expected.ces_n, where
                if group_by == "location":
                    keys = {row["key"] for row in body["rows"] if row["nps_n"]}
                    assert keys == (set(location_ids) if location_ids else {stations["a"].pk, stations["b"].pk, None})
    # A station outside the scope gives nothing, not the company; the empty scope gives nothing at all.
    outside = client_for(stations["manager_of_b"]).get("/api/v1/metrics/scores/", {"location": stations["a"].pk})
    assert outside.status_code == 200 and outside.json()["total"]["nps_n"] == 0
    empty = client_for(stations["manager_of_none"]).get("/api/v1/metrics/scores/")
    assert empty.status_code == 200 and empty.json()["total"]["responses"] == 0


def test_the_weekly_digest_of_a_scoped_manager_is_their_locations(stations: dict[str, Any], manager: User) -> None:
    answered_on = stations["at"].astimezone(company_time_zone()).date()
    week_start = answered_on + dt.timedelta(days=7 - answered_on.weekday())  # the Monday after the answers
    for who, user, location_ids in _viewers(stations, manager):
        expected = expected_from_answers(location_ids=location_ids)
        with translation.override("en"):
            digest = digest_build(user=user, week_start=week_start)
        lines = {line.name: line.value for line in digest.lines}
        assert digest.nps_answers == expected.nps_n, who
        assert lines["NPS"] == str(expected.nps), who
        assert lines["CSAT %"] == f"{expected.csat:.1f}", who
        assert lines["CES (1-7)"] == f"{expected.ces:.2f}", who
        assert digest.scoped == (location_ids is not None), who


def test_no_page_api_or_email_builds_a_metric_filter_by_hand() -> None:
    """The viewer's filter comes from metric_filter_for, which applies their scope; a new figure cannot forget it."""
    root = Path(__file__).resolve().parents[2] / "apps"
    readers = [*sorted((root / "dashboards").rglob("*.py")), root / "metrics" / "apis.py"]
    by_hand = [str(path.relative_to(root)) for path in readers if "MetricFilter(" in path.read_text()]
    assert by_hand == []
