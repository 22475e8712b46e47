"""Writes on service-path maps and touchpoint ownership.

Every service runs in one transaction, locks the path it edits (so two managers
reordering the same map at once cannot interleave) and raises DomainError when a
rule is broken. Positions stay dense: 0..n-1 within a path's stages and within a
stage's touchpoints. The moved or edited object is saved (so the change appears
in its history with the acting user); siblings whose positions merely shift are
updated in bulk.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.services import user_update
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.deletion import rows_delete
from apps.core.exceptions import DomainError
from apps.journeys.models import Channel, OwnershipChange, OwnershipRole, ServicePath, Stage, Touchpoint

TOUCHPOINT_FIELDS = frozenset(
    {
        "name",
        "channel",
        "customer_does",
        "customer_thinks",
        "customer_feels",
        "intended_experience",
        "planned_emotion",
        "is_peak",
        "is_end",
        "target_nps",
    }
)


# --- helpers --------------------------------------------------------------------


def _validate(instance: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """Run the model's field validators; report their messages per field."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise DomainError(_("Check the highlighted fields."), fields=error.message_dict) from error


def _strip(value: str | None) -> str:
    return (value or "").strip()


def _path_lock(path_id: int) -> ServicePath:
    """Lock the path row for the rest of the transaction; archived paths are read-only."""
    path = ServicePath.objects.select_for_update().get(pk=path_id)
    if path.is_archived:
        raise DomainError(_("This service path is archived. Restore it before editing."), code="archived")
    return path


def _clamp(position: int | None, size: int) -> int:
    if position is None:
        return size
    return max(0, min(int(position), size))


def _renumber(items: Sequence[models.Model], *, skip: models.Model | None = None) -> None:
    """Give `items` the positions 0..n-1 in their order, in one bulk update (`skip` is saved by the caller)."""
    shifted = []
    for index, item in enumerate(items):
        if item.position != index:  # type: ignore[attr-defined]
            item.position = index  # type: ignore[attr-defined]
            if item is not skip:
                shifted.append(item)
    if shifted:
        type(shifted[0]).objects.bulk_update(shifted, ["position"])  # type: ignore[attr-defined]


def _end_check(touchpoint: Touchpoint, path_id: int) -> None:
    """A path has one end moment: the last impression the customer takes home."""
    if not touchpoint.is_end:
        return
    other = (
        Touchpoint.objects.filter(stage__path_id=path_id, is_end=True).exclude(pk=touchpoint.pk).only("name").first()
    )
    if other is not None:
        message = _("“%(name)s” is already the end moment of this path. Clear it there first.") % {"name": other.name}
        raise DomainError(message, code="end_taken", fields={"is_end": [message]})


# --- paths ---------------------------------------------------------------------


@transaction.atomic
def path_create(*, name: str, description: str = "", created_by: User | None = None) -> ServicePath:
    path = ServicePath(name=_strip(name), description=_strip(description), created_by=created_by)
    _validate(path)
    path.save()
    return path


@transaction.atomic
def path_update(*, path: ServicePath, name: str | None = None, description: str | None = None) -> ServicePath:
    path = _path_lock(path.pk)
    if name is not None:
        path.name = _strip(name)
    if description is not None:
        path.description = _strip(description)
    _validate(path)
    path.save()
    return path


@transaction.atomic
def path_archive(*, path: ServicePath) -> ServicePath:
    """Hide a path from the working lists; its stages, touchpoints and history stay."""
    path = ServicePath.objects.select_for_update().get(pk=path.pk)
    if not path.is_archived:
        path.archived_at = timezone.now()
        path.save()
    return path


@transaction.atomic
def path_restore(*, path: ServicePath) -> ServicePath:
    path = ServicePath.objects.select_for_update().get(pk=path.pk)
    if path.is_archived:
        path.archived_at = None
        path.save()
    return path


# --- stages --------------------------------------------------------------------


