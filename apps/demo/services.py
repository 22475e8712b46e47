"""The demo company: a vehicle inspection chain (seed 000) that a newcomer can log in to at once."""

import logging
from collections.abc import Callable
from random import Random

from django.db import transaction
from django_tenants.utils import schema_context, tenant_context

from apps.demo.seeds import SEEDERS
from apps.demo.seeds.context import DemoContext
from apps.demo.seeds.users import DEMO_PASSWORD, DEMO_STAFF
from apps.maturity.services import maturity_history_backfill
from apps.metrics.key_drivers import key_drivers_forget
from apps.metrics.services import metrics_recompute_full
from apps.tenants.models import Tenant
from apps.tenants.selectors import company_today
from apps.tenants.services import company_create

logger = logging.getLogger(__name__)

DEMO_SLUG = "demo"
DEMO_NAME = "Katsastus Kivi Oy"


def demo_company_seed(
    *, domain: str | None = None, reset: bool = False, progress: Callable[[str], None] | None = None
) -> Tenant:
    """Create (or top up) the demo company and everything in it. Idempotent."""
    say = progress or (lambda message: None)
    tenant = Tenant.objects.filter(schema_name=DEMO_SLUG).first()
    if tenant is not None and reset:
        say("Dropping the old demo company...")
        tenant.delete(force_drop=True)
        tenant = None
    if tenant is None:
        say("Creating the demo company (schema and migrations)...")
        _admin_key, admin_email, admin_name, _role = DEMO_STAFF[0]
        tenant = company_create(
            name=DEMO_NAME,
            slug=DEMO_SLUG,
            domain=domain,
            admin_email=admin_email,
            admin_full_name=admin_name,
            admin_password=DEMO_PASSWORD,
            language="fi",
        )
    context = DemoContext(tenant=tenant, random=Random(2026), say=say)
    with schema_context(tenant.schema_name):
        for seeder in SEEDERS:
            say(f"Seeding {seeder.__name__.rsplit('.', 1)[-1]}...")
            with transaction.atomic():
                seeder.seed(context=context)
        say("Computing the daily metrics...")
        metrics_recompute_full(trigger="demo")
        say("Computing the maturity trend...")
        maturity_history_backfill(until=company_today(), progress=say)
    # The answers were written in bulk, without the signal that forgets the cached key drivers (keyed by the
    # company, so read with the company row, not only its schema).
    with tenant_context(tenant):
        key_drivers_forget()
    return tenant


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, email, password) of the demo users a newcomer is told about."""
    return [(role.label, email, DEMO_PASSWORD) for _key, email, _name, role in DEMO_STAFF[:3]]
