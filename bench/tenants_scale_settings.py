"""bench/tenants_scale.py's baseline: migrate_schemas with django-tenants' own executor (no skipping)."""

from cxplatform.settings.local import *  # noqa: F403

GET_EXECUTOR_FUNCTION = None
