"""The frontline quick-log page and its customer type-ahead."""

import re
from typing import Any

from django.urls import reverse

from apps.customers.services import customer_create
from apps.encounters.models import EncounterSource

LOG_URL = "/encounters/log/"


def _post(client: Any, **data: Any) -> Any:
    payload = {"action": "log", "outcome": "resolved", "peak_feeling": "1", "end_feeling": "2"}
    payload.update(data)
    return client.post(LOG_URL, payload)


def test_frontline_logs_an_existing_customer(
    fresh: Any, client_for: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    response = _post(
        client_for(frontline),
        customer=customer.pk,
        touchpoint=touchpoint.pk,
        note="Asiakas toivoi iltapäiväaikoja.",
        raised_to_management="on",
        survey_agreed="on",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LOG_URL}?touchpoint={touchpoint.pk}"
    encounter = fresh.encounters().get()
    assert (encounter.customer, encounter.touchpoint, encounter.logged_by) == (customer, touchpoint, frontline)
    assert (encounter.peak_feeling, encounter.end_feeling, encounter.outcome) == (1, 2, "resolved")
    assert encounter.raised_to_management and encounter.survey_agreed
    assert encounter.source == EncounterSource.FRONTLINE
    customer.refresh_from_db()
    assert customer.survey_consent and customer.consent_source == "frontline"


def test_log_another_keeps_the_touchpoint(client_for: Any, frontline: Any, customer: Any, touchpoint: Any) -> None:
    client = client_for(frontline)
    page = client.get(f"{LOG_URL}?touchpoint={touchpoint.pk}", follow=True)
    assert page.status_code == 200
    assert f'<option value="{touchpoint.pk}" selected>' in page.content.decode()


def test_new_customer_inline(fresh: Any, client_for: Any, frontline: Any, touchpoint: Any) -> None:
    response = _post(
        client_for(frontline),
        touchpoint=touchpoint.pk,
        customer_name="Uusi Asiakas",
        customer_email="Uusi@Example.fi",
        customer_language="en",
    )
    assert response.status_code == 302
    new = fresh.customers().get(email="uusi@example.fi")
    assert new.language == "en" and new.created_by == frontline
    assert fresh.encounters().get().customer == new


def test_bad_input_shows_field_errors_and_saves_nothing(
    fresh: Any, client_for: Any, frontline: Any, touchpoint: Any
) -> None:
    response = client_for(frontline).post(
        LOG_URL, {"action": "log", "touchpoint": touchpoint.pk, "customer_email": "not-an-email", "peak_feeling": "7"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "peak_feeling" in form.errors and "end_feeling" in form.errors
    assert not fresh.encounters().exists() and not fresh.customers().exists()


def test_invalid_new_customer_rolls_back(fresh: Any, client_for: Any, frontline: Any, touchpoint: Any) -> None:
    response = _post(client_for(frontline), touchpoint=touchpoint.pk, customer_name="Nimi", customer_email="x@")
    assert response.status_code == 400
    assert "customer_email" in response.context["form"].errors
    assert not fresh.customers().exists()


def test_missing_customer_is_an_error(client_for: Any, frontline: Any, touchpoint: Any) -> None:
    response = _post(client_for(frontline), touchpoint=touchpoint.pk)
    assert response.status_code == 400
    assert "customer" in response.context["form"].errors


def test_search_without_javascript(fresh: Any, client_for: Any, frontline: Any, customer: Any, touchpoint: Any) -> None:
    response = client_for(frontline).post(
        LOG_URL, {"action": "search", "q": "meikä", "touchpoint": touchpoint.pk, "peak_feeling": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'name="customer" value="{customer.pk}" checked' in body
    # The customer has not agreed to surveys: the box stays clear.
    assert 'id="id_survey_agreed" aria-describedby="survey-hint">' in body
    assert not fresh.encounters().exists()


def test_page_groups_own_touchpoints_first(client_for: Any, frontline: Any, touchpoint: Any) -> None:
    touchpoint.owner = frontline
    touchpoint.save(update_fields=["owner"])
    body = client_for(frontline).get(LOG_URL).content.decode()
    groups = re.findall(r'<optgroup label="([^"]+)">\s*<option value="(\d+)"', body)
    # Own touchpoints first, then every path and stage (where the own one shows again).
    assert groups[0][1] == str(touchpoint.pk)
    assert [label for label, _id in groups[1:]] == [
        f"{touchpoint.stage.path.name} · {name}" for name in ("Saapuminen", "Katsastus")
    ]


def test_page_forbidden_when_signed_out(anonymous_client: Any) -> None:
    assert anonymous_client.get(LOG_URL).status_code == 302


def test_other_company_cannot_log_on_our_objects(
    fresh: Any, client_for: Any, outsider: Any, customer: Any, touchpoint: Any
) -> None:
    response = _post(client_for(outsider), customer=customer.pk, touchpoint=touchpoint.pk)
    assert response.status_code == 400
    assert "touchpoint" in response.context["form"].errors
    assert not fresh.encounters().exists()


def test_type_ahead(client_for: Any, frontline: Any, customer: Any) -> None:
    client = client_for(frontline)
    url = reverse("encounters:customer_pick")
    for query in ("maija", "MEIK", "4567", "example.fi"):
        results = client.get(url, {"q": query}).json()["results"]
        assert customer.pk in [row["id"] for row in results], query
    assert client.get(url, {"q": "zzz"}).json() == {"results": []}


def test_type_ahead_forbidden_and_cross_tenant(
    client_for: Any, anonymous_client: Any, outsider: Any, customer: Any
) -> None:
    url = reverse("encounters:customer_pick")
    assert anonymous_client.get(url, {"q": "maija"}).status_code == 302
    # The outsider on their own company's host finds nothing of alpha's.
    assert client_for(outsider).get(url, {"q": "maija"}).json() == {"results": []}


def test_search_without_javascript_follows_consent(client_for: Any, frontline: Any, touchpoint: Any) -> None:
    consenting = customer_create(full_name="Kalle Kyselymyönteinen", email="kalle.k@example.fi", survey_consent=True)
    response = client_for(frontline).post(LOG_URL, {"action": "search", "q": "kyselymyönteinen"})
    body = response.content.decode()
    assert f'name="customer" value="{consenting.pk}" checked' in body
    assert 'id="id_survey_agreed" aria-describedby="survey-hint" checked>' in body
