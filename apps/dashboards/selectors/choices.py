"""The paths, personas and segments a dashboard page offers as filters and names in its tables, in one query."""

from dataclasses import dataclass

from django.db.models import BooleanField, IntegerField, Value

from apps.customers.models import Segment
from apps.journeys.models import ServicePath
from apps.personas.models import BuyerPersona

_PATH, _PERSONA, _SEGMENT = 0, 1, 2


@dataclass(frozen=True)
class FilterChoices:
    paths: list[ServicePath]  # in use, by name
    personas: list[BuyerPersona]  # archived ones too (old answers keep their persona), active first
    segments: list[Segment]

    @property
    def active_personas(self) -> list[BuyerPersona]:
        return [persona for persona in self.personas if persona.is_active]


def filter_choices() -> FilterChoices:
    """Ids and names only (the objects carry nothing else): enough for a filter and a table row."""

    def kind(value: int) -> Value:
        return Value(value, output_field=IntegerField())

    active = Value(True, output_field=BooleanField())
    paths = (
        ServicePath.objects.filter(archived_at__isnull=True)
        .annotate(active=active, kind=kind(_PATH))
        .values_list("id", "name", "active", "kind")
    )
    personas = BuyerPersona.objects.annotate(kind=kind(_PERSONA)).values_list("id", "name", "is_active", "kind")
    segments = Segment.objects.annotate(active=active, kind=kind(_SEGMENT)).values_list("id", "name", "active", "kind")
    # Active personas first, then by name (as persona_list orders them), in the database's collation.
    rows = list(
        paths.order_by()
        .union(personas.order_by(), segments.order_by(), all=True)
        .order_by("kind", "-active", "name", "id")
    )
    return FilterChoices(
        paths=[ServicePath(id=pk, name=name) for pk, name, _active, row_kind in rows if row_kind == _PATH],
        personas=[
            BuyerPersona(id=pk, name=name, is_active=is_active)
            for pk, name, is_active, row_kind in rows
            if row_kind == _PERSONA
        ],
        segments=[Segment(id=pk, name=name) for pk, name, _active, row_kind in rows if row_kind == _SEGMENT],
    )
