"""A survey's own invitation channel: a send-out's choice wins over it, and it wins over the company's default."""

import datetime as dt

import pytest
from django.core import mail

from apps.core.exceptions import DomainError
from apps.customers.services import customer_consent_give, customer_create
from apps.outbox import sms_backends
from apps.surveys.models import ChannelSource, Invitation, InvitationChannel, InvitationStatus, Survey, SurveySettings
from apps.surveys.selectors import invitation_channel_choice, invitation_channel_source, survey_settings_get
from apps.surveys.services import campaign_create, survey_update
from tests.surveys.conftest import NOON, log_visit
from tests.surveys.test_sending import HOUR, dispatch_and_send

pytestmark = pytest.mark.django_db

EMAIL, SMS, EMAIL_ELSE_SMS = InvitationChannel.EMAIL, InvitationChannel.SMS, InvitationChannel.EMAIL_ELSE_SMS


@pytest.fixture(autouse=True)
def _texts() -> None:
    sms_backends.sms_outbox.clear()


def company_channel(channel: str) -> None:
    SurveySettings.objects.update_or_create(singleton=True, defaults={"invitation_channel": channel})


def survey_channel(survey: Survey, channel: str) -> None:
    Survey.objects.filter(pk=survey.pk).update(channel=channel)
    survey.refresh_from_db()


@pytest.fixture
def both(db: None):
    """A customer with an email address and a mobile number, who agreed to surveys."""
    customer = customer_create(full_name="Kaisa Kaksi", email="kaisa@example.fi", phone="040 123 4567")
    customer_consent_give(customer=customer, source="staff")
    return customer


@pytest.mark.parametrize(
    ("company", "survey_choice", "send_out", "expected", "source"),
    [
        (EMAIL, "", "", EMAIL, ChannelSource.COMPANY),
        (SMS, "", "", SMS, ChannelSource.COMPANY),
        (EMAIL, SMS, "", SMS, ChannelSource.SURVEY),
        (SMS, EMAIL, "", EMAIL, ChannelSource.SURVEY),
        (EMAIL, SMS, EMAIL_ELSE_SMS, EMAIL_ELSE_SMS, ChannelSource.SEND_OUT),
        (SMS, "", EMAIL, EMAIL, ChannelSource.SEND_OUT),
    ],
)
def test_the_send_out_wins_over_the_survey_which_wins_over_the_company(
    survey, company, survey_choice, send_out, expected, source
):
    company_channel(company)
    survey_channel(survey, survey_choice)
    rules = survey_settings_get()
    assert invitation_channel_choice(rules=rules, survey=survey, send_out_channel=send_out) == expected
    assert invitation_channel_source(rules=rules, survey=survey, send_out_channel=send_out) == source


def test_a_follow_up_goes_by_the_surveys_channel(both, survey, touchpoint):
    company_channel(EMAIL)
    survey_channel(survey, SMS)
    log_visit(customer=both, touchpoint=touchpoint, at=NOON)
    assert dispatch_and_send(NOON + 2 * HOUR) == ["sent"]
    assert mail.outbox == []
    assert [text.recipient for text in sms_backends.sms_outbox] == ["+358401234567"]
    assert Invitation.objects.get().channel == SMS


def test_a_follow_up_of_a_survey_without_a_channel_goes_by_the_companys(both, survey, touchpoint):
    company_channel(SMS)
    log_visit(customer=both, touchpoint=touchpoint, at=NOON)
    assert dispatch_and_send(NOON + 2 * HOUR) == ["sent"]
    assert mail.outbox == []
    assert len(sms_backends.sms_outbox) == 1


def test_the_surveys_channel_is_followed_with_its_rules_a_customer_without_a_number_is_not_texted(survey, touchpoint):
    company_channel(EMAIL)
    survey_channel(survey, SMS)
    emailer = customer_create(full_name="Eemeli", email="eemeli@example.fi", survey_consent=True)
    log_visit(customer=emailer, touchpoint=touchpoint, at=NOON)
    dispatch_and_send(NOON + 2 * HOUR)
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.suppression_reason) == (InvitationStatus.SUPPRESSED, "no_phone")
    assert mail.outbox == [] and sms_backends.sms_outbox == []


def test_a_send_out_without_its_own_choice_follows_the_survey(both, survey):
    company_channel(EMAIL)
    survey_channel(survey, SMS)
    campaign = campaign_create(name="Survey's way", survey=survey, audience={}, now=NOON)
    dispatch_and_send(campaign.next_run_at + dt.timedelta(minutes=1))
    assert mail.outbox == []
    assert [text.recipient for text in sms_backends.sms_outbox] == ["+358401234567"]


