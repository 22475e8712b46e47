"""The tenant-aware Celery app: a task runs in the schema of the company that sent it.

Without DJANGO_SETTINGS_MODULE a worker or beat runs with the production settings
(as cxplatform/wsgi.py does); scripts/dev.py and the test worker name theirs.
"""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.production")

app = TenantAwareCeleryApp("cxplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
