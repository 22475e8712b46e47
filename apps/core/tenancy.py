"""The companies as every app may see them: the current one's time zone, which are live, and
running a periodic job in each.

In the kernel rather than in apps.tenants because apps below tenants need them too (the
outbox's sweep fans out; the audit log shows local times). It reads the companies through
django-tenants' get_tenant_model(), as generic code reads users through get_user_model(), so
the kernel imports no app. apps.tenants.selectors builds the company's local days on it.
"""

import random
from zoneinfo import ZoneInfo

from celery import Task
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name, get_tenant_model, tenant_context


def company_time_zone() -> ZoneInfo:
    """The current company's time zone (days, weeks and months of its reports are local)."""
    time_zone = getattr(connection.tenant, "time_zone", None)
    if time_zone is None:
        # schema_context() sets a stand-in without the company's fields: look the company up.
        time_zone = (
            get_tenant_model()
            .objects.filter(schema_name=connection.schema_name)
            .values_list("time_zone", flat=True)
            .first()
        )
    return ZoneInfo(time_zone or settings.TIME_ZONE)


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
