"""The path pages: who may open and change what, with and without JavaScript, and nothing across companies."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.journeys.models import OwnershipChange, Touchpoint
from apps.journeys.services.ownership import touchpoint_assign_owner
from tests.conftest import make_user
from tests.journeys.factories import map_build, stage_named, stage_names, touchpoint_layout, touchpoint_named

pytestmark = pytest.mark.django_db
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def path():
    return map_build()


def test_path_list_for_each_role(client_for, manager, frontline, path):
    page = client_for(manager).get(reverse("journeys:path_list")).content.decode()
    assert path.name in page
    assert reverse("journeys:path_editor", args=[path.pk]) in page
    assert "New service path" in page or 'name="name"' in page

    page = client_for(frontline).get(reverse("journeys:path_list")).content.decode()
    assert path.name in page
    assert reverse("journeys:path_editor", args=[path.pk]) not in page
    assert 'name="description"' not in page


def test_path_list_of_another_company_does_not_show_ours(client_for, outsider, path):
    response = client_for(outsider).get(reverse("journeys:path_list"))
    assert response.status_code == 200
    assert path.name not in response.content.decode()


def test_anonymous_is_sent_to_login(client_for, path):
    response = client_for().get(reverse("journeys:path_map", args=[path.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_path_create_from_the_list(client_for, manager, frontline):
    response = client_for(frontline).post(reverse("journeys:path_list"), {"name": "Reklamaatio"})
    assert response.status_code == 403
    response = client_for(manager).post(reverse("journeys:path_list"), {"name": "Reklamaatio"})
    assert response.status_code == 302
    assert response["Location"].endswith("/edit/")
    assert client_for(manager).post(reverse("journeys:path_list"), {"name": ""}).status_code == 400


@pytest.mark.parametrize("user_fixture", ["manager", "frontline"])
def test_map_shows_stages_touchpoints_and_the_curve(request, client_for, path, user_fixture):
    touchpoint = touchpoint_named(path, "Check-in")
    Touchpoint.objects.filter(pk=touchpoint.pk).update(is_peak=True, planned_emotion=2, intended_experience="Hymy")
    page = client_for(request.getfixturevalue(user_fixture)).get(reverse("journeys:path_map", args=[path.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Booking", "Arrival", "Web booking", "Check-in", "Hymy", "curve__line", "curve__pill--peak"):
        assert text in html
    # Frontline staff read the map but get no way to change it.
    assert (reverse("journeys:path_editor", args=[path.pk]) in html) == (user_fixture == "manager")


def test_map_of_another_company_is_not_found(client_for, outsider, path):
    assert client_for(outsider).get(reverse("journeys:path_map", args=[path.pk])).status_code == 404


@pytest.mark.parametrize(("user_fixture", "expected"), [("manager", 200), ("frontline", 403), ("outsider", 404)])
def test_editor_access(request, client_for, path, user_fixture, expected):
    url = reverse("journeys:path_editor", args=[path.pk])
    assert client_for(request.getfixturevalue(user_fixture)).get(url).status_code == expected


def test_editor_with_a_touchpoint_opens_its_panel(client_for, manager, path):
    touchpoint = touchpoint_named(path, "Check-in")
    url = reverse("journeys:path_editor", args=[path.pk]) + f"?touchpoint={touchpoint.pk}"
    html = client_for(manager).get(url).content.decode()
    assert reverse("journeys:touchpoint_update", args=[touchpoint.pk]) in html
    assert reverse("journeys:touchpoint_owner", args=[touchpoint.pk]) in html


def _actions(path, frontline):
    """(url, data, check) for every editor endpoint; check(path) says the change happened."""
    booking, arrival = stage_named(path, "Booking"), stage_named(path, "Arrival")
    check_in, web = touchpoint_named(path, "Check-in"), touchpoint_named(path, "Web booking")
    return [
        (reverse("journeys:stage_add", args=[path.pk]), {"name": "Waiting"}, lambda: "Waiting" in stage_names(path)),
        (
            reverse("journeys:stage_rename", args=[booking.pk]),
            {"name": "Ajanvaraus"},
            lambda: "Ajanvaraus" in stage_names(path),
        ),
        (
            reverse("journeys:stage_move", args=[arrival.pk]),
            {"direction": "up"},
            lambda: stage_names(path) == ["Arrival", "Booking"],
        ),
        (
            reverse("journeys:touchpoint_add", args=[arrival.pk]),
            {"name": "Parking", "channel": "store"},
            lambda: "Parking" in [name for _p, name in touchpoint_layout(path)["Arrival"]],
        ),
        (
            reverse("journeys:touchpoint_update", args=[check_in.pk]),
            {"tp-name": "Check-in", "tp-channel": "store", "tp-planned_emotion": "2", "tp-is_peak": "on"},
            lambda: touchpoint_named(path, "Check-in").planned_emotion == 2,
        ),
        (
            reverse("journeys:touchpoint_move", args=[web.pk]),
            {"direction": "later"},
            lambda: touchpoint_layout(path)["Booking"] == [(0, "Phone booking"), (1, "Web booking")],
        ),
        (
            reverse("journeys:touchpoint_move", args=[check_in.pk]),
            {"direction": "prev_stage"},
            lambda: touchpoint_layout(path)["Booking"][-1] == (2, "Check-in"),
        ),
        (
            reverse("journeys:touchpoint_move", args=[check_in.pk]),
            {"stage": booking.pk, "position": "0"},
            lambda: touchpoint_layout(path)["Booking"][0] == (0, "Check-in"),
        ),
        (
            reverse("journeys:touchpoint_owner", args=[check_in.pk]),
            {"own-owner": frontline.pk, "own-backup_owner": ""},
            lambda: touchpoint_named(path, "Check-in").owner_id == frontline.pk,
        ),
        (
            reverse("journeys:touchpoint_delete", args=[web.pk]),
            {},
            lambda: not Touchpoint.objects.filter(name="Web booking").exists(),
        ),
    ]


@pytest.mark.parametrize("index", range(10))
@pytest.mark.parametrize("with_js", [False, True])
def test_editor_actions_for_managers(client_for, manager, frontline, path, index, with_js):
    url, data, check = _actions(path, frontline)[index]
    response = client_for(manager).post(url, data, **(FETCH if with_js else {}))
    if with_js:
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["ok"] is True
        assert 'class="stages"' in body["board"]
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("journeys:path_editor", args=[path.pk]))
    assert check()


@pytest.mark.parametrize("index", range(10))
def test_editor_actions_refused_to_frontline(client_for, frontline, path, index):
    url, data, _check = _actions(path, frontline)[index]
    before = touchpoint_layout(path), stage_names(path)
    assert client_for(frontline).post(url, data).status_code == 403
    assert (touchpoint_layout(path), stage_names(path)) == before


@pytest.mark.parametrize("index", range(10))
def test_editor_actions_do_not_reach_another_company(client_for, outsider, frontline, path, index):
    url, data, _check = _actions(path, frontline)[index]
    before = touchpoint_layout(path), stage_names(path)
    assert client_for(outsider).post(url, data).status_code == 404
    assert (touchpoint_layout(path), stage_names(path)) == before


def test_touchpoint_update_errors_are_shown_in_the_panel(client_for, manager, path):
    check_in = touchpoint_named(path, "Check-in")
    Touchpoint.objects.filter(name="Web booking").update(is_end=True)
    data = {"tp-name": "Check-in", "tp-channel": "store", "tp-planned_emotion": "0", "tp-is_end": "on"}
    url = reverse("journeys:touchpoint_update", args=[check_in.pk])
    response = client_for(manager).post(url, data)
    assert response.status_code == 400
    assert "Web booking" in response.content.decode()  # "… is already the end moment"

    response = client_for(manager).post(url, data, **FETCH)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert "field__error" in response.json()["panel"]
    assert not touchpoint_named(path, "Check-in").is_end


def test_deleting_a_stage_with_touchpoints_is_refused_with_a_message(client_for, manager, path):
    url = reverse("journeys:stage_delete", args=[stage_named(path, "Booking").pk])
    response = client_for(manager).post(url, **FETCH)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert "Booking" in stage_names(path)


def test_panel_fragment(client_for, manager, frontline, path):
    url = reverse("journeys:touchpoint_panel", args=[touchpoint_named(path, "Check-in").pk])
    assert "tp-intended_experience" in client_for(manager).get(url, **FETCH).json()["panel"]
    assert client_for(frontline).get(url).status_code == 403


@pytest.mark.parametrize(("user_fixture", "expected"), [("manager", 200), ("frontline", 403)])
def test_audit_page(request, client_for, manager, path, user_fixture, expected):
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "Check-in"), owner=manager, acting_user=manager)
    response = client_for(request.getfixturevalue(user_fixture)).get(reverse("journeys:path_audit", args=[path.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "Check-in" in response.content.decode()


def test_audit_page_of_another_company(client_for, outsider, path):
    assert client_for(outsider).get(reverse("journeys:path_audit", args=[path.pk])).status_code == 404


def test_archive_and_restore(client_for, manager, frontline, path):
    assert client_for(frontline).post(reverse("journeys:path_archive", args=[path.pk])).status_code == 403
    client_for(manager).post(reverse("journeys:path_archive", args=[path.pk]))
    assert path.name not in client_for(manager).get(reverse("journeys:path_list")).content.decode()
    assert path.name in client_for(manager).get(reverse("journeys:path_list") + "?archived=1").content.decode()
    editor = client_for(manager).get(reverse("journeys:path_editor", args=[path.pk]))
    assert editor.status_code == 302  # archived paths are read-only: back to the map
    client_for(manager).post(reverse("journeys:path_restore", args=[path.pk]))
    assert client_for(manager).get(reverse("journeys:path_editor", args=[path.pk])).status_code == 200


# --- ownership ------------------------------------------------------------------------


@pytest.mark.parametrize(("user_fixture", "expected"), [("manager", 200), ("frontline", 403)])
@pytest.mark.parametrize("name", ["journeys:ownership", "journeys:ownership_history"])
def test_ownership_pages_access(request, client_for, path, user_fixture, expected, name):
    assert client_for(request.getfixturevalue(user_fixture)).get(reverse(name)).status_code == expected


def test_ownership_overview_lists_unowned_and_assigns_from_there(client_for, manager, frontline, path):
    html = client_for(manager).get(reverse("journeys:ownership")).content.decode()
    for name in ("Web booking", "Phone booking", "Check-in"):
        assert name in html
    check_in = touchpoint_named(path, "Check-in")
    response = client_for(manager).post(
        reverse("journeys:touchpoint_owner", args=[check_in.pk]),
        {"own-owner": frontline.pk, "own-backup_owner": "", "next": reverse("journeys:ownership")},
    )
    assert response["Location"] == reverse("journeys:ownership")
    html = client_for(manager).get(reverse("journeys:ownership")).content.decode()
    assert reverse("journeys:touchpoint_owner", args=[check_in.pk]) not in html
    history = client_for(manager).get(reverse("journeys:ownership_history")).content.decode()
    assert "Check-in" in history and frontline.full_name in history


def test_person_page_and_handover(client_for, manager, frontline, tenant_alpha, path):
    colleague = make_user(tenant_alpha, role=Role.FRONTLINE, email="colleague@alpha.example", full_name="Colleague")
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "Check-in"), owner=frontline, acting_user=manager)
    url = reverse("journeys:ownership_person", args=[frontline.pk])
    assert "Check-in" in client_for(manager).get(url).content.decode()
    assert client_for(frontline).get(url).status_code == 403
    response = client_for(manager).post(url, {"to_user": colleague.pk})
    assert response.status_code == 302
    assert touchpoint_named(path, "Check-in").owner == colleague


def test_person_page_of_another_company(client_for, outsider, frontline):
    assert client_for(outsider).get(reverse("journeys:ownership_person", args=[frontline.pk])).status_code == 404


def test_deactivate_page_warns_and_hands_over(client_for, company_admin, manager, frontline, path):
    touchpoint_assign_owner(touchpoint=touchpoint_named(path, "Check-in"), owner=frontline, acting_user=manager)
    url = reverse("journeys:user_deactivate", args=[frontline.pk])
    assert client_for(manager).get(url).status_code == 403  # deactivating users is the company admin's
    page = client_for(company_admin).get(url).content.decode()
    assert "Check-in" in page

    response = client_for(company_admin).post(url, {"to_user": manager.pk})
    assert response.status_code == 302
    frontline.refresh_from_db()
    assert not frontline.is_active
    assert touchpoint_named(path, "Check-in").owner == manager
    change = OwnershipChange.objects.first()
    assert (change.from_owner, change.to_owner, change.changed_by) == (frontline, manager, company_admin)


def test_deactivate_page_of_another_company(client_for, outsider, frontline):
    url = reverse("journeys:user_deactivate", args=[frontline.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).post(url, {}).status_code == 404
    frontline.refresh_from_db()
    assert frontline.is_active


def test_deactivate_page_offers_no_button_for_your_own_account(client_for, company_admin):
    url = reverse("journeys:user_deactivate", args=[company_admin.pk])
    page = client_for(company_admin).get(url).content.decode()
    assert "button--danger" not in page
    assert client_for(company_admin).post(url, {}).status_code == 400
    company_admin.refresh_from_db()
    assert company_admin.is_active


@pytest.mark.parametrize("name", ["journeys:path_map", "journeys:path_editor"])
def test_map_and_editor_queries_do_not_grow_with_the_map(client_for, manager, django_assert_max_num_queries, name):
    small = map_build(name="Small", stages={"A": ["a1"]})
    big = map_build(name="Big", stages={f"S{i}": [f"t{i}-{j}" for j in range(4)] for i in range(6)})
    for touchpoint in Touchpoint.objects.filter(stage__path=big):
        touchpoint_assign_owner(touchpoint=touchpoint, owner=manager, acting_user=manager)
    client = client_for(manager)
    client.get(reverse(name, args=[small.pk]))
    with CaptureQueriesContext(connection) as small_queries:
        client.get(reverse(name, args=[small.pk]))
    with django_assert_max_num_queries(len(small_queries)):
        client.get(reverse(name, args=[big.pk]))


def test_ownership_overview_of_a_company_without_touchpoints_says_so(client_for, manager):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("journeys:ownership")).content.decode()
    assert "There are no touchpoints yet." in html
    assert "Every touchpoint has an owner." not in html
