"""Reads on service-path maps and ownership."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.accounts.selectors import user_list
from apps.core.request_memo import memoized_in_scope
from apps.journeys.audit import AuditEntry, audit_entries
from apps.journeys.models import OwnershipChange, ServicePath, Stage, Touchpoint


def path_list(
    *, include_archived: bool = False, archived_only: bool = False, search: str = ""
) -> QuerySet[ServicePath]:
    """Paths with their stage, touchpoint and unowned-touchpoint counts."""
    paths = ServicePath.objects.annotate(
        stage_count=Count("stages", distinct=True),
        touchpoint_count=Count("stages__touchpoints", distinct=True),
        unowned_count=Count("stages__touchpoints", filter=Q(stages__touchpoints__owner__isnull=True), distinct=True),
    ).order_by("name", "id")
    if archived_only:
        paths = paths.filter(archived_at__isnull=False)
    elif not include_archived:
        paths = paths.filter(archived_at__isnull=True)
    if search:
        paths = paths.filter(name__icontains=search.strip())
    return paths


def path_get(*, path_id: int) -> ServicePath | None:
    return ServicePath.objects.filter(pk=path_id).first()


def _touchpoints_with_people() -> QuerySet[Touchpoint]:
    return Touchpoint.objects.select_related("owner", "backup_owner").order_by("position")


def path_with_map(*, path_id: int) -> ServicePath | None:
    """The path with its stages and their touchpoints (owners included) in order, in three queries."""
    stages = Stage.objects.order_by("position").prefetch_related(
        Prefetch("touchpoints", queryset=_touchpoints_with_people())
    )
    return ServicePath.objects.filter(pk=path_id).prefetch_related(Prefetch("stages", queryset=stages)).first()


def path_stages(*, path_id: int) -> list[Stage]:
    """The path's stages in order, without their touchpoints (for pages that have those already)."""
    return list(Stage.objects.filter(path_id=path_id).order_by("position"))


@dataclass
class MapColumn:
    """One touchpoint column of the map grid (an empty stage still takes one column)."""

    stage: Stage
    touchpoint: Touchpoint | None
    stage_index: int = 0
    starts_stage: bool = False


@dataclass
class MapLayout:
    path: ServicePath
    stages: list[tuple[Stage, list[Touchpoint]]] = field(default_factory=list)
    columns: list[MapColumn] = field(default_factory=list)

    @property
    def stage_starts(self) -> list[float]:
        """x (percent of the map's width) where each stage after the first begins, for the curve's separators."""
        count = len(self.columns)
        return [round(i / count * 100, 2) for i, column in enumerate(self.columns) if column.starts_stage and i > 0]

    @property
    def touchpoints(self) -> list[Touchpoint]:
        return [column.touchpoint for column in self.columns if column.touchpoint is not None]


def path_map_layout(*, path: ServicePath) -> MapLayout:
    """Arrange a path loaded by path_with_map into stage spans and touchpoint columns."""
    layout = MapLayout(path=path)
    for stage_index, stage in enumerate(path.stages.all()):
        touchpoints = list(stage.touchpoints.all())
        layout.stages.append((stage, touchpoints))
        for index, touchpoint in enumerate(touchpoints or [None]):
            layout.columns.append(
                MapColumn(stage=stage, touchpoint=touchpoint, stage_index=stage_index, starts_stage=index == 0)
            )
    return layout


def touchpoint_list(
    *,
    path_id: int | None = None,
    stage_id: int | None = None,
    owner_id: int | None = None,
    unowned: bool | None = None,
    channel: str | None = None,
    include_archived: bool = False,
) -> QuerySet[Touchpoint]:
    touchpoints = Touchpoint.objects.select_related("stage__path", "owner", "backup_owner").order_by(
        "stage__path__name", "stage__path_id", "stage__position", "position"
    )
    if not include_archived:
        touchpoints = touchpoints.filter(stage__path__archived_at__isnull=True)
    if path_id is not None:
        touchpoints = touchpoints.filter(stage__path_id=path_id)
    if stage_id is not None:
        touchpoints = touchpoints.filter(stage_id=stage_id)
    if owner_id is not None:
        touchpoints = touchpoints.filter(Q(owner_id=owner_id) | Q(backup_owner_id=owner_id))
    if unowned is True:
        touchpoints = touchpoints.filter(owner__isnull=True)
    elif unowned is False:
        touchpoints = touchpoints.filter(owner__isnull=False)
    if channel:
        touchpoints = touchpoints.filter(channel=channel)
    return touchpoints


