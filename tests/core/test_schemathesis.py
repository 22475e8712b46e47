"""Hostile input over the whole API: schemathesis drives every operation of the OpenAPI schema.

A company admin of a throw-away company (made for this module, rolled back with
its schema afterwards) calls every operation with generated input, valid and
invalid, through the real WSGI application. Any 5xx, an undocumented status code
or a body that does not match the schema fails the test.

The default run is bounded for CI: the fuzzing phase, eight examples per operation,
derandomized so a run repeats the last one. `SCHEMATHESIS_LONG=1` adds the coverage
phase (boundary values and wrong types of every parameter), 100 random examples per
operation and 200 stateful sequences (SCHEMATHESIS_STATEFUL_EXAMPLES) that feed the
ids one answer gives into the next request:

    SCHEMATHESIS_LONG=1 python3.11 scripts/dev.py test tests/core/test_schemathesis.py
"""

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.accounts.models import User
from apps.accounts.services import api_token_issue
from apps.tenants.services import company_create

HOST = "schemathesis.testserver"
LONG_RUN = os.environ.get("SCHEMATHESIS_LONG", "") not in ("", "0")
MAX_EXAMPLES = 100 if LONG_RUN else 8
STATEFUL_EXAMPLES = int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "200"))


def api_token_for(user: User) -> str:
    """The API token a client of `user` sends (the one place that knows how tokens are made)."""
    return api_token_issue(user=user, name="schemathesis")[1]


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def throwaway_admin(django_db_setup: None, django_db_blocker: Any) -> Iterator[User]:
    """A company of its own and its admin, all rolled back (schema too) after the module.

    The requests run on this thread's connection, inside the transaction, so
    Django must not close the connection at the end of each request as it would
    for a real server (its test client does the same).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock():
            try:
                with transaction.atomic():
                    tenant = company_create(
                        name="Schemathesis Oy",
                        slug="schemathesis",
                        domain=HOST,
                        admin_email="admin@schemathesis.example",
                    )
                    with schema_context(tenant.schema_name):
                        admin = User.objects.get()
                    admin.tenant = tenant
                    yield admin
                    raise _Rollback
            except _Rollback:
                pass
            connection.set_schema_to_public()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def throwaway_admin_token(throwaway_admin: User) -> str:
    """A new token for each test: the API may revoke its own token (DELETE /me/tokens/{id}/)."""
    with schema_context(throwaway_admin.tenant.schema_name):
        return api_token_for(throwaway_admin)


def _api_schema() -> Any:
    """The schema as the API serves it to a client that names no language."""
    with translation.override("en"):
        document = SchemaGenerator().get_schema(request=None, public=True)
    config = SchemathesisConfig.from_dict(
        {
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": not LONG_RUN},
            # The coverage phase sends dozens of boundary cases per operation; too many for every run.
            "phases": {"coverage": {"enabled": LONG_RUN}},
        }
    )
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)), config=config)
    loaded.app = get_wsgi_application()
    return loaded


schema = _api_schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=not LONG_RUN,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_answers_hostile_input_as_documented(case: Any, throwaway_admin_token: str) -> None:
    case.call_and_validate(
        base_url=f"http://{HOST}",
        headers={"Authorization": f"Token {throwaway_admin_token}"},
        # Every check runs but one: random ids name no object and a random password is wrong, so
        # input of the right shape is refused with a 400 by design.
        excluded_checks=[positive_data_acceptance],
    )


@pytest.mark.skipif(not LONG_RUN, reason="stateful sequences run with SCHEMATHESIS_LONG=1")
def test_api_sequences_answer_as_documented(throwaway_admin_token: str) -> None:
    """Chains of calls that feed one answer's ids into the next request (links inferred from the schema)."""
    headers = {"Authorization": f"Token {throwaway_admin_token}"}

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        # Each sequence starts from the same empty company, so Hypothesis can replay one.
        def setup(self) -> None:
            super().setup()
            self.savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)
            super().teardown()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": f"http://{HOST}", "headers": headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(
                response, excluded_checks=[positive_data_acceptance], headers=headers, transport_kwargs=kwargs
            )

    Sequences.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            stateful_step_count=6,
        )
    )


def test_the_throwaway_admin_is_signed_in(throwaway_admin_token: str) -> None:
    """Were the token refused, every operation would answer a documented 401 and prove nothing."""
    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {throwaway_admin_token}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
