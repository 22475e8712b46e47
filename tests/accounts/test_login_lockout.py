"""Login throttling: five wrong passwords for one email from one address lock it for 15 minutes, per company."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)  # 12.00 in Helsinki
LOCKED_EN = "Too many failed sign-in attempts. Try again after 12:15 p.m."
LOCKED_FI = "Liian monta epäonnistunutta kirjautumisyritystä. Yritä uudelleen klo 12.15 jälkeen."


def _login(client, email, password, language="en"):
    client.cookies["django_language"] = language
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def _fail(client, email, times):
    return [_login(client, email, "wrong-password") for _ in range(times)]


def test_five_wrong_passwords_lock_the_login_with_a_message_saying_when(anonymous_client, frontline):
    with time_machine.travel(NOW, tick=False):
        *first, fifth = _fail(anonymous_client, frontline.email, 5)
        assert {response.status_code for response in first} == {200}
        assert "Email or password is wrong." in first[-1].content.decode()

        assert fifth.status_code == 429
        body = fifth.content.decode()
        assert LOCKED_EN in body
        assert fifth["Retry-After"] == "900"

        # The right password is refused too while locked.
        locked = _login(anonymous_client, frontline.email, PASSWORD)
        assert locked.status_code == 429
        assert "_auth_user_id" not in anonymous_client.session


def test_lockout_message_in_finnish(anonymous_client, frontline):
    with time_machine.travel(NOW, tick=False):
        _fail(anonymous_client, frontline.email, 4)
        response = _login(anonymous_client, frontline.email, "wrong-password", language="fi")
    assert response.status_code == 429
    assert LOCKED_FI in response.content.decode()


def test_the_lock_ends_after_15_minutes(anonymous_client, frontline):
    with time_machine.travel(NOW, tick=False):
        _fail(anonymous_client, frontline.email, 5)
    with time_machine.travel(NOW + dt.timedelta(minutes=15, seconds=1), tick=False):
        response = _login(anonymous_client, frontline.email, PASSWORD)
    assert response.status_code == 302


def test_a_successful_login_clears_the_count(anonymous_client, client_for, frontline):
    _fail(anonymous_client, frontline.email, 4)
    assert _login(anonymous_client, frontline.email, PASSWORD).status_code == 302

    fresh = client_for()
    assert {response.status_code for response in _fail(fresh, frontline.email, 4)} == {200}


def test_another_companys_user_with_the_same_email_is_not_locked(anonymous_client, client_for, tenant_beta, frontline):
    make_user(tenant_beta, role="frontline", email=frontline.email)
    _fail(anonymous_client, frontline.email, 5)

    on_beta = client_for(tenant=tenant_beta)
    assert _login(on_beta, frontline.email, PASSWORD).status_code == 302


def test_another_email_from_the_same_address_is_not_locked(anonymous_client, frontline, manager):
    _fail(anonymous_client, frontline.email, 5)
    assert _login(anonymous_client, manager.email, PASSWORD).status_code == 302


def test_api_token_endpoint_is_locked_with_the_error_body(client_for, frontline):
    client = client_for()

    def obtain(password):
        body = {"email": frontline.email, "password": password}
        return client.post("/api/v1/auth/token/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    with time_machine.travel(NOW, tick=False):
        first = [obtain("wrong-password") for _ in range(4)]
        fifth = obtain("wrong-password")
        right = obtain(PASSWORD)

    assert {response.status_code for response in first} == {400}
    for response in (fifth, right):
        assert response.status_code == 429
        assert response.json()["code"] == "locked_out"
        assert response.json()["message"].startswith("Too many failed sign-in attempts. Try again after")
    assert "token" not in right.json()


def test_failed_logins_on_the_login_page_also_lock_the_api(anonymous_client, client_for, frontline):
    _fail(anonymous_client, frontline.email, 5)
    body = {"email": frontline.email, "password": PASSWORD}
    response = client_for().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 429


def test_company_admin_login_is_locked_too(client_for, company_admin):
    client = client_for()
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = client.post("/admin/login/", {"username": company_admin.email, "password": "wrong-password"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_operators_admin_login_is_locked_on_the_public_schema(public_client, client_for, company_admin):
    public_client.cookies["django_language"] = "en"
    for _ in range(5):
        response = public_client.post("/admin/login/", {"username": company_admin.email, "password": "wrong-password"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Counted on the public schema: the same email on the company's own login page is not locked.
    assert _login(client_for(), company_admin.email, PASSWORD).status_code == 302


def test_company_admin_sees_lockouts_in_the_admin_and_a_manager_does_not(
    anonymous_client, client_for, company_admin, manager, frontline
):
    _fail(anonymous_client, frontline.email, 5)
    listing = client_for(company_admin).get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert frontline.email in listing.content.decode()
    assert "wrong-password" not in listing.content.decode()
    assert client_for(manager).get("/admin/axes/accessattempt/").status_code == 403
