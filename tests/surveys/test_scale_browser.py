"""The survey's scales as a phone lays them out.

On a 360 px phone the 0-10 scale used to wrap as 6 + 5, which reads as two scales (and puts 6 under
0). It now stays on one row down to 340 px, each option still at least 24 px wide, WCAG 2.2's
minimum target size; narrower screens wrap.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.surveys.models import QuestionType
from apps.surveys.tokens import token_for
from apps.tenants.models import Tenant
from apps.tenants.services import company_create
from tests.browser import chromium_launch, chromium_require, live_server_start
from tests.conftest import PASSWORD, PUBLIC_DOMAIN
from tests.factories import CustomerFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.browser

SLUG = "scaleprobe"
DOMAIN = f"{SLUG}.localhost"


def _company_forget() -> None:
    connection.set_schema_to_public()
    stale = Tenant.objects.filter(schema_name=SLUG).first()
    if stale is not None:
        stale.delete(force_drop=True)


@pytest.fixture(scope="module")
def survey_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        _company_forget()  # left by an interrupted run
        company_create(
            name="Katsastus Kivi Oy",
            slug=SLUG,
            domain=DOMAIN,
            admin_email="anna@scaleprobe.example",
            admin_full_name="Anna Kivi",
            admin_password=PASSWORD,
        )
        with schema_context(SLUG):
            survey = SurveyFactory()
            QuestionFactory(survey=survey, type=QuestionType.NPS)
            QuestionFactory(survey=survey, type=QuestionType.CSAT, text_fi="Kuinka tyytyväinen olit?")
            invitation = InvitationFactory(survey=survey, customer=CustomerFactory(language="fi"))
            token = token_for(invitation.token_nonce)
        connection.set_schema_to_public()
        server = live_server_start()
        try:
            yield f"http://{DOMAIN}:{server.port}/s/{token}/"
        finally:
            server.terminate()
            _company_forget()


@pytest.fixture(scope="module")
def browser(survey_url: str) -> Iterator[Any]:
    chromium_require()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium_launch(playwright, operators_url=f"http://{PUBLIC_DOMAIN}")
        yield browser
        browser.close()


def _option_boxes(browser: Any, url: str, *, width: int) -> list[dict[str, float]]:
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(url)
        return page.eval_on_selector_all(
            ".scale--nps .scale__option span",
            "spans => spans.map(s => { const r = s.getBoundingClientRect();"
            " return {top: Math.round(r.top), width: r.width, height: r.height}; })",
        )
    finally:
        page.close()


@pytest.mark.parametrize("width", [360, 390, 1280])
def test_the_nps_scale_stays_on_one_row_with_targets_big_enough(browser, survey_url, width) -> None:
    boxes = _option_boxes(browser, survey_url, width=width)
    assert len(boxes) == 11
    assert len({box["top"] for box in boxes}) == 1, f"the 0-10 scale wraps at {width} px"
    assert min(box["width"] for box in boxes) >= 24
    assert min(box["height"] for box in boxes) >= 44


def test_a_very_narrow_screen_wraps_the_scale_rather_than_shrinking_it(browser, survey_url) -> None:
    boxes = _option_boxes(browser, survey_url, width=320)
    assert len({box["top"] for box in boxes}) == 2
    assert min(box["width"] for box in boxes) >= 24