def touchpoint_get(*, touchpoint_id: int) -> Touchpoint | None:
    return Touchpoint.objects.select_related("stage__path", "owner", "backup_owner").filter(pk=touchpoint_id).first()


def touchpoints_owned_by(*, user: User) -> QuerySet[Touchpoint]:
    """Touchpoints `user` owns or backs up, on paths in use (archived paths excluded)."""
    return touchpoint_list(owner_id=user.pk)


def touchpoints_unowned() -> QuerySet[Touchpoint]:
    return touchpoint_list(unowned=True)


def owners_summary() -> QuerySet[User]:
    """Every user with their owned and backed-up touchpoint counts on paths in use."""
    return (
        user_list()
        .annotate(
            owned_count=Count(
                "owned_touchpoints", filter=Q(owned_touchpoints__stage__path__archived_at__isnull=True), distinct=True
            ),
            backup_count=Count(
                "backup_touchpoints",
                filter=Q(backup_touchpoints__stage__path__archived_at__isnull=True),
                distinct=True,
            ),
        )
        .filter(Q(is_active=True) | Q(owned_count__gt=0) | Q(backup_count__gt=0))
        .order_by("full_name", "email")
    )


def ownership_change_list(*, touchpoint_id: int | None = None, user_id: int | None = None) -> QuerySet[OwnershipChange]:
    changes = OwnershipChange.objects.select_related("from_owner", "to_owner", "changed_by", "touchpoint")
    if touchpoint_id is not None:
        changes = changes.filter(touchpoint_id=touchpoint_id)
    if user_id is not None:
        changes = changes.filter(Q(from_owner_id=user_id) | Q(to_owner_id=user_id))
    return changes.order_by("-changed_at", "-id")


def assignable_users() -> QuerySet[User]:
    """People who may own a touchpoint: the company's active users."""
    return user_list(include_inactive=False)


def path_audit(*, path: ServicePath, limit: int = 300) -> list[AuditEntry]:
    """Who changed what on `path`, its stages and touchpoints (deleted ones included), newest first."""
    stage_ids = Stage.history.filter(path_id=path.pk).values("id")
    records = {
        "path": ServicePath.history.filter(id=path.pk).select_related("history_user"),
        "stage": Stage.history.filter(path_id=path.pk).select_related("history_user"),
        "touchpoint": Touchpoint.history.filter(stage_id__in=stage_ids).select_related("history_user"),
    }
    return audit_entries(records)[:limit]


def path_emotions(*, path_ids: list[int]) -> dict[int, list[dict[str, object]]]:
    """{path id: [{emotion, is_peak, is_end, label}, ...] in map order} for the list's small curves; one query."""
    result: dict[int, list[dict[str, object]]] = {path_id: [] for path_id in path_ids}
    rows = (
        Touchpoint.objects.filter(stage__path_id__in=path_ids)
        .order_by("stage__path_id", "stage__position", "position")
        .values_list("stage__path_id", "planned_emotion", "is_peak", "is_end", "name")
    )
    for path_id, emotion, is_peak, is_end, name in rows:
        result[path_id].append({"emotion": emotion, "is_peak": is_peak, "is_end": is_end, "label": name})
    return result


@dataclass(frozen=True)
class TouchpointPlace:
    stage_id: int
    path_id: int


@memoized_in_scope
def touchpoint_places() -> dict[int, TouchpointPlace]:
    """{touchpoint id: where it sits}, archived paths included: old answers still belong somewhere."""
    rows = Touchpoint.objects.values_list("pk", "stage_id", "stage__path_id")
    return {pk: TouchpointPlace(stage_id=stage_id, path_id=path_id) for pk, stage_id, path_id in rows}
