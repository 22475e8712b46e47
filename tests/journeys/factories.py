"""Builders for service-path maps in tests; they go through the services like the UI does."""

from django.db import connection

from apps.journeys.models import ServicePath, Stage, Touchpoint
from apps.journeys.services.paths import path_create
from apps.journeys.services.stages import stage_add
from apps.journeys.services.touchpoints import touchpoint_add


def map_build(name: str = "Määräaikaiskatsastus", stages: dict[str, list[str]] | None = None) -> ServicePath:
    """A path with the given stages and touchpoint names, in order."""
    stages = stages if stages is not None else {"Booking": ["Web booking", "Phone booking"], "Arrival": ["Check-in"]}
    path = path_create(name=name)
    for stage_name, touchpoint_names in stages.items():
        stage = stage_add(path=path, name=stage_name)
        for touchpoint_name in touchpoint_names:
            touchpoint_add(stage=stage, name=touchpoint_name, channel="web")
    return path


def stage_named(path: ServicePath, name: str) -> Stage:
    return Stage.objects.get(path=path, name=name)


def touchpoint_named(path: ServicePath, name: str) -> Touchpoint:
    return Touchpoint.objects.get(stage__path=path, name=name)


def stage_names(path: ServicePath) -> list[str]:
    return list(Stage.objects.filter(path=path).order_by("position").values_list("name", flat=True))


def touchpoint_layout(path: ServicePath) -> dict[str, list[tuple[int, str]]]:
    """{stage name: [(position, touchpoint name), ...]} in order."""
    layout: dict[str, list[tuple[int, str]]] = {}
    for stage in Stage.objects.filter(path=path).order_by("position"):
        layout[stage.name] = list(stage.touchpoints.order_by("position").values_list("position", "name"))
    return layout


def constraints_check() -> None:
    """Check the deferred position constraints now instead of at a commit that tests never reach."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
