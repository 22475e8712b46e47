"""Grow the seeded demo company to the list APIs' benchmark size.

    python bench/api_fixture.py --encounters 100000 --customers 20000

Run with the run's environment (DATABASE_URL, DJANGO_SETTINGS_MODULE), after
`demo_seed`. Tops up the demo company's customers and encounters to the numbers given
(nothing is written when it has them already) with one INSERT ... SELECT each, so a
hundred thousand rows take seconds: customers with an email, a phone and now and then
a segment and a persona; encounters by the company's staff at its touchpoints, spread
over the last year. Then ANALYZE, so the plans are those of a company that grew to
this size.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.production")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.demo.services import DEMO_SLUG  # noqa: E402

CUSTOMERS_SQL = """
    INSERT INTO customers_customer (
        created_at, updated_at, full_name, email, phone, phone_normalized, language, segment_id, persona_id,
        survey_consent, consent_given_at, consent_source, unsubscribed, unsubscribed_at, external_id
    )
    SELECT
        now() - n * interval '17 minutes', now() - n * interval '13 minutes',
        'Bench Customer ' || n, 'bench.customer.' || n || '@example.com',
        '040 ' || lpad(mod(n, 10000000)::text, 7, '0'), '+35840' || lpad(mod(n, 10000000)::text, 7, '0'),
        CASE WHEN mod(n, 4) = 0 THEN 'en' ELSE 'fi' END,
        CASE WHEN mod(n, 3) = 0 THEN
            (SELECT id FROM customers_segment ORDER BY id LIMIT 1 OFFSET mod(n, %(segments)s))
        END,
        CASE WHEN mod(n, 2) = 0 THEN
            (SELECT id FROM personas_buyerpersona ORDER BY id LIMIT 1 OFFSET mod(n, %(personas)s))
        END,
        mod(n, 5) <> 0, CASE WHEN mod(n, 5) <> 0 THEN now() - n * interval '11 minutes' END,
        CASE WHEN mod(n, 5) <> 0 THEN 'import' ELSE '' END,
        mod(n, 50) = 0, CASE WHEN mod(n, 50) = 0 THEN now() - n * interval '7 minutes' END,
        'bench-' || n
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
"""

ENCOUNTERS_SQL = """
    WITH customers AS (SELECT array_agg(id ORDER BY id) AS ids FROM customers_customer),
    touchpoints AS (SELECT array_agg(id ORDER BY id) AS ids FROM journeys_touchpoint),
    staff AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE is_active)
    INSERT INTO encounters_encounter (
        created_at, updated_at, customer_id, touchpoint_id, logged_by_id, occurred_at, outcome,
        peak_feeling, end_feeling, note, raised_to_management, survey_agreed, source, external_id
    )
    SELECT
        at, at, c.ids[1 + mod(n * 7919, cardinality(c.ids))], t.ids[1 + mod(n * 31, cardinality(t.ids))],
        s.ids[1 + mod(n * 13, cardinality(s.ids))], at,
        (ARRAY['resolved', 'resolved', 'unresolved', 'escalated'])[1 + mod(n, 4)],
        CASE WHEN mod(n, 7) = 0 THEN NULL ELSE mod(n, 5) - 2 END,
        CASE WHEN mod(n, 9) = 0 THEN NULL ELSE mod(n, 3) - 1 END,
        CASE WHEN mod(n, 3) = 0 THEN 'Asked about the opening hours (' || n || ').' ELSE '' END,
        mod(n, 40) = 0, mod(n, 2) = 0, CASE WHEN mod(n, 10) = 0 THEN 'api' ELSE 'frontline' END, ''
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n, customers c, touchpoints t, staff s,
        LATERAL (SELECT now() - mod(n * 104729, 31536000) * interval '1 second' AS at) times
"""


def table_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a fixed table name
        return cursor.fetchone()[0]


def company_grow(*, encounters: int, customers: int) -> dict[str, int]:
    with schema_context(DEMO_SLUG), transaction.atomic(), connection.cursor() as cursor:
        missing = customers - table_count("customers_customer")
        if missing > 0:
            cursor.execute("SELECT count(*) FROM customers_segment")
            segments = max(cursor.fetchone()[0], 1)
            cursor.execute("SELECT count(*) FROM personas_buyerpersona")
            personas = max(cursor.fetchone()[0], 1)
            cursor.execute("SELECT coalesce(max(id), 0) FROM customers_customer")
            first = cursor.fetchone()[0] + 1
            cursor.execute(
                CUSTOMERS_SQL,
                {"first": first, "last": first + missing - 1, "segments": segments, "personas": personas},
            )
        missing = encounters - table_count("encounters_encounter")
        if missing > 0:
            cursor.execute("SELECT coalesce(max(id), 0) FROM encounters_encounter")
            first = cursor.fetchone()[0] + 1
            cursor.execute(ENCOUNTERS_SQL, {"first": first, "last": first + missing - 1})
    with schema_context(DEMO_SLUG), connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE encounters_encounter")
        return {"customers": table_count("customers_customer"), "encounters": table_count("encounters_encounter")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encounters", type=int, default=100_000, help="encounters the company should have")
    parser.add_argument("--customers", type=int, default=20_000, help="customers the company should have")
    args = parser.parse_args()
    counts = company_grow(encounters=args.encounters, customers=args.customers)
    print(f"The demo company has {counts['customers']} customers and {counts['encounters']} encounters.")


if __name__ == "__main__":
    main()
