"""Provisioning a company: schema, domain and first admin, all or nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import Role, User
from apps.core.exceptions import DomainError
from apps.tenants.models import Domain, Tenant
from apps.tenants.services import company_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# Each test runs in a transaction that is rolled back, schema creation included.


def _nothing_exists(slug: str, domain: str) -> bool:
    return (
        not Tenant.objects.filter(schema_name=slug).exists()
        and not Domain.objects.filter(domain=domain).exists()
        and not schema_exists(slug)
    )


def test_company_create_makes_schema_domain_and_first_admin():
    tenant = company_create(
        name="Gamma Huolto Oy",
        slug="gamma",
        admin_email="Boss@Gamma.Example",
        admin_full_name="Gerda Gamma",
        admin_password=PASSWORD,
        language="en",
    )

    assert tenant.schema_name == "gamma"
    assert schema_exists("gamma")
    assert tenant.domains.get().domain == "gamma.localhost"
    with schema_context("gamma"):
        admin = User.objects.get()
        assert (admin.email, admin.full_name, admin.role, admin.language) == (
            "boss@gamma.example",
            "Gerda Gamma",
            Role.ADMIN,
            "en",
        )
        assert admin.check_password(PASSWORD)
    # the new company is empty of alpha's people, and alpha of the new admin
    assert not User.objects.filter(email="boss@gamma.example").exists()


def test_company_create_without_password_leaves_it_to_the_reset_link():
    company_create(name="Delta Oy", slug="delta", domain="delta.example.fi", admin_email="boss@delta.example")
    with schema_context("delta"):
        assert not User.objects.get().has_usable_password()
    assert Domain.objects.get(domain="delta.example.fi").tenant.schema_name == "delta"


def test_company_create_works_from_inside_another_company():
    assert connection.schema_name == "alpha"
    company_create(name="Epsilon Oy", slug="epsilon", admin_email="boss@epsilon.example")
    assert schema_exists("epsilon")
    assert connection.schema_name == "alpha"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Not A Slug!"}, "slug"),
        ({"slug": "pg-cron"}, "slug"),
        ({"slug": "public"}, "slug"),
        ({"slug": "alpha"}, "slug"),
        ({"domain": "beta.testserver"}, "domain"),
        ({"admin_email": "not-an-email"}, "admin_email"),
        ({"admin_password": "123"}, "admin_password"),
        ({"name": "  "}, "name"),
    ],
)
def test_company_create_reports_each_bad_field_and_makes_nothing(changes, field):
    arguments = {
        "name": "Zeta Oy",
        "slug": "zeta",
        "domain": "zeta.testserver",
        "admin_email": "boss@zeta.example",
        "admin_password": PASSWORD,
        **changes,
    }
    with pytest.raises(DomainError) as raised:
        company_create(**arguments)

    assert set(raised.value.fields) == {field}
    assert _nothing_exists("zeta", "zeta.testserver")


def test_company_create_reports_every_bad_field_at_once():
    with pytest.raises(DomainError) as raised:
        company_create(name="", slug="1x", domain="alpha.testserver", admin_email="x", admin_password="password")
    assert set(raised.value.fields) == {"name", "slug", "domain", "admin_email", "admin_password"}


def test_a_failure_after_the_schema_exists_drops_it_again(monkeypatch):
    def broken_user_create(**kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr("apps.tenants.services.user_create", broken_user_create)
    with pytest.raises(RuntimeError):
        company_create(name="Eta Oy", slug="eta", admin_email="boss@eta.example")

    assert _nothing_exists("eta", "eta.localhost")


def test_company_create_command():
    out = StringIO()
    call_command(
        "company_create",
        "theta",
        name="Theta Oy",
        admin_email="boss@theta.example",
        admin_password=PASSWORD,
        language="en",
        stdout=out,
    )
    assert "theta.localhost" in out.getvalue()
    with schema_context("theta"):
        assert User.objects.get().role == Role.ADMIN


def test_company_create_command_explains_bad_input():
    with pytest.raises(CommandError, match="slug"):
        call_command("company_create", "alpha", name="Alpha again", admin_email="x@alpha.example", stdout=StringIO())
