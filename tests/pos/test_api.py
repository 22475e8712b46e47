"""The point-of-service API: open links, posters, kiosks and their figures; roles, a manager's location
scope, bad input, another company, and what is never in an answer (the device key and the hashes)."""

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent, AuditLogEntry, AuditSource
from apps.locations.services import location_archive, location_scope_set
from apps.pos.models import KioskDevice, OpenLink
from apps.pos.services import kiosk_create, open_answer_submit, open_link_get_or_create
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build
from tests.pos.conftest import answers_for

pytestmark = pytest.mark.django_db

API = "/api/v1/point-of-service"
JSON = "application/json"


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type=JSON)


@pytest.fixture
def other_location(db: None) -> Any:
    return location_build(name="Tornion asema", code="TORNIO")


@pytest.fixture
def scoped_manager(manager: Any, location: Any) -> Any:
    """The manager, scoped to Kemi only."""
    location_scope_set(user=manager, regions=[], locations=[location], acting_user=None)
    return manager


def test_a_manager_makes_lists_reads_and_closes_an_open_link(
    client_for: Any, manager: Any, touchpoint: Any, location: Any, other_location: Any
) -> None:
    client = client_for(manager)

    created = _post(client, f"{API}/links/", {"touchpoint": touchpoint.pk, "location": location.pk})

    assert created.status_code == 201
    link = created.json()
    assert link["url"] == f"http://alpha.testserver/s/q/{link['code']}/"
    assert (link["touchpoint_name"], link["location_name"], link["is_active"]) == ("Tarkastus", "Kemin asema", True)
    again = _post(client, f"{API}/links/", {"touchpoint": touchpoint.pk, "location": location.pk})
    assert again.status_code == 200 and again.json()["id"] == link["id"]
    anywhere = _post(client, f"{API}/links/", {"touchpoint": touchpoint.pk})
    assert anywhere.status_code == 201 and anywhere.json()["location"] is None
    _post(client, f"{API}/links/", {"touchpoint": touchpoint.pk, "location": other_location.pk})

    assert client.get(f"{API}/links/").json()["count"] == 3
    at_kemi = client.get(f"{API}/links/", {"location": location.pk}).json()["results"]
    assert [row["id"] for row in at_kemi] == [link["id"]]
    assert client.get(f"{API}/links/", {"touchpoint": touchpoint.pk + 999}).json()["count"] == 0
    assert client.get(f"{API}/links/{link['id']}/").json()["code"] == link["code"]

    closed = client.patch(f"{API}/links/{link['id']}/", {"is_active": False}, content_type=JSON)
    assert closed.status_code == 200 and closed.json()["is_active"] is False
    assert [row["id"] for row in client.get(f"{API}/links/", {"active": "false"}).json()["results"]] == [link["id"]]
    assert client.get(f"{API}/links/", {"active": "true"}).json()["count"] == 2
    assert client.delete(f"{API}/links/{anywhere.json()['id']}/").status_code == 204
    assert not OpenLink.objects.get(pk=anywhere.json()["id"]).is_active

    entries = AuditLogEntry.objects.filter(target_type="pos.openlink", event_type=AuditEvent.SETTINGS_CHANGED)
    assert entries.filter(extra_data={"created": True}).count() == 3
    change = entries.get(target_id=str(link["id"]), extra_data__changed=["is_active"])
    assert (change.source, change.acting_user, change.extra_data["new"]) == (
        AuditSource.API,
        manager,
        {"is_active": False},
    )


