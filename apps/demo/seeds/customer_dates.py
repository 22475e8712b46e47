"""When the demo customers were added: before their first consent or visit, spread over the seeded
history, instead of all on the day the demo was made.

Deterministic per customer (its external id is the seed), so it draws nothing from the context's
random and leaves every other seeded row as it was; running it again writes the same dates.
"""

import datetime as dt
from random import Random

from django.db.models import Min
from django.utils import timezone

from apps.customers.models import ConsentEvent, Customer
from apps.demo.seeds.context import DemoContext
from apps.encounters.models import Encounter

# Customers with no visit and no consent were added within the last year.
HISTORY_DAYS = 365


def seed(*, context: DemoContext) -> None:
    now = timezone.now()
    first_seen: dict[int, dt.datetime] = {}
    for rows in (
        Encounter.objects.values("customer_id").annotate(first=Min("occurred_at")),
        ConsentEvent.objects.values("customer_id").annotate(first=Min("at")),
    ):
        for row in rows:
            if row["customer_id"] is not None:
                seen = first_seen.get(row["customer_id"])
                first_seen[row["customer_id"]] = row["first"] if seen is None else min(seen, row["first"])
    customers = list(Customer.objects.filter(external_id__startswith="KIVI-").only("pk", "external_id", "created_at"))
    for customer in customers:
        random = Random(customer.external_id)
        seen = first_seen.get(customer.pk)
        if seen is None:
            days, minutes = random.randint(1, HISTORY_DAYS), random.randint(0, 600)
            customer.created_at = now - dt.timedelta(days=days, minutes=minutes)
        else:
            # Added at the counter or from the booking system a little before their first visit or consent.
            customer.created_at = min(seen, now) - dt.timedelta(minutes=random.randint(5, 3 * 24 * 60))
    Customer.objects.bulk_update(customers, ["created_at"], batch_size=500)
