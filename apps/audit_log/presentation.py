"""Audit entries as people read them: names of today's users for the ids the log keeps, event and
object labels in the reader's language, and the details written out from the field names."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.audit.models import AuditEvent, AuditLogEntry, AuditSource
from apps.audit.selectors import audit_user_names

EMPTY = "\N{EN DASH}"

# Fields of other apps that hold a user id: shown by the user's name.
_USER_FIELDS = {"owner", "backup_owner"}

# The words of the other keys `extra` may hold.
_EXTRA_LABELS = {
    "role": pgettext_lazy("audit detail", "role"),
    "team_id": pgettext_lazy("audit detail", "team id"),
    "expires_in_days": pgettext_lazy("audit detail", "valid for days"),
    "known_user": pgettext_lazy("audit detail", "a user's email"),
    "mode": pgettext_lazy("audit detail", "mode"),
    "created": pgettext_lazy("audit detail", "created"),
    "updated": pgettext_lazy("audit detail", "updated"),
    "skipped": pgettext_lazy("audit detail", "skipped"),
    "touchpoints_added": pgettext_lazy("audit detail", "touchpoints added"),
    "touchpoints_removed": pgettext_lazy("audit detail", "touchpoints removed"),
    "delays_changed": pgettext_lazy("audit detail", "delays changed"),
    "delay_minutes": pgettext_lazy("audit detail", "delays in minutes"),
    "filters": pgettext_lazy("audit detail", "filters"),
    "rows": pgettext_lazy("audit detail", "rows"),
}


@dataclass
class AuditRow:
    entry: AuditLogEntry
    actor: str
    concerned: str
    event: str
    source: str
    target: str
    details: str


def audit_rows(entries: Iterable[AuditLogEntry]) -> list[AuditRow]:
    """The rows of a page or an export; the users' names are fetched once for all of them."""
    entries = list(entries)
    user_ids: set[int | None] = set()
    for entry in entries:
        user_ids.update((entry.acting_user_id, entry.modified_user_id))
        for field in _USER_FIELDS:
            for side in ("old", "new"):
                value = (entry.extra_data.get(side) or {}).get(field)
                user_ids.add(value if isinstance(value, int) else None)
    names = audit_user_names(user_ids)
    return [_row(entry, names) for entry in entries]


def audit_event_label(event_type: str) -> str:
    return str(AuditEvent(event_type).label) if event_type in AuditEvent.values else event_type


def audit_target_type_label(target_type: str) -> str:
    model = _model(target_type)
    return str(model._meta.verbose_name).capitalize() if model is not None else target_type


def _row(entry: AuditLogEntry, names: dict[int, str]) -> AuditRow:
    source = str(AuditSource(entry.source).label) if entry.source in AuditSource.values else entry.source
    target = ""
    if entry.target_type:
        target = f"{audit_target_type_label(entry.target_type)} #{entry.target_id}"
    return AuditRow(
        entry=entry,
        actor=_user_name(entry.acting_user_id, names),
        concerned=_user_name(entry.modified_user_id, names),
        event=audit_event_label(entry.event_type),
        source=source,
        target=target,
        details=_details(entry, names),
    )


def _user_name(user_id: int | None, names: dict[int, str]) -> str:
    if user_id is None:
        return ""
    return names.get(user_id) or _("deleted user #%(id)s") % {"id": user_id}


def _model(target_type: str) -> type[Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _field_label(model: type[Model] | None, name: str) -> str:
    if model is not None:
        try:
            # A reverse relation (a survey's "touchpoints") has no verbose name of its own.
            verbose_name = getattr(model._meta.get_field(name), "verbose_name", None)
        except FieldDoesNotExist:
            verbose_name = None
        if verbose_name is not None:
            return capfirst(str(verbose_name))
    return capfirst(str(_EXTRA_LABELS.get(name, name.replace("_", " "))))


def _value(model: type[Model] | None, name: str, value: Any, names: dict[int, str]) -> str:
    if value is None or value == "":
        return EMPTY
    if name in _USER_FIELDS and isinstance(value, int):
        return _user_name(value, names)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        choices = dict(getattr(field, "flatchoices", None) or [])
        # A list or dict (touchpoint ids, delays) is no choice, and cannot be looked up as one.
        if not isinstance(value, list | dict) and value in choices:
            return str(choices[value])
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or EMPTY
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


def _details(entry: AuditLogEntry, names: dict[int, str]) -> str:
    """E.g. "Role: Manager → Admin; Email" or "Created: 12; Updated: 3; Skipped: 0"."""
    extra = entry.extra_data or {}
    model = _model(entry.target_type)
    old, new = extra.get("old") or {}, extra.get("new") or {}
    parts = []
    for name in extra.get("changed", []):
        label = _field_label(model, name)
        if name in new:
            before, after = _value(model, name, old.get(name), names), _value(model, name, new[name], names)
            parts.append(f"{label}: {before} → {after}")
        else:
            parts.append(label)
    for key, value in extra.items():
        if key not in {"changed", "old", "new"}:
            parts.append(f"{_field_label(model, key)}: {_value(model, key, value, names)}")
    return "; ".join(parts)
