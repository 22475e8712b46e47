"""The second boundary: a manager scoped to location B gets nothing of location A, on any route.

The company boundary (tests/core/test_isolation_matrix.py) asks every route as every wrong caller
from outside. This asks every route again, from inside the company: as a manager scoped to station
B, with the ids of station A's customer, encounter, case, answer and personal-data export in the
route's parameters. No body may carry SECRET (it is only in A's customer, encounter note, case,
answers and in an encounter with no location), a detail of A's rows is a 404, CSV downloads are read
to the end, and station A's rows are unchanged after the writes. The same walk as an unscoped
manager sees SECRET, so the marker is really there to be found.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import CaseEvent, FollowUpCase
from apps.cases.reasons import CaseReason
from apps.cases.services import case_open
from apps.customers.models import ConsentEvent, Customer
from apps.customers.services import customer_create
from apps.encounters.models import Encounter
from apps.encounters.services import encounter_log
from apps.journeys.models import Touchpoint
from apps.locations.models import Location
from apps.locations.services import location_scope_set
from apps.metrics.services import metrics_refresh_dirty
from apps.personas.models import BuyerPersona
from apps.pos.models import KioskDevice, OpenLink, PointAnswer
from apps.privacy.services import personal_data_export_create
from apps.surveys.models import Answer, Invitation, QuestionType, Response
from tests.core.test_isolation_matrix import (  # noqa: F401 - alpha_ids is a fixture
    TENANT_ROUTES,
    _route_id,
    _send,
    alpha_ids,
    rows_fingerprint,
)
from tests.core.url_walk import Protection, Route, protection
from tests.factories import InvitationFactory, ResponseFactory
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import scored_survey_build

pytestmark = pytest.mark.django_db

SECRET = "Rajausmerkki"  # only in what happened at station A, or at no station
# A's rows (the open link and kiosk are at the company matrix's location, not B): a detail is a 404.
OBJECT_PARAMETERS = {"customer_id", "encounter_id", "case_id", "export_id", "link_id", "kiosk_id"}
REFUSED = {403, 404}  # not found, or refused before looking (a capability the manager lacks)

# Routes that show station A's rows to a station B manager today, and who fixes them. Strict: when one
# is fixed, its test fails until it leaves this list.
KNOWN_GAPS: dict[str, str] = {}
# The rows of what happens at a location. A scoped manager still runs the company's CX model (paths,
# personas, surveys) and their writes there are theirs to make; these tables must not move.
SCOPED_MODELS = (
    Customer,
    ConsentEvent,
    Encounter,
    FollowUpCase,
    CaseEvent,
    Invitation,
    Response,
    Answer,
    OpenLink,
    KioskDevice,
    PointAnswer,
)


@pytest.fixture
def station_a(alpha_ids: dict[str, Any], frontline: User, company_admin: User) -> dict[str, Any]:  # noqa: F811
    """Station A's rows, each with SECRET in it, on top of alpha's objects of the company matrix; the
    route parameters point at A's rows where a route names one."""
    touchpoint = Touchpoint.objects.get(pk=alpha_ids["touchpoint_id"])
    region_a = region_path_build("Etelä", "Asema-alue A")
    station_a = location_build(name="Asema A", code="ASEMAA", region=region_a)
    persona = BuyerPersona.objects.get(pk=alpha_ids["persona_id"])  # its pages list its customers
    customer = customer_create(full_name=f"{SECRET} Asiakas", email="rajaus@example.fi", persona=persona)
    encounter = encounter_log(
        logged_by=frontline,
        customer=customer,
        touchpoint=touchpoint,
        outcome="resolved",
        location=station_a,
        note=f"{SECRET} muistiinpano",
        raised_to_management=True,
    )
    encounter_log(
        logged_by=frontline,
        customer=customer,
        touchpoint=touchpoint,
        outcome="resolved",
        note=f"{SECRET} ilman asemaa",
        raised_to_management=True,
    )
    case = case_open(
        customer=customer,
        touchpoint=touchpoint,
        encounter=encounter,
        reason=CaseReason.written(f"{SECRET} syy"),
        detail=f"{SECRET} kommentti",
        due_working_days=2,
    )
    survey = scored_survey_build()
    invitation = InvitationFactory(survey=survey, customer=customer, encounter=encounter, sent_at=timezone.now())
    response = ResponseFactory(invitation=invitation, language="fi", submitted_at=timezone.now())
    for question in survey.questions.all():
        if question.type == QuestionType.TEXT:
            Answer.objects.create(response=response, question=question, type=question.type, text=f"{SECRET} vastaus")
        else:
            Answer.objects.create(response=response, question=question, type=question.type, score=2)
    export = personal_data_export_create(customer=customer, created_by=company_admin)
    return alpha_ids | {
        "customer_id": customer.pk,
        "encounter_id": encounter.pk,
        "case_id": case.pk,
        "export_id": export.pk,
        "survey_id": survey.pk,
        "region_id": region_a.pk,
        "location_id": station_a.pk,
    }


@pytest.fixture
def manager_of_b(manager: User) -> User:
    station_b = location_build(name="Asema B", code="ASEMAB", region=region_path_build("Pohjoinen"))
    location_scope_set(user=manager, regions=[], locations=[station_b], acting_user=None)
    return manager


def _scoped_rows() -> dict[str, tuple[int, str]]:
    tables = {model._meta.db_table for model in SCOPED_MODELS}
    return {name: value for name, value in rows_fingerprint("alpha").items() if name in tables}


