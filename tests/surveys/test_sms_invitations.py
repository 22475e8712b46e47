"""Survey invitations by text message: the company's channel choice, and the same rules as email."""

import datetime as dt
import re

import pytest
from django.core import mail

from apps.customers.models import ConsentEvent, ConsentKind, ConsentSource
from apps.customers.services import customer_create
from apps.customers.sms_replies import customer_sms_reply_record
from apps.outbox import sms_backends
from apps.outbox.models import OutboundChannel, OutboundEmail
from apps.outbox.sms_length import GSM7, sms_length
from apps.surveys.models import EmailKind, Invitation, InvitationChannel, InvitationStatus, SurveySettings
from apps.surveys.services import campaign_create
from apps.surveys.tokens import token_for, token_from_short
from tests.conftest import TenantClient
from tests.surveys.conftest import NOON, log_visit
from tests.surveys.test_sending import HOUR, dispatch_and_send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _texts() -> None:
    sms_backends.sms_outbox.clear()


def channel_set(channel: str) -> None:
    SurveySettings.objects.update_or_create(singleton=True, defaults={"invitation_channel": channel})


@pytest.fixture
def texter(db: None):
    return customer_create(full_name="Tekla Tekstari", phone="040 123 4567", language="fi")


def short_link(text: str) -> str:
    return re.search(r"https://alpha\.testserver(/r/[A-Za-z0-9_-]{43}/)", text).group(1)


def test_email_else_sms_texts_a_customer_without_email_after_the_delay(texter, touchpoint, tenant_alpha):
    channel_set(InvitationChannel.EMAIL_ELSE_SMS)
    log_visit(customer=texter, touchpoint=touchpoint, at=NOON)

    assert dispatch_and_send(NOON + HOUR) == []
    assert dispatch_and_send(NOON + 2 * HOUR) == ["sent"]
    assert dispatch_and_send(NOON + 3 * HOUR) == []

    assert mail.outbox == []
    [text] = sms_backends.sms_outbox
    assert text.recipient == "+358401234567"
    assert text.sender == "Alpha Katsa"
    assert text.text.startswith("Alpha Katsastus Oy: Miten onnistuimme? Vastaa: https://alpha.testserver/r/")
    assert text.text.endswith("Lopeta viestit vastaamalla LOPETA.")
    assert text.status_url.startswith("https://alpha.testserver/sms/hooks/")
    length = sms_length(text.text)
    assert (length.encoding, length.segments) == (GSM7, 1)
    invitation = Invitation.objects.get()
    assert (invitation.channel, invitation.status) == (InvitationChannel.SMS, InvitationStatus.SENT)
    outbound = OutboundEmail.objects.get()
    assert outbound.channel == OutboundChannel.SMS
    assert outbound.customer_id == texter.pk

    # The short link carries the same 256-bit token as the email's link and leads to the same page.
    path = short_link(text.text)
    assert token_from_short(path.split("/")[2]) == token_for(invitation.token_nonce)
    client = TenantClient(tenant_alpha)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/s/{token_for(invitation.token_nonce)}/"
    assert client.get(response["Location"]).status_code == 200


def test_a_customer_with_email_still_gets_email_under_email_else_sms(customer, touchpoint):
    channel_set(InvitationChannel.EMAIL_ELSE_SMS)
    customer.phone = "040 765 4321"
    customer.save()
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    assert dispatch_and_send(NOON + 2 * HOUR) == ["sent"]
    assert len(mail.outbox) == 1
    assert sms_backends.sms_outbox == []


def test_email_only_suppresses_a_customer_without_email(texter, touchpoint):
    log_visit(customer=texter, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.suppression_reason) == (InvitationStatus.SUPPRESSED, "no_email")
    assert sms_backends.sms_outbox == []


def test_sms_only_without_a_number_is_suppressed(customer, touchpoint):
    channel_set(InvitationChannel.SMS)
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    assert Invitation.objects.get().suppression_reason == "no_phone"
    assert mail.outbox == []


def test_a_stop_reply_before_the_send_cancels_it(texter, touchpoint):
    channel_set(InvitationChannel.SMS)
    log_visit(customer=texter, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON)
    assert customer_sms_reply_record(sender="358401234567", text="STOP") == 1
    assert dispatch_and_send(NOON + 2 * HOUR) == ["suppressed"]
    assert Invitation.objects.get().suppression_reason == "sms_stopped"
    assert sms_backends.sms_outbox == []


def test_quiet_hours_move_the_text_to_the_morning(texter, touchpoint):
    channel_set(InvitationChannel.SMS)
    evening = dt.datetime(2026, 11, 25, 18, 30, tzinfo=dt.UTC)  # 20:30 in Helsinki: due 22:30, inside 21-08
    log_visit(customer=texter, touchpoint=touchpoint, at=evening)
    dispatch_and_send(evening)
    assert dispatch_and_send(evening + 4 * HOUR) == []
    assert sms_backends.sms_outbox == []
    assert dispatch_and_send(dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)) == ["sent"]
    assert len(sms_backends.sms_outbox) == 1


