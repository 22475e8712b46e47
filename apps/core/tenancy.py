"""The companies as background work sees them: which are live, and running a periodic job in each.

In the kernel rather than in apps.tenants because apps below tenants fan out too (the outbox's
sweep). It reads the companies through django-tenants' get_tenant_model(), as generic code reads
users through get_user_model(), so the kernel imports no app.
"""

import random

from celery import Task
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name, get_tenant_model, tenant_context


def tenant_list_active() -> QuerySet:
    """Every active company (the public schema, which serves the operators, is none)."""
    return (
        get_tenant_model()
        .objects.exclude(schema_name=get_public_schema_name())
        .filter(is_active=True)
        .order_by("schema_name")
    )


def tenants_fan_out(*, task: Task, jitter_seconds: float = 20.0) -> int:
    """Send `task` once per active company; the tenant-aware app stamps each with its schema.

    The jitter keeps a thousand companies from hitting the database in the same second.
    """
    count = 0
    for tenant in tenant_list_active():
        with tenant_context(tenant):
            task.apply_async(countdown=random.uniform(0, jitter_seconds))
        count += 1
    return count
