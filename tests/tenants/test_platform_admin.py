"""The operators' admin on the public domain, and the company admin site on each company's domain."""

import re

import pytest
from django.core import mail
from django.urls import get_urlconf, set_urlconf
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import Role, User
from apps.tenants.models import Tenant
from apps.tenants.services import company_admin_invite
from tests.conftest import PASSWORD, outbox_deliver_due

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/tenants/tenant/add/"


@pytest.fixture
def operator():
    with schema_context("public"):
        return User.objects.create_superuser("operator@kokemus.example", PASSWORD)


@pytest.fixture
def operator_client(public_client, operator):
    with schema_context("public"):
        public_client.force_login(operator)
    return public_client


def _company_form(**changes):
    return {
        "name": "Iota Katsastus Oy",
        "slug": "iota",
        "domain": "",
        "language": "fi",
        "time_zone": "Europe/Helsinki",
        "admin_email": "boss@iota.example",
        "admin_full_name": "Ilona Iota",
        "admin_password": PASSWORD,
        "_save": "Save",
        **changes,
    }


def test_operator_creates_a_company_through_the_add_form(operator_client):
    assert operator_client.get(ADD_URL).status_code == 200

    response = operator_client.post(ADD_URL, _company_form())

    assert response.status_code == 302, response.content.decode()[:2000]
    tenant = Tenant.objects.get(schema_name="iota")
    assert tenant.domains.get().domain == "iota.localhost"
    assert schema_exists("iota")
    with schema_context("iota"):
        admin = User.objects.get()
        assert (admin.email, admin.role) == ("boss@iota.example", Role.ADMIN)


def test_add_form_shows_field_errors_and_creates_nothing(operator_client):
    response = operator_client.post(
        ADD_URL, _company_form(slug="alpha", domain="beta.testserver", admin_password="123")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"slug", "domain", "admin_password"} <= set(errors)
    assert Tenant.objects.filter(name="Iota Katsastus Oy").count() == 0


def test_operator_sees_the_companies(operator_client):
    response = operator_client.get("/admin/tenants/tenant/")
    assert response.status_code == 200
    assert "Alpha Katsastus Oy" in response.content.decode()


