import pytest

from apps.core.exceptions import DomainError
from apps.journeys.models import Touchpoint
from apps.journeys.services.touchpoints import touchpoint_add, touchpoint_delete, touchpoint_move, touchpoint_update
from tests.journeys.factories import constraints_check, map_build, stage_named, touchpoint_layout, touchpoint_named

pytestmark = pytest.mark.django_db


def test_touchpoint_add_with_all_fields_starts_unowned():
    path = map_build(stages={"Arrival": []})
    touchpoint = touchpoint_add(
        stage=stage_named(path, "Arrival"),
        name="Vastaanotto",
        channel="store",
        customer_does="Ilmoittautuu",
        customer_thinks="Onkohan jonoa?",
        customer_feels="Jännittää",
        intended_experience="Tervehditään nimellä",
        planned_emotion=1,
        is_peak=True,
        target_nps=50,
    )
    touchpoint.refresh_from_db()
    assert touchpoint.channel == "store"
    assert touchpoint.planned_emotion == 1
    assert touchpoint.owner is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"planned_emotion": 3}, "planned_emotion"),
        ({"planned_emotion": -3}, "planned_emotion"),
        ({"target_nps": 101}, "target_nps"),
        ({"target_nps": -101}, "target_nps"),
        ({"channel": "pigeon"}, "channel"),
        ({"name": " "}, "name"),
    ],
)
def test_touchpoint_rules(changes, field):
    path = map_build()
    touchpoint = touchpoint_named(path, "Check-in")
    with pytest.raises(DomainError) as error:
        touchpoint_update(touchpoint=touchpoint, **changes)
    assert field in error.value.fields
    with pytest.raises(DomainError):
        touchpoint_add(stage=stage_named(path, "Booking"), **{"name": "New", **changes})


def test_touchpoint_update_refuses_fields_it_does_not_own():
    path = map_build()
    with pytest.raises(DomainError):
        touchpoint_update(touchpoint=touchpoint_named(path, "Check-in"), position=4)


def test_a_path_has_one_end_moment_but_may_have_several_peaks():
    path = map_build()
    touchpoint_update(touchpoint=touchpoint_named(path, "Check-in"), is_end=True, is_peak=True)
    touchpoint_update(touchpoint=touchpoint_named(path, "Web booking"), is_peak=True)
    with pytest.raises(DomainError) as error:
        touchpoint_update(touchpoint=touchpoint_named(path, "Phone booking"), is_end=True)
    assert error.value.code == "end_taken"
    assert "Check-in" in error.value.message
    with pytest.raises(DomainError):
        touchpoint_add(stage=stage_named(path, "Arrival"), name="Goodbye", is_end=True)
    # Another path has its own end.
    other = map_build(name="Other")
    touchpoint_update(touchpoint=touchpoint_named(other, "Check-in"), is_end=True)
    assert Touchpoint.objects.filter(stage__path=path, is_peak=True).count() == 2


def test_touchpoint_move_within_a_stage():
    path = map_build(stages={"A": ["a1", "a2", "a3"]})
    touchpoint_move(touchpoint=touchpoint_named(path, "a3"), position=0)
    constraints_check()
    assert touchpoint_layout(path) == {"A": [(0, "a3"), (1, "a1"), (2, "a2")]}


def test_touchpoint_move_across_stages_renumbers_both():
    path = map_build(stages={"A": ["a1", "a2", "a3"], "B": ["b1", "b2"]})
    touchpoint_move(touchpoint=touchpoint_named(path, "a1"), stage=stage_named(path, "B"), position=1)
    constraints_check()
    assert touchpoint_layout(path) == {"A": [(0, "a2"), (1, "a3")], "B": [(0, "b1"), (1, "a1"), (2, "b2")]}


def test_touchpoint_cannot_move_to_another_path():
    path = map_build(stages={"A": ["a1"]})
    other = map_build(name="Other", stages={"X": []})
    with pytest.raises(DomainError) as error:
        touchpoint_move(touchpoint=touchpoint_named(path, "a1"), stage=stage_named(other, "X"), position=0)
    assert "stage" in error.value.fields


def test_touchpoint_delete_renumbers():
    path = map_build(stages={"A": ["a1", "a2", "a3"]})
    touchpoint_delete(touchpoint=touchpoint_named(path, "a2"))
    constraints_check()
    assert touchpoint_layout(path) == {"A": [(0, "a1"), (1, "a3")]}
