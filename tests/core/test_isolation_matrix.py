"""Every route, every wrong caller: never data, never a write.

Each URL pattern of the companies' URL conf (pages, API, admin; from the walk in
url_walk.py, with alpha's real ids in its parameters) is requested with every
method it answers, by:
- an anonymous visitor,
- beta's admin, with beta's session cookie replayed on alpha's host,
- beta's admin, with a beta API token replayed on alpha's host,
- each alpha role that lacks the route's capability for that method.
Each must be refused the same way (a page: to the login page or a 403; the API:
401 or 403; the admin: to its login), no body may carry alpha's data, and alpha's
tables must hold exactly the same rows afterwards. The operators' domain is tried
the same way with a company's session and token. Public views are left out, each
with its reason in test_url_protection.PUBLIC.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import resolve
from django.utils import timezone
from django_tenants.utils import schema_context
from psycopg import sql

from apps.accounts.models import Team, User
from apps.accounts.services import api_token_issue
from apps.alerts.services.alert_rules import rule_create
from apps.alerts.services.destinations import destination_create
from apps.alerts.services.events import alert_fire
from apps.cases.reasons import CaseReason
from apps.cases.services import case_open
from apps.customers.services import customer_create
from apps.encounters.services import encounter_log
from apps.initiatives.models import Initiative
from apps.journeys.models import Stage, Touchpoint
from apps.locations.services import location_create, location_staff_add, location_team_add, region_create
from apps.personas.services import persona_create
from apps.pos.services import kiosk_create, open_link_get_or_create
from apps.privacy.services import personal_data_export_create
from apps.surveys.services import campaign_create
from apps.themes.services import theme_create
from tests.core.test_url_protection import PUBLIC
from tests.core.url_walk import Protection, Route, protection, routes
from tests.factories import CustomerImportFactory
from tests.journeys.factories import map_build
from tests.metrics.factories import scored_survey_build

pytestmark = pytest.mark.django_db

MARK = "Eristysmerkki"  # in the name of every alpha object the routes are asked about
ALPHA_ROLES = ("company_admin", "manager", "frontline")

# Left out: the public views, each listed with its reason (test_url_protection checks the list).
TENANT_ROUTES = [route for route in routes("cxplatform.urls_tenants") if route.key not in PUBLIC]
PUBLIC_ROUTES = [route for route in routes("cxplatform.urls_public") if route.key not in PUBLIC]


def api_token(user: User) -> str:
    """The one place these tests get an API token for `user`, in the user's own company."""
    with schema_context(user.tenant.schema_name):
        return api_token_issue(user=user, name="Isolation matrix")[1]