def test_bad_input_is_a_400_with_the_field_and_nothing_is_made(
    client_for: Any, manager: Any, touchpoint: Any, location: Any
) -> None:
    client = client_for(manager)
    bare = touchpoint_named(map_build(stages={"Muu": ["Ilman kyselyä"]}), "Ilman kyselyä")
    archived = location_build(name="Suljettu", code="SULJ")
    location_archive(location=archived)

    cases = [
        ({"touchpoint": 999999}, "touchpoint"),
        ({"touchpoint": "kemi"}, "touchpoint"),
        ({}, "touchpoint"),
        ({"touchpoint": bare.pk}, "touchpoint"),
        ({"touchpoint": touchpoint.pk, "location": 999999}, "location"),
        ({"touchpoint": touchpoint.pk, "location": archived.pk}, "location"),
    ]
    for data, field in cases:
        answer = _post(client, f"{API}/links/", data)
        assert answer.status_code == 400, data
        assert field in answer.json()["fields"], (data, answer.json())
    kiosk = _post(client, f"{API}/kiosks/", {"name": "  ", "touchpoint": touchpoint.pk})
    assert kiosk.status_code == 400 and "name" in kiosk.json()["fields"]
    bad_patch = client.patch(
        f"{API}/links/{open_link_get_or_create(touchpoint=touchpoint, location=location, created_by=manager).pk}/",
        {"is_active": "perhaps"},
        content_type=JSON,
    )
    assert bad_patch.status_code == 400 and "is_active" in bad_patch.json()["fields"]
    assert client.get(f"{API}/links/", {"active": "perhaps"}).status_code == 400
    assert OpenLink.objects.count() == 1 and not KioskDevice.objects.exists()


def test_the_poster_is_a_pdf_in_the_size_and_language_asked(client_for: Any, manager: Any, open_link: OpenLink) -> None:
    client = client_for(manager)

    poster = client.get(f"{API}/links/{open_link.pk}/poster/", {"size": "a5", "language": "sv"})

    assert poster.status_code == 200
    assert poster["Content-Type"] == "application/pdf"
    assert poster.content.startswith(b"%PDF")
    assert f"poster-{open_link.code}-a5-sv.pdf" in poster["Content-Disposition"]
    plain = client.get(f"{API}/links/{open_link.pk}/poster/", HTTP_ACCEPT="application/pdf")
    assert plain.status_code == 200 and "-a4-" in plain["Content-Disposition"]
    wrong = client.get(f"{API}/links/{open_link.pk}/poster/", {"size": "a3"})
    assert wrong.status_code == 400 and "size" in wrong.json()["fields"]
    assert client.get(f"{API}/links/{open_link.pk + 999}/poster/").status_code == 404


def test_a_kiosk_is_made_with_its_pairing_link_once_and_no_key_or_hash_is_ever_answered(
    client_for: Any, manager: Any, touchpoint: Any, location: Any
) -> None:
    client = client_for(manager)

    created = _post(
        client, f"{API}/kiosks/", {"name": "Tiskin tabletti", "touchpoint": touchpoint.pk, "location": location.pk}
    )

    assert created.status_code == 201
    kiosk = created.json()
    assert kiosk["status"] == "waiting" and kiosk["pairing_url"].startswith("http://alpha.testserver/s/kiosk/pair/")
    row = KioskDevice.objects.get()
    listed = client.get(f"{API}/kiosks/")
    detail = client.get(f"{API}/kiosks/{row.pk}/")
    assert "pairing_url" not in listed.json()["results"][0] and "pairing_url" not in detail.json()

    tablet = client_for()
    assert tablet.post(kiosk["pairing_url"].removeprefix("http://alpha.testserver")).status_code == 302
    device_key = tablet.cookies["kokemus_kiosk"].value
    row.refresh_from_db()
    assert client.get(f"{API}/kiosks/{row.pk}/").json()["status"] == "paired"

    renewed = _post(client, f"{API}/kiosks/{row.pk}/pairing/", {})
    assert renewed.status_code == 200 and renewed.json()["pairing_url"] != kiosk["pairing_url"]
    assert client.delete(f"{API}/kiosks/{row.pk}/").status_code == 204
    assert client.delete(f"{API}/kiosks/{row.pk}/").status_code == 204
    assert client.get(f"{API}/kiosks/{row.pk}/").json()["status"] == "revoked"
    assert tablet.get("/s/kiosk/").status_code == 403
    refused = _post(client, f"{API}/kiosks/{row.pk}/pairing/", {})
    assert refused.status_code == 400 and refused.json()["code"] == "revoked"

    every_body = json.dumps(
        [created.json(), listed.json(), detail.json(), renewed.json(), client.get(f"{API}/kiosks/").json()]
    )
    assert device_key not in every_body
    assert "key_hash" not in every_body and "pairing_hash" not in every_body
    row.refresh_from_db()
    for secret in (row.key_hash, row.pairing_hash):
        assert secret is None or secret not in every_body
    events = AuditLogEntry.objects.filter(target_type="pos.kioskdevice", target_id=str(row.pk))
    assert sorted(json.dumps(entry.extra_data) for entry in events) == sorted(
        ['{"created": true}', '{"changed": ["pairing"]}', '{"changed": ["revoked_at"]}']
    )


