"""One `SET search_path` per request, and a reused connection never keeps another company's.

TENANT_LIMIT_SET_CALLS makes the backend remember the search_path it set and skip the SET
until the company changes (or a rollback or reconnect drops it). These tests run requests,
tasks and rollbacks one after another on the same connection, as a web or Celery worker
process does, and check the search_path PostgreSQL really has, not what the wrapper thinks.
"""

from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.models import Role, User
from apps.tenants.models import Tenant
from tests.celery_tasks import search_path_report
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def search_path_now() -> str:
    """What the connection's next query runs with (asking goes through the wrapper, like any query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        return cursor.fetchone()[0]


def search_path_of(schema: str) -> str:
    return f"{schema}, public" if schema != "public" else "public"


def sets_in(queries: list[dict[str, Any]]) -> list[str]:
    return [query["sql"] for query in queries if query["sql"].startswith("SET search_path")]


def signed_in_client(tenant: Tenant) -> Client:
    """A plain client (it does not put the ORM back afterwards, as a worker process would not)."""
    user = make_user(tenant, role=Role.MANAGER)
    client = Client(HTTP_HOST=tenant.get_primary_domain().domain)
    with schema_context(tenant.schema_name):
        client.force_login(user)
    return client


def test_the_setting_is_on():
    assert settings.TENANT_LIMIT_SET_CALLS is True


def test_requests_of_two_companies_in_turn_each_set_their_own_search_path_once(tenant_alpha, tenant_beta):
    clients = {"alpha": signed_in_client(tenant_alpha), "beta": signed_in_client(tenant_beta)}
    for schema in ["alpha", "beta", "beta", "alpha", "beta", "alpha"]:
        with CaptureQueriesContext(connection) as queries:
            response = clients[schema].get("/dashboard/")
        assert response.status_code == 200
        assert sets_in(queries.captured_queries) == [f'SET search_path = "{schema}","public"']
        assert connection.schema_name == schema
        assert search_path_now() == search_path_of(schema)


def test_a_session_of_one_company_finds_nobody_on_the_other_after_switching(tenant_alpha, tenant_beta):
    alpha_client = signed_in_client(tenant_alpha)
    beta_client = signed_in_client(tenant_beta)
    assert beta_client.get("/dashboard/").status_code == 200
    # alpha's session cookie on beta's host, right after beta's own request on this connection
    alpha_client.defaults["HTTP_HOST"] = tenant_beta.get_primary_domain().domain
    response = alpha_client.get("/dashboard/")
    assert response.status_code == 302
    assert search_path_now() == search_path_of("beta")


def test_a_task_after_another_companys_request_runs_in_its_own_schema(tenant_alpha, tenant_beta):
    beta_client = signed_in_client(tenant_beta)
    assert beta_client.get("/dashboard/").status_code == 200
    assert search_path_now() == search_path_of("beta")

    result = search_path_report.apply(headers={"_schema_name": "alpha"}).get()
    assert tuple(result) == ("alpha", search_path_of("alpha"))

    # The task put the connection back where it found it, and that is what PostgreSQL has too.
    assert connection.schema_name == "beta"
    assert search_path_now() == search_path_of("beta")
    result = search_path_report.apply(headers={"_schema_name": "beta"}).get()
    assert tuple(result) == ("beta", search_path_of("beta"))


def test_a_search_path_undone_by_a_rollback_is_set_again(tenant_alpha, tenant_beta):
    connection.set_tenant(tenant_alpha)
    assert search_path_now() == search_path_of("alpha")
    alpha_users = User.objects.count()
    with schema_context("beta"):
        beta_users = User.objects.count()
    make_user(tenant_beta, role=Role.FRONTLINE)

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            connection.set_tenant(tenant_beta)
            assert search_path_now() == search_path_of("beta")
            raise RuntimeError("rolled back, and the SET with it")
    # PostgreSQL is back on alpha's search_path; the connection still means beta and sets it again.
    assert connection.schema_name == "beta"
    assert search_path_now() == search_path_of("beta")
    assert User.objects.count() == beta_users + 1
    connection.set_tenant(tenant_alpha)
    assert User.objects.count() == alpha_users


def test_an_unknown_host_leaves_the_connection_on_public(tenant_beta):
    beta_client = signed_in_client(tenant_beta)
    assert beta_client.get("/dashboard/").status_code == 200
    response = Client(HTTP_HOST="nobody.testserver").get("/dashboard/")
    assert response.status_code == 404
    assert connection.schema_name == "public"
    assert search_path_now() == "public"
