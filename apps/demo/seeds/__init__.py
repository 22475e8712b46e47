"""The demo company's data, one module a domain, run in this order inside the demo schema.

Each module has `seed(*, context: DemoContext) -> None` and must be idempotent:
running the demo command twice leaves one copy of everything.
"""

from apps.demo.seeds import (
    customer_dates,
    customers,
    encounters,
    journeys,
    locations,
    personas,
    relationship,
    themes,
    users,
)

SEEDERS = [
    users,
    personas,
    customers,
    journeys,
    encounters,
    locations,
    customer_dates,
    relationship,
    themes,
]