@transaction.atomic
def stage_add(*, path: ServicePath, name: str, description: str = "", position: int | None = None) -> Stage:
    """Add a stage to `path`, at the end or at `position` (0-based)."""
    path = _path_lock(path.pk)
    stages = list(path.stages.order_by("position"))
    stage = Stage(path=path, name=_strip(name), description=_strip(description), position=0)
    _validate(stage, exclude=["position"])
    stages.insert(_clamp(position, len(stages)), stage)
    stage.position = stages.index(stage)
    stage.save()
    _renumber(stages, skip=stage)
    return stage


@transaction.atomic
def stage_rename(*, stage: Stage, name: str, description: str | None = None) -> Stage:
    _path_lock(stage.path_id)
    stage = Stage.objects.get(pk=stage.pk)
    stage.name = _strip(name)
    if description is not None:
        stage.description = _strip(description)
    _validate(stage)
    stage.save()
    return stage


@transaction.atomic
def stage_move(*, stage: Stage, position: int) -> Stage:
    """Move `stage` to `position` (0-based, clamped) within its path."""
    _path_lock(stage.path_id)
    stages = list(Stage.objects.filter(path_id=stage.path_id).order_by("position"))
    stage = next(item for item in stages if item.pk == stage.pk)
    stages.remove(stage)
    stages.insert(_clamp(position, len(stages)), stage)
    old_position = stage.position
    _renumber(stages, skip=stage)
    if stage.position != old_position:
        stage.save()
    return stage


@transaction.atomic
def stage_delete(*, stage: Stage) -> None:
    """Delete an empty stage; a stage with touchpoints keeps them safe by refusing."""
    _path_lock(stage.path_id)
    if Touchpoint.objects.filter(stage_id=stage.pk).exists():
        raise DomainError(
            _("Move or delete the touchpoints of “%(name)s” before deleting the stage.") % {"name": stage.name},
            code="stage_not_empty",
        )
    path_id = stage.path_id
    rows_delete(rows=Stage.objects.filter(pk=stage.pk).get())
    _renumber(list(Stage.objects.filter(path_id=path_id).order_by("position")))


# --- touchpoints ---------------------------------------------------------------


@transaction.atomic
def touchpoint_add(
    *,
    stage: Stage,
    name: str,
    channel: str = Channel.OTHER,
    customer_does: str = "",
    customer_thinks: str = "",
    customer_feels: str = "",
    intended_experience: str = "",
    planned_emotion: int = 0,
    is_peak: bool = False,
    is_end: bool = False,
    target_nps: int | None = None,
    position: int | None = None,
) -> Touchpoint:
    """Add a touchpoint to `stage`, at the end or at `position` (0-based). It starts unowned."""
    _path_lock(stage.path_id)
    siblings = list(Touchpoint.objects.filter(stage_id=stage.pk).order_by("position"))
    touchpoint = Touchpoint(
        stage=stage,
        position=0,
        name=_strip(name),
        channel=channel,
        customer_does=_strip(customer_does),
        customer_thinks=_strip(customer_thinks),
        customer_feels=_strip(customer_feels),
        intended_experience=_strip(intended_experience),
        planned_emotion=planned_emotion,
        is_peak=is_peak,
        is_end=is_end,
        target_nps=target_nps,
    )
    _validate(touchpoint, exclude=["position"])
    _end_check(touchpoint, stage.path_id)
    siblings.insert(_clamp(position, len(siblings)), touchpoint)
    touchpoint.position = siblings.index(touchpoint)
    touchpoint.save()
    _renumber(siblings, skip=touchpoint)
    return touchpoint