def _body(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _walk(route: Route, client: Any, url: str, *, writes: bool) -> list[tuple[str, Any, str]]:
    api = route.api_class is not None
    answers = []
    for method in route.methods():
        if method != "get" and not writes:
            continue
        response = _send(client, method, url, api=api)
        answers.append((method, response, _body(response)))
    return answers


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(route, marks=pytest.mark.xfail(reason=KNOWN_GAPS[route.key], strict=True))
        if route.key in KNOWN_GAPS
        else route
        for route in TENANT_ROUTES
        if protection(route) is not Protection.ADMIN
    ],
    ids=_route_id,
)
def test_a_manager_of_station_b_gets_nothing_of_station_a(
    route: Route, client_for: Callable[..., Any], station_a: dict[str, Any], manager_of_b: User
) -> None:
    url = route.path({name: str(value) for name, value in station_a.items()})
    client = client_for(manager_of_b)
    before = _scoped_rows()

    failures: list[str] = []
    for method, response, body in _walk(route, client, url, writes=True):
        if SECRET in body:
            failures.append(f"{method.upper()}: {response.status_code} - the body carries station A's data")
        names = set(route.parameters()) & OBJECT_PARAMETERS
        if method == "get" and names and response.status_code not in REFUSED:
            failures.append(f"GET: {response.status_code} - a row of station A ({', '.join(sorted(names))}) must 404")

    assert not failures, f"{route.label} at {url}:\n" + "\n".join(failures)
    assert _scoped_rows() == before, f"{route.label} at {url}: rows of station A changed"


def test_the_admin_site_is_closed_to_a_scoped_manager(client_for: Callable[..., Any], manager_of_b: User) -> None:
    response = client_for(manager_of_b).get("/admin/customers/customer/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


SEEN_BY_AN_UNSCOPED_MANAGER = [
    "/customers/{customer_id}/",
    "/encounters/{encounter_id}/",
    "/cases/{case_id}/",
    "/customers/export.csv",
    "/api/v1/customers/",
    "/api/v1/customers/{customer_id}/",
    "/api/v1/encounters/",
    "/api/v1/encounters/{encounter_id}/",
    "/api/v1/surveys/responses/",
]


@pytest.mark.parametrize("path", SEEN_BY_AN_UNSCOPED_MANAGER)
def test_the_marker_is_there_for_an_unscoped_manager_and_one_of_station_a(
    path: str, client_for: Callable[..., Any], station_a: dict[str, Any], manager: User
) -> None:
    """The control: the rows the walk looks for are found by those who may see them."""
    url = path.format(**station_a)
    response = client_for(manager).get(url)
    assert response.status_code == 200 and SECRET in _body(response), url
    station = Location.objects.get(pk=station_a["location_id"])
    location_scope_set(user=manager, regions=[], locations=[station], acting_user=None)
    response = client_for(manager).get(url)
    assert response.status_code == 200 and SECRET in _body(response), f"{url} as a manager of station A"


# The figures: no marker can be in a number, so these count (the perception gap, which needs the staff's
# reading of the customer, is compared in test_scope_figures.py). Station A's answers (and those at no station)
# are all there is, so a manager of station B sees no answers and no encounters; the others see them.
FIGURES = {
    "/dashboard/": lambda data: (data.total.responses, data.total.encounters),
    "/dashboard/paths/{path_id}/": lambda data: (data.total.responses, data.total.encounters),
    "/dashboard/touchpoints/{touchpoint_id}/": lambda data: (data.total.responses, data.total.encounters),
    "/dashboard/league/": lambda data: tuple(row.answers for row in data.league.ranked + data.league.small),
    "/dashboard/league/?of=employees": lambda data: tuple(
        row.answers for row in data.league.ranked + data.league.small
    ),
    "/dashboard/locations/{location_id}/": lambda data: (data.total.responses, data.total.encounters),
}


@pytest.mark.parametrize("path", list(FIGURES))
def test_a_manager_of_station_b_counts_none_of_station_as_answers(
    path: str, client_for: Callable[..., Any], station_a: dict[str, Any], manager_of_b: User, company_admin: User
) -> None:
    metrics_refresh_dirty()
    url = path.format(**station_a)
    extractor = FIGURES[path]
    seen = client_for(company_admin).get(url)
    assert seen.status_code == 200 and any(extractor(seen.context["data"])), f"{url}: the admin sees A's figures"
    scoped = client_for(manager_of_b).get(url)
    if "{location_id}" in path:
        assert scoped.status_code == 404, url  # station A's page is not a manager of B's
        return
    assert scoped.status_code == 200, url
    assert not any(extractor(scoped.context["data"])), f"{url}: a manager of B counts station A's answers"
    api = client_for(manager_of_b).get("/api/v1/metrics/scores/", {"group_by": "location", "interval": "week"})
    assert api.json()["total"]["responses"] == 0 and not any(row["responses"] for row in api.json()["rows"])


def test_the_walk_covers_lists_details_exports_and_the_api() -> None:
    walked = {route.route for route in TENANT_ROUTES if protection(route) is not Protection.ADMIN}
    for expected in (
        "customers/",
        "customers/export.csv",
        "customers/<int:customer_id>/",
        "encounters/<int:encounter_id>/",
        "cases/<int:case_id>/",
        "api/v1/customers/",
        "api/v1/encounters/",
        "cases/",
        "encounters/",
        "api/v1/surveys/responses/",
        "api/v1/point-of-service/links/<int:link_id>/",
        "api/v1/point-of-service/kiosks/<int:kiosk_id>/",
        "point-of-service/links/<int:link_id>/poster/",
    ):
        assert expected in walked, expected