def test_public_admin_refuses_anonymous(public_client):
    response = public_client.get(ADD_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_public_admin_refuses_a_public_user_who_is_not_a_superuser(public_client):
    with schema_context("public"):
        staff = User.objects.create_user("helper@kokemus.example", PASSWORD, role=Role.ADMIN)
        public_client.force_login(staff)
    assert public_client.get("/admin/tenants/tenant/").status_code == 302


def test_company_admin_cannot_log_in_to_the_operators_admin(public_client, company_admin):
    response = public_client.post("/admin/login/?next=/admin/", {"username": company_admin.email, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with an error
    assert public_client.get("/admin/tenants/tenant/").status_code == 302


def test_company_session_is_anonymous_on_the_operators_admin(client_for, public_client, company_admin):
    company_client = client_for(company_admin)
    assert company_client.get("/admin/").status_code == 200
    public_client.cookies["sessionid"] = company_client.cookies["sessionid"].value
    response = public_client.get("/admin/tenants/tenant/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(("user_fixture", "expected"), [("company_admin", 200), ("manager", 200), ("frontline", 302)])
def test_company_admin_site_is_for_admins_and_managers(request, client_for, user_fixture, expected):
    user = request.getfixturevalue(user_fixture)
    response = client_for(user).get("/admin/")
    assert response.status_code == expected
    if expected == 302:
        assert "/admin/login/" in response["Location"]


def test_managers_do_not_edit_accounts_in_the_company_admin(client_for, company_admin, manager):
    assert client_for(company_admin).get("/admin/accounts/user/").status_code == 200
    assert client_for(manager).get("/admin/accounts/user/").status_code == 403


def test_company_admin_site_is_scoped_to_the_company(client_for, company_admin, outsider):
    body = client_for(company_admin).get("/admin/accounts/user/").content.decode()
    assert company_admin.email in body
    assert outsider.email not in body


def test_company_domain_has_no_operator_models(client_for, company_admin):
    assert client_for(company_admin).get("/admin/tenants/tenant/").status_code == 404


def test_outsider_session_is_anonymous_on_alphas_admin(client_for, outsider, tenant_alpha):
    beta_client = client_for(outsider)
    assert beta_client.get("/admin/").status_code == 200
    alpha_client = client_for(tenant=tenant_alpha)
    alpha_client.cookies["sessionid"] = beta_client.cookies["sessionid"].value
    assert alpha_client.get("/admin/").status_code == 302


def test_company_admin_site_keeps_the_last_admin_rule(client_for, company_admin):
    from apps.accounts.models import User

    User.objects.filter(role=Role.ADMIN).exclude(pk=company_admin.pk).update(is_active=False)
    response = client_for(company_admin).post(
        f"/admin/accounts/user/{company_admin.pk}/change/",
        {"email": company_admin.email, "full_name": "", "role": Role.MANAGER, "language": "", "is_active": "on"},
    )
    assert response.status_code == 200  # the form again, with the rule's message
    assert response.context["adminform"].form.non_field_errors()
    assert User.objects.get(pk=company_admin.pk).role == Role.ADMIN


def test_company_admin_site_adds_a_user_through_the_service(client_for, company_admin):
    from apps.accounts.models import User

    response = client_for(company_admin).post(
        "/admin/accounts/user/add/",
        {"email": "Added@Alpha.example", "full_name": "Added", "role": Role.MANAGER, "language": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="added@alpha.example").role == Role.MANAGER


def test_an_admin_created_without_a_password_is_emailed_a_link_to_choose_one(
    operator_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(ADD_URL, _company_form(admin_password=""))
    assert response.status_code == 302, response.content.decode()[:2000]

    with schema_context("iota"):
        outbox_deliver_due()
    assert [message.to for message in mail.outbox] == [["boss@iota.example"]]
    invitation = mail.outbox[0]
    assert "Iota Katsastus Oy" in invitation.subject
    assert re.search(r"https://iota\.localhost/accounts/reset/[^/\s]+/[^/\s]+/", invitation.body), invitation.body
    assert "Valitse salasanasi tästä:" in invitation.body  # the company's language, not the operator's


def test_an_admin_given_a_password_gets_no_email(operator_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(ADD_URL, _company_form())
    with schema_context("iota"):
        outbox_deliver_due()
    assert mail.outbox == []


def test_the_invitation_is_written_inside_the_operators_request(tenant_alpha, settings):
    """The admin page runs the invitation on commit, still in the operators' request, whose URLs are
    the public domain's: the link must be resolved among the company's pages all the same."""
    settings.SITE_SCHEME, settings.SITE_PORT = "http", "8000"
    with schema_context("alpha"):
        User.objects.create_user(email="new-admin@alpha.example", password=None, role=Role.ADMIN)
    set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
    try:
        company_admin_invite(tenant=tenant_alpha, email="New-Admin@alpha.example")
        assert get_urlconf() == settings.PUBLIC_SCHEMA_URLCONF
    finally:
        set_urlconf(None)
    with schema_context("alpha"):
        outbox_deliver_due()
    assert [message.to for message in mail.outbox] == [["new-admin@alpha.example"]]
    assert "http://alpha.testserver:8000/accounts/reset/" in mail.outbox[0].body


def test_operator_switches_the_admin_language_and_it_is_remembered(operator_client, operator):
    page = operator_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fi")
    assert b'name="language" value="sv"' in page.content
    response = operator_client.post("/language/", {"language": "sv", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    with schema_context("public"):
        operator.refresh_from_db()
    assert operator.language == "sv"
    assert "Företag" in operator_client.get("/admin/").content.decode()
