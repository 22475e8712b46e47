"""Writes of the audit log. Other apps call `audit_log_record` inside their action's transaction."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model

from apps.audit.context import audit_source_current
from apps.audit.models import AuditLogEntry

# Values that may be kept as they were and will be: ids, numbers, booleans, dates, short codes.
AuditValue = str | int | float | bool | None


def audit_log_record(
    *,
    event_type: str,
    acting_user: Any = None,
    modified_user: Any = None,
    target: Model | None = None,
    source: str | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditLogEntry:
    """Write one entry; call it inside the action's transaction so both commit together.

    `extra` takes ids, counts and field names only: the log holds no personal data.
    `source` defaults to the door the current request or task came in by (apps/audit/context.py).
    """
    user = acting_user if acting_user is not None and getattr(acting_user, "is_authenticated", False) else None
    return AuditLogEntry.objects.create(
        event_type=event_type,
        source=source or audit_source_current(),
        acting_user=user,
        modified_user=modified_user if modified_user is not None and modified_user.pk is not None else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        extra_data=extra or {},
    )


def audit_changes(
    *, before: Mapping[str, Any], after: Mapping[str, Any], values_kept: Iterable[str] = ()
) -> dict[str, Any]:
    """The `extra` of a change: the names of the fields that changed, sorted, and old and new
    values of those named in `values_kept` only (the ones that are never personal: a role, an
    id, a threshold). Empty when nothing changed."""
    changed = sorted(name for name in after if before.get(name) != after[name])
    if not changed:
        return {}
    extra: dict[str, Any] = {"changed": changed}
    kept = [name for name in changed if name in set(values_kept)]
    if kept:
        extra["old"] = {name: _plain(before.get(name)) for name in kept}
        extra["new"] = {name: _plain(after[name]) for name in kept}
    return extra


def _plain(value: Any) -> AuditValue:
    """A value as JSON keeps it: a model instance by its id, a time or date as ISO text."""
    if isinstance(value, Model):
        return value.pk
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
