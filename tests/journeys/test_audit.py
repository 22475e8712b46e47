import pytest
from django.utils import translation

from apps.journeys.audit import EMPTY
from apps.journeys.selectors import path_audit
from apps.journeys.services.ownership import touchpoint_assign_owner
from apps.journeys.services.stages import stage_rename
from apps.journeys.services.touchpoints import touchpoint_delete, touchpoint_update
from tests.journeys.factories import map_build, stage_named, touchpoint_named

pytestmark = pytest.mark.django_db


def test_path_audit_lists_who_changed_what_including_deleted_touchpoints(manager, frontline):
    path = map_build()
    stage_rename(stage=stage_named(path, "Booking"), name="Ajanvaraus")
    touchpoint_update(touchpoint=touchpoint_named(path, "Check-in"), planned_emotion=2, channel="store")
    touchpoint_assign_owner(
        touchpoint=touchpoint_named(path, "Check-in"), owner=frontline, backup=None, acting_user=manager
    )
    touchpoint_delete(touchpoint=touchpoint_named(path, "Phone booking"))

    with translation.override("en"):
        entries = path_audit(path=path)
    actions = [(entry.kind, entry.object_name, entry.action) for entry in entries]
    assert actions[0] == ("touchpoint", "Phone booking", "-")
    assert ("stage", "Ajanvaraus", "~") in actions
    assert ("path", path.name, "+") in actions

    owner_entry = next(e for e in entries if e.kind == "touchpoint" and any(c.field == "owner" for c in e.changes))
    assert owner_entry.who == manager
    assert [(c.old, c.new) for c in owner_entry.changes] == [(EMPTY, str(frontline))]

    emotion_entry = next(e for e in entries if any(c.field == "planned emotion" for c in e.changes))
    assert {(c.field, c.old, c.new) for c in emotion_entry.changes} == {
        ("channel", "Web", "On site"),
        ("planned emotion", "0", "+2"),
    }
    # Renumbering siblings in bulk does not flood the trail with "changed" rows.
    assert all(entry.changes or entry.action != "~" for entry in entries)
