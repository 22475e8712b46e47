"""Buyer personas: the rules of the service, the pages and the API, per role and per company."""

import pytest
from django_tenants.utils import schema_context

from apps.core.exceptions import DomainError
from apps.customers.services import customer_create
from apps.personas.models import BuyerPersona, InboundStage
from apps.personas.services import persona_archive, persona_create, persona_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona():
    return persona_create(
        name="Kiireinen perheellinen",
        description="Kaksi lasta ja kaksi autoa.",
        value_proposition="Olet ulkona puolessa tunnissa.",
        inbound_stage=InboundStage.CONVERT,
    )


def test_persona_names_are_unique_regardless_of_case(persona):
    with pytest.raises(DomainError) as error:
        persona_create(name="KIIREINEN perheellinen")
    assert "name" in error.value.fields


def test_update_rejects_unknown_stage(persona):
    with pytest.raises(DomainError) as error:
        persona_update(persona=persona, inbound_stage="sell")
    assert "inbound_stage" in error.value.fields


def test_archive_keeps_the_row_and_hides_it_from_the_list(client_for, manager, persona):
    persona_archive(persona=persona)
    assert BuyerPersona.objects.get(pk=persona.pk).is_active is False
    page = client_for(manager).get("/personas/").content.decode()
    assert "Kiireinen perheellinen" not in page
    assert "Kiireinen perheellinen" in client_for(manager).get("/personas/?archived=1").content.decode()


def test_stage_labels_are_finnish_in_finnish():
    from django.utils import translation

    with translation.override("fi"):
        assert [str(label) for label in InboundStage.labels] == ["Houkuttele", "Konvertoi", "Klousaa", "Ilahduta"]


# --- Pages ------------------------------------------------------------------


def test_manager_sees_cards_and_can_add(client_for, manager, persona):
    page = client_for(manager).get("/personas/")
    assert page.status_code == 200
    assert "Kiireinen perheellinen" in page.content.decode()
    assert 'href="/personas/new/"' in page.content.decode()


def test_frontline_reads_personas_without_edit_links(client_for, frontline, persona):
    client = client_for(frontline)
    listing = client.get("/personas/").content.decode()
    assert "Kiireinen perheellinen" in listing
    assert 'href="/personas/new/"' not in listing
    detail = client.get(f"/personas/{persona.pk}/").content.decode()
    assert "Olet ulkona puolessa tunnissa." in detail
    assert f"/personas/{persona.pk}/edit/" not in detail


def test_frontline_cannot_create_edit_or_archive(client_for, frontline, persona):
    client = client_for(frontline)
    assert client.get("/personas/new/").status_code == 403
    assert client.post("/personas/new/", {"name": "X", "inbound_stage": "attract", "colour": "teal"}).status_code == 403
    assert client.post(f"/personas/{persona.pk}/edit/", {"name": "Y"}).status_code == 403
    assert client.post(f"/personas/{persona.pk}/archive/").status_code == 403
    assert BuyerPersona.objects.get(pk=persona.pk).name == "Kiireinen perheellinen"


def test_manager_creates_edits_and_archives_through_pages(client_for, manager):
    client = client_for(manager)
    response = client.post(
        "/personas/new/",
        {"name": "Yrittäjä jolla pakettiauto", "inbound_stage": "close", "colour": "orange", "icon": "🚐"},
    )
    persona = BuyerPersona.objects.get(name="Yrittäjä jolla pakettiauto")
    assert response.status_code == 302
    assert persona.icon == "🚐"
    response = client.post(
        f"/personas/{persona.pk}/edit/",
        {"name": "Yrittäjä", "inbound_stage": "delight", "colour": "blue", "pains": "Seisova auto"},
    )
    assert response.status_code == 302
    persona.refresh_from_db()
    assert (persona.name, persona.inbound_stage, persona.pains) == ("Yrittäjä", "delight", "Seisova auto")
    client.post(f"/personas/{persona.pk}/archive/")
    persona.refresh_from_db()
    assert persona.is_active is False


def test_create_form_shows_the_duplicate_name_error(client_for, manager, persona):
    response = client_for(manager).post(
        "/personas/new/", {"name": "kiireinen perheellinen", "inbound_stage": "attract", "colour": "teal"}
    )
    assert response.status_code == 400
    assert BuyerPersona.objects.count() == 1


def test_detail_lists_linked_customers_for_managers_only(client_for, manager, frontline, persona):
    customer_create(full_name="Aino Korhonen", email="aino@example.fi", persona=persona)
    assert "Aino Korhonen" in client_for(manager).get(f"/personas/{persona.pk}/").content.decode()
    assert "Aino Korhonen" not in client_for(frontline).get(f"/personas/{persona.pk}/").content.decode()