def test_the_figures_of_a_link_count_answers_nps_and_bursts(
    client_for: Any, manager: Any, open_link: OpenLink, survey: Any
) -> None:
    # Midday yesterday: addresses are hashed per day (apps/pos/keys.py), so a burst must not straddle midnight.
    start = (timezone.now() - dt.timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    # Five answers from one address within ten minutes (five phones): one suspicious burst.
    for minute, score in enumerate([10, 10, 9, 3, 8]):
        open_answer_submit(
            link=open_link,
            raw_answers=answers_for(survey, nps=score),
            language="fi",
            address="198.51.100.7",
            device_id=f"phone-{minute}",
            now=start + dt.timedelta(minutes=minute),
        )
    open_answer_submit(
        link=open_link, raw_answers=answers_for(survey, nps=0), language="fi", address="203.0.113.5", device_id="x"
    )

    figures = client_for(manager).get(f"{API}/links/{open_link.pk}/figures/").json()

    assert (figures["answers"], figures["nps_answers"], figures["bursts"]) == (6, 6, 1)
    assert figures["nps"] == round(100 * (3 - 2) / 6)
    assert figures["nps_small_sample"] is True and figures["nps_margin"] > 0
    assert figures["csat"] is None and figures["with_contact"] == 0
    assert client_for(manager).get(f"{API}/links/{open_link.pk}/figures/", {"days": 0}).status_code == 400


def test_kiosk_figures_count_its_answers(client_for: Any, manager: Any, touchpoint: Any, location: Any) -> None:
    kiosk, _token = kiosk_create(name="Tabletti", touchpoint=touchpoint, location=location, created_by=manager)

    figures = client_for(manager).get(f"{API}/kiosks/{kiosk.pk}/figures/")

    assert figures.status_code == 200 and figures.json()["answers"] == 0 and figures.json()["nps"] is None


def test_frontline_staff_get_nothing_and_change_nothing(
    client_for: Any, frontline: Any, manager: Any, open_link: OpenLink, touchpoint: Any
) -> None:
    kiosk, _token = kiosk_create(name="Tabletti", touchpoint=touchpoint, location=None, created_by=manager)
    client = client_for(frontline)
    for url in (
        f"{API}/links/",
        f"{API}/links/{open_link.pk}/",
        f"{API}/links/{open_link.pk}/poster/",
        f"{API}/links/{open_link.pk}/figures/",
        f"{API}/kiosks/",
        f"{API}/kiosks/{kiosk.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert _post(client, f"{API}/links/", {"touchpoint": touchpoint.pk}).status_code == 403
    assert client.delete(f"{API}/links/{open_link.pk}/").status_code == 403
    assert client.delete(f"{API}/kiosks/{kiosk.pk}/").status_code == 403
    assert _post(client, f"{API}/kiosks/{kiosk.pk}/pairing/", {}).status_code == 403
    assert OpenLink.objects.get().is_active and KioskDevice.objects.get().revoked_at is None


def test_an_admin_of_another_company_finds_nothing_here_nor_in_their_own(
    client_for: Any, outsider: Any, open_link: OpenLink, touchpoint: Any, manager: Any, tenant_alpha: Any
) -> None:
    kiosk, _token = kiosk_create(name="Tabletti", touchpoint=touchpoint, location=None, created_by=manager)
    # Their session replayed on this company's host is no session here.
    at_home = client_for(outsider)
    on_alpha = client_for(tenant=tenant_alpha)
    on_alpha.cookies["sessionid"] = at_home.cookies["sessionid"].value
    assert on_alpha.get(f"{API}/links/").status_code in (401, 403)
    assert on_alpha.delete(f"{API}/kiosks/{kiosk.pk}/").status_code in (401, 403)
    # In their own company, these ids are nothing.
    assert at_home.get(f"{API}/links/").json()["count"] == 0
    assert at_home.get(f"{API}/links/{open_link.pk}/").status_code == 404
    assert at_home.get(f"{API}/links/{open_link.pk}/poster/").status_code == 404
    assert at_home.delete(f"{API}/kiosks/{kiosk.pk}/").status_code == 404
    assert KioskDevice.objects.get().revoked_at is None and OpenLink.objects.get().is_active


def test_a_scoped_manager_sees_and_manages_only_links_and_kiosks_at_their_locations(
    client_for: Any, scoped_manager: Any, company_admin: Any, touchpoint: Any, location: Any, other_location: Any
) -> None:
    mine = open_link_get_or_create(touchpoint=touchpoint, location=location, created_by=company_admin)
    theirs = open_link_get_or_create(touchpoint=touchpoint, location=other_location, created_by=company_admin)
    anywhere = open_link_get_or_create(touchpoint=touchpoint, location=None, created_by=company_admin)
    my_kiosk, _ = kiosk_create(name="Kemi", touchpoint=touchpoint, location=location, created_by=company_admin)
    their_kiosk, _ = kiosk_create(
        name="Tornio", touchpoint=touchpoint, location=other_location, created_by=company_admin
    )
    client = client_for(scoped_manager)

    assert [row["id"] for row in client.get(f"{API}/links/").json()["results"]] == [mine.pk]
    assert [row["id"] for row in client.get(f"{API}/kiosks/").json()["results"]] == [my_kiosk.pk]
    for link in (theirs, anywhere):
        for suffix in ("", "poster/", "figures/"):
            assert client.get(f"{API}/links/{link.pk}/{suffix}").status_code == 404, (link, suffix)
        assert client.patch(f"{API}/links/{link.pk}/", {"is_active": False}, content_type=JSON).status_code == 404
        assert client.delete(f"{API}/links/{link.pk}/").status_code == 404
    for suffix in ("", "figures/"):
        assert client.get(f"{API}/kiosks/{their_kiosk.pk}/{suffix}").status_code == 404
    assert client.delete(f"{API}/kiosks/{their_kiosk.pk}/").status_code == 404
    assert _post(client, f"{API}/kiosks/{their_kiosk.pk}/pairing/", {}).status_code == 404
    assert OpenLink.objects.filter(is_active=True).count() == 3
    assert not KioskDevice.objects.filter(revoked_at__isnull=False).exists()

    # They place new ones at their own locations only, never "anywhere".
    for data in ({"touchpoint": touchpoint.pk, "location": other_location.pk}, {"touchpoint": touchpoint.pk}):
        refused = _post(client, f"{API}/kiosks/", {"name": "Uusi", **data})
        assert refused.status_code == 400 and "location" in refused.json()["fields"], data
    assert KioskDevice.objects.count() == 2
    # Nor are they handed another location's existing link.
    existing = _post(client, f"{API}/links/", {"touchpoint": touchpoint.pk, "location": other_location.pk})
    assert existing.status_code == 400 and theirs.code not in existing.content.decode()
    made = _post(client, f"{API}/kiosks/", {"name": "Uusi", "touchpoint": touchpoint.pk, "location": location.pk})
    assert made.status_code == 201
    assert client.delete(f"{API}/links/{mine.pk}/").status_code == 204


def test_the_pages_apply_the_same_scope(
    client_for: Any, scoped_manager: Any, company_admin: Any, touchpoint: Any, location: Any, other_location: Any
) -> None:
    theirs = open_link_get_or_create(touchpoint=touchpoint, location=other_location, created_by=company_admin)
    their_kiosk, _ = kiosk_create(
        name="Tornio", touchpoint=touchpoint, location=other_location, created_by=company_admin
    )
    client = client_for(scoped_manager)

    page = client.get("/point-of-service/").content.decode()

    assert theirs.code not in page and "Tornio" not in page
    assert (
        client.get(f"/point-of-service/links/{theirs.pk}/poster/", {"size": "a4", "language": "fi"}).status_code == 404
    )
    assert client.post(f"/point-of-service/kiosks/{their_kiosk.pk}/revoke/").status_code == 404
    refused = client.post("/point-of-service/links/new/", {"touchpoint": touchpoint.pk, "location": other_location.pk})
    assert refused.status_code == 400
    assert OpenLink.objects.count() == 1
