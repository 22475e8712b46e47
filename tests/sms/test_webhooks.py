"""The provider's calls: delivery reports and STOP replies reach only the company whose address and secret they use."""

import json

import pytest
from django_tenants.utils import schema_context

from apps.customers.models import ConsentEvent, ConsentKind, ConsentSource, Customer
from apps.customers.services import customer_create
from apps.customers.sms_replies import sms_reply_is_stop
from apps.outbox.models import DeliveryStatus, OutboundEmail
from apps.outbox.services import TextMessage, outbound_email_deliver, outbound_sms_queue
from apps.outbox.webhooks import sms_webhook_secret
from tests.conftest import TenantClient

pytestmark = pytest.mark.django_db


def post(client: TenantClient, path: str, body: object) -> object:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def sent_text() -> OutboundEmail:
    outbound = outbound_sms_queue(
        kind="test_sms",
        message=TextMessage(recipient="+358401234567", text="Alpha: Miten onnistuimme?", sender="Alpha"),
        send_on_commit=False,
    )
    outbound_email_deliver(message_id=outbound.pk)
    outbound.refresh_from_db()
    return outbound


def test_a_delivery_report_updates_the_message(tenant_alpha):
    outbound = sent_text()
    path = f"/sms/hooks/{sms_webhook_secret(schema_name='alpha')}/status/"
    report = {"id": 1, "time": 1764900000, "status": "DELIVERED", "userref": outbound.message_id}

    response = post(TenantClient(tenant_alpha), path, report)

    assert response.status_code == 200
    assert response.json() == {"recorded": True}
    outbound.refresh_from_db()
    assert outbound.delivery_status == DeliveryStatus.DELIVERED
    assert outbound.provider_ref == "1"


def test_a_wrong_secret_or_another_companys_secret_is_refused(tenant_alpha):
    outbound = sent_text()
    report = {"id": 1, "status": "UNDELIVERABLE", "userref": outbound.message_id}
    client = TenantClient(tenant_alpha)

    assert post(client, "/sms/hooks/not-the-secret/status/", report).status_code == 404
    beta_secret = sms_webhook_secret(schema_name="beta")
    assert post(client, f"/sms/hooks/{beta_secret}/status/", report).status_code == 404
    outbound.refresh_from_db()
    assert outbound.delivery_status == ""


def test_a_report_on_another_companys_domain_touches_nothing_here(tenant_alpha, tenant_beta):
    outbound = sent_text()
    report = {"id": 1, "status": "UNDELIVERABLE", "userref": outbound.message_id}
    response = post(TenantClient(tenant_beta), f"/sms/hooks/{sms_webhook_secret(schema_name='beta')}/status/", report)

    assert response.status_code == 200
    assert response.json() == {"recorded": False}
    outbound.refresh_from_db()
    assert outbound.delivery_status == ""


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"id": 1}'])
def test_a_malformed_report_is_a_400_not_a_500(tenant_alpha, body):
    path = f"/sms/hooks/{sms_webhook_secret(schema_name='alpha')}/status/"
    response = TenantClient(tenant_alpha).post(path, data=body, content_type="application/json")
    assert response.status_code == 400


def test_a_get_is_not_allowed(tenant_alpha):
    path = f"/sms/hooks/{sms_webhook_secret(schema_name='alpha')}/status/"
    assert TenantClient(tenant_alpha).get(path).status_code == 405


@pytest.mark.parametrize("text", ["STOP", "stop", "Lopeta", "POIS kiitos", "sluta.", " Stopp"])
def test_stop_words(text):
    assert sms_reply_is_stop(text)


@pytest.mark.parametrize("text", ["", "Kiitos", "en halua lopettaa", "Ei stop"])
def test_not_stop_words(text):
    assert not sms_reply_is_stop(text)


def test_a_stop_reply_stops_text_messages_in_the_ledger_of_this_company_only(tenant_alpha, tenant_beta):
    customer = customer_create(full_name="Matti Tekstaaja", phone="040 123 4567", language="fi")
    with schema_context("beta"):
        namesake = customer_create(full_name="Matti Beetassa", phone="040 123 4567", language="fi")
    path = f"/sms/hooks/{sms_webhook_secret(schema_name='alpha')}/inbound/"
    reply = {"id": 7, "msisdn": 358401234567, "receiver": 4512345678, "message": "LOPETA"}

    response = post(TenantClient(tenant_alpha), path, reply)

    assert response.status_code == 200
    assert response.json() == {"stopped": 1}
    customer.refresh_from_db()
    assert customer.sms_stopped
    assert not customer.unsubscribed  # email surveys may still go out
    event = ConsentEvent.objects.get(customer=customer, kind=ConsentKind.SMS_STOPPED)
    assert event.source == ConsentSource.SMS_REPLY
    assert event.actor is None
    assert event.by_customer
    # Again: no second event, the state does not change.
    assert post(TenantClient(tenant_alpha), path, reply).json() == {"stopped": 0}
    with schema_context("beta"):
        assert not Customer.objects.get(pk=namesake.pk).sms_stopped


def test_an_ordinary_reply_changes_nothing(tenant_alpha):
    customer = customer_create(full_name="Liisa", phone="+358 50 765 4321", language="fi")
    path = f"/sms/hooks/{sms_webhook_secret(schema_name='alpha')}/inbound/"
    response = post(TenantClient(tenant_alpha), path, {"msisdn": 358507654321, "message": "Kiitos hyvästä palvelusta"})
    assert response.json() == {"stopped": 0}
    customer.refresh_from_db()
    assert not customer.sms_stopped


def test_an_inbound_call_without_a_message_is_a_400(tenant_alpha):
    path = f"/sms/hooks/{sms_webhook_secret(schema_name='alpha')}/inbound/"
    assert post(TenantClient(tenant_alpha), path, {"msisdn": 358507654321}).status_code == 400


@pytest.mark.parametrize("time", [10**30, "soon", None, [1]])
def test_a_report_with_a_time_no_clock_holds_is_recorded_at_its_arrival(tenant_alpha, time):
    outbound = sent_text()
    path = f"/sms/hooks/{sms_webhook_secret(schema_name='alpha')}/status/"
    report = {"id": 1, "time": time, "status": "DELIVERED", "userref": outbound.message_id}
    assert post(TenantClient(tenant_alpha), path, report).status_code == 200
    outbound.refresh_from_db()
    assert outbound.delivered_at is not None
