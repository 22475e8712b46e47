"""The navigation and the start page show each role only what it may use."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

LINKS = {
    "users": 'href="/accounts/users/"',
    "settings": 'href="/company/settings/"',
    "admin": 'href="/admin/"',
}
EXPECTED = {
    "company_admin": {"users", "settings", "admin"},
    "manager": {"admin"},
    "frontline": set(),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_navigation_matches_the_role(request, client_for, role):
    body = client_for(request.getfixturevalue(role)).get("/").content.decode()
    shown = {name for name, link in LINKS.items() if link in body}
    assert shown == EXPECTED[role]
    assert 'href="/accounts/password/"' in body  # everyone reaches their own account


def test_logged_out_pages_have_no_navigation(anonymous_client):
    body = anonymous_client.get("/accounts/login/").content.decode()
    assert 'id="main-nav"' not in body
    assert 'name="language"' in body  # but the language switch is there


def test_every_link_shown_opens(request, client_for):
    for role, names in EXPECTED.items():
        client = client_for(request.getfixturevalue(role))
        for name in names:
            url = LINKS[name].split('"')[1]
            assert client.get(url).status_code == 200, (role, url)


def test_forbidden_page_is_the_shells_own(client_for, manager):
    client = client_for(manager)
    client.cookies["django_language"] = "en"
    response = client.get("/accounts/users/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "This page is not for your role" in body
    assert 'id="main-nav"' in body  # the navigation stays, so the way back is obvious


def test_not_found_page_on_a_company_and_on_the_public_domain(client_for, public_client):
    client = client_for()
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert public_client.get("/no-such-page/").status_code == 404


@pytest.mark.parametrize(
    ("url", "users_active"),
    [("/accounts/users/", True), ("/accounts/users/new/", True), ("/customers/", False), ("/cases/", False)],
)
def test_the_users_link_is_highlighted_only_on_the_users_pages(client_for, company_admin, url, users_active):
    body = client_for(company_admin).get(url).content.decode()
    assert ('class="admin-nav__link is-active" href="/accounts/users/"' in body) is users_active
    assert 'class="admin-nav__link" href="/accounts/users/"' in body or users_active


def test_the_admin_site_link_says_what_it_opens(client_for, manager):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/").content.decode()
    assert 'title="The Django admin site: raw records for advanced changes">Admin site (advanced)</a>' in body
