"""The service-path API: each endpoint allowed for managers, read-only for frontline, invisible to other companies."""

import pytest

from apps.journeys.models import OwnershipChange, ServicePath, Stage, Touchpoint
from apps.journeys.services.ownership import touchpoint_assign_owner
from apps.journeys.services.paths import path_archive
from tests.journeys.factories import map_build, stage_named, touchpoint_layout, touchpoint_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(manager):
    return map_build()


def _urls(path):
    stage = stage_named(path, "Booking")
    touchpoint = touchpoint_named(path, "Check-in")
    return {
        "paths": "/api/v1/paths/",
        "path": f"/api/v1/paths/{path.pk}/",
        "stages": f"/api/v1/stages/?path={path.pk}",
        "stage": f"/api/v1/stages/{stage.pk}/",
        "touchpoints": f"/api/v1/touchpoints/?path={path.pk}",
        "touchpoint": f"/api/v1/touchpoints/{touchpoint.pk}/",
        "ownership": "/api/v1/ownership-changes/",
    }


# --- reads ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["paths", "path", "stages", "stage", "touchpoints", "touchpoint"])
@pytest.mark.parametrize("user_fixture", ["manager", "frontline"])
def test_everyone_in_the_company_reads_the_maps(request, client_for, path, name, user_fixture):
    response = client_for(request.getfixturevalue(user_fixture)).get(_urls(path)[name])
    assert response.status_code == 200


def test_ownership_history_is_for_managers(client_for, manager, frontline, path):
    touchpoint_assign_owner(
        touchpoint=touchpoint_named(path, "Check-in"), owner=frontline, backup=None, acting_user=manager
    )
    response = client_for(manager).get(f"/api/v1/ownership-changes/?user={frontline.pk}")
    assert response.status_code == 200
    assert [row["touchpoint_name"] for row in response.json()["results"]] == ["Check-in"]
    assert response.json()["results"][0]["changed_by"]["id"] == manager.pk
    assert client_for(frontline).get("/api/v1/ownership-changes/").status_code == 403


@pytest.mark.parametrize("name", ["path", "stage", "touchpoint"])
def test_other_company_cannot_see_objects(client_for, outsider, path, name):
    assert client_for(outsider).get(_urls(path)[name]).status_code == 404


@pytest.mark.parametrize("name", ["paths", "stages", "touchpoints", "ownership"])
def test_other_company_lists_are_empty(client_for, outsider, path, name):
    response = client_for(outsider).get(_urls(path)[name])
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_anonymous_gets_401(client_for, path):
    assert client_for().get("/api/v1/paths/").status_code == 401


def test_path_detail_nests_stages_and_touchpoints_in_order(client_for, frontline, path):
    body = client_for(frontline).get(f"/api/v1/paths/{path.pk}/").json()
    assert [stage["name"] for stage in body["stages"]] == ["Booking", "Arrival"]
    assert [t["name"] for t in body["stages"][0]["touchpoints"]] == ["Web booking", "Phone booking"]
    assert body["stages"][0]["touchpoints"][0]["owner"] is None


def test_path_list_filters_and_counts(client_for, manager, path):
    archived = map_build(name="Vanha polku")
    path_archive(path=archived)
    client = client_for(manager)
    body = client.get("/api/v1/paths/").json()
    assert [(row["name"], row["touchpoint_count"], row["unowned_count"]) for row in body["results"]] == [
        (path.name, 3, 3)
    ]
    assert [row["name"] for row in client.get("/api/v1/paths/?archived=true").json()["results"]] == ["Vanha polku"]
    assert client.get("/api/v1/paths/?search=zzz").json()["count"] == 0
    assert client.get("/api/v1/paths/?page_size=1&search=katsastus").json()["count"] == 1


def test_touchpoint_list_filters(client_for, manager, frontline, path):
    touchpoint_assign_owner(
        touchpoint=touchpoint_named(path, "Check-in"), owner=frontline, backup=None, acting_user=manager
    )
    client = client_for(manager)

    def names(query):
        response = client.get(f"/api/v1/touchpoints/?{query}")
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names(f"owner={frontline.pk}") == ["Check-in"]
    assert names("unowned=true") == ["Web booking", "Phone booking"]
    assert names("unowned=false") == ["Check-in"]
    assert names(f"stage={stage_named(path, 'Booking').pk}") == ["Web booking", "Phone booking"]
    assert names("channel=phone") == []
    assert client.get("/api/v1/touchpoints/?channel=pigeon").status_code == 400


# --- writes ---------------------------------------------------------------------


