"""Run by tests/core/test_read_replica.py in a process of its own, with DATABASE_URL on the test's
primary and DATABASE_REPLICA_URL on its streaming replica. Serves dashboards through the whole
stack with Django's test client, records which connection ran each query and in which company,
and prints the findings as JSON on its last line for the test to judge.

Phases: both companies' dashboards from a caught-up replica; a task-like read in a company's
context; the replica's replay paused until it lags beyond DATABASE_REPLICA_MAX_LAG_SECONDS
(reads fall back to the primary); replay resumed (reads return to the replica).
"""

import json
import uuid
from dataclasses import asdict
from typing import Any

import django

django.setup()

from django.db import DEFAULT_DB_ALIAS, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.core.db_routing import (  # noqa: E402
    REPLICA_DB_ALIAS,
    replica_lag_seconds,
    replica_reads,
    replica_state,
    replica_state_forget,
)
from apps.journeys.models import ServicePath  # noqa: E402
from apps.journeys.services.paths import path_create  # noqa: E402
from tests.waiting import wait_until  # noqa: E402

TAG = uuid.uuid4().hex[:8]
LAG_CHECK_SQL = ("pg_current_wal_lsn", "pg_is_in_recovery", "pg_last_wal_replay_lsn")


class QueryLog:
    """Each query a connection runs, with the company (schema) the connection was set to; not the
    router's own lag checks, nor django-tenants' `SET search_path` (the replica's log shows those)."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.queries: list[dict[str, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not any(name in sql for name in LAG_CHECK_SQL) and not sql.startswith("SET search_path"):
            self.queries.append({"schema": connections[self.alias].schema_name, "sql": sql[:300]})
        return execute(sql, params, many, context)


def replayed_wait(timeout: float = 30.0) -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]

    def replayed() -> bool:
        with connections[REPLICA_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            return cursor.fetchone()[0]

    wait_until(replayed, timeout=timeout, message="the replica to replay the primary's writes")


def logged(action: Any) -> tuple[Any, dict[str, list[dict[str, str]]]]:
    logs = {alias: QueryLog(alias) for alias in (DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS)}
    with connections[DEFAULT_DB_ALIAS].execute_wrapper(logs[DEFAULT_DB_ALIAS]):
        with connections[REPLICA_DB_ALIAS].execute_wrapper(logs[REPLICA_DB_ALIAS]):
            result = action()
    return result, {alias: log.queries for alias, log in logs.items()}


def dashboard(user: User, schema: str, names: list[str]) -> dict[str, Any]:
    client = Client()
    with schema_context(schema):
        client.force_login(user)
    host = f"{schema}.testserver"
    response, queries = logged(lambda: client.get("/dashboard/", HTTP_HOST=host))
    body = response.content.decode()
    return {
        "status": response.status_code,
        "shows": {name: name in body for name in names},
        "replica_queries": len(queries[REPLICA_DB_ALIAS]),
        "replica_schemas": sorted({query["schema"] for query in queries[REPLICA_DB_ALIAS]}),
        "primary_queries": len(queries[DEFAULT_DB_ALIAS]),
        "primary_sql": [query["sql"] for query in queries[DEFAULT_DB_ALIAS]],
    }


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def main() -> dict[str, Any]:
    found: dict[str, Any] = {
        "in_recovery": {alias: in_recovery(alias) for alias in (DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS)}
    }
    users = {}
    names = {"alpha": f"Alpha only path {TAG}", "beta": f"Beta only path {TAG}", "late": f"Written while lagging {TAG}"}
    for schema in ("alpha", "beta"):
        with schema_context(schema):
            users[schema] = User.objects.create_user(
                email=f"replica-{TAG}@{schema}.example", password=uuid.uuid4().hex, role=Role.MANAGER
            )
            path_create(name=names[schema])
    replayed_wait()
    found["alpha"] = dashboard(users["alpha"], "alpha", list(names.values()))
    found["beta"] = dashboard(users["beta"], "beta", list(names.values()))

    # What a task does: tenant-schemas-celery puts the task's company on the primary connection.
    def task_read() -> list[str]:
        with schema_context("beta"), replica_reads():
            return list(ServicePath.objects.values_list("name", flat=True))

    task_names, task_queries = logged(task_read)
    found["task"] = {
        "names": task_names,
        "replica_schemas": sorted({query["schema"] for query in task_queries[REPLICA_DB_ALIAS]}),
        "primary_queries": len(task_queries[DEFAULT_DB_ALIAS]),
    }

    # A write inside marked code still goes to the primary.
    with schema_context("alpha"), replica_reads():
        written = path_create(name=f"Written in marked code {TAG}")
    found["write_db"] = written._state.db

    with connections[REPLICA_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    with schema_context("alpha"):
        path_create(name=names["late"])
    from django.conf import settings

    # A real replica, really lagging: its replay is paused, so the lag grows with the clock until
    # it passes the limit.
    wait_until(
        lambda: (replica_lag_seconds() or 0.0) > settings.DATABASE_REPLICA_MAX_LAG_SECONDS,
        timeout=settings.DATABASE_REPLICA_MAX_LAG_SECONDS + 30,
        message=f"the paused replica to lag more than {settings.DATABASE_REPLICA_MAX_LAG_SECONDS} s",
    )
    replica_state_forget()
    found["lagging_state"] = asdict(replica_state())
    found["lagging"] = dashboard(users["alpha"], "alpha", list(names.values()))

    with connections[REPLICA_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    replayed_wait()
    replica_state_forget()
    found["caught_up"] = dashboard(users["alpha"], "alpha", list(names.values()))
    found["names"] = names
    return found


if __name__ == "__main__":
    print(json.dumps(main()))
