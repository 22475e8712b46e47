"""Regions and locations for tests, built through the services (so the rules hold)."""

from apps.locations.models import Location, Region
from apps.locations.services import location_create, region_create


def region_path_build(*names: str) -> Region:
    """The region at the end of `names` (e.g. "Uusimaa", "Helsinki"), created with its parents as needed."""
    parent: Region | None = None
    for name in names:
        parent = Region.objects.filter(name=name, parent=parent).first() or region_create(name=name, parent=parent)
    assert parent is not None
    return parent


_counter = iter(range(1, 1_000_000))


def location_build(*, name: str = "", code: str = "", region: Region | None = None, city: str = "") -> Location:
    number = next(_counter)
    return location_create(
        name=name or f"Asema {number}", code=code or f"T{number}", region=region, address="", city=city
    )
