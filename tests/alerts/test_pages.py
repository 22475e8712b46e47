"""The alert pages and API: who may use them, bad input, the secret shown once, and one company's
destinations invisible on another company's domain."""

import pytest

from apps.accounts.models import Role
from apps.alerts.models import Destination, DestinationKind
from apps.alerts.services.events import alert_fire
from apps.locations.services import location_scope_set
from tests.alerts.factories import destination_build, rule_build
from tests.conftest import make_user
from tests.locations.factories import location_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def destination(company_admin, receiver):
    return destination_build(actor=company_admin, url=receiver.url, name="Oma järjestelmä")


def test_admin_and_manager_see_the_alerts_page(client_for, company_admin, manager, destination):
    for user in (company_admin, manager):
        response = client_for(user).get("/company/alerts/")
        assert response.status_code == 200
        assert "Oma järjestelmä" in response.content.decode()


def test_frontline_and_a_scoped_manager_are_refused(client_for, frontline, tenant_alpha, destination):
    scoped = make_user(tenant_alpha, role=Role.MANAGER, email="scoped@alpha.example")
    location_scope_set(user=scoped, locations=[location_build(name="Lahti", code="LHT")], regions=[], acting_user=None)
    for user in (frontline, scoped):
        client = client_for(user)
        assert client.get("/company/alerts/").status_code == 403
        assert client.get(f"/company/alerts/destinations/{destination.pk}/deliveries/").status_code == 403
        assert client.get("/api/v1/alert-destinations/").status_code == 403


def test_another_companys_destination_is_not_found(client_for, outsider, destination):
    client = client_for(outsider)
    assert client.get(f"/company/alerts/destinations/{destination.pk}/deliveries/").status_code == 404
    assert client.get(f"/api/v1/alert-destinations/{destination.pk}/").status_code == 404
    assert client.get("/api/v1/alert-destinations/").json() == []


def test_adding_a_signed_webhook_shows_its_secret_once(client_for, company_admin, receiver):
    client = client_for(company_admin)
    response = client.post(
        "/company/alerts/destinations/new/", {"name": "ERP", "kind": DestinationKind.WEBHOOK, "url": receiver.url}
    )
    destination = Destination.objects.get(name="ERP")
    assert response.status_code == 200 and destination.secret in response.content.decode()
    assert destination.secret not in client.get("/company/alerts/").content.decode()
    assert destination.secret not in client.get(f"/company/alerts/destinations/{destination.pk}/edit/").content.decode()


def test_bad_input_is_a_form_error_not_a_500(client_for, company_admin):
    client = client_for(company_admin)
    response = client.post("/company/alerts/destinations/new/", {"name": "Slack", "kind": "slack", "url": "ei osoite"})
    assert response.status_code == 400
    response = client.post("/company/alerts/destinations/new/", {"name": "Posti", "kind": "email", "emails": "ei@"})
    assert response.status_code == 400
    response = client.post("/company/alerts/rules/new/", {"name": "X", "kind": "poor_answer", "threshold": "11"})
    assert response.status_code == 400
    assert not Destination.objects.exists()


def test_the_api_makes_a_destination_and_a_rule(client_for, manager, receiver):
    client = client_for(manager)
    response = client.post(
        "/api/v1/alert-destinations/",
        {"name": "Hook", "kind": "webhook", "url": receiver.url},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["secret"].startswith("whsec_")
    destination_id = response.json()["id"]
    assert "secret" not in client.get(f"/api/v1/alert-destinations/{destination_id}/").json()
    response = client.post(
        "/api/v1/alert-rules/",
        {"name": "Huonot", "kind": "poor_answer", "threshold": 3, "destinations": [destination_id]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    bad = client.post(
        "/api/v1/alert-rules/",
        {"name": "Huonot", "kind": "poor_answer", "threshold": 12, "destinations": []},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "threshold" in bad.json()["fields"]


def test_the_delivery_log_lists_and_replays(client_for, company_admin, destination):
    rule = rule_build(actor=company_admin, destinations=[destination])
    event = alert_fire(
        rule=rule, source_key="case:1", payload={"case_id": 1, "due_at": "x"}, occurred_at=rule.created_at
    )
    client = client_for(company_admin)
    page = client.get(f"/company/alerts/destinations/{destination.pk}/deliveries/").content.decode()
    assert event.event_id in page
    api = client.get(f"/api/v1/alert-destinations/{destination.pk}/deliveries/").json()
    assert api["results"][0]["event_id"] == event.event_id and api["results"][0]["status"] == "queued"
    delivery_id = api["results"][0]["id"]
    refused = client.post(f"/api/v1/alert-destinations/{destination.pk}/deliveries/{delivery_id}/replay/")
    assert refused.status_code == 400, "not while it is still on its way"


def test_a_late_case_rule_needs_no_threshold(client_for, company_admin, destination):
    response = client_for(company_admin).post(
        "/company/alerts/rules/new/",
        {"name": "Myöhässä", "kind": "case_late", "threshold": "", "destinations": [destination.pk]},
    )
    assert response.status_code == 302


def test_the_api_changes_a_rule_but_not_its_kind(client_for, company_admin, destination):
    rule = rule_build(actor=company_admin, destinations=[destination])
    response = client_for(company_admin).put(
        f"/api/v1/alert-rules/{rule.pk}/",
        {"name": "Uusi nimi", "kind": "case_late", "threshold": 2, "destinations": [destination.pk], "active": False},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    rule.refresh_from_db()
    assert (rule.name, rule.kind, rule.threshold, rule.active) == ("Uusi nimi", "poor_answer", 2, False)
