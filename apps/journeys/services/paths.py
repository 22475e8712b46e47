"""Creating, renaming, archiving and restoring service paths."""

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.journeys.models import ServicePath
from apps.journeys.services.common import fields_validate, path_lock, text_clean


@transaction.atomic
def path_create(*, name: str, description: str = "", created_by: User | None = None) -> ServicePath:
    path = ServicePath(name=text_clean(name), description=text_clean(description), created_by=created_by)
    fields_validate(path)
    path.save()
    return path


@transaction.atomic
def path_update(*, path: ServicePath, name: str | None = None, description: str | None = None) -> ServicePath:
    path = path_lock(path.pk)
    if name is not None:
        path.name = text_clean(name)
    if description is not None:
        path.description = text_clean(description)
    fields_validate(path)
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