def test_a_send_outs_own_choice_wins_over_the_survey(both, survey):
    company_channel(SMS)
    survey_channel(survey, SMS)
    campaign = campaign_create(name="By email", survey=survey, audience={}, channel=EMAIL, now=NOON)
    dispatch_and_send(campaign.next_run_at + dt.timedelta(minutes=1))
    assert [message.to for message in mail.outbox] == [["kaisa@example.fi"]]
    assert sms_backends.sms_outbox == []


def test_the_send_out_preview_shows_the_effective_channel_and_the_text_parts(client_for, manager, survey, both):
    survey_channel(survey, SMS)
    client = client_for(manager)
    data = {"name": "Kaikille", "survey": survey.pk, "when": "now"}

    by_survey = client.post("/surveys/send-outs/new/", data).content.decode()
    assert 'data-channel="sms"' in by_survey
    assert "Lähetystapa: Tekstiviesti (kyselyn valinta)" in by_survey
    assert "data-sms-preview" in by_survey and "<td data-sms-total>1</td>" in by_survey

    by_send_out = client.post("/surveys/send-outs/new/", {**data, "channel": EMAIL}).content.decode()
    assert 'data-channel="email"' in by_send_out
    assert "Lähetystapa: Sähköposti (lähetyksen valinta)" in by_send_out
    assert "data-sms-preview" not in by_send_out


def test_the_survey_editor_saves_the_channel_and_refuses_an_unknown_one(client_for, manager, survey):
    [question] = survey.questions.all()[:1]
    data = {
        "name": survey.name,
        "title_fi": survey.title_fi,
        "title_en": survey.title_en,
        "is_active": "on",
        "channel": SMS,
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(question.pk),
        "form-0-type": question.type,
        "form-0-text_fi": question.text_fi,
        "form-0-text_en": question.text_en,
        "form-0-required": "on",
        "form-0-ORDER": "1",
    }
    client = client_for(manager)
    page = client.get(f"/surveys/{survey.pk}/edit/").content.decode()
    assert 'name="channel"' in page and "Yrityksen valinta (kyselyasetukset)" in page

    refused = client.post(f"/surveys/{survey.pk}/edit/", {**data, "channel": "pigeon"})
    assert refused.status_code == 400
    survey.refresh_from_db()
    assert survey.channel == ""

    assert client.post(f"/surveys/{survey.pk}/edit/", data).status_code == 302
    survey.refresh_from_db()
    assert survey.channel == SMS
    assert "Tekstiviesti" in client.get(f"/surveys/{survey.pk}/").content.decode()


def test_the_service_refuses_an_unknown_channel(survey):
    with pytest.raises(DomainError) as refused:
        survey_update(survey=survey, channel="pigeon")
    assert "channel" in refused.value.fields
    survey.refresh_from_db()
    assert survey.channel == ""


def test_the_api_reads_and_writes_the_surveys_channel(client_for, manager, survey):
    client = client_for(manager)
    url = f"/api/v1/surveys/{survey.pk}/"
    assert client.get(url).json()["channel"] == ""

    changed = client.patch(url, {"channel": "sms"}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["channel"] == "sms"
    # A PATCH without the channel keeps it.
    assert client.patch(url, {"name": "Uusi nimi"}, content_type="application/json").json()["channel"] == "sms"
    # Blank: back to the company's choice.
    assert client.patch(url, {"channel": ""}, content_type="application/json").json()["channel"] == ""

    created = client.post(
        "/api/v1/surveys/",
        {
            "name": "Tekstillä",
            "title_fi": "Miten onnistuimme?",
            "title_en": "How did we do?",
            "channel": "email_else_sms",
            "questions": [{"type": "nps"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["channel"] == "email_else_sms"


@pytest.mark.parametrize("channel", ["pigeon", None, 3, ["sms"]])
def test_the_api_answers_400_to_a_bad_channel_and_changes_nothing(client_for, manager, survey, channel):
    client = client_for(manager)
    refused = client.patch(
        f"/api/v1/surveys/{survey.pk}/", {"channel": channel, "name": "X"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "channel" in refused.json()["fields"]
    survey.refresh_from_db()
    assert survey.name != "X"

    made = client.post(
        "/api/v1/surveys/",
        {"name": "Y", "title_fi": "Y", "title_en": "Y", "channel": channel, "questions": [{"type": "nps"}]},
        content_type="application/json",
    )
    assert made.status_code == 400
    assert "channel" in made.json()["fields"]
    assert not Survey.objects.filter(name="Y").exists()