def test_persona_of_another_company_is_not_found(client_for, outsider, persona):
    assert client_for(outsider).get(f"/personas/{persona.pk}/").status_code == 404


def test_anonymous_is_sent_to_login(anonymous_client):
    response = anonymous_client.get("/personas/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- API --------------------------------------------------------------------


def test_api_lists_with_filter_and_pagination(client_for, frontline, persona):
    persona_create(name="Eläkeläinen", inbound_stage=InboundStage.DELIGHT)
    body = client_for(frontline).get("/api/v1/personas/?inbound_stage=delight").json()
    assert body["count"] == 1
    assert body["results"][0]["name"] == "Eläkeläinen"
    assert set(body) >= {"count", "next", "previous", "results"}


def test_api_create_is_for_managers(client_for, manager, frontline):
    payload = {"name": "Ensimmäisen auton ostaja", "inbound_stage": "attract", "icon": "🎓"}
    assert client_for(frontline).post("/api/v1/personas/", payload, content_type="application/json").status_code == 403
    response = client_for(manager).post("/api/v1/personas/", payload, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["initials"] == "EA"
    assert BuyerPersona.objects.filter(name="Ensimmäisen auton ostaja").count() == 1


def test_api_update_and_archive(client_for, manager, frontline, persona):
    url = f"/api/v1/personas/{persona.pk}/"
    assert client_for(frontline).patch(url, {"name": "X"}, content_type="application/json").status_code == 403
    assert client_for(frontline).delete(url).status_code == 403
    response = client_for(manager).patch(url, {"pains": "Jonot"}, content_type="application/json")
    assert response.json()["pains"] == "Jonot"
    assert client_for(manager).delete(url).status_code == 204
    assert BuyerPersona.objects.get(pk=persona.pk).is_active is False


def test_api_rejects_a_duplicate_name_with_a_field_error(client_for, manager, persona):
    response = client_for(manager).post(
        "/api/v1/personas/", {"name": "Kiireinen Perheellinen"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "name" in response.json()["fields"]


def test_api_of_another_company_does_not_see_the_persona(client_for, outsider, persona):
    client = client_for(outsider)
    assert client.get(f"/api/v1/personas/{persona.pk}/").status_code == 404
    assert client.get("/api/v1/personas/").json()["count"] == 0
    with schema_context("beta"):
        assert not BuyerPersona.objects.exists()


# --- Counts under a manager's location scope ---------------------------------------------------------


def test_a_scoped_manager_counts_only_the_customers_in_scope(client_for, manager, frontline, persona) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.encounters.services import encounter_log
    from apps.journeys.models import Touchpoint
    from apps.locations.services import location_scope_set
    from apps.personas.selectors import persona_list_with_customer_counts
    from tests.journeys.factories import map_build
    from tests.locations.factories import location_build

    map_build(name="Katsastus", stages={"Asemalla": ["Tiski"]})
    touchpoint = Touchpoint.objects.get(name="Tiski")
    own, other = location_build(name="Oma"), location_build(name="Muu")
    second = persona_create(name="Yrittäjä", inbound_stage=InboundStage.CLOSE)
    for index, (place, linked) in enumerate([(own, persona), (other, persona), (other, persona), (own, second)]):
        customer = customer_create(full_name=f"Asiakas {index}", email=f"a{index}@example.fi", persona=linked)
        encounter_log(logged_by=frontline, customer=customer, touchpoint=touchpoint, outcome="resolved", location=place)
    customer_create(full_name="Ei tavattu", email="none@example.fi", persona=persona)

    counts = {row.name: row.customer_count for row in persona_list_with_customer_counts(user=manager)}
    assert counts == {"Kiireinen perheellinen": 4, "Yrittäjä": 1}
    location_scope_set(user=manager, regions=[], locations=[own], acting_user=None)
    manager = type(manager).objects.get(pk=manager.pk)
    with CaptureQueriesContext(connection) as queries:
        counts = {row.name: row.customer_count for row in persona_list_with_customer_counts(user=manager)}
    assert counts == {"Kiireinen perheellinen": 1, "Yrittäjä": 1}
    # The scope's resolution and the one list query: no query per persona.
    assert len([q for q in queries.captured_queries if "personas_buyerpersona" in q["sql"]]) == 1
    page = client_for(manager).get("/personas/").content.decode()
    assert "Kiireinen perheellinen" in page
