"""The tenant-aware Celery app: a task runs in the schema of the company that sent it.

Each worker writes a heartbeat into Redis (apps/core/worker_heartbeat.py) for the
readiness probe.

Without DJANGO_SETTINGS_MODULE a worker or beat runs with the production settings
(as cxplatform/wsgi.py does); scripts/dev.py and the test worker name theirs.
"""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

from apps.core.worker_heartbeat import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.production")

app = TenantAwareCeleryApp("cxplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker writes a heartbeat to Redis, which the readiness probe reads.
app.steps["worker"].add(WorkerHeartbeat)
