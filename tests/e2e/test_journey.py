"""One company's first day, end to end, in Debian's Chromium against the real stack.

A platform operator creates a company in the operators' admin; its admin sets a password
through the emailed invitation and invites a manager and a frontline employee, who set theirs
the same way; the manager draws a service path, owns its touchpoint, builds an NPS survey
and attaches it with no delay; the frontline employee logs an encounter on a phone-sized
screen; the worker sends the survey; the customer answers 3 from the email; the manager
finds the follow-up case and sees the answer on the dashboard.

What runs: a live server in this process for the company's host (`<slug>.localhost`,
which Chromium resolves itself) and the operators' domain (mapped to 127.0.0.1), a real
Celery worker that sends every email over SMTP to an aiosmtpd sink in this process, and
the periodic dispatch tasks called by the test as beat would call them. Every page is
watched for console errors, script errors and Content-Security-Policy violations, and
any of them fails the journey. Screenshots of each step go to JOURNEY_SCREENSHOTS
(default .dev/journey/, which git ignores).

The company's schema is dropped and the operator deleted afterwards, so nothing is left
behind; alpha and beta are not touched.
"""

import email
import email.policy
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.cases.models import FollowUpCase
from apps.surveys.models import Invitation
from apps.tenants.models import Tenant
from tests.browser import VIOLATION_LISTENER, chromium_launch, chromium_require, live_server_start
from tests.celery_worker import worker_start, worker_stop
from tests.conftest import PASSWORD, PUBLIC_DOMAIN

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SLUG = "polku"
DOMAIN = f"{SLUG}.localhost"
OPERATOR_EMAIL = "journey-operator@kokemus.example"
ADMIN_EMAIL = "anna.admin@polku.example"
MANAGER_EMAIL = "maija.manageri@polku.example"
FRONTLINE_EMAIL = "teemu.etulinja@polku.example"
CUSTOMER_EMAIL = "kalle.asiakas@example.com"
NEW_PASSWORD = "Polku-matka-2026!"
WAIT_MS = 30_000  # one page or one email; generous for a loaded machine, never reached when things work
TASK_TIMEOUT = 60.0

LINK = re.compile(r"https?://[^\s<>\"']+")


