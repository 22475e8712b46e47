"""What the map services share: field validation, the path lock and dense positions."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from apps.core.exceptions import DomainError
from apps.journeys.models import ServicePath


def fields_validate(instance: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """Run the model's field validators; report their messages per field."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise DomainError(_("Check the highlighted fields."), fields=error.message_dict) from error


def text_clean(value: str | None) -> str:
    return (value or "").strip()


def path_lock(path_id: int) -> ServicePath:
    """Lock the path row for the rest of the transaction; archived paths are read-only."""
    path = ServicePath.objects.select_for_update().get(pk=path_id)
    if path.is_archived:
        raise DomainError(_("This service path is archived. Restore it before editing."), code="archived")
    return path


def position_clamp(position: int | None, size: int) -> int:
    if position is None:
        return size
    return max(0, min(int(position), size))


def positions_renumber(items: Sequence[models.Model], *, skip: models.Model | None = None) -> None:
    """Give `items` the positions 0..n-1 in their order, in one bulk update (`skip` is saved by the caller)."""
    shifted = []
    for index, item in enumerate(items):
        if item.position != index:  # type: ignore[attr-defined]
            item.position = index  # type: ignore[attr-defined]
            if item is not skip:
                shifted.append(item)
    if shifted:
        type(shifted[0]).objects.bulk_update(shifted, ["position"])  # type: ignore[attr-defined]
