"""Writes on initiatives. Each runs in one transaction, writes an audit row, and raises DomainError
with field messages on a broken rule (nothing is half-written)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_manage_initiatives
from apps.accounts.models import User
from apps.accounts.scope import user_location_scope
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.initiatives.models import WINDOW_DAYS_MAX, WINDOW_DAYS_MIN, Initiative
from apps.initiatives.selectors import initiatives_in_use_forget
from apps.journeys.models import Touchpoint
from apps.locations.models import Location

_EDITABLE = ("title", "description", "owner", "touchpoints", "locations", "started_on", "window_days")
# Values the audit row keeps as they were: ids, dates and numbers, never free text.
_KEPT = ("owner", "touchpoints", "locations", "started_on", "window_days", "archived")


def _ids(values: Iterable[Any]) -> list[int]:
    return sorted({value.pk if hasattr(value, "pk") else int(value) for value in values})


def _validated(*, acting_user: User, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = str(fields.get("title") or "").strip()
    if not title:
        errors["title"] = [_("This field is required.")]
    fields["title"] = title
    fields["description"] = str(fields.get("description") or "").strip()
    owner = fields.get("owner")
    if not isinstance(owner, User) or not owner.is_active:
        errors["owner"] = [_("Choose an active user as the owner.")]
    touchpoint_ids = _ids(fields.get("touchpoints") or [])
    found_touchpoints = set(Touchpoint.objects.filter(pk__in=touchpoint_ids).values_list("pk", flat=True))
    if not touchpoint_ids:
        errors["touchpoints"] = [_("Choose at least one touchpoint.")]
    elif found_touchpoints != set(touchpoint_ids):
        errors["touchpoints"] = [_("Choose touchpoints of this company.")]
    location_ids = _ids(fields.get("locations") or [])
    found_locations = set(Location.objects.filter(pk__in=location_ids).values_list("pk", flat=True))
    if found_locations != set(location_ids):
        errors["locations"] = [_("Choose locations of this company.")]
    scope = user_location_scope(acting_user)
    if scope is not None and (not location_ids or not set(location_ids) <= scope):
        errors["locations"] = [_("Choose only locations in your scope; you cannot measure all locations.")]
    started_on = fields.get("started_on")
    if not isinstance(started_on, dt.date):
        errors["started_on"] = [_("Enter a valid date.")]
    window_days = fields.get("window_days")
    if not isinstance(window_days, int) or not WINDOW_DAYS_MIN <= window_days <= WINDOW_DAYS_MAX:
        errors["window_days"] = [
            _("Enter a number of days from %(min)s to %(max)s.") % {"min": WINDOW_DAYS_MIN, "max": WINDOW_DAYS_MAX}
        ]
    if errors:
        raise DomainError(_("The initiative cannot be saved."), fields=errors)
    fields["touchpoints"] = touchpoint_ids
    fields["locations"] = location_ids
    return fields


def _snapshot(initiative: Initiative) -> dict[str, Any]:
    return {
        "title": initiative.title,
        "description": initiative.description,
        "owner": initiative.owner_id,
        "touchpoints": ",".join(map(str, _ids(initiative.touchpoints.all()))),
        "locations": ",".join(map(str, _ids(initiative.locations.all()))),
        "started_on": initiative.started_on,
        "window_days": initiative.window_days,
        "archived": initiative.archived,
    }


def _check_may_manage(*, acting_user: User, initiative: Initiative | None) -> None:
    if not can_manage_initiatives(acting_user):
        raise DomainError(_("You cannot manage initiatives."))
    if initiative is None:
        return
    scope = user_location_scope(acting_user)
    if scope is not None:
        location_ids = set(initiative.locations.values_list("pk", flat=True))
        if not location_ids or not location_ids <= scope:
            raise DomainError(_("This initiative reaches beyond your locations: ask an administrator to change it."))


@transaction.atomic
def initiative_create(
    *,
    acting_user: User,
    title: str,
    owner: User | None,
    touchpoints: Iterable[Any],
    started_on: dt.date,
    description: str = "",
    locations: Iterable[Any] = (),
    window_days: int = 90,
) -> Initiative:
    initiatives_in_use_forget()
    transaction.on_commit(initiatives_in_use_forget)
    _check_may_manage(acting_user=acting_user, initiative=None)
    fields = _validated(
        acting_user=acting_user,
        fields={
            "title": title,
            "description": description,
            "owner": owner,
            "touchpoints": list(touchpoints),
            "locations": list(locations),
            "started_on": started_on,
            "window_days": window_days,
        },
    )
    touchpoint_ids, location_ids = fields.pop("touchpoints"), fields.pop("locations")
    initiative = Initiative.objects.create(**fields, created_by=acting_user)
    initiative.touchpoints.set(touchpoint_ids)
    initiative.locations.set(location_ids)
    after = _snapshot(initiative)
    extra = audit_changes(before={}, after=after, values_kept=_KEPT)
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED,
        acting_user=acting_user,
        target=initiative,
        extra={"action": "initiative.created", **extra},
    )
    return initiative


@transaction.atomic
def initiative_update(*, acting_user: User, initiative: Initiative, **changes: Any) -> Initiative:
    initiatives_in_use_forget()
    transaction.on_commit(initiatives_in_use_forget)
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _check_may_manage(acting_user=acting_user, initiative=initiative)
    before = _snapshot(initiative)
    current = {
        "title": initiative.title,
        "description": initiative.description,
        "owner": initiative.owner,
        "touchpoints": _ids(initiative.touchpoints.all()),
        "locations": _ids(initiative.locations.all()),
        "started_on": initiative.started_on,
        "window_days": initiative.window_days,
    }
    fields = _validated(acting_user=acting_user, fields={**current, **changes})
    touchpoint_ids, location_ids = fields.pop("touchpoints"), fields.pop("locations")
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.save()
    initiative.touchpoints.set(touchpoint_ids)
    initiative.locations.set(location_ids)
    extra = audit_changes(before=before, after=_snapshot(initiative), values_kept=_KEPT)
    if extra:
        audit_log_record(
            event_type=AuditEvent.SETTINGS_CHANGED,
            acting_user=acting_user,
            target=initiative,
            extra={"action": "initiative.changed", **extra},
        )
    return initiative


@transaction.atomic
def initiative_archive(*, acting_user: User, initiative: Initiative, archived: bool = True) -> Initiative:
    """Archive (or restore) an initiative: it leaves the lists and the dashboard; its figures stay readable."""
    initiatives_in_use_forget()
    transaction.on_commit(initiatives_in_use_forget)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _check_may_manage(acting_user=acting_user, initiative=initiative)
    if initiative.archived == archived:
        return initiative
    initiative.archived = archived
    initiative.save(update_fields=["archived", "updated_at"])
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED,
        acting_user=acting_user,
        target=initiative,
        extra={
            "action": "initiative.archived" if archived else "initiative.restored",
            "changed": ["archived"],
            "old": {"archived": not archived},
            "new": {"archived": archived},
        },
    )
    return initiative
