"""The navigation and the start page show each role only what it may use."""

import pytest

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
