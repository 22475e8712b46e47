"""Run a periodic job in every active company, each in its own schema, spread over a short window."""

import random

from celery import Task
from django_tenants.utils import tenant_context

from apps.tenants.selectors import tenant_list_active


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
