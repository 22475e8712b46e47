"""Customer search with 100,000 customers: trigram indexes versus none, in one run.

    DATABASE_URL=... python bench/customer_search.py [--customers 100000] [--repeat 15] [--keep]

Creates a throwaway company schema ("bench_search"), seeds it with realistic
customers, then times the customer list's search (the count and the first page,
as the list page runs them) for a name, an email and a phone query: first with
the trigram indexes, then with them dropped inside a transaction that is rolled
back. Prints the medians and the ratio, and drops the schema unless --keep.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.local")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.customers.models import Customer, Language  # noqa: E402
from apps.customers.phones import phone_normalize  # noqa: E402
from apps.customers.selectors import customer_list  # noqa: E402
from apps.demo.seeds.customers import FIRST_NAMES, LAST_NAMES  # noqa: E402
from apps.tenants.models import Tenant  # noqa: E402

SCHEMA = "bench_search"
TRIGRAM_INDEXES = ["customer_name_trgm", "customer_email_trgm", "customer_phone_trgm"]
PAGE = 50


def seed(count: int) -> None:
    random = Random(100_000)
    batch: list[Customer] = []
    for number in range(count):
        first, last = random.choice(FIRST_NAMES), random.choice(LAST_NAMES)
        phone = f"04{random.choice('01456')}{random.randint(1_000_000, 9_999_999)}"
        batch.append(
            Customer(
                full_name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}.{number}@example.fi",
                phone=phone,
                phone_normalized=phone_normalize(phone) or "",
                language=Language.FI,
                external_id=f"B{number:07d}",
            )
        )
        if len(batch) == 10_000:
            Customer.objects.bulk_create(batch)
            batch = []
    Customer.objects.bulk_create(batch)


def vacuum() -> None:
    # Rows added after an index exists wait in GIN's pending list until a vacuum
    # (autovacuum in production) merges them; measure the settled state.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE customers_customer")


def timed(query: str, repeat: int) -> float:
    """Median milliseconds of the list page's two queries for `query`."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        customers = customer_list(user=None, search=query)
        customers.count()
        list(customers[:PAGE])
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the bench schema afterwards")
    args = parser.parse_args()

    tenant = Tenant.objects.filter(schema_name=SCHEMA).first()
    if tenant is None:
        print(f"Creating schema {SCHEMA}...", flush=True)
        tenant = Tenant(schema_name=SCHEMA, name="Search benchmark")
        tenant.save()
    try:
        with schema_context(SCHEMA):
            if Customer.objects.count() != args.customers:
                Customer.objects.all().delete()
                started = time.perf_counter()
                seed(args.customers)
                print(f"Seeded {args.customers:,} customers in {time.perf_counter() - started:.1f} s", flush=True)
            vacuum()
            # A full-name hit, a rare surname fragment, an email fragment and a phone fragment.
            queries = {
                "name (common, 'virtanen')": "virtanen",
                "name (fragment, 'äkelä')": "äkelä",
                "name (full, 'tapio heikkilä')": "tapio heikkilä",
                "email ('korhonen.4242')": "korhonen.4242",
                "phone ('040 123')": "040 123",
            }
            indexed = {label: timed(query, args.repeat) for label, query in queries.items()}
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for index in TRIGRAM_INDEXES:
                        cursor.execute(f'DROP INDEX "{index}"')
                baseline = {label: timed(query, args.repeat) for label, query in queries.items()}
                transaction.set_rollback(True)
            matches = {label: customer_list(user=None, search=query).count() for label, query in queries.items()}
    finally:
        if not args.keep:
            tenant.delete(force_drop=True)

    print(f"\nCustomer search, {args.customers:,} customers, median of {args.repeat} (count + first {PAGE} rows)")
    print(f"{'query':<30} {'matches':>8} {'no trigram':>12} {'trigram':>10} {'speed-up':>9}")
    for label in queries:
        ratio = baseline[label] / indexed[label]
        print(f"{label:<30} {matches[label]:>8,} {baseline[label]:>9.1f} ms {indexed[label]:>7.1f} ms {ratio:>8.1f}x")


if __name__ == "__main__":
    main()
