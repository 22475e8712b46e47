"""Reads of the audit log: the filtered entries, and the names of the users they name."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from apps.audit.models import AuditLogEntry


def audit_log_list(
    *,
    event_type: str | None = None,
    user_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
) -> QuerySet[AuditLogEntry]:
    """Entries newest first; `user_id` matches who acted and whom it concerned, `until` is exclusive."""
    entries = AuditLogEntry.objects.all()
    if event_type:
        entries = entries.filter(event_type=event_type)
    if user_id is not None:
        entries = entries.filter(Q(acting_user_id=user_id) | Q(modified_user_id=user_id))
    if since is not None:
        entries = entries.filter(event_time__gte=since)
    if until is not None:
        entries = entries.filter(event_time__lt=until)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    return entries.order_by("-event_time", "-id")


def audit_target_types() -> list[str]:
    """The object types the log names, for the filter's choices."""
    return sorted(
        AuditLogEntry.objects.exclude(target_type="").values_list("target_type", flat=True).distinct().order_by()
    )


def audit_user_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """Today's display names of the users with these ids (the log keeps ids, never names).

    apps.audit sits below apps.accounts, which records into it, so it reads users through
    Django's get_user_model() instead of apps.accounts.selectors.
    """
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return {user.pk: str(user) for user in get_user_model().objects.filter(pk__in=ids)}
