import pytest

from apps.core.exceptions import DomainError
from apps.journeys.models import ServicePath, Stage
from apps.journeys.services.paths import path_archive, path_create, path_restore, path_update
from apps.journeys.services.stages import stage_add, stage_delete, stage_move, stage_rename
from tests.journeys.factories import constraints_check, map_build, stage_named, stage_names, touchpoint_named

pytestmark = pytest.mark.django_db


def test_path_create_strips_and_requires_a_name(manager):
    path = path_create(name="  Katsastus  ", description=" Kuvaus ", created_by=manager)
    assert (path.name, path.description, path.created_by) == ("Katsastus", "Kuvaus", manager)
    with pytest.raises(DomainError) as error:
        path_create(name="   ")
    assert "name" in error.value.fields


def test_path_update_and_archive_make_it_read_only_until_restored():
    path = map_build()
    path = path_update(path=path, name="Uusi nimi")
    assert ServicePath.objects.get(pk=path.pk).name == "Uusi nimi"

    path_archive(path=path)
    with pytest.raises(DomainError) as error:
        stage_add(path=path, name="Extra")
    assert error.value.code == "archived"

    path_restore(path=path)
    stage_add(path=path, name="Extra")
    assert stage_names(path) == ["Booking", "Arrival", "Extra"]


def test_stage_add_appends_or_inserts_and_keeps_positions_dense():
    path = map_build(stages={"A": [], "B": []})
    stage_add(path=path, name="First", position=0)
    stage_add(path=path, name="Middle", position=2)
    stage_add(path=path, name="Last", position=99)
    constraints_check()
    assert stage_names(path) == ["First", "A", "Middle", "B", "Last"]
    assert list(Stage.objects.filter(path=path).order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
    ]


@pytest.mark.parametrize(
    ("position", "expected"),
    [(0, ["C", "A", "B", "D"]), (1, ["A", "C", "B", "D"]), (3, ["A", "B", "D", "C"]), (50, ["A", "B", "D", "C"])],
)
def test_stage_move(position, expected):
    path = map_build(stages={"A": [], "B": [], "C": [], "D": []})
    stage_move(stage=stage_named(path, "C"), position=position)
    constraints_check()
    assert stage_names(path) == expected


def test_stage_rename_validates():
    path = map_build()
    stage = stage_rename(stage=stage_named(path, "Booking"), name="Ajanvaraus", description="Kun tarve herää")
    assert (stage.name, stage.description) == ("Ajanvaraus", "Kun tarve herää")
    with pytest.raises(DomainError):
        stage_rename(stage=stage, name="")


def test_stage_delete_refuses_a_stage_with_touchpoints_and_renumbers():
    path = map_build(stages={"A": ["x"], "B": [], "C": []})
    with pytest.raises(DomainError) as error:
        stage_delete(stage=stage_named(path, "A"))
    assert error.value.code == "stage_not_empty"
    assert touchpoint_named(path, "x")

    stage_delete(stage=stage_named(path, "B"))
    constraints_check()
    assert stage_names(path) == ["A", "C"]
    assert stage_named(path, "C").position == 1