@pytest.fixture
def alpha_ids(frontline: User) -> dict[str, str]:
    """One of each object a route names, in alpha, with MARK in its name; the routes' parameters."""
    path = map_build(name=f"{MARK} polku", stages={f"{MARK} vaihe": [f"{MARK} kohta"]})
    stage = Stage.objects.get(path=path)
    touchpoint = Touchpoint.objects.get(stage=stage)
    region = region_create(name=f"{MARK} alue")
    location = location_create(name=f"{MARK} asema", code="ERISTYS1", region=region)
    location_staff_add(location=location, user=frontline)
    team = Team.objects.create(name=f"{MARK} tiimi")
    location_team_add(location=location, team=team)
    persona = persona_create(name=f"{MARK} persona")
    customer = customer_create(full_name=f"{MARK} Asiakas", email="eristys@example.fi", persona=persona)
    encounter = encounter_log(
        logged_by=frontline, customer=customer, touchpoint=touchpoint, outcome="resolved", location=location
    )
    case = case_open(customer=customer, touchpoint=touchpoint, reason=CaseReason.written(MARK), due_working_days=2)
    survey = scored_survey_build()
    survey.name = f"{MARK} kysely"
    survey.save(update_fields=["name"])
    campaign = campaign_create(
        name=f"{MARK} lähetys", survey=survey, audience={}, send_at=timezone.now() + dt.timedelta(days=7)
    )
    customer_import = CustomerImportFactory(file_name=f"{MARK}.csv", created_by=frontline)
    token, _key = api_token_issue(user=frontline, name=f"{MARK} avain")
    export = personal_data_export_create(customer=customer, created_by=frontline)
    open_link = open_link_get_or_create(touchpoint=touchpoint, location=location, created_by=frontline)
    kiosk, _pairing = kiosk_create(
        name=f"{MARK} kioski", touchpoint=touchpoint, location=location, created_by=frontline
    )
    destination = destination_create(
        name=f"{MARK} vastaanottaja", kind="webhook", url="http://127.0.0.1:9/eristys", actor=frontline
    )
    rule = rule_create(name=f"{MARK} sääntö", kind="case_late", destinations=[destination], actor=frontline)
    event = alert_fire(
        rule=rule, source_key=f"case:{case.pk}", payload={"case_id": case.pk}, occurred_at=timezone.now()
    )
    initiative = Initiative.objects.create(
        title=f"{MARK} parannus", owner=frontline, started_on=timezone.localdate() - dt.timedelta(days=10)
    )
    initiative.touchpoints.set([touchpoint])
    initiative.locations.set([location])
    theme = theme_create(name=f"{MARK} teema", terms=[f"{MARK.lower()}sana"])
    return {
        "theme_id": theme.pk,
        "user_id": frontline.pk,
        "token_id": token.pk,
        "destination_id": destination.pk,
        "delivery_id": event.deliveries.get().pk,
        "rule_id": rule.pk,
        "initiative_id": initiative.pk,
        "path_id": path.pk,
        "stage_id": stage.pk,
        "touchpoint_id": touchpoint.pk,
        "persona_id": persona.pk,
        "region_id": region.pk,
        "location_id": location.pk,
        "team_id": team.pk,
        "customer_id": customer.pk,
        "encounter_id": encounter.pk,
        "case_id": case.pk,
        "survey_id": survey.pk,
        "campaign_id": campaign.pk,
        "import_id": customer_import.pk,
        "export_id": export.pk,
        "link_id": open_link.pk,
        "kiosk_id": kiosk.pk,
        # Admins only; refused before looking, so any id will do.
        "recipient_id": frontline.pk,
        "language": "fi",
        "template_key": "clinic",
        # The admin's: any object (it refuses before looking), a model, an app, an unknown page.
        "object_id": frontline.pk,
        "positional": frontline.pk,
        "content_type_id": ContentType.objects.get_for_model(User).pk,
        "app_label": "accounts",
        "url": "no-such-page/",
    }


def rows_fingerprint(schema: str) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every table of `schema`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        tables = [name for (name,) in cursor.fetchall()]
        query = sql.SQL(" UNION ALL ").join(
            sql.SQL(
                "SELECT {name}, count(*), md5(coalesce(string_agg(md5(t::text), ',' ORDER BY md5(t::text)), ''))"
                " FROM {table} t"
            ).format(name=sql.Literal(table), table=sql.Identifier(schema, table))
            for table in tables
        )
        cursor.execute(query)
        return {name: (count, checksum) for name, count, checksum in cursor.fetchall()}


def _send(client: Any, method: str, url: str, *, api: bool, **headers: str) -> Any:
    if method == "get":
        return client.get(url, **headers)
    if api:
        return getattr(client, method)(url, "{}", content_type="application/json", **headers)
    if method == "post":
        return client.post(url, {}, **headers)
    return getattr(client, method)(url, **headers)


ADMIN_REFUSALS = {"/admin/login/", "/admin/"}  # its login; from its logout, its index


def _refused_as_anonymous(route: Route, response: Any) -> str | None:
    """None when `response` refuses an unknown caller the way the route's kind should, else why not."""
    if route.api_class is not None:
        return _api_error(route, response, 401, {"not_authenticated", "authentication_failed"})
    target = urlsplit(response.get("Location", "")).path
    targets = {"/accounts/login/"} | (ADMIN_REFUSALS if protection(route) is Protection.ADMIN else set())
    return None if response.status_code == 302 and target in targets else "must redirect to the login page"


def _refused_for_the_role(route: Route, response: Any) -> str | None:
    if protection(route) is Protection.ADMIN:
        target = urlsplit(response.get("Location", "")).path
        ok = response.status_code == 302 and target in ADMIN_REFUSALS
        return None if ok else "the admin must send a user without access to its login"
    if route.api_class is not None:
        return _api_error(route, response, 403, {"permission_denied"})
    return None if response.status_code == 403 else "must answer 403"


def _api_error(route: Route, response: Any, status: int, codes: set[str]) -> str | None:
    """The API refuses in its one error body, never with a redirect to a login page. (The schema and
    its readers answer in their own first format, YAML or HTML, unless asked for JSON.)"""
    if response.status_code != status:
        return f"the API must answer {status}"
    if route.api_class.renderer_classes[0].media_type != "application/json":
        return None
    if response.get("Content-Type") != "application/json":
        return "the API must answer in JSON"
    body = response.json()
    return None if body.get("code") in codes and body.get("message") else f"not the API's error body: {body}"


