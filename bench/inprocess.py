"""The parts of bench/run.py that need Django, run in its environment (the throw-away database,
the bench settings) as a separate process:

    python bench/inprocess.py prepare --encounters 100000 --customers 20000
        adds encounters and customers to the demo company with bulk SQL (copies of the seeded
        rows), so that a list's COUNT(*) and ordering work on a realistic table; logs a manager
        and a frontline employee in (session cookies) and issues the frontline an API token;
        prints a JSON object with those and the ids the requests use.

    python bench/inprocess.py queries --session KEY PATH...
        requests each page as the manager with django.test.Client, once to warm up and once
        counted, and prints per page the statements sent to PostgreSQL (counted at the driver,
        so django-tenants' `SET search_path` is included however it is issued), the
        `SET search_path` among them, and what Django's CaptureQueriesContext saw.

The JSON is the last line of the output.
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.accounts.services import api_token_issue  # noqa: E402
from apps.demo.services import DEMO_SLUG  # noqa: E402
from apps.journeys.models import ServicePath, Touchpoint  # noqa: E402

HOST = "demo.localhost"


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
            "AND column_name <> 'id' ORDER BY ordinal_position",
            [DEMO_SLUG, table],
        )
        return [row[0] for row in cursor.fetchall()]


def rows_copy(*, table: str, count: int, overrides: dict[str, str]) -> int:
    """Insert `count` copies of the table's existing rows (cycling through them), with the
    `overrides` (SQL expressions over the copied row `t` and the copy's number `n`) for the
    columns that must differ: unique ones, dates spread out."""
    if count <= 0:
        return 0
    columns = _columns(table)
    quoted = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
    sql = f"""
        WITH source AS (SELECT *, row_number() OVER (ORDER BY id) - 1 AS position FROM "{DEMO_SLUG}"."{table}"),
             size AS (SELECT count(*) AS rows FROM source)
        INSERT INTO "{DEMO_SLUG}"."{table}" ({quoted})
        SELECT {values}
        FROM generate_series(1, %(count)s) AS n, size, source AS t
        WHERE t.position = n %% size.rows
    """  # noqa: S608 - table and column names come from the catalogue, the count is a parameter
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"count": count})
        return cursor.rowcount


def sessions_users(manager: User, frontline: User) -> tuple[tuple[str, User], ...]:
    return (("manager", manager), ("frontline", frontline))


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    with schema_context(DEMO_SLUG):
        customers = rows_copy(
            table="customers_customer",
            count=args.customers,
            overrides={
                "full_name": "t.full_name || ' ' || n",
                "email": "CASE WHEN t.email = '' THEN '' ELSE 'bench.' || n || '.' || t.email END",
                "external_id": "''",
            },
        )
        encounters = rows_copy(
            table="encounters_encounter",
            count=args.encounters,
            overrides={
                "occurred_at": "t.occurred_at - n * interval '7 minutes'",
                "external_id": "''",
            },
        )
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{DEMO_SLUG}"."customers_customer", "{DEMO_SLUG}"."encounters_encounter"')
        staff = User.objects.filter(is_active=True).order_by("email")
        manager = staff.filter(role=Role.MANAGER).first() or staff.filter(role=Role.ADMIN).first()
        frontline = staff.filter(role=Role.FRONTLINE).first()
        if manager is None or frontline is None:
            raise SystemExit("The demo company has no manager or no frontline employee.")
        sessions = {}
        for name, user in sessions_users(manager, frontline):
            client = Client(HTTP_HOST=HOST)
            client.force_login(user)
            sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
        tokens = {
            name: api_token_issue(user=user, name="bench")[1] for name, user in sessions_users(manager, frontline)
        }
        path = ServicePath.objects.filter(archived_at__isnull=True).order_by("pk").first()
        touchpoint = Touchpoint.objects.filter(stage__path__archived_at__isnull=True).order_by("pk").first()
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT id FROM "{DEMO_SLUG}"."customers_customer" WHERE email <> \'\' ORDER BY id LIMIT 1'  # noqa: S608
            )
            customer_id = cursor.fetchone()[0]
            cursor.execute(f'SELECT count(*) FROM "{DEMO_SLUG}"."encounters_encounter"')  # noqa: S608
            encounter_rows = cursor.fetchone()[0]
            cursor.execute(f'SELECT count(*) FROM "{DEMO_SLUG}"."customers_customer"')  # noqa: S608
            customer_rows = cursor.fetchone()[0]
        return {
            "added": {"customers": customers, "encounters": encounters},
            "rows": {"customers": customer_rows, "encounters": encounter_rows},
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "sessions": sessions,
            "emails": {"manager": manager.email, "frontline": frontline.email},
            "api_tokens": tokens,
            "path_id": path.pk if path else None,
            "touchpoint_id": touchpoint.pk if touchpoint else None,
            "customer_id": customer_id,
        }


class StatementCounter:
    """Every statement sent through psycopg in this process, whichever cursor sends it."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self._execute = psycopg.Cursor.execute

        counter = self

        def execute(cursor: psycopg.Cursor, query: Any, *args: Any, **kwargs: Any) -> Any:
            counter.statements.append(_text(query, cursor))
            return counter._execute(cursor, query, *args, **kwargs)

        psycopg.Cursor.execute = execute  # type: ignore[method-assign]


def _text(query: Any, cursor: psycopg.Cursor) -> str:
    if isinstance(query, bytes):
        return query.decode(errors="replace")
    if isinstance(query, str):
        return query
    try:
        return query.as_string(cursor)
    except Exception:  # noqa: BLE001 - only for the tally
        return str(query)


def queries(args: argparse.Namespace) -> dict[str, Any]:
    counter = StatementCounter()
    client = Client(HTTP_HOST=HOST)
    client.cookies[settings.SESSION_COOKIE_NAME] = args.session
    pages = {}
    for path in args.paths:
        client.get(path)  # warm: the first request of a process fills caches a running server has
        counter.statements.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        statements = list(counter.statements)
        pages[path] = {
            "status": response.status_code,
            "statements": len(statements),
            "set_search_path": sum(1 for sql in statements if sql.lstrip().upper().startswith("SET SEARCH_PATH")),
            "django_queries": len(captured.captured_queries),
        }
    return {"pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_parser = commands.add_parser("prepare")
    prepare_parser.add_argument("--encounters", type=int, default=0, help="encounters to add")
    prepare_parser.add_argument("--customers", type=int, default=0, help="customers to add")
    queries_parser = commands.add_parser("queries")
    queries_parser.add_argument("--session", required=True, help="the manager's session key")
    queries_parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    result = prepare(args) if args.command == "prepare" else queries(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
