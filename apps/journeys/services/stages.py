"""Adding, renaming, moving and deleting the stages of a path."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.deletion import rows_delete
from apps.core.exceptions import DomainError
from apps.journeys.models import ServicePath, Stage, Touchpoint
from apps.journeys.services.common import fields_validate, path_lock, position_clamp, positions_renumber, text_clean


@transaction.atomic
def stage_add(*, path: ServicePath, name: str, description: str = "", position: int | None = None) -> Stage:
    """Add a stage to `path`, at the end or at `position` (0-based)."""
    path = path_lock(path.pk)
    stages = list(path.stages.order_by("position"))
    stage = Stage(path=path, name=text_clean(name), description=text_clean(description), position=0)
    fields_validate(stage, exclude=["position"])
    stages.insert(position_clamp(position, len(stages)), stage)
    stage.position = stages.index(stage)
    stage.save()
    positions_renumber(stages, skip=stage)
    return stage


@transaction.atomic
def stage_rename(*, stage: Stage, name: str, description: str | None = None) -> Stage:
    path_lock(stage.path_id)
    stage = Stage.objects.get(pk=stage.pk)
    stage.name = text_clean(name)
    if description is not None:
        stage.description = text_clean(description)
    fields_validate(stage)
    stage.save()
    return stage


@transaction.atomic
def stage_move(*, stage: Stage, position: int) -> Stage:
    """Move `stage` to `position` (0-based, clamped) within its path."""
    path_lock(stage.path_id)
    stages = list(Stage.objects.filter(path_id=stage.path_id).order_by("position"))
    stage = next(item for item in stages if item.pk == stage.pk)
    stages.remove(stage)
    stages.insert(position_clamp(position, len(stages)), stage)
    old_position = stage.position
    positions_renumber(stages, skip=stage)
    if stage.position != old_position:
        stage.save()
    return stage


@transaction.atomic
def stage_delete(*, stage: Stage) -> None:
    """Delete an empty stage; a stage with touchpoints keeps them safe by refusing."""
    path_lock(stage.path_id)
    if Touchpoint.objects.filter(stage_id=stage.pk).exists():
        raise DomainError(
            _("Move or delete the touchpoints of “%(name)s” before deleting the stage.") % {"name": stage.name},
            code="stage_not_empty",
        )
    path_id = stage.path_id
    rows_delete(rows=Stage.objects.filter(pk=stage.pk).get())
    positions_renumber(list(Stage.objects.filter(path_id=path_id).order_by("position")))
