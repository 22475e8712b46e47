"""The demo chain has its stations, staff at them, and every demo encounter happened at one."""

from random import Random

import pytest

from apps.demo.seeds import SEEDERS
from apps.demo.seeds.context import DemoContext
from apps.encounters.models import Encounter
from apps.locations.models import Location
from apps.locations.selectors import location_list, locations_of_user, region_tree

pytestmark = pytest.mark.django_db


def test_the_demo_chain_has_stations_and_every_encounter_is_at_one(tenant_alpha) -> None:
    context = DemoContext(tenant=tenant_alpha, random=Random(2026))
    for seeder in SEEDERS:
        seeder.seed(context=context)
    assert Location.objects.count() == 6
    assert [node.path for node in region_tree().flat() if node.depth == 0] == [
        "Pirkanmaa",
        "Uusimaa",
        "Varsinais-Suomi",
    ]
    uusimaa = next(node for node in region_tree().flat() if node.path == "Uusimaa")
    assert location_list(region_id=uusimaa.region.pk).count() == 4
    assert Encounter.objects.exists() and not Encounter.objects.filter(location__isnull=True).exists()
    # Every station saw customers; the first frontline login has one station, preselected on the phone form.
    assert Encounter.objects.values("location").distinct().count() == 6
    assert [location.code for location in locations_of_user(user=context.users["frontline"])] == ["HKI1"]
    # Seeding again changes nothing.
    for seeder in SEEDERS:
        seeder.seed(context=context)
    assert Location.objects.count() == 6
