"""The kiosk: paired once through a one-time link, then it answers with its device key and no session;
a revoked key is refused, and a key of one company means nothing to another."""

import datetime as dt
import re
from typing import Any

import pytest

from apps.core.exceptions import DomainError
from apps.pos import limits
from apps.pos.models import KioskDevice
from apps.pos.services import kiosk_answer_submit, kiosk_create
from apps.surveys.models import Response, ResponseSource
from tests.pos.conftest import answers_for

pytestmark = pytest.mark.django_db


def _create_kiosk(client_for: Any, manager: Any, touchpoint: Any, location: Any) -> str:
    page = client_for(manager).post(
        "/point-of-service/kiosks/new/",
        {"name": "Tiskin tabletti", "touchpoint": touchpoint.pk, "location": location.pk},
    )
    assert page.status_code == 200
    match = re.search(r"http://alpha\.testserver(/s/kiosk/pair/[^/]+/)", page.content.decode())
    assert match, "the pairing link is shown once"
    return match.group(1)


def _paired_tablet(client_for: Any, manager: Any, touchpoint: Any, location: Any) -> Any:
    pairing = _create_kiosk(client_for, manager, touchpoint, location)
    tablet = client_for()
    assert tablet.get(pairing).status_code == 200
    response = tablet.post(pairing)
    assert response.status_code == 302
    assert response["Location"] == "/s/kiosk/"
    return tablet


def test_a_paired_kiosk_shows_the_survey_and_records_answers_as_kiosk_without_a_session(
    client_for: Any, manager: Any, touchpoint: Any, location: Any, survey: Any
) -> None:
    tablet = _paired_tablet(client_for, manager, touchpoint, location)

    page = tablet.get("/s/kiosk/?lang=sv")
    assert page.status_code == 200
    assert "data-idle-seconds" in page.content.decode()
    assert "sessionid" not in tablet.cookies
    assert not page.wsgi_request.user.is_authenticated

    thanks = tablet.post("/s/kiosk/?lang=fi", answers_for(survey, nps=8))

    assert thanks.status_code == 200
    assert "data-reset-after" in thanks.content.decode()
    recorded = Response.objects.get()
    assert (recorded.source, recorded.customer, recorded.language) == (ResponseSource.KIOSK, None, "fi")
    assert recorded.point_answer.location == location
    assert KioskDevice.objects.get().key_hash not in tablet.cookies["kokemus_kiosk"].value


def test_opening_the_pairing_link_changes_nothing_and_it_pairs_once(
    client_for: Any, manager: Any, touchpoint: Any, location: Any
) -> None:
    pairing = _create_kiosk(client_for, manager, touchpoint, location)
    preview = client_for()
    preview.get(pairing)
    preview.get(pairing)

    assert client_for().post(pairing).status_code == 302
    assert client_for().post(pairing).status_code == 404
    assert client_for().get(pairing).status_code == 404


def test_a_device_without_a_key_or_with_a_wrong_one_is_refused(
    client_for: Any, anonymous_client: Any, survey: Any, touchpoint: Any
) -> None:
    assert anonymous_client.get("/s/kiosk/").status_code == 403
    anonymous_client.cookies["kokemus_kiosk"] = "not-a-key"
    assert anonymous_client.post("/s/kiosk/", answers_for(survey)).status_code == 403
    assert Response.objects.count() == 0


def test_a_revoked_kiosk_is_refused_at_once(
    client_for: Any, manager: Any, touchpoint: Any, location: Any, survey: Any
) -> None:
    tablet = _paired_tablet(client_for, manager, touchpoint, location)
    kiosk = KioskDevice.objects.get()

    assert client_for(manager).post(f"/point-of-service/kiosks/{kiosk.pk}/revoke/").status_code == 302

    assert tablet.get("/s/kiosk/").status_code == 403
    assert tablet.post("/s/kiosk/", answers_for(survey)).status_code == 403
    assert Response.objects.count() == 0


def test_a_new_pairing_retires_the_old_tablets_key(
    client_for: Any, manager: Any, touchpoint: Any, location: Any
) -> None:
    old_tablet = _paired_tablet(client_for, manager, touchpoint, location)
    kiosk = KioskDevice.objects.get()
    page = client_for(manager).post(f"/point-of-service/kiosks/{kiosk.pk}/pairing/")
    pairing = re.search(r"http://alpha\.testserver(/s/kiosk/pair/[^/]+/)", page.content.decode()).group(1)

    new_tablet = client_for()
    new_tablet.post(pairing)

    assert new_tablet.get("/s/kiosk/").status_code == 200
    assert old_tablet.get("/s/kiosk/").status_code == 403


def test_a_kiosk_key_of_one_company_opens_nothing_in_another(
    client_for: Any, manager: Any, touchpoint: Any, location: Any, survey: Any, tenant_beta: Any
) -> None:
    tablet = _paired_tablet(client_for, manager, touchpoint, location)
    elsewhere = client_for(tenant=tenant_beta)
    elsewhere.cookies["kokemus_kiosk"] = tablet.cookies["kokemus_kiosk"].value

    assert elsewhere.get("/s/kiosk/").status_code == 403
    assert elsewhere.post("/s/kiosk/", answers_for(survey)).status_code == 403


def test_only_those_who_manage_the_cx_model_make_kiosks(
    client_for: Any, frontline: Any, touchpoint: Any, location: Any
) -> None:
    data = {"name": "Tabletti", "touchpoint": touchpoint.pk}

    assert client_for(frontline).post("/point-of-service/kiosks/new/", data).status_code == 403
    assert client_for(frontline).get("/point-of-service/").status_code == 403
    assert KioskDevice.objects.count() == 0


def test_a_kiosk_takes_at_most_its_hourly_limit(manager: Any, touchpoint: Any, survey: Any) -> None:
    kiosk, _token = kiosk_create(name="Tabletti", touchpoint=touchpoint, location=None, created_by=manager)
    KioskDevice.objects.filter(pk=kiosk.pk).update(key_hash="x" * 64)
    start = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    for minute in range(limits.KIOSK_LIMIT):
        kiosk_answer_submit(
            kiosk=kiosk, raw_answers=answers_for(survey), language="fi", now=start + dt.timedelta(seconds=minute * 50)
        )

    with pytest.raises(DomainError) as refused:
        kiosk_answer_submit(
            kiosk=kiosk, raw_answers=answers_for(survey), language="en", now=start + dt.timedelta(minutes=55)
        )
    assert refused.value.code == "limited"
    # An hour after the first, there is room again.
    kiosk_answer_submit(
        kiosk=kiosk, raw_answers=answers_for(survey), language="fi", now=start + dt.timedelta(minutes=61)
    )