def test_frequency_cap_holds_for_texts(texter, touchpoint):
    SurveySettings.objects.update_or_create(
        singleton=True, defaults={"reminder_after_days": 0, "invitation_channel": InvitationChannel.SMS}
    )
    log_visit(customer=texter, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    later = NOON + dt.timedelta(days=10)
    log_visit(customer=texter, touchpoint=touchpoint, at=later)
    dispatch_and_send(later + 3 * HOUR)
    assert len(sms_backends.sms_outbox) == 1
    assert Invitation.objects.get(encounter__occurred_at=later).suppression_reason == "frequency_cap"


def test_the_reminder_goes_by_text_too_and_not_after_the_link_expired(texter, touchpoint):
    channel_set(InvitationChannel.SMS)
    log_visit(customer=texter, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    reminder_at = NOON + 2 * HOUR + dt.timedelta(days=3)
    assert dispatch_and_send(reminder_at) == ["sent"]
    assert len(sms_backends.sms_outbox) == 2
    assert "Muistathan vastata" in sms_backends.sms_outbox[1].text
    assert short_link(sms_backends.sms_outbox[0].text) == short_link(sms_backends.sms_outbox[1].text)
    assert Invitation.objects.get().emails.get(kind=EmailKind.REMINDER).status == "sent"


def test_the_text_speaks_swedish_and_english(touchpoint):
    channel_set(InvitationChannel.SMS)
    svea = customer_create(full_name="Svea", phone="040 111 2222", language="sv")
    ella = customer_create(full_name="Ella", phone="040 333 4444", language="en")
    log_visit(customer=svea, touchpoint=touchpoint, at=NOON)
    log_visit(customer=ella, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    texts = {text.recipient: text.text for text in sms_backends.sms_outbox}
    assert "Hur lyckades vi?" in texts["+358401112222"]
    assert "SLUTA" in texts["+358401112222"]
    assert "How did we do?" in texts["+358403334444"]
    assert "Reply STOP to opt out." in texts["+358403334444"]


def test_the_unsubscribe_link_of_a_texted_invitation_is_recorded_as_the_sms_channel(texter, touchpoint, tenant_alpha):
    channel_set(InvitationChannel.SMS)
    log_visit(customer=texter, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    invitation = Invitation.objects.get()
    response = TenantClient(tenant_alpha).post(f"/s/{token_for(invitation.token_nonce)}/unsubscribe/")
    assert response.status_code == 200
    event = ConsentEvent.objects.get(customer=texter, kind=ConsentKind.UNSUBSCRIBED)
    assert event.source == ConsentSource.SMS_LINK
    assert event.invitation_ref == invitation.pk


@pytest.mark.parametrize("short", ["abc", "!" * 43, "x" * 44])
def test_a_bad_short_link_shows_the_unavailable_page(tenant_alpha, short):
    assert TenantClient(tenant_alpha).get(f"/r/{short}/").status_code == 404


def test_a_send_out_by_sms_invites_those_with_a_number(survey, texter, customer):
    from apps.customers.services import customer_consent_give

    customer_consent_give(customer=texter, source="staff")
    customer_consent_give(customer=customer, source="staff")
    campaign = campaign_create(name="Tekstit", survey=survey, audience={}, channel=InvitationChannel.SMS, now=NOON)
    dispatch_and_send(campaign.next_run_at + dt.timedelta(minutes=1))
    assert [text.recipient for text in sms_backends.sms_outbox] == ["+358401234567"]
    assert mail.outbox == []


def test_the_send_out_preview_shows_each_languages_text_encoding_and_parts(client_for, manager, survey):
    customer_create(full_name="Aino", email="aino@example.fi", survey_consent=True)
    customer_create(full_name="Tekla", phone="040 123 4567", language="fi", survey_consent=True)
    customer_create(full_name="Teo", phone="040 123 4568", language="fi", survey_consent=True)
    customer_create(full_name="Svea", phone="040 123 4569", language="sv", survey_consent=True)
    client = client_for(manager)
    data = {"name": "Kaikille", "survey": survey.pk, "when": "now", "channel": InvitationChannel.EMAIL_ELSE_SMS}

    counted = client.post("/surveys/send-outs/new/", data)

    body = counted.content.decode()
    assert counted.status_code == 200
    # The manager sees the page in the company's language, Finnish.
    assert "4 asiakasta saa kyselyn" in body
    assert "Näistä 3 tekstiviestillä" in body
    assert 'data-sms-language="fi"' in body and 'data-sms-language="sv"' in body
    assert "Miten onnistuimme?" in body and "Hur lyckades vi?" in body
    assert "GSM-7" in body
    fi_text = "Alpha Katsastus Oy: Miten onnistuimme? Vastaa: https://alpha.testserver/r/" + "x" * 43 + "/"
    fi_parts = sms_length(fi_text + " Lopeta viestit vastaamalla LOPETA.").segments
    sv_text = "Alpha Katsastus Oy: Hur lyckades vi? Svara här: https://alpha.testserver/r/" + "x" * 43 + "/"
    sv_parts = sms_length(sv_text + " Svara SLUTA för att avsluta.").segments
    assert f"<td data-sms-total>{2 * fi_parts + sv_parts}</td>" in body

    assert client.post("/surveys/send-outs/new/", {**data, "confirm": "1"}).status_code == 302
    from apps.surveys.models import Campaign

    assert Campaign.objects.get().channel == InvitationChannel.EMAIL_ELSE_SMS


def test_the_send_out_preview_of_an_email_send_out_has_no_texts(client_for, manager, survey):
    customer_create(full_name="Tekla", phone="040 123 4567", survey_consent=True)
    body = client_for(manager).post("/surveys/send-outs/new/", {"name": "E", "survey": survey.pk, "when": "now"})
    assert "data-sms-preview" not in body.content.decode()


def test_the_api_makes_a_send_out_by_text_and_refuses_an_unknown_channel(client_for, manager, survey):
    client = client_for(manager)
    url = "/api/v1/surveys/send-outs/"
    made = client.post(url, {"name": "Tekstit", "survey": survey.pk, "channel": "sms"}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["channel"] == "sms"
    refused = client.post(url, {"name": "X", "survey": survey.pk, "channel": "pigeon"}, content_type="application/json")
    assert refused.status_code == 400
    assert "channel" in refused.json()["fields"]
