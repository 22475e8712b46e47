"""Touchpoint ownership: the accountable owner and the backup, handovers, and deactivating a user
with their touchpoints handed over."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import user_is_active
from apps.accounts.services import user_update
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.journeys.models import OwnershipChange, OwnershipRole, Touchpoint


def _assignee_check(user: User | None, field: str) -> None:
    if user is None:
        return
    if not user_is_active(user_id=user.pk):
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