class MailSink:
    """An SMTP server that keeps what it receives; the test waits on it for a message to arrive."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, *, to: str, count: int = 1, timeout: float = WAIT_MS / 1000) -> EmailMessage:
        """The `count`th message to `to`, waiting for it to arrive."""

        def found() -> list[EmailMessage]:
            return [message for message in self.messages if to in str(message["To"])]

        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(found()) >= count, timeout=timeout)
            subjects = [f"{message['To']}: {message['Subject']}" for message in self.messages]
            assert arrived, f"no email #{count} to {to} within {timeout}s; the sink has {subjects}"
            return found()[count - 1]


def body_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage, *, containing: str) -> str:
    links = [link for link in LINK.findall(body_text(message)) if containing in link]
    assert links, f"no link with {containing!r} in:\n{body_text(message)}"
    return links[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    company_url: str
    operators_url: str
    sink: MailSink
    screenshots: Path
    shot_number: list[int] = field(default_factory=lambda: [0])

    def run_task(self, task: Any) -> Any:
        """Run a company's periodic task on the worker, as beat's fan-out would."""
        with schema_context(SLUG):
            return task.delay().get(timeout=TASK_TIMEOUT)


def _company_forget() -> None:
    connection.set_schema_to_public()
    stale = Tenant.objects.filter(schema_name=SLUG).first()
    if stale is not None:
        stale.delete(force_drop=True)
    # Not through the ORM: its cascade would look for the companies' tables in the public schema. The
    # operators' admin logged the company's creation under the operator.
    with connection.cursor() as cursor:
        operator = f"SELECT id FROM {User._meta.db_table} WHERE email = %s"  # noqa: S608
        cursor.execute(f"DELETE FROM {LogEntry._meta.db_table} WHERE user_id IN ({operator})", [OPERATOR_EMAIL])  # noqa: S608
        cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE email = %s", [OPERATOR_EMAIL])  # noqa: S608


@pytest.fixture
def stack(
    django_db_setup: None, django_db_blocker: Any, private_queue: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Stack]:
    chromium_require()
    # Playwright runs an event loop in this thread; the test only reads results through the ORM.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    screenshots = Path(os.environ.get("JOURNEY_SCREENSHOTS") or Path(settings.BASE_DIR) / ".dev" / "journey")
    screenshots.mkdir(parents=True, exist_ok=True)
    for old in screenshots.glob("*.png"):
        old.unlink()
    with django_db_blocker.unblock():
        _company_forget()  # left by an interrupted run
        User.objects.create_superuser(OPERATOR_EMAIL, PASSWORD)
        sink = MailSink()
        smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
        smtp.start()
        server = live_server_start()
        worker = None
        try:
            site = {"SITE_SCHEME": "http", "SITE_PORT": str(server.port)}
            worker = worker_start(
                queue=private_queue,
                extra_env={
                    **site,
                    "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
                },
            )
            # Links this process builds (the live server's pages) point at the live server too.
            with override_settings(SITE_SCHEME="http", SITE_PORT=str(server.port)):
                yield Stack(
                    company_url=f"http://{DOMAIN}:{server.port}",
                    operators_url=f"http://{PUBLIC_DOMAIN}:{server.port}",
                    sink=sink,
                    screenshots=screenshots,
                )
        finally:
            if worker is not None:
                worker_stop(worker)
            server.terminate()
            smtp.stop()
            _company_forget()


class Person:
    """One person's browser (their own cookies) that records every problem a page shows."""

    def __init__(self, browser: Any, stack: Stack, name: str, *, base: str, **context: Any) -> None:
        self.stack = stack
        self.base = base
        self.name = name
        self.problems: list[str] = []
        # Reduced motion: the charts draw at once, so a screenshot shows their final state.
        defaults = {"viewport": {"width": 1366, "height": 900}, "reduced_motion": "reduce"}
        self.context = browser.new_context(locale="fi-FI", **(defaults | context))
        self.context.set_default_timeout(WAIT_MS)
        self.page = self.context.new_page()
        self.page.expose_function("cspViolation", lambda text: self._problem(f"CSP: {text}"))
        self.page.add_init_script(VIOLATION_LISTENER)
        self.page.on("pageerror", lambda error: self._problem(f"script error: {error}"))
        self.page.on("console", self._console)

    def _problem(self, text: str) -> None:
        self.problems.append(f"{self.name} on {self.page.url}: {text}")

    def _console(self, message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self._problem(f"console {message.type}: {message.text} ({message.location.get('url', '')})")

    def visit(self, url: str) -> None:
        """Open a page (a path on this person's site, or a full link from an email) and check it answered 200."""
        response = self.page.goto(url if url.startswith("http") else self.base + url, wait_until="load")
        assert response.status == 200, f"{self.name}: {url} answered {response.status}"
        # No violation proves something only on pages under a policy.
        assert "content-security-policy" in response.headers, f"{self.name}: {url} has no Content-Security-Policy"

    def submit(self, selector: str, *, timeout: float = WAIT_MS) -> None:
        """Click a form's button and wait for the page it leads to."""
        with self.page.expect_navigation(wait_until="load", timeout=timeout):
            self.page.click(selector)

    def shot(self, label: str) -> None:
        self.stack.shot_number[0] += 1
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name} {label}".lower()).strip("-")
        path = self.stack.screenshots / f"{self.stack.shot_number[0]:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def log_in(self, email_address: str, password: str, *, form: str = "main form") -> None:
        self.visit("/accounts/login/" if form == "main form" else "/admin/login/")
        self.page.fill("input[name=username]", email_address)
        self.page.fill("input[name=password]", password)
        self.submit(f"{form} [type=submit]")
        assert "/login/" not in self.page.url, f"{email_address} could not sign in"

    def set_password_from(self, link: str) -> None:
        """Follow an emailed password link and choose a password; Django's page then says it is done."""
        self.visit(link)
        self.page.fill("input[name=new_password1]", NEW_PASSWORD)
        self.page.fill("input[name=new_password2]", NEW_PASSWORD)
        self.shot("chooses a password")
        self.submit("main form [type=submit]")
        assert self.page.url.endswith("/accounts/reset/done/"), self.page.url

    def text(self, selector: str = "main") -> str:
        return self.page.inner_text(selector)


@pytest.fixture
def browser(stack: Stack) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The operators' domain is not *.localhost, so Chromium would take it for an insecure origin
        # and ignore (and warn about) the Cross-Origin-Opener-Policy; in production it is https.
        browser = chromium_launch(playwright, operators_url=stack.operators_url)
        yield browser
        browser.close()


