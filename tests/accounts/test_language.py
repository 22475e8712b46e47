"""The Suomi/English switch, logged out and logged in, and the choice remembered on the account."""

import re

import pytest
from django.conf import settings

from apps.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SWITCH = "/accounts/language/"


def _page_language(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def test_switch_works_logged_out(anonymous_client):
    login = anonymous_client.get("/accounts/login/")
    assert _page_language(login) == "fi"
    assert 'value="en"' in login.content.decode()  # the switch offers English

    response = anonymous_client.post(SWITCH, {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    again = anonymous_client.get("/accounts/login/")
    assert _page_language(again) == "en"
    assert 'value="fi"' in again.content.decode()  # and now offers Suomi


def test_switch_logged_in_is_remembered_on_the_account(client_for, manager, anonymous_client):
    client = client_for(manager)
    assert client.post(SWITCH, {"language": "en", "next": "/"}).status_code == 302
    assert _page_language(client.get("/")) == "en"
    assert User.objects.get(pk=manager.pk).language == "en"

    # another browser: logging in brings the choice back
    login = anonymous_client.post("/accounts/login/", {"username": manager.email, "password": PASSWORD})
    assert login.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert _page_language(anonymous_client.get("/")) == "en"


def test_users_own_language_applies_without_a_cookie(client_for, manager):
    User.objects.filter(pk=manager.pk).update(language="en")
    assert _page_language(client_for(manager).get("/")) == "en"


def test_company_default_language_applies_when_nobody_chose(client_for, manager, tenant_alpha):
    tenant_alpha.language = "en"
    tenant_alpha.save(update_fields=["language"])
    client = client_for(manager)
    assert _page_language(client.get("/")) == "en"
    assert _page_language(client_for().get("/accounts/login/")) == "en"


def test_an_unknown_language_changes_nothing(client_for, manager):
    client = client_for(manager)
    response = client.post(SWITCH, {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert User.objects.get(pk=manager.pk).language == ""


def test_switch_does_not_redirect_elsewhere(anonymous_client):
    response = anonymous_client.post(SWITCH, {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_switch_needs_post(anonymous_client):
    assert anonymous_client.get(SWITCH).status_code == 405


@pytest.mark.parametrize(("accept", "english"), [("en", True), ("fi", False)])
def test_api_clients_choose_their_language_with_accept_language(anonymous_client, accept, english):
    body = anonymous_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=accept).json()
    assert (body["message"] == "Authentication credentials were not provided.") is english
