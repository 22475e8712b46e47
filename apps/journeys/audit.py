"""The audit trail of a path: who changed what and when, from django-simple-history records.

The history tables keep a full copy of a row per change; this module turns them
into readable entries ("Liisa changed the planned emotion of “Check-in” from 0 to
+1") by comparing each record with the previous one of the same object.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import user_names_by_ids
from apps.journeys.models import Channel, ServicePath, Stage, Touchpoint

EMPTY = "\N{EN DASH}"
_SKIPPED = {"id", "created_at", "updated_at"}
_USER_FIELDS = {"owner", "backup_owner", "created_by"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class AuditEntry:
    when: datetime
    who: User | None
    kind: str
    object_name: str
    action: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.action]

    @property
    def kind_label(self) -> str:
        return {"path": _("Service path"), "stage": _("Stage"), "touchpoint": _("Touchpoint")}[self.kind]


class _Names:
    """Display names for the ids the history rows hold (users, stages), fetched once."""

    def __init__(self, records: list[Any]) -> None:
        user_ids = {getattr(record, f"{name}_id", None) for record in records for name in _USER_FIELDS}
        self.users = user_names_by_ids(user_ids=user_ids)
        stage_ids = {record.stage_id for record in records if hasattr(record, "stage_id")}
        self.stages: dict[int, str] = {}
        for stage_id, name in Stage.history.filter(id__in=stage_ids).order_by("history_date").values_list("id", "name"):
            self.stages[stage_id] = name

    def value(self, model: type[Model], name: str, value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        if name in _USER_FIELDS:
            return self.users.get(value, _("deleted user"))
        if name == "stage":
            return self.stages.get(value, "?")
        if name == "position":
            return str(value + 1)
        if name == "channel":
            return str(Channel(value).label) if value in Channel.values else str(value)
        if name == "planned_emotion":
            return f"{value:+d}" if value else "0"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime):
            return date_format(value, "SHORT_DATETIME_FORMAT")
        text = str(value)
        return text if len(text) <= 140 else text[:139] + "…"


def _fields(model: type[Model]) -> list[tuple[str, str, str]]:
    """(field name, attribute on the history record, label) of the tracked fields."""
    result = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in _SKIPPED or model_field.name == "path":
            continue
        result.append((model_field.name, model_field.attname, str(model_field.verbose_name)))
    return result


def audit_entries(records_by_kind: dict[str, Iterable[Any]]) -> list[AuditEntry]:
    """Readable entries, newest first, from history records grouped by kind (path, stage, touchpoint)."""
    models = {"path": ServicePath, "stage": Stage, "touchpoint": Touchpoint}
    flat = [(kind, record) for kind, records in records_by_kind.items() for record in records]
    names = _Names([record for _kind, record in flat])
    by_object: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for kind, record in flat:
        by_object[(kind, record.id)].append(record)

    entries = []
    for (kind, _object_id), records in by_object.items():
        model = models[kind]
        records.sort(key=lambda record: (record.history_date, record.history_id))
        previous = None
        for record in records:
            entry = AuditEntry(
                when=record.history_date,
                who=record.history_user,
                kind=kind,
                object_name=record.name,
                action=record.history_type,
            )
            if record.history_type == "~" and previous is not None:
                for name, attname, label in _fields(model):
                    old, new = getattr(previous, attname), getattr(record, attname)
                    if old != new:
                        entry.changes.append(
                            Change(field=label, old=names.value(model, name, old), new=names.value(model, name, new))
                        )
                if not entry.changes:
                    previous = record
                    continue
            entries.append(entry)
            previous = record
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