@transaction.atomic
def touchpoint_update(*, touchpoint: Touchpoint, **changes: Any) -> Touchpoint:
    """Change what a touchpoint is (name, channel, the customer's view, the plan, the target).

    Position, stage and owners change through touchpoint_move and touchpoint_assign_owner.
    """
    unknown = set(changes) - TOUCHPOINT_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    path_id = Stage.objects.values_list("path_id", flat=True).get(pk=touchpoint.stage_id)
    _path_lock(path_id)
    touchpoint = Touchpoint.objects.get(pk=touchpoint.pk)
    for field, value in changes.items():
        setattr(touchpoint, field, _strip(value) if isinstance(value, str) else value)
    _validate(touchpoint)
    _end_check(touchpoint, path_id)
    touchpoint.save()
    return touchpoint


@transaction.atomic
def touchpoint_move(*, touchpoint: Touchpoint, position: int, stage: Stage | None = None) -> Touchpoint:
    """Move a touchpoint to `position` (0-based, clamped) in `stage` (default: its own) of the same path."""
    source_stage = Stage.objects.get(pk=touchpoint.stage_id)
    target_stage = source_stage if stage is None else Stage.objects.get(pk=stage.pk)
    if target_stage.path_id != source_stage.path_id:
        message = _("A touchpoint can only move between stages of its own path.")
        raise DomainError(message, code="other_path", fields={"stage": [message]})
    _path_lock(source_stage.path_id)
    touchpoint = Touchpoint.objects.get(pk=touchpoint.pk)
    old = (touchpoint.stage_id, touchpoint.position)

    if target_stage.pk != source_stage.pk:
        remaining = list(
            Touchpoint.objects.filter(stage_id=source_stage.pk).exclude(pk=touchpoint.pk).order_by("position")
        )
        _renumber(remaining)
    targets = list(Touchpoint.objects.filter(stage_id=target_stage.pk).exclude(pk=touchpoint.pk).order_by("position"))
    targets.insert(_clamp(position, len(targets)), touchpoint)
    touchpoint.stage = target_stage
    _renumber(targets, skip=touchpoint)
    if (touchpoint.stage_id, touchpoint.position) != old:
        touchpoint.save()
    return touchpoint


@transaction.atomic
def touchpoint_delete(*, touchpoint: Touchpoint) -> None:
    """Delete a touchpoint; its ownership history and audit trail stay readable.

    A touchpoint with logged encounters stays: they, their answers and the
    scores built on them need it. Archiving the path retires it instead.
    """
    stage = Stage.objects.get(pk=touchpoint.stage_id)
    _path_lock(stage.path_id)
    touchpoint = Touchpoint.objects.get(pk=touchpoint.pk)
    refusal = _(
        "“%(name)s” has logged encounters, so it cannot be deleted: their history must stay whole. "
        "Archive the service path instead when it is no longer in use."
    ) % {"name": touchpoint.name}
    rows_delete(rows=touchpoint, refusal=refusal)
    _renumber(list(Touchpoint.objects.filter(stage_id=stage.pk).order_by("position")))


# --- ownership -----------------------------------------------------------------


def _assignee_check(user: User | None, field: str) -> None:
    if user is None:
        return
    if not User.objects.filter(pk=user.pk, is_active=True).exists():
        message = _("%(user)s is not an active user of this company.") % {"user": user}
        raise DomainError(message, code="inactive_user", fields={field: [message]})