def _allowed(route: Route, method: str, user: User) -> bool:
    if protection(route) is Protection.ADMIN:
        return bool(user.is_active and user.is_staff)
    capability = route.capability(method)
    return capability is not None and bool(capability(user))


def _check(route: Route, method: str, caller: str, response: Any, why_not: str | None, failures: list[str]) -> None:
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if 200 <= response.status_code < 300:
        why_not = "answered 2xx"
    elif MARK in body:
        why_not = "the body carries alpha's data"
    if why_not:
        where = response.get("Location", "")
        failures.append(f"{method.upper()} {caller}: {response.status_code} {where} - {why_not}")


def _route_id(route: Route) -> str:
    return route.route


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=_route_id)
def test_a_company_route_gives_nothing_to_a_wrong_caller(
    route: Route,
    request: pytest.FixtureRequest,
    client_for: Callable[..., Any],
    alpha_ids: dict[str, Any],
    outsider: User,
    tenant_alpha: Any,
) -> None:
    url = route.path({name: str(value) for name, value in alpha_ids.items()})
    assert resolve(url, route.urlconf).func is route.callback, f"{url} is not {route.label}"
    api = route.api_class is not None

    beta_client = client_for(outsider)
    on_alpha_with_beta_session = client_for(tenant=tenant_alpha)
    on_alpha_with_beta_session.cookies["sessionid"] = beta_client.cookies["sessionid"].value
    unknown_callers = {
        "anonymous": (client_for(tenant=tenant_alpha), {}),
        "beta's session": (on_alpha_with_beta_session, {}),
        "beta's token": (client_for(tenant=tenant_alpha), {"HTTP_AUTHORIZATION": f"Token {api_token(outsider)}"}),
    }
    users = {role: request.getfixturevalue(role) for role in ALPHA_ROLES}
    role_clients = {role: client_for(user) for role, user in users.items()}
    before = rows_fingerprint("alpha")

    failures: list[str] = []
    for method in route.methods():
        for caller, (client, headers) in unknown_callers.items():
            response = _send(client, method, url, api=api, **headers)
            _check(route, method, caller, response, _refused_as_anonymous(route, response), failures)
        for role, user in users.items():
            if _allowed(route, method, user):
                continue
            response = _send(role_clients[role], method, url, api=api)
            _check(route, method, f"alpha's {role}", response, _refused_for_the_role(route, response), failures)

    assert not failures, f"{route.label} at {url}:\n" + "\n".join(failures)
    assert rows_fingerprint("alpha") == before, f"{route.label} at {url}: alpha's rows changed"


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=_route_id)
def test_an_operators_route_gives_nothing_to_a_company_user(
    route: Route, public_client: Any, client_for: Callable[..., Any], company_admin: User, alpha_ids: dict[str, Any]
) -> None:
    url = route.path({name: str(value) for name, value in alpha_ids.items()} | {"app_label": "tenants"})
    assert resolve(url, route.urlconf).func is route.callback, f"{url} is not {route.label}"
    alpha_session = client_for(company_admin).cookies["sessionid"].value
    before = rows_fingerprint("public")

    failures: list[str] = []
    for method in route.methods():
        for caller, headers in {
            "anonymous": {},
            "alpha's admin's token": {"HTTP_AUTHORIZATION": f"Token {api_token(company_admin)}"},
        }.items():
            response = _send(public_client, method, url, api=False, **headers)
            _check(route, method, caller, response, _refused_for_the_role(route, response), failures)
        public_client.cookies["sessionid"] = alpha_session
        response = _send(public_client, method, url, api=False)
        public_client.cookies.pop("sessionid")
        _check(route, method, "alpha's admin's session", response, _refused_for_the_role(route, response), failures)

    assert not failures, f"{route.label} at {url}:\n" + "\n".join(failures)
    assert rows_fingerprint("public") == before, f"{route.label} at {url}: the public schema's rows changed"


def test_the_matrix_covers_pages_api_and_admin() -> None:
    kinds = {"api" if r.api_class else "admin" if protection(r) is Protection.ADMIN else "page" for r in TENANT_ROUTES}
    assert kinds == {"api", "admin", "page"}
    assert len(TENANT_ROUTES) > 150
