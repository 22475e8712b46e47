"""Every main page, as each role and as a customer, in Debian's Chromium: no CSP violation, no JavaScript error.

The pages are served by a live server in this process from a company made for the
test (the demo company's year, seeded in a few seconds) on `<slug>.localhost`, which
Chromium resolves to this machine by itself, and the operators' admin on the test
database's public domain. The company's schema is dropped and the operator deleted at the
end, so nothing is left in alpha or beta. Screenshots of every page go to a folder
under /tmp when CSP_BROWSER_SCREENSHOTS names one.
"""

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.cases.models import FollowUpCase
from apps.customers.models import Customer
from apps.demo.seeds import SEEDERS
from apps.demo.seeds.context import DemoContext
from apps.demo.seeds.users import DEMO_PASSWORD, DEMO_STAFF
from apps.encounters.models import Encounter
from apps.journeys.models import ServicePath, Touchpoint
from apps.metrics.services import metrics_recompute_full
from apps.personas.models import BuyerPersona
from apps.surveys.models import Invitation, InvitationStatus, Survey
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_create
from apps.surveys.tokens import token_for
from apps.tenants.models import Tenant
from apps.tenants.services import company_create
from tests.browser import VIOLATION_LISTENER, chromium_launch, chromium_require, live_server_start
from tests.conftest import PASSWORD, PUBLIC_DOMAIN

pytestmark = pytest.mark.browser

SLUG = "cspwalk"
OPERATOR_EMAIL = "csp-walk-operator@kokemus.example"
DOMAIN = f"{SLUG}.localhost"

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


@dataclass
class Company:
    tenant: Tenant
    path_id: int
    touchpoint_id: int
    customer_id: int
    case_id: int
    survey_id: int
    user_id: int
    persona_id: int
    encounter_id: int
    survey_token: str
    unsubscribe_token: str
    reset_link: str


@dataclass
class Problems:
    found: list[str] = field(default_factory=list)

    def add(self, page: str, problem: str) -> None:
        self.found.append(f"{page}: {problem}")


def _sent_invitation(*, survey: Survey, customer: Customer) -> str:
    now = timezone.now()
    invitation = invitation_create(survey=survey, customer=customer, send_at=now, now=now, rules=survey_settings_get())
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.SENT, sent_at=now, expires_at=now + dt.timedelta(days=7)
    )
    return token_for(invitation.token_nonce)


def _operator_forget() -> None:
    # Not through the ORM: its cascade would look for the companies' tables (digest
    # subscriptions, ...) in the public schema, where they do not exist.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE email = %s", [OPERATOR_EMAIL])  # noqa: S608


@pytest.fixture(scope="module")
def company(django_db_setup: None, django_db_blocker: Any) -> Iterator[Company]:
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        stale = Tenant.objects.filter(schema_name=SLUG).first()
        if stale is not None:  # left by an interrupted run
            stale.delete(force_drop=True)
        _operator_forget()
        User.objects.create_superuser(OPERATOR_EMAIL, PASSWORD)
        _key, admin_email, admin_name, _role = DEMO_STAFF[0]
        tenant = company_create(
            name="CSP Katsastus Oy",
            slug=SLUG,
            domain=DOMAIN,
            admin_email=admin_email,
            admin_full_name=admin_name,
            admin_password=DEMO_PASSWORD,
        )
        try:
            with tenant_context(tenant):
                context = DemoContext(tenant=tenant, random=Random(2026))
                for seeder in SEEDERS:
                    with transaction.atomic():
                        seeder.seed(context=context)
                metrics_recompute_full(trigger="test")
                survey = Survey.objects.filter(is_active=True).order_by("pk").first()
                customers = list(Customer.objects.filter(survey_consent=True).exclude(email="").order_by("pk")[:2])
                user = User.objects.get(email=DEMO_STAFF[1][1])
                path = ServicePath.objects.order_by("pk").first()
                yield Company(
                    tenant=tenant,
                    path_id=path.pk,
                    touchpoint_id=Touchpoint.objects.filter(stage__path=path).order_by("pk").first().pk,
                    customer_id=customers[0].pk,
                    case_id=FollowUpCase.objects.order_by("pk").first().pk,
                    survey_id=survey.pk,
                    user_id=user.pk,
                    persona_id=BuyerPersona.objects.order_by("pk").first().pk,
                    encounter_id=Encounter.objects.order_by("-pk").first().pk,
                    survey_token=_sent_invitation(survey=survey, customer=customers[0]),
                    unsubscribe_token=_sent_invitation(survey=survey, customer=customers[1]),
                    reset_link=(
                        f"/accounts/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/"
                        f"{default_token_generator.make_token(user)}/"
                    ),
                )
        finally:
            connection.set_schema_to_public()
            tenant.delete(force_drop=True)
            _operator_forget()


