"""The paths, personas, segments, locations and regions a dashboard page offers as filters and names in its
tables, in one query."""

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import BooleanField, F, IntegerField, Q, Value
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Cast

from apps.customers.models import Segment
from apps.journeys.models import ServicePath
from apps.locations.models import Location, Region
from apps.locations.selectors import REGION_PATH_SEPARATOR
from apps.personas.models import BuyerPersona

_PATH, _PERSONA, _SEGMENT, _LOCATION, _REGION = 0, 1, 2, 3, 4


@dataclass
class Place:
    """A location or a region as a filter offers it: `name` is a region's full path ("Uusimaa > Helsinki")."""

    pk: int
    name: str
    parent_id: int | None = None  # a location's region, a region's parent
    active: bool = True

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class FilterChoices:
    paths: list[ServicePath]  # in use, by name
    personas: list[BuyerPersona]  # archived ones too (old answers keep their persona), active first
    segments: list[Segment]
    # Archived locations too (their past answers can still be looked at), in use first.
    locations: list[Place] = field(default_factory=list)
    # Depth first, each named by its full path.
    regions: list[Place] = field(default_factory=list)

    @property
    def active_personas(self) -> list[BuyerPersona]:
        return [persona for persona in self.personas if persona.is_active]


def _region_order(regions: list[Place]) -> list[Place]:
    """Regions depth first (siblings by name, as read), each with its full path as its name."""
    children: dict[int | None, list[Place]] = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    ordered: list[Place] = []

    def walk(parent_id: int | None, prefix: str) -> None:
        for region in children.get(parent_id, []):
            region.name = f"{prefix}{region.name}"
            ordered.append(region)
            walk(region.pk, f"{region.name}{REGION_PATH_SEPARATOR}")

    walk(None, "")
    return ordered


@functools.cache
def _choices_sql() -> tuple[str, tuple[Any, ...]]:
    """The statement of filter_choices, compiled once per process: it depends on the models alone (the
    company is the connection's schema, and every value in it is a constant), and the ORM took longer
    to compile its five-way UNION than PostgreSQL takes to answer it."""

    def kind(value: int) -> Value:
        return Value(value, output_field=IntegerField())

    active = Value(True, output_field=BooleanField())
    no_parent = Cast(Value(None), output_field=IntegerField())
    paths = (
        ServicePath.objects.filter(archived_at__isnull=True)
        .annotate(active=active, kind=kind(_PATH), above=no_parent)
        .values_list("id", "name", "active", "kind", "above")
    )
    personas = BuyerPersona.objects.annotate(kind=kind(_PERSONA), above=no_parent).values_list(
        "id", "name", "is_active", "kind", "above"
    )
    segments = Segment.objects.annotate(active=active, kind=kind(_SEGMENT), above=no_parent).values_list(
        "id", "name", "active", "kind", "above"
    )
    locations = Location.objects.annotate(
        active=ExpressionWrapper(Q(archived_at__isnull=True), output_field=BooleanField()),
        kind=kind(_LOCATION),
        above=Cast(F("region_id"), output_field=IntegerField()),
    ).values_list("id", "name", "active", "kind", "above")
    regions = Region.objects.annotate(
        active=active, kind=kind(_REGION), above=Cast(F("parent_id"), output_field=IntegerField())
    ).values_list("id", "name", "active", "kind", "above")
    # Active personas and locations first, then by name (as persona_list orders them), in the database's collation.
    union = (
        paths.order_by()
        .union(personas.order_by(), segments.order_by(), locations.order_by(), regions.order_by(), all=True)
        .order_by("kind", "-active", "name", "id")
    )
    sql, params = union.query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    return sql, tuple(params)


def filter_choices() -> FilterChoices:
    """Ids and names only (the objects carry nothing else): enough for a filter and a table row."""
    sql, params = _choices_sql()
    with connections[router.db_for_read(ServicePath)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    def of(row_kind: int) -> list[tuple[int, str, bool, int | None]]:
        return [(pk, name, is_active, parent) for pk, name, is_active, kind_, parent in rows if kind_ == row_kind]

    return FilterChoices(
        paths=[ServicePath(id=pk, name=name) for pk, name, _active, _parent in of(_PATH)],
        personas=[BuyerPersona(id=pk, name=name, is_active=is_active) for pk, name, is_active, _parent in of(_PERSONA)],
        segments=[Segment(id=pk, name=name) for pk, name, _active, _parent in of(_SEGMENT)],
        locations=[
            Place(pk=pk, name=name, parent_id=parent, active=is_active) for pk, name, is_active, parent in of(_LOCATION)
        ],
        regions=_region_order([Place(pk=pk, name=name, parent_id=parent) for pk, name, _active, parent in of(_REGION)]),
    )
