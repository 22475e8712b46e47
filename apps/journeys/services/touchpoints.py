"""Adding, editing, moving and deleting touchpoints; their owners are set in `ownership`."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.deletion import rows_delete
from apps.core.exceptions import DomainError
from apps.journeys.models import Channel, Stage, Touchpoint
from apps.journeys.services.common import fields_validate, path_lock, position_clamp, positions_renumber, text_clean

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
    path_lock(stage.path_id)
    siblings = list(Touchpoint.objects.filter(stage_id=stage.pk).order_by("position"))
    touchpoint = Touchpoint(
        stage=stage,
        position=0,
        name=text_clean(name),
        channel=channel,
        customer_does=text_clean(customer_does),
        customer_thinks=text_clean(customer_thinks),
        customer_feels=text_clean(customer_feels),
        intended_experience=text_clean(intended_experience),
        planned_emotion=planned_emotion,
        is_peak=is_peak,
        is_end=is_end,
        target_nps=target_nps,
    )
    fields_validate(touchpoint, exclude=["position"])
    _end_check(touchpoint, stage.path_id)
    siblings.insert(position_clamp(position, len(siblings)), touchpoint)
    touchpoint.position = siblings.index(touchpoint)
    touchpoint.save()
    positions_renumber(siblings, skip=touchpoint)
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
    path_lock(path_id)
    touchpoint = Touchpoint.objects.get(pk=touchpoint.pk)
    for field, value in changes.items():
        setattr(touchpoint, field, text_clean(value) if isinstance(value, str) else value)
    fields_validate(touchpoint)
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
    path_lock(source_stage.path_id)
    touchpoint = Touchpoint.objects.get(pk=touchpoint.pk)
    old = (touchpoint.stage_id, touchpoint.position)

    if target_stage.pk != source_stage.pk:
        remaining = list(
            Touchpoint.objects.filter(stage_id=source_stage.pk).exclude(pk=touchpoint.pk).order_by("position")
        )
        positions_renumber(remaining)
    targets = list(Touchpoint.objects.filter(stage_id=target_stage.pk).exclude(pk=touchpoint.pk).order_by("position"))
    targets.insert(position_clamp(position, len(targets)), touchpoint)
    touchpoint.stage = target_stage
    positions_renumber(targets, skip=touchpoint)
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
    path_lock(stage.path_id)
    touchpoint = Touchpoint.objects.get(pk=touchpoint.pk)
    refusal = _(
        "“%(name)s” has logged encounters, so it cannot be deleted: their history must stay whole. "
        "Archive the service path instead when it is no longer in use."
    ) % {"name": touchpoint.name}
    rows_delete(rows=touchpoint, refusal=refusal)
    positions_renumber(list(Touchpoint.objects.filter(stage_id=stage.pk).order_by("position")))