def _ownership_write(
    *, touchpoint: Touchpoint, owner: User | None, backup: User | None, acting_user: User | None, note: str
) -> bool:
    """Set owner and backup on a locked touchpoint and log each role that changed. True when anything changed."""
    if backup is not None and owner is None:
        message = _("Name an owner before a backup.")
        raise DomainError(message, code="backup_without_owner", fields={"backup_owner": [message]})
    if backup is not None and owner is not None and backup.pk == owner.pk:
        message = _("The backup must be someone other than the owner.")
        raise DomainError(message, code="backup_is_owner", fields={"backup_owner": [message]})

    changes = []
    before = {"owner": touchpoint.owner_id, "backup_owner": touchpoint.backup_owner_id}
    path_name = touchpoint.stage.path.name
    for role, field, new in ((OwnershipRole.OWNER, "owner", owner), (OwnershipRole.BACKUP, "backup_owner", backup)):
        old_id = getattr(touchpoint, f"{field}_id")
        new_id = new.pk if new is not None else None
        if old_id == new_id:
            continue
        _assignee_check(new, field)
        changes.append(
            OwnershipChange(
                touchpoint=touchpoint,
                touchpoint_name=touchpoint.name,
                path_name=path_name,
                role=role,
                from_owner_id=old_id,
                to_owner=new,
                changed_by=acting_user,
                note=note[:200],
            )
        )
        setattr(touchpoint, field, new)
    if not changes:
        return False
    touchpoint._history_user = acting_user  # type: ignore[attr-defined]  # read by simple-history
    touchpoint.save()
    OwnershipChange.objects.bulk_create(changes)
    after = {"owner": touchpoint.owner_id, "backup_owner": touchpoint.backup_owner_id}
    audit_log_record(
        event_type=AuditEvent.OWNER_CHANGED,
        acting_user=acting_user,
        modified_user=owner,
        target=touchpoint,
        extra=audit_changes(before=before, after=after, values_kept=after),
    )
    return True


@transaction.atomic
def touchpoint_assign_owner(
    *,
    touchpoint: Touchpoint,
    owner: User | None,
    backup: User | None = None,
    acting_user: User | None,
    note: str = "",
) -> Touchpoint:
    """Make `owner` accountable for the touchpoint (None leaves it unowned) with an optional `backup`.

    Owners must be active users of the company; each role that changes is written to
    the ownership history in the same transaction.
    """
    touchpoint = Touchpoint.objects.select_for_update().select_related("stage__path").get(pk=touchpoint.pk)
    _ownership_write(touchpoint=touchpoint, owner=owner, backup=backup, acting_user=acting_user, note=note)
    return touchpoint


@transaction.atomic
def touchpoint_reassign_all(*, from_user: User, to_user: User | None, acting_user: User | None, note: str = "") -> int:
    """Hand every touchpoint `from_user` owns or backs up to `to_user`; return how many changed.

    With no successor (`to_user` None) the backup, when there is one, becomes the owner;
    otherwise the touchpoint is left unowned, which the ownership pages show as a defect.
    """
    if to_user is not None and to_user.pk == from_user.pk:
        message = _("Choose someone else to take over.")
        raise DomainError(message, code="same_user", fields={"to_user": [message]})
    _assignee_check(to_user, "to_user")
    touchpoints = (
        Touchpoint.objects.select_for_update(of=("self",))
        .select_related("stage__path", "owner", "backup_owner")
        .filter(Q(owner=from_user) | Q(backup_owner=from_user))
        .order_by("pk")
    )
    changed = 0
    for touchpoint in touchpoints:
        owner, backup = touchpoint.owner, touchpoint.backup_owner
        if owner is not None and owner.pk == from_user.pk:
            owner = to_user
        if backup is not None and backup.pk == from_user.pk:
            backup = to_user
        if owner is None and backup is not None:
            owner, backup = backup, None
        if owner is not None and backup is not None and owner.pk == backup.pk:
            backup = None
        changed += _ownership_write(
            touchpoint=touchpoint, owner=owner, backup=backup, acting_user=acting_user, note=note
        )
    return changed


@transaction.atomic
def user_deactivate_with_handover(*, user: User, to_user: User | None, acting_user: User) -> int:
    """Hand over `user`'s touchpoints, then deactivate the account; all or nothing.

    The accounts app knows nothing of touchpoints, so this flow lives here and calls
    its service. Returns the number of touchpoints handed over.
    """
    if user.pk == acting_user.pk:
        raise DomainError(_("You cannot deactivate your own account."), code="self_deactivate")
    note = _("Handed over when %(user)s was deactivated") % {"user": user}
    changed = touchpoint_reassign_all(from_user=user, to_user=to_user, acting_user=acting_user, note=note)
    user_update(user=user, is_active=False, acting_user=acting_user)
    return changed
