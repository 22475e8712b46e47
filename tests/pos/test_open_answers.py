"""Answers through a poster's open link: anonymous by default, a customer with consent when they leave
contact details, no address stored, and apart from the invited figures."""

from typing import Any

import pytest
from django.db import connection

from apps.customers.models import ConsentEvent, ConsentKind, ConsentSource
from apps.metrics.models import DailyRollup
from apps.metrics.rollup import rollup_rebuild_all
from apps.pos.models import PointAnswer
from apps.surveys.models import Response, ResponseSource
from tests.factories import ResponseFactory
from tests.pos.conftest import answers_for
from tests.privacy.scan import database_scan

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


def _post(client: Any, link: Any, data: dict[str, str], **extra: Any) -> Any:
    return client.post(f"/s/q/{link.code}/", data, REMOTE_ADDR=ADDRESS, **extra)


def test_the_open_link_shows_the_touchpoints_survey_without_login(anonymous_client: Any, open_link: Any) -> None:
    response = anonymous_client.get(f"/s/q/{open_link.code.lower()}/", HTTP_ACCEPT_LANGUAGE="fi")

    assert response.status_code == 200
    assert "Miten katsastus sujui?" in response.content.decode()
    assert "kokemus_device" in response.cookies


def test_an_unknown_code_shows_the_unavailable_page(anonymous_client: Any, open_link: Any) -> None:
    assert anonymous_client.get("/s/q/ZZZZZZZZ/").status_code == 404
    assert anonymous_client.post("/s/q/ZZZZZZZZ/", {}).status_code == 404


def test_an_answer_is_recorded_anonymously_as_qr_without_the_address(
    anonymous_client: Any, open_link: Any, survey: Any
) -> None:
    response = _post(anonymous_client, open_link, answers_for(survey, nps=10, text="Nopeaa palvelua"))

    assert response.status_code == 302
    assert response["Location"].startswith(f"/s/q/{open_link.code}/thanks/")
    recorded = Response.objects.get()
    assert (recorded.source, recorded.customer, recorded.invitation) == (ResponseSource.QR, None, None)
    assert recorded.touchpoint == open_link.touchpoint
    point = PointAnswer.objects.get()
    assert point.location == open_link.location
    assert len(point.address_hash) == 64
    assert database_scan([ADDRESS], schemas=[connection.schema_name]) == []
    assert anonymous_client.get(response["Location"]).status_code == 200


def test_a_missing_answer_is_asked_for_again(anonymous_client: Any, open_link: Any) -> None:
    response = _post(anonymous_client, open_link, {})

    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_contact_details_with_consent_make_a_customer_with_the_consent_in_the_ledger(
    anonymous_client: Any, open_link: Any, survey: Any
) -> None:
    data = {
        **answers_for(survey, nps=3),
        "contact_name": "Matti Virtanen",
        "contact_email": "Matti@Example.fi",
        "contact_consent": "on",
    }

    assert _post(anonymous_client, open_link, data).status_code == 302

    recorded = Response.objects.select_related("customer").get()
    assert recorded.customer.email == "matti@example.fi"
    event = ConsentEvent.objects.get(customer=recorded.customer)
    assert (event.kind, event.source) == (ConsentKind.GIVEN, ConsentSource.WEB_FORM)
    # A poor answer with someone to call back opens a case.
    assert recorded.customer.cases.count() == 1


def test_an_existing_customer_is_matched_by_email(
    anonymous_client: Any, open_link: Any, survey: Any, customer: Any
) -> None:
    data = {**answers_for(survey), "contact_email": "maija@example.fi", "contact_consent": "on"}

    assert _post(anonymous_client, open_link, data).status_code == 302

    assert Response.objects.get().customer == customer


def test_contact_details_without_consent_are_refused_and_nothing_is_recorded(
    anonymous_client: Any, open_link: Any, survey: Any
) -> None:
    data = {**answers_for(survey), "contact_email": "matti@example.fi"}

    response = _post(anonymous_client, open_link, data)

    assert response.status_code == 400
    assert Response.objects.count() == 0
    assert not ConsentEvent.objects.filter(customer__email="matti@example.fi").exists()


def test_an_anonymous_poor_answer_opens_no_case(anonymous_client: Any, open_link: Any, survey: Any) -> None:
    assert _post(anonymous_client, open_link, answers_for(survey, nps=0)).status_code == 302

    assert Response.objects.get().customer is None


def test_the_invited_roll_ups_leave_point_of_service_answers_out(
    anonymous_client: Any, open_link: Any, survey: Any, touchpoint: Any
) -> None:
    _post(anonymous_client, open_link, answers_for(survey, nps=10))
    ResponseFactory(invitation__survey=survey, invitation__touchpoint=touchpoint)

    rollup_rebuild_all(time_zone="Europe/Helsinki")

    assert sum(DailyRollup.objects.filter(grain="co").values_list("responses", flat=True)) == 1
    assert Response.objects.count() == 2


def test_the_answers_carry_their_source_in_the_api(
    anonymous_client: Any, client_for: Any, manager: Any, open_link: Any, survey: Any
) -> None:
    _post(anonymous_client, open_link, answers_for(survey))

    rows = client_for(manager).get("/api/v1/surveys/responses/").json()["results"]

    assert [(row["source"], row["customer"], row["invitation"]) for row in rows] == [("qr", None, None)]


def test_the_open_link_of_a_touchpoint_and_place_is_made_once(client_for: Any, manager: Any, open_link: Any) -> None:
    client = client_for(manager)
    data = {"touchpoint": open_link.touchpoint_id, "location": open_link.location_id}

    assert client.post("/point-of-service/links/new/", data).status_code == 302
    assert client.post("/point-of-service/links/new/", {"touchpoint": open_link.touchpoint_id}).status_code == 302

    assert sorted(link.location_id is None for link in open_link.touchpoint.open_links.all()) == [False, True]


def test_a_bad_touchpoint_is_refused_with_the_field_named(client_for: Any, manager: Any, open_link: Any) -> None:
    response = client_for(manager).post("/point-of-service/links/new/", {"touchpoint": "x"})

    assert response.status_code == 400
    assert response.context["link_form"].errors["touchpoint"]


def test_a_bad_email_is_named_and_nothing_is_recorded(anonymous_client: Any, open_link: Any, survey: Any) -> None:
    data = {**answers_for(survey), "contact_email": "not an address", "contact_consent": "on"}

    response = _post(anonymous_client, open_link, data)

    assert response.status_code == 400
    assert response.context["contact_form"].errors["contact_email"]
    assert Response.objects.count() == 0


def test_the_open_survey_speaks_swedish_when_asked(anonymous_client: Any, open_link: Any) -> None:
    page = anonymous_client.get(f"/s/q/{open_link.code}/?lang=sv").content.decode()

    assert "Vill du att vi kontaktar dig?" in page
    assert 'lang="sv"' in page
