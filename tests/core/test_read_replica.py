"""Dashboards read from a real streaming replica, in the right company, and fall back to the primary
when it lags.

The test starts its own primary (initdb, wal_level=replica) with a copy of the test database, and a
standby of it made with `pg_basebackup -R`, both on ports of their own, and runs the app against them
in a subprocess (tests/core/read_replica_probe.py) with DATABASE_URL and DATABASE_REPLICA_URL. The
replica logs every statement, so the test also sees the dashboard's reads arrive there.
"""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.servers import POSTGRES_BIN, PostgresCluster, binary_require, port_free_pick, server_directory

PRIMARY_PORTS = range(5440, 5445)
REPLICA_PORTS = range(5445, 5450)
DATABASE = "kokemus"
MAX_LAG_SECONDS = 1.0


@pytest.fixture(scope="module")
def replica_pair(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[PostgresCluster, PostgresCluster]]:
    pg_dump = binary_require(POSTGRES_BIN / "pg_dump", why="copying the test database to the test primary")
    psql = binary_require(POSTGRES_BIN / "psql", why="loading the copy")
    root = server_directory("kokemus-replica-")
    clusters: list[PostgresCluster] = []
    try:
        primary = PostgresCluster.primary_init(
            root=root,
            port=port_free_pick(PRIMARY_PORTS),
            settings={"wal_level": "replica", "max_wal_senders": "4"},
        )
        clusters.append(primary)
        primary.execute(f"CREATE DATABASE {DATABASE}")
        source = connection.settings_dict
        server = ["-h", source.get("HOST") or "127.0.0.1", "-p", str(source.get("PORT") or 5432)]
        dump = subprocess.run(
            [pg_dump, *server, "-U", source.get("USER") or "postgres", "--no-owner", "--no-privileges", source["NAME"]],
            capture_output=True,
            timeout=300,
            check=True,
        )
        subprocess.run(
            [psql, "-q", "-v", "ON_ERROR_STOP=1", primary.dsn(DATABASE)],
            input=dump.stdout,
            capture_output=True,
            timeout=300,
            check=True,
        )
        replica = PostgresCluster.replica_of(
            primary,
            root=root,
            port=port_free_pick(REPLICA_PORTS),
            settings={"hot_standby": "on", "log_statement": "all"},
        )
        clusters.append(replica)
        yield primary, replica
    finally:
        for cluster in reversed(clusters):
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def probe(replica_pair: tuple[PostgresCluster, PostgresCluster]) -> dict[str, Any]:
    primary, replica = replica_pair
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.test",
        "DATABASE_URL": primary.url(DATABASE),
        "DATABASE_REPLICA_URL": replica.url(DATABASE) + "?connect_timeout=5",
        "DATABASE_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
        "DATABASE_REPLICA_LAG_CHECK_SECONDS": "0",
        "CONN_MAX_AGE": "60",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.core.read_replica_probe"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-6000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_replica_is_a_standby_and_the_primary_is_not(probe):
    assert probe["in_recovery"] == {"default": False, "replica": True}


@pytest.mark.parametrize("company", ["alpha", "beta"])
def test_dashboard_reads_come_from_the_replica_in_the_visitors_company(probe, company):
    page = probe[company]
    assert page["status"] == 200
    assert page["replica_queries"] >= 5
    assert page["replica_schemas"] == [company]
    other = "beta" if company == "alpha" else "alpha"
    assert not page["shows"][probe["names"][other]]
    # What stays on the primary: the company by host, the session and the signed-in user, read
    # before the view, and get_or_create's read-then-write. No roll-up is read there.
    assert not [sql for sql in page["primary_sql"] if "metrics_" in sql], page["primary_sql"]


def test_the_replica_server_ran_the_dashboard_reads_in_each_company(probe, replica_pair):
    _, replica = replica_pair
    log = replica.log()
    for company in ("alpha", "beta"):
        assert f'SET search_path = "{company}","public"' in log
    assert "metrics_" in log


def test_a_task_in_a_company_reads_that_company_from_the_replica(probe):
    assert probe["task"]["replica_schemas"] == ["beta"]
    assert probe["names"]["beta"] in probe["task"]["names"]
    assert probe["names"]["alpha"] not in probe["task"]["names"]


def test_writes_in_marked_code_go_to_the_primary(probe):
    assert probe["write_db"] == "default"


def test_a_lagging_replica_is_left_for_the_primary_until_it_catches_up(probe):
    lagging, caught_up = probe["lagging"], probe["caught_up"]
    assert not probe["lagging_state"]["usable"], probe["lagging_state"]
    assert probe["lagging_state"]["lag_seconds"] > MAX_LAG_SECONDS
    assert lagging["status"] == 200
    assert lagging["replica_queries"] == 0
    assert lagging["primary_queries"] >= 5
    assert caught_up["replica_queries"] >= 5
    assert caught_up["replica_schemas"] == ["alpha"]
