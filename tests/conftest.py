"""Shared fixtures.

Two companies, alpha and beta, are provisioned once per test database (their
schemas survive --reuse-db). Each test runs in a transaction that is rolled back,
with the ORM pointed at alpha unless it asks for another company.

The three users every endpoint is tried with: `manager` and `frontline` of alpha,
and `outsider`, a company admin of beta.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.models import Role, User
from apps.tenants.models import Tenant
from tests.celery_worker import celery_worker, committed, private_queue  # noqa: F401 - fixtures, see that module

TEST_COMPANIES = {
    "alpha": {"name": "Alpha Katsastus Oy", "domain": "alpha.testserver"},
    "beta": {"name": "Beta Palvelu Oy", "domain": "beta.testserver"},
}
PUBLIC_DOMAIN = "testserver"
PASSWORD = "Kokemus-test-2026!"


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """The test database, always set up (pytest-django skips it when no collected test is marked
    django_db, which leaves tests that use only `committed` and a worker on the real database)."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose, interactive=False, aliases={"default"}, keepdb=keepdb
        )
    _test_companies_ensure(django_db_blocker)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


def _test_companies_ensure(django_db_blocker: Any) -> None:
    from apps.tenants.services import company_create, public_tenant_ensure

    with django_db_blocker.unblock():
        public_tenant_ensure(domain=PUBLIC_DOMAIN)
        for slug, company in TEST_COMPANIES.items():
            if not Tenant.objects.filter(schema_name=slug).exists():
                company_create(
                    name=company["name"],
                    slug=slug,
                    domain=company["domain"],
                    admin_email=f"founder@{slug}.example",
                    admin_password=PASSWORD,
                )


class TenantClient(Client):
    """A test client bound to one company's host that leaves the ORM's schema as it found it."""

    def __init__(self, tenant: Tenant, **defaults: Any) -> None:
        self.tenant = tenant
        super().__init__(HTTP_HOST=tenant.get_primary_domain().domain, **defaults)

    def request(self, **request: Any) -> Any:
        previous = connection.tenant
        try:
            return super().request(**request)
        finally:
            connection.set_tenant(previous)

    def force_login(self, user: User, backend: str | None = None) -> None:
        with schema_context(self.tenant.schema_name):
            super().force_login(user, backend)


@pytest.fixture
def tenant_alpha(db: None) -> Tenant:
    return Tenant.objects.get(schema_name="alpha")


@pytest.fixture
def tenant_beta(db: None) -> Tenant:
    return Tenant.objects.get(schema_name="beta")


@pytest.fixture(autouse=True)
def _orm_in_alpha(request: pytest.FixtureRequest) -> Iterator[None]:
    """Point the ORM at alpha for tests that use the database; back to public afterwards."""
    uses_db = request.node.get_closest_marker("django_db") is not None or "db" in request.fixturenames
    if not uses_db or "transactional_db" in request.fixturenames:
        yield
        return
    tenant = request.getfixturevalue("tenant_alpha")
    connection.set_tenant(tenant)
    yield
    connection.set_schema_to_public()


def make_user(tenant: Tenant, *, role: str, email: str | None = None, **fields: Any) -> User:
    """Create a user in `tenant`; the returned object remembers its company for `client_for`."""
    with schema_context(tenant.schema_name):
        user = User.objects.create_user(
            email=email or f"{role}-{User.objects.count() + 1}@{tenant.schema_name}.example",
            password=PASSWORD,
            role=role,
            full_name=fields.pop("full_name", f"{role.title()} Person"),
            **fields,
        )
    user.tenant = tenant
    return user


@pytest.fixture
def company_admin(tenant_alpha: Tenant) -> User:
    return make_user(tenant_alpha, role=Role.ADMIN, email="admin@alpha.example")


@pytest.fixture
def manager(tenant_alpha: Tenant) -> User:
    return make_user(tenant_alpha, role=Role.MANAGER, email="manager@alpha.example")


@pytest.fixture
def frontline(tenant_alpha: Tenant) -> User:
    return make_user(tenant_alpha, role=Role.FRONTLINE, email="frontline@alpha.example")


@pytest.fixture
def outsider(tenant_beta: Tenant) -> User:
    return make_user(tenant_beta, role=Role.ADMIN, email="outsider@beta.example")


@pytest.fixture
def client_for(tenant_alpha: Tenant) -> Any:
    """client_for(user) -> a client logged in as `user` on its own company's host (or on `tenant`'s)."""

    def build(user: User | None = None, *, tenant: Tenant | None = None) -> TenantClient:
        tenant = tenant or getattr(user, "tenant", None) or tenant_alpha
        client = TenantClient(tenant)
        if user is not None:
            client.force_login(user)
        return client

    return build


@pytest.fixture
def anonymous_client(tenant_alpha: Tenant) -> TenantClient:
    return TenantClient(tenant_alpha)


@pytest.fixture
def public_client(db: None) -> Client:
    class PublicClient(Client):
        def request(self, **request: Any) -> Any:
            previous = connection.tenant
            try:
                return super().request(**request)
            finally:
                connection.set_tenant(previous)

    return PublicClient(HTTP_HOST=PUBLIC_DOMAIN)


def outbox_deliver_due() -> dict[str, int]:
    """What an outbox worker does next: send every message that is due, here and now (in-process tests).

    A page or service only queues its email; tests that read `mail.outbox` call this first.
    """
    from django.utils import timezone

    from apps.outbox.models import OutboundEmail
    from apps.outbox.selectors import outbound_claimable_q
    from apps.outbox.services import outbound_emails_deliver

    due = OutboundEmail.objects.filter(outbound_claimable_q(timezone.now())).order_by("id")
    return outbound_emails_deliver(message_ids=list(due.values_list("id", flat=True)))
