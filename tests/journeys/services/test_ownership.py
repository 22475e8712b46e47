import pytest

from apps.accounts.models import Role, User
from apps.core.exceptions import DomainError
from apps.journeys.models import OwnershipChange
from apps.journeys.selectors import touchpoints_owned_by, touchpoints_unowned
from apps.journeys.services.ownership import (
    touchpoint_assign_owner,
    touchpoint_reassign_all,
    user_deactivate_with_handover,
)
from tests.conftest import make_user
from tests.journeys.factories import map_build, touchpoint_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tenant_alpha):
    return {
        name: make_user(tenant_alpha, role=Role.FRONTLINE, email=f"{name}@alpha.example", full_name=name.title())
        for name in ("iida", "kalle", "saara")
    }


def test_assign_owner_writes_one_change_per_role_in_the_same_transaction(manager, people):
    path = map_build()
    touchpoint = touchpoint_named(path, "Check-in")
    touchpoint_assign_owner(touchpoint=touchpoint, owner=people["iida"], backup=people["kalle"], acting_user=manager)
    touchpoint.refresh_from_db()
    assert (touchpoint.owner, touchpoint.backup_owner) == (people["iida"], people["kalle"])
    rows = list(OwnershipChange.objects.order_by("role").values_list("role", "from_owner", "to_owner", "changed_by"))
    assert rows == [("backup", None, people["kalle"].pk, manager.pk), ("owner", None, people["iida"].pk, manager.pk)]

    # Same people again: nothing to log.
    touchpoint_assign_owner(touchpoint=touchpoint, owner=people["iida"], backup=people["kalle"], acting_user=manager)
    assert OwnershipChange.objects.count() == 2

    touchpoint_assign_owner(touchpoint=touchpoint, owner=people["saara"], backup=people["kalle"], acting_user=manager)
    latest = OwnershipChange.objects.first()
    assert (latest.role, latest.from_owner, latest.to_owner) == ("owner", people["iida"], people["saara"])
    assert latest.touchpoint_name == "Check-in"
    assert latest.path_name == path.name

    history = touchpoint.history.first()
    assert history.history_user == manager
    assert history.owner_id == people["saara"].pk


@pytest.mark.parametrize(
    ("owner", "backup", "code"),
    [("iida", "iida", "backup_is_owner"), (None, "kalle", "backup_without_owner"), ("gone", None, "inactive_user")],
)
def test_assign_owner_rules(manager, people, owner, backup, code):
    people["gone"] = people["saara"]
    User.objects.filter(pk=people["gone"].pk).update(is_active=False)
    touchpoint = touchpoint_named(map_build(), "Check-in")
    with pytest.raises(DomainError) as error:
        touchpoint_assign_owner(
            touchpoint=touchpoint, owner=people.get(owner), backup=people.get(backup), acting_user=manager
        )
    assert error.value.code == code
    assert not OwnershipChange.objects.exists()


def test_database_refuses_backup_equal_to_owner(people):
    from django.db import IntegrityError, transaction

    touchpoint = touchpoint_named(map_build(), "Check-in")
    touchpoint.owner = touchpoint.backup_owner = people["iida"]
    with pytest.raises(IntegrityError), transaction.atomic():
        touchpoint.save()


def test_owned_and_unowned_selectors(manager, people):
    path = map_build()
    touchpoint_assign_owner(
        touchpoint=touchpoint_named(path, "Check-in"), owner=people["iida"], backup=None, acting_user=manager
    )
    touchpoint_assign_owner(
        touchpoint=touchpoint_named(path, "Web booking"),
        owner=people["kalle"],
        backup=people["iida"],
        acting_user=manager,
    )
    assert {t.name for t in touchpoints_owned_by(user=people["iida"])} == {"Check-in", "Web booking"}
    assert [t.name for t in touchpoints_unowned()] == ["Phone booking"]


def test_reassign_all_moves_both_roles_and_never_makes_someone_their_own_backup(manager, people):
    path = map_build(stages={"A": ["a1", "a2", "a3"]})
    iida, kalle, saara = people["iida"], people["kalle"], people["saara"]
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "a1"), owner=iida, backup=None, acting_user=manager)
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "a2"), owner=iida, backup=kalle, acting_user=manager)
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "a3"), owner=saara, backup=iida, acting_user=manager)
    OwnershipChange.objects.all().delete()

    changed = touchpoint_reassign_all(from_user=iida, to_user=kalle, acting_user=manager, note="handover")
    assert changed == 3
    owners = {t.name: (t.owner, t.backup_owner) for t in touchpoints_owned_by(user=kalle)}
    assert owners == {"a1": (kalle, None), "a2": (kalle, None), "a3": (saara, kalle)}
    assert not touchpoints_owned_by(user=iida).exists()
    assert set(OwnershipChange.objects.values_list("note", flat=True)) == {"handover"}
    assert OwnershipChange.objects.count() == 4  # a1 owner, a2 owner + backup, a3 backup


def test_reassign_all_without_successor_promotes_the_backup(manager, people):
    path = map_build(stages={"A": ["a1", "a2"]})
    iida, kalle = people["iida"], people["kalle"]
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "a1"), owner=iida, backup=kalle, acting_user=manager)
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "a2"), owner=iida, backup=None, acting_user=manager)
    touchpoint_reassign_all(from_user=iida, to_user=None, acting_user=manager)
    a1, a2 = touchpoint_named(path, "a1"), touchpoint_named(path, "a2")
    assert (a1.owner, a1.backup_owner) == (kalle, None)
    assert a2.owner is None


def test_deactivate_with_handover_is_all_or_nothing(company_admin, people):
    path = map_build(stages={"A": ["a1"]})
    iida, kalle = people["iida"], people["kalle"]
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "a1"), owner=iida, backup=None, acting_user=company_admin)

    User.objects.filter(pk=kalle.pk).update(is_active=False)
    with pytest.raises(DomainError):
        user_deactivate_with_handover(user=iida, to_user=kalle, acting_user=company_admin)
    iida.refresh_from_db()
    assert iida.is_active
    assert touchpoint_named(path, "a1").owner == iida

    saara = people["saara"]
    assert user_deactivate_with_handover(user=iida, to_user=saara, acting_user=company_admin) == 1
    iida.refresh_from_db()
    assert not iida.is_active
    assert touchpoint_named(path, "a1").owner == saara
    assert "Iida" in OwnershipChange.objects.first().note
