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


# --- Every page and endpoint: who gets in, who is refused, and nothing crosses companies ----------

ALL_ROLES = ("company_admin", "manager", "frontline")

# (url, roles that may open it); "{user_id}" is an alpha user's id.
PAGES = [
    ("/", ALL_ROLES),
    ("/accounts/users/", ("company_admin",)),
    ("/accounts/users/new/", ("company_admin",)),
    ("/accounts/users/{user_id}/", ("company_admin",)),
    ("/company/settings/", ("company_admin",)),
    ("/admin/", ("company_admin", "manager")),
]
APIS = [
    ("/api/v1/me/", ALL_ROLES),
    ("/api/v1/users/", ("company_admin",)),
    ("/api/v1/users/{user_id}/", ("company_admin",)),
    ("/api/v1/schema/", ALL_ROLES),
    ("/api/v1/docs/", ALL_ROLES),
]


def _token_for(user):
    from django_tenants.utils import schema_context

    from apps.accounts.services import api_token_issue

    with schema_context(user.tenant.schema_name):
        return api_token_issue(user=user, name="Test")[1]


@pytest.mark.parametrize(("url", "allowed"), PAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_page_access_by_role(request, client_for, frontline, url, allowed, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(url.format(user_id=frontline.pk))
    if role in allowed:
        assert response.status_code == 200
    elif url == "/admin/":
        assert response.status_code == 302  # the admin sends non-staff to its own login
        assert "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_page_refuses_anonymous(anonymous_client, frontline, url, allowed):
    response = anonymous_client.get(url.format(user_id=frontline.pk))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_page_refuses_a_session_from_another_company(client_for, outsider, tenant_alpha, frontline, url, allowed):
    beta_client = client_for(outsider)
    assert beta_client.get("/").status_code == 200
    on_alpha = client_for(tenant=tenant_alpha)
    on_alpha.cookies["sessionid"] = beta_client.cookies["sessionid"].value

    response = on_alpha.get(url.format(user_id=frontline.pk))

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert frontline.email not in response.content.decode()


@pytest.mark.parametrize(("url", "allowed"), APIS)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_access_by_role_with_token(request, client_for, frontline, url, allowed, role):
    user = request.getfixturevalue(role)
    response = client_for().get(url.format(user_id=frontline.pk), HTTP_AUTHORIZATION=f"Token {_token_for(user)}")
    assert response.status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize(("url", "allowed"), APIS)
def test_api_access_by_session(client_for, company_admin, frontline, url, allowed):
    assert client_for(company_admin).get(url.format(user_id=frontline.pk)).status_code == 200


@pytest.mark.parametrize(("url", "allowed"), APIS)
def test_api_refuses_anonymous(anonymous_client, frontline, url, allowed):
    response = anonymous_client.get(url.format(user_id=frontline.pk))
    assert response.status_code == 401
    assert frontline.email not in response.content.decode()


@pytest.mark.parametrize(("url", "allowed"), APIS)
def test_api_refuses_a_token_or_session_from_another_company(
    client_for, outsider, tenant_alpha, frontline, url, allowed
):
    url = url.format(user_id=frontline.pk)
    by_token = client_for(tenant=tenant_alpha).get(url, HTTP_AUTHORIZATION=f"Token {_token_for(outsider)}")
    assert by_token.status_code == 401

    beta_client = client_for(outsider)
    beta_client.get("/")
    on_alpha = client_for(tenant=tenant_alpha)
    on_alpha.cookies["sessionid"] = beta_client.cookies["sessionid"].value
    by_session = on_alpha.get(url)
    assert by_session.status_code == 401
    assert frontline.email not in by_token.content.decode() + by_session.content.decode()


def test_outsider_asking_its_own_company_for_an_alpha_id_gets_no_alpha_data(client_for, outsider, frontline):
    response = client_for(outsider).get(f"/api/v1/users/{frontline.pk}/")
    assert frontline.email not in response.content.decode()
    listing = client_for(outsider).get("/api/v1/users/").json()
    assert frontline.email not in {row["email"] for row in listing["results"]}


def test_user_list_page_shows_only_this_companys_users(client_for, company_admin, frontline, outsider):
    body = client_for(company_admin).get("/accounts/users/").content.decode()
    assert frontline.email in body
    assert outsider.email not in body


# --- Writes: refused without the capability, and never reaching another company --------------------


def test_forbidden_roles_cannot_write_users_or_settings(client_for, manager, frontline, tenant_alpha):
    for user in (manager, frontline):
        client = client_for(user)
        new_user = {"email": f"sneaky-{user.role}@alpha.example", "role": "admin", "language": ""}
        assert client.post("/accounts/users/new/", new_user).status_code == 403
        assert client.post(f"/accounts/users/{user.pk}/", {**new_user, "is_active": "on"}).status_code == 403
        assert client.post("/api/v1/users/", new_user, content_type="application/json").status_code == 403
        assert (
            client.patch(f"/api/v1/users/{user.pk}/", {"role": "admin"}, content_type="application/json").status_code
            == 403
        )
        settings = {"name": "Taken over", "language": "en", "time_zone": "UTC"}
        assert client.post("/company/settings/", settings).status_code == 403

    from apps.accounts.models import Role, User

    assert not User.objects.filter(email__startswith="sneaky-").exists()
    assert set(User.objects.filter(pk__in=[manager.pk, frontline.pk]).values_list("role", flat=True)) == {
        Role.MANAGER,
        Role.FRONTLINE,
    }
    tenant_alpha.refresh_from_db()
    assert tenant_alpha.name == "Alpha Katsastus Oy"


def test_outsider_token_cannot_write_to_another_company(client_for, outsider, tenant_alpha, frontline):
    client = client_for(tenant=tenant_alpha)
    auth = {"HTTP_AUTHORIZATION": f"Token {_token_for(outsider)}"}
    created = client.post(
        "/api/v1/users/", {"email": "planted@alpha.example", "role": "admin"}, content_type="application/json", **auth
    )
    patched = client.patch(f"/api/v1/users/{frontline.pk}/", {"role": "admin"}, content_type="application/json", **auth)
    assert (created.status_code, patched.status_code) == (401, 401)

    from apps.accounts.models import User

    assert not User.objects.filter(email="planted@alpha.example").exists()
    assert User.objects.get(pk=frontline.pk).role == "frontline"


def test_token_endpoint(client_for, manager, tenant_beta):
    good = {"email": manager.email, "password": PASSWORD}
    assert client_for().post("/api/v1/auth/token/", good, content_type="application/json").status_code == 200

    wrong = {"email": manager.email, "password": "not-it"}
    refused = client_for().post("/api/v1/auth/token/", wrong, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_credentials"

    elsewhere = client_for(tenant=tenant_beta).post("/api/v1/auth/token/", good, content_type="application/json")
    assert elsewhere.status_code == 400
    assert "token" not in elsewhere.json()


def test_login_form_of_another_company_does_not_know_the_user(client_for, manager, tenant_beta):
    response = client_for(tenant=tenant_beta).post(
        reverse("accounts:login"), {"username": manager.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session
