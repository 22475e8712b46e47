"""The top bar and the card grids as a browser lays them out, in each language of the app.

Swedish labels are the longest: with three language buttons the company's name used to be
squeezed to its first letter and the product name ran under the administration links; the
cards of a grid stood out of line by the margin meant for stacked cards.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from apps.accounts.models import User
from apps.tenants.models import Tenant
from apps.tenants.services import company_create
from tests.browser import chromium_launch, chromium_require, live_server_start
from tests.conftest import PASSWORD, PUBLIC_DOMAIN

pytestmark = pytest.mark.browser

SLUG = "topbarprobe"
DOMAIN = f"{SLUG}.localhost"
ADMIN_EMAIL = "anna@topbarprobe.example"
COMPANY_NAME = "Katsastus Kivi Oy"


def _company_forget() -> None:
    connection.set_schema_to_public()
    stale = Tenant.objects.filter(schema_name=SLUG).first()
    if stale is not None:
        stale.delete(force_drop=True)


@pytest.fixture(scope="module")
def live_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        _company_forget()  # left by an interrupted run
        company_create(
            name=COMPANY_NAME,
            slug=SLUG,
            domain=DOMAIN,
            admin_email=ADMIN_EMAIL,
            admin_full_name="Anna Kivi",
            admin_password=PASSWORD,
        )
        server = live_server_start()
        try:
            yield f"http://{DOMAIN}:{server.port}"
        finally:
            server.terminate()
            _company_forget()
            User.objects.filter(email=ADMIN_EMAIL).delete()


@pytest.fixture(scope="module")
def browser(live_url: str) -> Iterator[Any]:
    chromium_require()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium_launch(playwright, operators_url=live_url.replace(DOMAIN, PUBLIC_DOMAIN))
        yield browser
        browser.close()


def _signed_in(browser: Any, live_url: str, *, language: str, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
    page = context.new_page()
    page.goto(f"{live_url}/accounts/login/")
    page.fill("input[name=username]", ADMIN_EMAIL)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    switch = page.locator(f".language-switch button[value={language}]")
    if switch.count():
        with page.expect_navigation():
            switch.click()
    return page


def _box(page: Any, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("width", [1000, 1280])
def test_the_top_bar_keeps_the_name_and_the_languages_in_one_row(browser, live_url, language, width) -> None:
    page = _signed_in(browser, live_url, language=language, width=width)
    try:
        page.goto(f"{live_url}/")
        brand, switch, admin = (_box(page, s) for s in (".brand", ".language-switch", ".admin-nav"))
        assert abs(switch["y"] - brand["y"]) < brand["height"], "the languages left the company's row"
        # The product line stays under the name, never under the administration links.
        product = _box(page, ".brand__product")
        assert product["x"] + product["width"] <= admin["x"] + 1
        name_fits = page.eval_on_selector(".brand__name", "e => e.scrollWidth <= e.clientWidth")
        if width >= 1280:
            assert name_fits, f"{COMPANY_NAME} is cut off"
        else:
            assert brand["width"] >= 8 * 16 - 1, "the company's name is squeezed below 8rem"
    finally:
        page.context.close()


def test_cards_of_a_grid_stand_in_line(browser, live_url) -> None:
    page = _signed_in(browser, live_url, language="fi", width=1280)
    try:
        for path in ("/", "/company/starter/"):
            page.goto(f"{live_url}{path}")
            tops = page.eval_on_selector_all(
                ".cards > .card", "cards => cards.slice(0, 4).map(c => Math.round(c.getBoundingClientRect().top))"
            )
            assert len(tops) == 4 and len(set(tops)) == 1, f"{path}: {tops}"
    finally:
        page.context.close()


def test_the_company_menu_opens_with_its_links_and_closes_on_escape(browser, live_url) -> None:
    page = _signed_in(browser, live_url, language="en", width=1280)
    try:
        page.goto(f"{live_url}/")
        users = page.locator(".admin-menu a", has_text="Users")
        assert not users.is_visible()
        page.click(".admin-menu > summary")
        assert users.is_visible()
        page.keyboard.press("Escape")
        assert not users.is_visible()
    finally:
        page.context.close()