@pytest.fixture(scope="module")
def live_url(company: Company, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        server = live_server_start()
        try:
            yield f"http://{DOMAIN}:{server.port}"
        finally:
            server.terminate()


@pytest.fixture(scope="module")
def browser(live_url: str) -> Iterator[Any]:
    # Playwright runs an event loop in this thread, where Django then refuses database
    # calls: the company and the server are set up before it starts and torn down after.
    chromium_require()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium_launch(playwright, operators_url=live_url.replace(DOMAIN, PUBLIC_DOMAIN))
        yield browser
        browser.close()


class Walk:
    """One browser context (one person's cookies) that records every problem a page shows."""

    def __init__(self, browser: Any, base: str, name: str) -> None:
        self.base = base
        self.name = name
        self.problems = Problems()
        self.context = browser.new_context(locale="fi-FI", viewport={"width": 1366, "height": 900})
        # ReDoc shows its maker's logo from their CDN (allowed on that page); the test has no internet.
        self.context.route(
            "https://cdn.redoc.ly/**", lambda route: route.fulfill(content_type="image/svg+xml", body=SVG)
        )
        self.page = self.context.new_page()
        self.current = ""
        self.refused_url: str | None = None
        self.page.expose_function("cspViolation", lambda text: self.problems.add(self.current, f"CSP: {text}"))
        self.page.add_init_script(VIOLATION_LISTENER)
        self.page.on("pageerror", lambda error: self.problems.add(self.current, f"JS error: {error}"))
        self.page.on("console", self._console)
        self.screenshots = os.environ.get("CSP_BROWSER_SCREENSHOTS")

    def _console(self, message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            where = message.location.get("url", "")
            if where == self.refused_url and message.text.startswith("Failed to load resource"):
                return  # the error status a visit expected, not a broken resource
            self.problems.add(self.current, f"console {message.type}: {message.text} ({where})")

    def visit(self, path: str, *, status: int = 200) -> Any:
        self.current = f"{self.name} {path}"
        self.refused_url = self.base + path if status >= 400 else None
        response = self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        if response.status != status:
            self.problems.add(self.current, f"status {response.status}, expected {status}")
        self._screenshot()
        return response

    def submit(self, selector: str = "main form [type=submit]") -> None:
        """Click a form's button and wait for the page it leads to."""
        with self.page.expect_navigation(wait_until="load"):
            self.page.click(selector)
        self.page.wait_for_load_state("networkidle")
        self.current = f"{self.name} {self.page.url.removeprefix(self.base)}"
        self._screenshot()

    def _screenshot(self) -> None:
        if self.screenshots:
            folder = Path(self.screenshots)
            folder.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", self.current.lower()).strip("-")[:90]
            self.page.screenshot(path=str(folder / f"{slug}.png"), full_page=True)

    def log_in(
        self, email: str, *, password: str = DEMO_PASSWORD, url: str = "/accounts/login/", form: str = "main form"
    ) -> None:
        self.visit(url)
        self.page.fill("input[name=username]", email)
        self.page.fill("input[name=password]", password)
        self.submit(f"{form} [type=submit]")
        assert "/login/" not in self.page.url, f"{email} could not log in"

    def close(self) -> list[str]:
        self.context.close()
        return self.problems.found


def _pages_for(role: str, company: Company) -> list[str]:
    everyone = [
        "/",
        "/paths/",
        f"/paths/{company.path_id}/",
        "/encounters/log/",
        "/cases/",
        "/personas/",
        f"/personas/{company.persona_id}/",
        "/accounts/password/",
        "/accounts/tokens/",
        "/api/v1/docs/",
        "/api/v1/redoc/",
    ]
    leaders = [
        "/dashboard/",
        f"/dashboard/paths/{company.path_id}/",
        f"/dashboard/touchpoints/{company.touchpoint_id}/",
        "/dashboard/perception/",
        f"/paths/{company.path_id}/edit/",
        f"/paths/{company.path_id}/edit/?touchpoint={company.touchpoint_id}",
        f"/cases/{company.case_id}/",
        "/customers/",
        f"/customers/{company.customer_id}/",
        "/encounters/",
        f"/encounters/{company.encounter_id}/",
        "/paths/ownership/",
        f"/paths/{company.path_id}/history/",
        "/customers/new/",
        "/customers/import/",
        "/surveys/",
        "/surveys/new/",
        f"/surveys/{company.survey_id}/",
        f"/surveys/{company.survey_id}/edit/",
        f"/surveys/{company.survey_id}/touchpoints/",
        "/surveys/settings/",
        "/surveys/send-outs/",
        "/surveys/send-outs/new/",
        "/surveys/invitations/",
        "/dashboard/digest/",
        "/admin/",
        f"/admin/journeys/servicepath/{company.path_id}/change/",
        f"/admin/journeys/servicepath/{company.path_id}/history/",
        "/api/v1/paths/",
        "/api/v1/customers/",
    ]
    admins = [
        "/admin/accounts/user/",
        f"/admin/accounts/user/{company.user_id}/change/",
        "/accounts/users/",
        "/accounts/users/new/",
        f"/accounts/users/{company.user_id}/",
        "/company/settings/",
        "/company/retention/",
        "/dashboard/maturity-settings/",
    ]
    frontline = ["/encounters/mine/"]
    if role == "frontline":
        return everyone + frontline
    return everyone + leaders + (admins if role == "admin" else [])


@pytest.mark.parametrize("role", ["admin", "manager", "frontline"])
def test_each_role_sees_its_pages_without_csp_violations_or_script_errors(browser, live_url, company, role):
    email = next(email for key, email, _name, _role in DEMO_STAFF if key == role)
    walk = Walk(browser, live_url, role)
    walk.log_in(email)
    for path in _pages_for(role, company):
        walk.visit(path)
    walk.visit("/encounters/log/")
    walk.page.fill("#id_q", "a")  # the quick log's customer search runs in JavaScript
    walk.page.wait_for_load_state("networkidle")
    walk.visit("/cases/")
    with walk.page.expect_navigation():  # the status filter sends its form on change (static/js/shell.js)
        walk.page.select_option("select[name=status]", "all")
    assert "status=all" in walk.page.url
    problems = walk.close()
    assert not problems, "\n".join(problems)


def test_customer_and_signed_out_pages_have_no_csp_violations_or_script_errors(browser, live_url, company):
    walk = Walk(browser, live_url, "anonymous")
    walk.visit("/accounts/login/")
    walk.visit("/s/not-a-real-link/", status=404)  # the customer's error page
    walk.visit("/accounts/password-reset/")
    walk.page.fill("input[name=email]", DEMO_STAFF[1][1])
    walk.submit()
    walk.visit(company.reset_link, status=200)

    walk.visit(f"/s/{company.survey_token}/")
    for question in walk.page.locator("fieldset").all():
        scale = question.locator("input[type=radio]")
        if scale.count():
            scale.last.check(force=True)  # the radio hides under its styled label
    walk.submit()
    assert "/thanks/" in walk.page.url

    walk.visit(f"/s/{company.unsubscribe_token}/unsubscribe/")
    walk.submit()
    problems = walk.close()
    assert not problems, "\n".join(problems)


def test_operators_admin_has_no_csp_violations_or_script_errors(browser, live_url, company):
    walk = Walk(browser, live_url.replace(DOMAIN, PUBLIC_DOMAIN), "operator")  # the origin from browser()
    walk.log_in(OPERATOR_EMAIL, password=PASSWORD, url="/admin/login/", form="#login-form")
    for path in [
        "/admin/",
        "/admin/tenants/tenant/",
        "/admin/tenants/tenant/add/",
        f"/admin/tenants/tenant/{company.tenant.pk}/change/",
        "/admin/overview/",
        "/admin/django_celery_beat/periodictask/",
    ]:
        walk.visit(path)
    problems = walk.close()
    assert not problems, "\n".join(problems)
