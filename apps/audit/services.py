from typing import Any

from django.db.models import Model

from apps.audit.models import AuditLogEntry, AuditSource


def audit_log_record(
    *,
    event_type: str,
    acting_user: Any = None,
    modified_user: Any = None,
    target: Model | None = None,
    source: str = AuditSource.WEB,
    extra: dict[str, Any] | None = None,
) -> AuditLogEntry:
    """Write one entry; call it inside the action's transaction so both commit together.

    `extra` takes ids, counts and field names only: the log holds no personal data.
    """
    user = acting_user if acting_user is not None and getattr(acting_user, "is_authenticated", False) else None
    return AuditLogEntry.objects.create(
        event_type=event_type,
        source=source,
        acting_user=user,
        modified_user=modified_user,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        extra_data=extra or {},
    )
