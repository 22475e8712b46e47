"""Who may open which page and endpoint, and that nothing crosses between companies."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_answers(anonymous_client):
    response = anonymous_client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Alpha Katsastus Oy" in response.content.decode()


def test_home_requires_login(anonymous_client):
    response = anonymous_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [("company_admin", 200), ("manager", 403), ("frontline", 403)],
)
def test_user_management_is_for_company_admins(request, client_for, user_fixture, expected):
    user = request.getfixturevalue(user_fixture)
    assert client_for(user).get(reverse("accounts:user_list")).status_code == expected


def test_session_of_one_company_is_anonymous_on_another(client_for, manager, tenant_beta):
    alpha_client = client_for(manager)
    assert alpha_client.get("/").status_code == 200
    session_cookie = alpha_client.cookies["sessionid"].value

    beta_client = client_for(tenant=tenant_beta)
    beta_client.cookies["sessionid"] = session_cookie
    response = beta_client.get("/")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_api_token_of_one_company_is_refused_on_another(client_for, manager, tenant_beta):
    credentials = {"email": manager.email, "password": PASSWORD}
    response = client_for().post("/api/v1/auth/token/", credentials, content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]

    assert client_for().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    refused = client_for(tenant=tenant_beta).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert refused.status_code == 401
