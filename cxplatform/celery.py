"""The tenant-aware Celery app: a task runs in the schema of the company that sent it."""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.local")

app = TenantAwareCeleryApp("cxplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
