"""Writes on regions, locations and memberships. Each runs in one transaction and raises DomainError on a
broken rule."""

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, Team, User
from apps.accounts.scope import location_scope_forget
from apps.audit.models import AuditEvent
from apps.audit.services import audit_log_record
from apps.core.exceptions import DomainError
from apps.locations.models import Location, LocationMembership, LocationScope, Region, TeamLocation
from apps.locations.selectors import region_descendant_ids

_LOCATION_FIELDS = {"name", "code", "region", "address", "city"}
MAX_REGION_DEPTH = 10


def region_tree_lock() -> None:
    """Serialise changes of the tree's shape, so two moves at once cannot close a cycle between them.
    Reads go on; only other moves and new regions wait (they are rare)."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Region._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _region_depth(region: Region | None) -> int:
    depth = 0
    while region is not None:
        depth += 1
        region = region.parent
    return depth


def _region_validated(*, name: str, parent: Region | None, region_id: int | None) -> str:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > Region._meta.get_field("name").max_length:
        errors["name"] = [_("Use at most 120 characters.")]
    else:
        siblings = Region.objects.filter(name__iexact=name, parent=parent)
        if region_id is not None:
            siblings = siblings.exclude(pk=region_id)
        if siblings.exists():
            errors["name"] = [_("A region with this name already exists here.")]
    if parent is not None:
        if region_id is not None and parent.pk in region_descendant_ids(region_id=region_id):
            errors["parent"] = [_("A region cannot be placed inside itself or its own sub-regions.")]
        elif _region_depth(parent) >= MAX_REGION_DEPTH:
            errors["parent"] = [_("Regions can be nested at most %(depth)s levels deep.") % {"depth": MAX_REGION_DEPTH}]
    if errors:
        raise DomainError(_("The region cannot be saved."), fields=errors)
    return name


@transaction.atomic
def region_create(*, name: str, parent: Region | None = None) -> Region:
    region_tree_lock()
    name = _region_validated(name=name, parent=parent, region_id=None)
    return Region.objects.create(name=name, parent=parent)


@transaction.atomic
def region_update(*, region: Region, **changes: Any) -> Region:
    """Rename a region or move it (with its branch) under another parent, or to the top (parent None)."""
    unknown = set(changes) - {"name", "parent"}
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    region_tree_lock()
    region = Region.objects.select_for_update().get(pk=region.pk)
    name = changes.get("name", region.name)
    parent = changes["parent"] if "parent" in changes else region.parent
    region.name = _region_validated(name=name, parent=parent, region_id=region.pk)
    region.parent = parent
    region.save()
    return region


@transaction.atomic
def region_delete(*, region: Region) -> None:
    """Remove an empty region. One with sub-regions or locations is refused: move or archive them first."""
    region_tree_lock()
    if region.children.exists() or region.locations.exists():
        raise DomainError(
            _("Only an empty region can be removed: move its sub-regions and locations elsewhere first."),
            code="region_not_empty",
        )
    if region.scopes.exists():
        raise DomainError(
            _("A manager's view is limited to this region: change that on the manager's page first."),
            code="region_in_scope",
        )
    region.delete()


def _location_validated(changes: dict[str, Any], *, location_id: int | None) -> dict[str, Any]:
    unknown = set(changes) - _LOCATION_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    errors: dict[str, list[str]] = {}
    for field_name in ("name", "code", "address", "city"):
        if field_name in changes:
            changes[field_name] = str(changes[field_name] or "").strip()
            limit = Location._meta.get_field(field_name).max_length
            if len(changes[field_name]) > limit:
                errors[field_name] = [_("Use at most %(limit)s characters.") % {"limit": limit}]
    if "name" in changes and not changes["name"]:
        errors["name"] = [_("This field is required.")]
    if "code" in changes and "code" not in errors:
        if not changes["code"]:
            errors["code"] = [_("This field is required.")]
        elif any(character.isspace() for character in changes["code"]):
            errors["code"] = [_("A code has no spaces.")]
        else:
            taken = Location.objects.filter(code__iexact=changes["code"])
            if location_id is not None:
                taken = taken.exclude(pk=location_id)
            if taken.exists():
                errors["code"] = [_("Another location already has this code.")]
    if errors:
        raise DomainError(_("The location cannot be saved."), fields=errors)
    return changes


@transaction.atomic
def location_create(
    *, name: str, code: str, region: Region | None = None, address: str = "", city: str = ""
) -> Location:
    fields = _location_validated(
        {"name": name, "code": code, "region": region, "address": address, "city": city}, location_id=None
    )
    return Location.objects.create(**fields)


@transaction.atomic
def location_update(*, location: Location, **changes: Any) -> Location:
    location = Location.objects.select_for_update().get(pk=location.pk)
    for field_name, value in _location_validated(dict(changes), location_id=location.pk).items():
        setattr(location, field_name, value)
    location.save()
    return location


@transaction.atomic
def location_archive(*, location: Location) -> Location:
    """Take a location out of use: it leaves the pickers, and its encounters keep pointing at it."""
    location = Location.objects.select_for_update().get(pk=location.pk)
    if location.archived_at is None:
        location.archived_at = timezone.now()
        location.save(update_fields=["archived_at", "updated_at"])
    return location


@transaction.atomic
def location_restore(*, location: Location) -> Location:
    location = Location.objects.select_for_update().get(pk=location.pk)
    if location.archived_at is not None:
        location.archived_at = None
        location.save(update_fields=["archived_at", "updated_at"])
    return location


@transaction.atomic
def location_staff_add(*, location: Location, user: User) -> LocationMembership:
    """Add `user` to the staff of `location` (adding someone already there changes nothing)."""
    if not user.is_active:
        message = _("Only an active user can be added.")
        raise DomainError(message, fields={"user": [message]})
    membership, _created = LocationMembership.objects.get_or_create(location=location, user=user)
    return membership


@transaction.atomic
def location_staff_remove(*, location: Location, user: User) -> bool:
    """Take `user` off the staff of `location`; False when they were not on it."""
    deleted, _rows = LocationMembership.objects.filter(location=location, user=user).delete()
    return bool(deleted)


@transaction.atomic
def location_team_add(*, location: Location, team: Team) -> TeamLocation:
    """Place `team` at `location`: its members work there (placing it again changes nothing). An archived
    location takes no new team: it is out of use."""
    location = Location.objects.select_for_update().get(pk=location.pk)  # not archived meanwhile
    if not location.is_active:
        message = _("An archived location takes no new teams. Restore it first.")
        raise DomainError(message, code="location_archived", fields={"location": [message]})
    placement, _created = TeamLocation.objects.get_or_create(location=location, team=team)
    return placement


@transaction.atomic
def location_team_remove(*, location: Location, team: Team) -> bool:
    """Take `team` away from `location`; False when it was not placed there."""
    deleted, _rows = TeamLocation.objects.filter(location=location, team=team).delete()
    return bool(deleted)


@transaction.atomic
def location_scope_set(
    *, user: User, regions: Iterable[Region], locations: Iterable[Location], acting_user: User | None
) -> list[LocationScope]:
    """Scope `user` to these regions and locations, replacing their scope; none of either: the whole
    company. Only a manager is scoped: an admin runs the whole company, and frontline staff see their own
    work whatever their scope. Audit-logged with the ids before and after."""
    regions, locations = list(regions), list(locations)
    if (regions or locations) and user.role != Role.MANAGER:
        message = _("Only a manager's view can be limited to regions or locations.")
        raise DomainError(message, code="not_a_manager", fields={"regions": [message]})
    User.objects.select_for_update().filter(pk=user.pk).first()  # two admins at once: one after the other
    current = LocationScope.objects.filter(user=user)
    before = {
        "region_ids": sorted(row.region_id for row in current if row.region_id is not None),
        "location_ids": sorted(row.location_id for row in current if row.location_id is not None),
    }
    after = {
        "region_ids": sorted({region.pk for region in regions}),
        "location_ids": sorted({location.pk for location in locations}),
    }
    location_scope_forget(user)
    if before == after:
        return list(current)
    current.delete()
    rows = [LocationScope(user=user, region_id=region_id) for region_id in after["region_ids"]]
    rows += [LocationScope(user=user, location_id=location_id) for location_id in after["location_ids"]]
    created = LocationScope.objects.bulk_create(rows)
    audit_log_record(
        event_type=AuditEvent.LOCATION_SCOPE_CHANGED,
        acting_user=acting_user,
        modified_user=user,
        target=user,
        extra={"old": before, "new": after},
    )
    return created
