"""Writes on regions, locations and staff: the rules of the tree, codes and archiving."""

import pytest
from django.db.models import ProtectedError

from apps.core.exceptions import DomainError
from apps.customers.services import customer_create
from apps.encounters.services import encounter_log
from apps.locations.models import Location, LocationMembership, Region
from apps.locations.services import (
    location_archive,
    location_create,
    location_restore,
    location_staff_add,
    location_staff_remove,
    location_update,
    region_create,
    region_delete,
    region_update,
)
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build

pytestmark = pytest.mark.django_db


def test_regions_nest_to_any_depth_and_names_are_unique_among_siblings() -> None:
    uusimaa = region_create(name="Uusimaa")
    helsinki = region_create(name="Helsinki", parent=uusimaa)
    region_create(name="Kallio", parent=helsinki)
    # The same name elsewhere in the tree is fine; twice under one parent (any case) is not.
    region_create(name="Helsinki")
    with pytest.raises(DomainError) as error:
        region_create(name="helsinki ", parent=uusimaa)
    assert "name" in error.value.fields
    with pytest.raises(DomainError):
        region_create(name="UUSIMAA")


def test_a_region_cannot_move_under_itself_or_its_own_branch() -> None:
    uusimaa = region_path_build("Uusimaa")
    kallio = region_path_build("Uusimaa", "Helsinki", "Kallio")
    for new_parent in (uusimaa, kallio):
        with pytest.raises(DomainError) as error:
            region_update(region=uusimaa, parent=new_parent)
        assert "parent" in error.value.fields
    assert Region.objects.get(pk=uusimaa.pk).parent is None


def test_a_region_moves_with_its_branch_and_back_to_the_top() -> None:
    helsinki = region_path_build("Uusimaa", "Helsinki")
    pirkanmaa = region_create(name="Pirkanmaa")
    moved = region_update(region=helsinki, parent=pirkanmaa, name="Helsingin seutu")
    assert (moved.parent, moved.name) == (pirkanmaa, "Helsingin seutu")
    assert region_update(region=moved, parent=None).parent is None


def test_only_an_empty_region_can_be_removed() -> None:
    helsinki = region_path_build("Uusimaa", "Helsinki")
    location_build(region=helsinki)
    with pytest.raises(DomainError):
        region_delete(region=helsinki.parent)
    with pytest.raises(DomainError):
        region_delete(region=helsinki)
    empty = region_create(name="Lappi")
    region_delete(region=empty)
    assert not Region.objects.filter(pk=empty.pk).exists()


def test_location_codes_are_unique_in_the_company_whatever_the_case() -> None:
    location_create(name="Konala", code="HKI1")
    with pytest.raises(DomainError) as error:
        location_create(name="Toinen", code="hki1")
    assert "code" in error.value.fields
    with pytest.raises(DomainError) as error:
        location_create(name="Kolmas", code="HKI 2")
    assert "code" in error.value.fields
    with pytest.raises(DomainError) as error:
        location_create(name=" ", code="HKI3")
    assert "name" in error.value.fields


def test_a_location_is_updated_archived_and_restored_never_deleted() -> None:
    location = location_build(name="Konala")
    region = region_create(name="Uusimaa")
    location = location_update(location=location, region=region, city="Helsinki")
    assert (location.region, location.city) == (region, "Helsinki")
    archived = location_archive(location=location)
    assert not archived.is_active and archived.archived_at is not None
    assert location_restore(location=archived).is_active


def test_a_location_with_encounters_cannot_be_deleted() -> None:
    location = location_build()
    path = map_build(stages={"Saapuminen": ["Vastaanotto"]})
    customer = customer_create(full_name="Maija", email="maija.loc@example.fi")
    encounter_log(
        logged_by=None,
        customer=customer,
        touchpoint=touchpoint_named(path, "Vastaanotto"),
        outcome="resolved",
        location=location,
    )
    with pytest.raises(ProtectedError):
        Location.objects.filter(pk=location.pk).delete()


def test_staff_belong_to_several_locations(manager, frontline) -> None:
    first, second = location_build(), location_build()
    location_staff_add(location=first, user=frontline)
    location_staff_add(location=second, user=frontline)
    location_staff_add(location=first, user=frontline)  # again: nothing changes
    assert LocationMembership.objects.filter(user=frontline).count() == 2
    assert location_staff_remove(location=first, user=frontline)
    assert not location_staff_remove(location=first, user=frontline)
    assert list(frontline.locations.all()) == [second]


def test_an_inactive_user_is_not_added(frontline) -> None:
    frontline.is_active = False
    frontline.save(update_fields=["is_active"])
    with pytest.raises(DomainError):
        location_staff_add(location=location_build(), user=frontline)