def test_a_company_from_its_creation_to_its_first_answer_on_the_dashboard(stack: Stack, browser: Any) -> None:
    people: list[Person] = []

    def person(name: str, *, base: str | None = None, **context: Any) -> Person:
        people.append(Person(browser, stack, name, base=base or stack.company_url, **context))
        return people[-1]

    try:
        _journey(stack, person)
    except Exception:
        for someone in people:  # where each person was when the journey broke
            someone.shot("when it failed")
        raise
    finally:
        problems = [problem for someone in people for problem in someone.problems]
        for someone in people:
            someone.context.close()
    assert not problems, "\n".join(problems)


def _journey(stack: Stack, person: Callable[..., Person]) -> None:
    # 1. The platform operator creates the company, leaving its first admin to choose a password.
    operator = person("operator", base=stack.operators_url)
    operator.log_in(OPERATOR_EMAIL, PASSWORD, form="#login-form")
    operator.visit("/admin/tenants/tenant/add/")
    operator.page.fill("#id_name", "Polku Katsastus Oy")
    operator.page.fill("#id_slug", SLUG)
    operator.page.fill("#id_admin_email", ADMIN_EMAIL)
    operator.page.fill("#id_admin_full_name", "Anna Admin")
    operator.shot("creates a company")
    operator.submit("input[name=_save]", timeout=120_000)  # creates and migrates the company's schema
    assert "Polku Katsastus Oy" in operator.text("#content-main, .messagelist")
    operator.shot("company created")

    # 2. The admin chooses a password through the emailed invitation, then invites two people.
    admin = person("admin")
    invitation = stack.sink.wait_for(to=ADMIN_EMAIL)
    assert "Polku Katsastus Oy" in invitation["Subject"]
    admin.set_password_from(link_in(invitation, containing="/accounts/reset/"))
    admin.log_in(ADMIN_EMAIL, NEW_PASSWORD)
    for email_address, full_name, role in [
        (MANAGER_EMAIL, "Maija Manageri", "manager"),
        (FRONTLINE_EMAIL, "Teemu Etulinja", "frontline"),
    ]:
        admin.visit("/accounts/users/new/")
        admin.page.fill("#id_email", email_address)
        admin.page.fill("#id_full_name", full_name)
        admin.page.select_option("#id_role", role)
        admin.shot(f"invites {role}")
        admin.submit("main form [type=submit]")
        assert admin.page.url.endswith("/accounts/users/"), admin.page.url
        assert email_address in admin.text()
    admin.shot("users")

    manager = person("manager")
    manager.set_password_from(link_in(stack.sink.wait_for(to=MANAGER_EMAIL), containing="/accounts/reset/"))
    manager.log_in(MANAGER_EMAIL, NEW_PASSWORD)
    frontline = person("frontline", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    frontline.set_password_from(link_in(stack.sink.wait_for(to=FRONTLINE_EMAIL), containing="/accounts/reset/"))
    frontline.log_in(FRONTLINE_EMAIL, NEW_PASSWORD)

    # 3. The manager draws a path with a stage and a touchpoint and owns the touchpoint.
    manager.visit("/paths/")
    manager.page.fill("#id_name", "Määräaikaiskatsastus")
    manager.submit("main form [type=submit]")
    assert re.search(r"/paths/\d+/edit/$", manager.page.url), manager.page.url
    manager.page.fill("#add-stage-name", "Saapuminen")
    manager.page.click("#add-stage [type=submit]")
    quick_add = manager.page.locator("form.quick-add").first
    quick_add.locator("input[name=name]").fill("Vastaanotto tiskillä")
    quick_add.locator("select[name=channel]").select_option("store")
    quick_add.locator("[type=submit]").click()
    card = manager.page.locator(".tp-card", has_text="Vastaanotto tiskillä")
    touchpoint_id = card.get_attribute("data-touchpoint-id")
    # Opening the card fetches its panel and swaps it in. Adding the touchpoint already showed a panel: mark
    # it, so the owners are chosen in the fetched one and not in one about to be replaced.
    manager.page.evaluate("document.querySelectorAll('#editor-panel .panel').forEach(p => { p.dataset.old = 'yes'; })")
    card.locator(".tp-card__open").click()
    owners = manager.page.locator(f"[data-panel-for='{touchpoint_id}']:not([data-old]) form[action$='/owner/']")
    owners.locator("select[name=own-owner]").select_option(label="Maija Manageri")
    owners.locator("[type=submit]").click()
    manager.page.locator(f"#touchpoint-{touchpoint_id} .tp-card__owner .avatar").wait_for()
    manager.shot("path with an owned touchpoint")

    # Quiet hours would hold the survey until morning; the same start and end means none.
    manager.visit("/surveys/settings/")
    manager.page.fill("#id_quiet_hours_start", "00:00")
    manager.page.fill("#id_quiet_hours_end", "00:00")
    manager.submit("main form [type=submit]")
    manager.shot("survey settings")

    manager.visit("/surveys/new/")
    manager.page.fill("#id_name", "Katsastuksen NPS")
    manager.page.fill("#id_title_fi", "Miten katsastus sujui?")
    manager.page.fill("#id_title_en", "How did the inspection go?")
    # A new survey starts with the standard pair: an NPS question and an open one.
    questions = manager.page.locator("[data-question-list] [data-question]")
    assert questions.count() == 2
    assert questions.first.locator("select[name$='-type']").input_value() == "nps"
    manager.shot("builds a survey")
    manager.submit("main form .form-actions .button--primary")
    survey_id = re.search(r"/surveys/(\d+)/$", manager.page.url)
    assert survey_id, manager.page.url
    manager.visit(f"/surveys/{survey_id[1]}/touchpoints/")
    manager.page.check(f"#tp-{touchpoint_id}")
    manager.page.fill(f"#delay-{touchpoint_id}", "0")
    manager.shot("attaches the survey")
    manager.submit("main form .form-actions .button--primary")

    # 4. The frontline employee logs an encounter on a phone for a new customer who agrees to a survey.
    frontline.visit("/encounters/log/")
    frontline.page.click("[data-new] summary")
    frontline.page.fill("#id_customer_name", "Kalle Asiakas")
    frontline.page.fill("#id_customer_email", CUSTOMER_EMAIL)
    frontline.page.select_option("#id_touchpoint", touchpoint_id)
    frontline.page.click("label[for=outcome-resolved]")
    frontline.page.click("label[for=peak_feeling-2]")
    frontline.page.click("label[for=end_feeling-2]")
    frontline.page.check("#id_survey_agreed")
    frontline.shot("logs an encounter")
    frontline.submit("button[name=action][value=log]")
    frontline.shot("encounter logged")
    assert frontline.page.locator(".messages, [role=status], .message").count(), "no confirmation shown"

    # 5. Beat's minute: the dispatch invites the encounter and the worker sends the email; the customer answers 3.
    from apps.surveys.tasks import survey_dispatch

    assert stack.run_task(survey_dispatch) == 1
    survey_email = stack.sink.wait_for(to=CUSTOMER_EMAIL)
    assert "Kiitos, että asioit yrityksessä Polku Katsastus Oy (" in body_text(survey_email)
    customer = person("customer", base=stack.company_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    customer.visit(link_in(survey_email, containing="/s/"))
    customer.shot("opens the survey")
    assert "Kuinka todennäköisesti suosittelisit yritystä Polku Katsastus Oy ystävällesi" in customer.text()
    customer.page.locator("input[type=radio][value='3']").check()
    customer.page.locator("textarea").fill("Jonotin tiskillä puoli tuntia.")
    customer.submit("button.survey__submit")
    assert "/thanks/" in customer.page.url, customer.page.url
    customer.shot("thanks")

    # 6. The owner is told of the case, finds it and opens it; the dashboard shows the answer.
    notice = stack.sink.wait_for(to=MANAGER_EMAIL, count=2)  # after the invitation
    manager.visit("/cases/")
    manager.page.click("main a:has-text('Kalle Asiakas')")
    manager.page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "Kalle Asiakas" in manager.text()
    assert "Jonotin tiskillä puoli tuntia." in manager.text()
    assert manager.page.url in body_text(notice), f"the notice does not link to the case:\n{body_text(notice)}"
    manager.shot("follow-up case")

    from apps.metrics.tasks import metrics_refresh

    stack.run_task(metrics_refresh)
    manager.visit(f"/dashboard/touchpoints/{touchpoint_id}/")
    manager.shot("touchpoint dashboard")
    nps = manager.text(".kpi:has(.kpi__label:text-is('NPS'))")
    # One answer is below the company's minimum (30 by default): the tile says so rather than show -100.
    assert "Liian vähän vastauksia" in nps and "1 vastaus" in nps and "-100" not in nps, nps

    with schema_context(SLUG):
        assert list(Invitation.objects.values_list("customer__email", "status")) == [(CUSTOMER_EMAIL, "answered")]
        assert FollowUpCase.objects.get().assignee.email == MANAGER_EMAIL