def _writes(path, frontline):
    stage = stage_named(path, "Booking")
    touchpoint = touchpoint_named(path, "Check-in")
    return [
        ("post", "/api/v1/paths/", {"name": "Reklamaatio"}, 201),
        ("patch", f"/api/v1/paths/{path.pk}/", {"name": "Renamed"}, 200),
        ("post", f"/api/v1/paths/{path.pk}/archive/", {}, 200),
        ("post", f"/api/v1/paths/{path.pk}/restore/", {}, 200),
        ("post", "/api/v1/stages/", {"path": path.pk, "name": "Waiting", "position": 1}, 201),
        ("patch", f"/api/v1/stages/{stage.pk}/", {"name": "Ajanvaraus"}, 200),
        ("post", f"/api/v1/stages/{stage.pk}/move/", {"position": 5}, 200),
        ("post", "/api/v1/touchpoints/", {"stage": stage.pk, "name": "Chat", "channel": "chat"}, 201),
        ("patch", f"/api/v1/touchpoints/{touchpoint.pk}/", {"planned_emotion": 2, "is_peak": True}, 200),
        ("post", f"/api/v1/touchpoints/{touchpoint.pk}/move/", {"stage": stage.pk, "position": 0}, 200),
        ("put", f"/api/v1/touchpoints/{touchpoint.pk}/owner/", {"owner": frontline.pk, "backup_owner": None}, 200),
        ("delete", f"/api/v1/touchpoints/{touchpoint.pk}/", None, 204),
        ("delete", f"/api/v1/stages/{stage_named(path, 'Arrival').pk}/", None, 204),
    ]


@pytest.mark.parametrize("index", range(13))
def test_manager_writes(client_for, manager, frontline, path, index):
    method, url, data, expected = _writes(path, frontline)[index]
    if index == 12:  # the stage must be empty before it can be deleted
        Touchpoint.objects.filter(stage__name="Arrival").delete()
    response = getattr(client_for(manager), method)(url, data, content_type="application/json")
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("index", range(13))
def test_frontline_cannot_write(client_for, frontline, path, index):
    before = touchpoint_layout(path), list(ServicePath.objects.values_list("name", "archived_at"))
    method, url, data, _expected = _writes(path, frontline)[index]
    response = getattr(client_for(frontline), method)(url, data, content_type="application/json")
    assert response.status_code == 403
    assert (touchpoint_layout(path), list(ServicePath.objects.values_list("name", "archived_at"))) == before
    assert not OwnershipChange.objects.exists()


@pytest.mark.parametrize("index", range(1, 13))
def test_other_company_cannot_write(client_for, outsider, frontline, path, index):
    method, url, data, _expected = _writes(path, frontline)[index]
    response = getattr(client_for(outsider), method)(url, data, content_type="application/json")
    # Objects of alpha do not exist on beta's host: 404 for their URLs, 400 for their ids in a body.
    assert response.status_code in (400, 404)
    assert response.status_code == (400 if url.endswith(("/stages/", "/touchpoints/")) else 404)
    assert Stage.objects.filter(path=path).count() == 2


def test_create_touchpoint_reports_rule_breaks_as_field_errors(client_for, manager, path):
    client = client_for(manager)
    Touchpoint.objects.filter(name="Check-in").update(is_end=True)
    response = client.post(
        "/api/v1/touchpoints/",
        {"stage": stage_named(path, "Booking").pk, "name": "x", "is_end": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "end_taken"
    assert "is_end" in response.json()["fields"]

    response = client.post(
        "/api/v1/touchpoints/",
        {"stage": stage_named(path, "Booking").pk, "name": "x", "planned_emotion": 5},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "planned_emotion" in response.json()["fields"]


def test_move_and_owner_results(client_for, manager, frontline, path):
    client = client_for(manager)
    touchpoint = touchpoint_named(path, "Check-in")
    response = client.post(
        f"/api/v1/touchpoints/{touchpoint.pk}/move/",
        {"stage": stage_named(path, "Booking").pk, "position": 1},
        content_type="application/json",
    )
    assert response.json()["position"] == 1
    assert touchpoint_layout(path) == {
        "Booking": [(0, "Web booking"), (1, "Check-in"), (2, "Phone booking")],
        "Arrival": [],
    }
    response = client.put(
        f"/api/v1/touchpoints/{touchpoint.pk}/owner/",
        {"owner": frontline.pk, "backup_owner": frontline.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "backup_is_owner"
    response = client.put(
        f"/api/v1/touchpoints/{touchpoint.pk}/owner/",
        {"owner": frontline.pk, "backup_owner": manager.pk},
        content_type="application/json",
    )
    assert response.json()["owner"]["id"] == frontline.pk
    assert OwnershipChange.objects.filter(changed_by=manager).count() == 2


def test_archived_path_is_read_only(client_for, manager, path):
    path_archive(path=path)
    response = client_for(manager).post(
        "/api/v1/stages/", {"path": path.pk, "name": "Late"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "archived"
