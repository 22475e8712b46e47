"""Reads: the region tree, locations under a region (the recursive query), a user's locations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.locations.selectors import location_list, locations_of_user, region_descendant_ids, region_tree
from apps.locations.services import location_archive, location_staff_add
from tests.locations.factories import location_build, region_path_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> dict[str, object]:
    kallio = region_path_build("Uusimaa", "Helsinki", "Kallio")
    helsinki, uusimaa = kallio.parent, kallio.parent.parent
    espoo = region_path_build("Uusimaa", "Espoo")
    pirkanmaa = region_path_build("Pirkanmaa")
    return {
        "uusimaa": uusimaa,
        "helsinki": helsinki,
        "kallio": kallio,
        "espoo": espoo,
        "pirkanmaa": pirkanmaa,
        "sornainen": location_build(name="Sörnäinen", region=kallio),
        "konala": location_build(name="Konala", region=helsinki),
        "leppavaara": location_build(name="Leppävaara", region=espoo),
        "tampere": location_build(name="Tampere", region=pirkanmaa),
        "loose": location_build(name="Liikkuva asema"),
    }


def test_locations_under_a_region_include_every_level_below_it_in_one_query(chain) -> None:
    with CaptureQueriesContext(connection) as queries:
        names = [location.name for location in location_list(region_id=chain["uusimaa"].pk)]
    assert len(queries) == 1
    assert names == ["Konala", "Leppävaara", "Sörnäinen"]
    assert [location.name for location in location_list(region_id=chain["helsinki"].pk)] == ["Konala", "Sörnäinen"]
    assert [location.name for location in location_list(region_id=chain["kallio"].pk)] == ["Sörnäinen"]


def test_archived_locations_are_left_out_unless_asked_for(chain) -> None:
    location_archive(location=chain["konala"])
    assert "Konala" not in [location.name for location in location_list(region_id=chain["uusimaa"].pk)]
    assert "Konala" in [
        location.name for location in location_list(region_id=chain["uusimaa"].pk, include_archived=True)
    ]


def test_region_descendants(chain) -> None:
    assert region_descendant_ids(region_id=chain["uusimaa"].pk) == {
        chain[name].pk for name in ("uusimaa", "helsinki", "kallio", "espoo")
    }


def test_the_tree_is_depth_first_with_paths_and_locations(chain) -> None:
    tree = region_tree()
    flat = [(node.depth, node.path, [location.name for location in node.locations]) for node in tree.flat()]
    assert flat == [
        (0, "Pirkanmaa", ["Tampere"]),
        (0, "Uusimaa", []),
        (1, "Uusimaa > Espoo", ["Leppävaara"]),
        (1, "Uusimaa > Helsinki", ["Konala"]),
        (2, "Uusimaa > Helsinki > Kallio", ["Sörnäinen"]),
    ]
    assert [location.name for location in tree.unplaced] == ["Liikkuva asema"]


def test_a_users_locations(chain, frontline, manager) -> None:
    location_staff_add(location=chain["konala"], user=frontline)
    location_staff_add(location=chain["tampere"], user=frontline)
    assert [location.name for location in locations_of_user(user=frontline)] == ["Konala", "Tampere"]
    assert list(locations_of_user(user=manager)) == []
    location_archive(location=chain["tampere"])
    assert [location.name for location in locations_of_user(user=frontline)] == ["Konala"]
