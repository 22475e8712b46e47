"""The survey management pages: what managers do and see, what frontline staff and other companies cannot."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.customers.services import customer_create
from apps.surveys.models import Campaign, Invitation, InvitationStatus, Response, Survey, SurveySettings
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_create
from tests.factories import CampaignFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import NOON

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """The pages in English, so the assertions read the source strings."""

    def build(*args, **kwargs):
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


def _survey_post(**extra: str) -> dict[str, str]:
    data = {
        "name": "Katsastuksen jälkeen",
        "title_fi": "Miten katsastus sujui?",
        "title_en": "How did your inspection go?",
        "thank_you_fi": "Kiitos!",
        "is_active": "on",
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-type": "nps",
        "form-0-required": "on",
        "form-0-ORDER": "2",
        "form-1-type": "ces",
        "form-1-required": "on",
        "form-1-ORDER": "1",
        "form-2-type": "text",
        "form-2-ORDER": "3",
        "form-2-DELETE": "on",
    }
    return {**data, **extra}


def _pages(survey: Survey, campaign_id: int = 0) -> list[str]:
    return [
        "/surveys/",
        "/surveys/new/",
        "/surveys/settings/",
        "/surveys/send-outs/",
        "/surveys/send-outs/new/",
        "/surveys/invitations/",
        f"/surveys/{survey.pk}/",
        f"/surveys/{survey.pk}/edit/",
        f"/surveys/{survey.pk}/touchpoints/",
        f"/surveys/{survey.pk}/preview/fi/",
        f"/surveys/{survey.pk}/preview/en/",
    ]


def test_manager_and_admin_open_every_page(client_for, manager, company_admin, survey):
    for user in (manager, company_admin):
        client = client_for(user)
        for url in _pages(survey):
            assert client.get(url).status_code == 200, url


def test_frontline_is_refused_everywhere(client_for, frontline, survey):
    client = client_for(frontline)
    for url in _pages(survey):
        assert client.get(url).status_code == 403, url
    assert client.post("/surveys/new/", _survey_post()).status_code == 403
    assert client.post("/surveys/settings/", {"default_delay_minutes": "1"}).status_code == 403
    assert 'href="/surveys/"' not in client.get("/").content.decode()


def test_other_company_does_not_find_the_survey(client_for, outsider, survey):
    client = client_for(outsider)
    for url in _pages(survey)[6:]:
        assert client.get(url).status_code == 404, url
    assert survey.name not in client.get("/surveys/").content.decode()


def test_anonymous_is_sent_to_login(anonymous_client):
    response = anonymous_client.get("/surveys/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manager_builds_a_survey_on_one_page(client_for, manager):
    response = client_for(manager).post("/surveys/new/", _survey_post())
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/surveys/{survey.pk}/"
    questions = list(survey.questions.order_by("position").values_list("position", "type", "text_en"))
    assert questions == [
        (1, "ces", "Alpha Katsastus Oy made it easy for me to handle my issue."),
        (2, "nps", "How likely are you to recommend Alpha Katsastus Oy to a friend or colleague?"),
    ]
    page = client_for(manager).get(f"/surveys/{survey.pk}/").content.decode()
    assert "Alpha Katsastus Oy made it easy for me to handle my issue." in page


def test_builder_refuses_a_survey_without_questions(client_for, manager):
    data = _survey_post(**{"form-0-DELETE": "on", "form-1-DELETE": "on"})
    response = client_for(manager).post("/surveys/new/", data)
    assert response.status_code == 400
    assert "A survey needs at least one question." in response.content.decode()
    assert not Survey.objects.exists()


def test_add_question_without_javascript_posts_back_one_more_row(client_for, manager):
    response = client_for(manager).post("/surveys/new/", _survey_post(add="csat"))
    assert response.status_code == 200
    assert 'name="form-3-type"' in response.content.decode()
    assert not Survey.objects.exists()


def test_editor_reorders_existing_questions(client_for, manager, survey):
    nps, text = survey.questions.order_by("position")
    data = {
        "name": survey.name,
        "title_fi": survey.title_fi,
        "title_en": survey.title_en,
        "is_active": "on",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": str(nps.pk),
        "form-0-type": "nps",
        "form-0-text_fi": nps.text_fi,
        "form-0-text_en": nps.text_en,
        "form-0-required": "on",
        "form-0-ORDER": "2",
        "form-1-id": str(text.pk),
        "form-1-type": "text",
        "form-1-text_fi": text.text_fi,
        "form-1-text_en": text.text_en,
        "form-1-ORDER": "1",
    }
    assert client_for(manager).post(f"/surveys/{survey.pk}/edit/", data).status_code == 302
    assert list(survey.questions.order_by("position").values_list("pk", flat=True)) == [text.pk, nps.pk]


def test_preview_shows_the_customer_page_in_both_languages_and_records_nothing(client_for, manager, survey):
    client = client_for(manager)
    finnish = client.get(f"/surveys/{survey.pk}/preview/fi/").content.decode()
    english = client.get(f"/surveys/{survey.pk}/preview/en/").content.decode()
    assert "Miten katsastus sujui?" in finnish and '<html lang="fi">' in finnish
    assert "How did your inspection go?" in english and '<html lang="en">' in english
    assert "<fieldset" in finnish and "<legend" in finnish
    nps = survey.questions.get(type="nps")
    missing = client.post(f"/surveys/{survey.pk}/preview/en/", {})
    assert missing.status_code == 400 and "Please answer this question." in missing.content.decode()
    thanks = client.post(f"/surveys/{survey.pk}/preview/en/", {f"q{nps.pk}": "3"})
    assert thanks.status_code == 200 and "Thank you for your answer!" in thanks.content.decode()
    assert not Response.objects.exists()
    swedish = client.get(f"/surveys/{survey.pk}/preview/sv/").content.decode()
    # No Swedish texts in this survey: the page speaks Swedish around the company's own (Finnish) wording.
    assert '<html lang="sv">' in swedish and "Miten katsastus sujui?" in swedish
    assert client.get(f"/surveys/{survey.pk}/preview/de/").status_code == 404


def test_touchpoints_page_attaches_with_delays_and_shows_them_on_the_survey(client_for, manager, survey):
    path = map_build(stages={"Katsastus": ["Tarkastus", "Maksu"]})
    inspection, payment = touchpoint_named(path, "Tarkastus"), touchpoint_named(path, "Maksu")
    client = client_for(manager)
    page = client.get(f"/surveys/{survey.pk}/touchpoints/").content.decode()
    assert "Määräaikaiskatsastus" in page and "Tarkastus" in page
    data = {"touchpoint": [inspection.pk, payment.pk], f"delay_{inspection.pk}": "45", f"delay_{payment.pk}": ""}
    assert client.post(f"/surveys/{survey.pk}/touchpoints/", data).status_code == 302
    detail = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "after 45 min" in detail and "(company default)" in detail
    bad = client.post(
        f"/surveys/{survey.pk}/touchpoints/", {"touchpoint": [inspection.pk], f"delay_{inspection.pk}": "x"}
    )
    assert bad.status_code == 400


def test_settings_page_saves_and_explains_errors(client_for, company_admin):
    client = client_for(company_admin)
    data = {
        "default_delay_minutes": "90",
        "quiet_hours_start": "21:30",
        "quiet_hours_end": "08:00",
        "frequency_cap_days": "30",
        "reminder_after_days": "3",
        "link_valid_days": "14",
        "nps_poor_max": "6",
        "csat_poor_max": "2",
        "ces_poor_max": "3",
        "case_due_working_days": "2",
        "case_escalate_after_working_days": "2",
        "invitation_channel": "email",
    }
    assert client.post("/surveys/settings/", data).status_code == 302
    assert survey_settings_get().default_delay_minutes == 90
    response = client.post("/surveys/settings/", {**data, "reminder_after_days": "20", "csat_poor_max": "9"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The reminder must go out before the link expires." in body
    assert "Ensure this value is less than or equal to 5." in body
    assert SurveySettings.objects.get().csat_poor_max == 2


def test_send_out_shows_the_audience_then_schedules_on_confirm(client_for, manager, survey):
    customer_create(full_name="Aino", email="aino@example.fi", survey_consent=True)
    customer_create(full_name="Ilmari", email="ilmari@example.fi")
    client = client_for(manager)
    data = {"name": "Suhde-NPS", "survey": survey.pk, "when": "recurring", "repeat_every_months": "3"}
    counted = client.post("/surveys/send-outs/new/", data)
    body = counted.content.decode()
    assert counted.status_code == 200 and "1 customer will get the survey email" in body and "1 without consent" in body
    assert not Campaign.objects.exists()
    assert client.post("/surveys/send-outs/new/", {**data, "confirm": "1"}).status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.repeat_every_months == 3 and campaign.is_active
    listing = client.get("/surveys/send-outs/").content.decode()
    assert "Suhde-NPS" in listing and "Every 3 months" in listing
    assert client.post(f"/surveys/send-outs/{campaign.pk}/toggle/").status_code == 302
    assert Campaign.objects.get().is_active is False


def test_send_out_at_a_time_needs_the_time(client_for, manager, survey):
    data = {"name": "Kerta", "survey": survey.pk, "when": "at", "confirm": "1"}
    response = client_for(manager).post("/surveys/send-outs/new/", data)
    assert response.status_code == 400 and "Choose the date and time." in response.content.decode()


def test_invitations_page_shows_status_reason_and_failures(client_for, manager, survey):
    rules = survey_settings_get()
    ok = customer_create(full_name="Aino", email="aino@example.fi", survey_consent=True)
    no_consent = customer_create(full_name="Ilmari", email="ilmari@example.fi")
    invitation_create(survey=survey, customer=no_consent, send_at=NOON, now=NOON, rules=rules)
    failed = invitation_create(survey=survey, customer=ok, send_at=NOON, now=NOON, rules=rules)
    Invitation.objects.filter(pk=failed.pk).update(status=InvitationStatus.FAILED)
    failed.emails.update(status="failed", last_error="SMTPRecipientsRefused: mailbox unavailable")

    client = client_for(manager)
    page = client.get("/surveys/invitations/").content.decode()
    assert "No consent to surveys" in page and "SMTPRecipientsRefused: mailbox unavailable" in page
    only_failed = client.get("/surveys/invitations/?status=failed").content.decode()
    assert "Aino" in only_failed and "Ilmari" not in only_failed
    home = client.get("/surveys/").content.decode()
    assert 'data-failed-count="1"' in home and "1 invitation could not be delivered." in home


def test_nav_and_home_card_for_managers_only(client_for, manager, frontline):
    page = client_for(manager).get("/").content.decode()
    # Less the getting-started checklist, which a company not yet set up also shows.
    page = re.sub(r'<section class="card onboarding".*?</section>', "", page, flags=re.S)
    assert page.count('href="/surveys/"') == 2
    assert 'href="/surveys/"' not in client_for(frontline).get("/").content.decode()


def test_other_company_sees_none_of_alphas_send_outs(client_for, outsider, survey):
    CampaignFactory(name="Alfan kierros", survey=survey, next_run_at=NOON)
    client = client_for(outsider)
    assert "Alfan kierros" not in client.get("/surveys/send-outs/").content.decode()
    campaign = Campaign.objects.get()
    assert client.post(f"/surveys/send-outs/{campaign.pk}/toggle/").status_code == 404
    with schema_context("beta"):
        assert not Campaign.objects.exists()


def _sent_invitation(survey: Survey, *, language: str) -> tuple[Invitation, str]:
    from django.utils import timezone

    from apps.surveys.tokens import token_for

    customer = customer_create(full_name="Eino", email="eino@example.fi", language=language, survey_consent=True)
    now = timezone.now()
    invitation = invitation_create(survey=survey, customer=customer, send_at=now, now=now, rules=survey_settings_get())
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.SENT, sent_at=now, expires_at=now + dt.timedelta(days=14)
    )
    return invitation, token_for(invitation.token_nonce)


def test_customer_page_errors_speak_the_customers_language(anonymous_client, survey):
    _invitation, token = _sent_invitation(survey, language="en")
    response = anonymous_client.post(f"/s/{token}/", {})
    body = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="en">' in body and "Please answer this question." in body


def test_customer_page_sends_its_origin_so_the_form_can_be_posted(anonymous_client, survey):
    # With a "no-referrer" policy browsers send "Origin: null" on the form's POST,
    # which the CSRF check refuses: the customer could never answer.
    _invitation, token = _sent_invitation(survey, language="fi")
    body = anonymous_client.get(f"/s/{token}/").content.decode()
    assert '<meta name="referrer" content="same-origin">' in body
    assert "no-referrer" not in body


def test_inactive_survey_warns_that_its_touchpoints_send_nothing(client_for, manager, survey, touchpoint):
    survey.is_active = False
    survey.save()
    page = client_for(manager).get(f"/surveys/{survey.pk}/").content.decode()
    assert "This survey is not active: encounters at these touchpoints get no survey" in page


def test_send_out_preview_says_plainly_who_gets_an_email_and_when(client_for, manager, survey):
    rules = survey_settings_get()
    fresh = customer_create(full_name="Aino", email="aino@example.fi", survey_consent=True)
    recent = customer_create(full_name="Eero", email="eero@example.fi", survey_consent=True)
    customer_create(full_name="Ilmari", email="ilmari@example.fi")
    invitation_create(survey=survey, customer=recent, send_at=NOON, now=NOON, rules=rules)
    assert fresh.pk
    client = client_for(manager)
    when = (dt.datetime.now() + dt.timedelta(days=2)).replace(hour=20, minute=45).strftime("%Y-%m-%dT%H:%M")
    body = client.post(
        "/surveys/send-outs/new/", {"name": "Kerta", "survey": survey.pk, "when": "at", "send_at": when}
    ).content.decode()
    assert "1 customer will get the survey email" in body
    assert "1 surveyed recently: not asked again so soon" in body and "1 without consent to surveys" in body
    assert "will be invited" not in body and "will get no email now" not in body
    assert "The emails go out at 8:45 p.m. on " in body and "p.m.." not in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    body = client.post(
        "/surveys/send-outs/new/", {"name": "Kerta", "survey": survey.pk, "when": "at", "send_at": when}
    ).content.decode()
    assert "1 asiakas saa kyselysähköpostin" in body and "klo 20.45." in body


def test_survey_home_counts_expired_links_apart_from_those_awaiting_an_answer(client_for, manager, survey):
    rules = survey_settings_get()
    now = dt.datetime.now(dt.UTC)
    for number in range(3):
        customer = customer_create(full_name=f"Asiakas {number}", email=f"a{number}@example.fi", survey_consent=True)
        invitation = invitation_create(survey=survey, customer=customer, send_at=NOON, now=NOON, rules=rules)
        expires = now - dt.timedelta(days=1) if number else now + dt.timedelta(days=5)
        sent = {"status": InvitationStatus.SENT, "sent_at": NOON, "expires_at": expires}
        Invitation.objects.filter(pk=invitation.pk).update(**sent)
    client = client_for(manager)
    home = client.get("/surveys/").content.decode()
    assert '<span class="stat__value">1</span> <span class="stat__label">Awaiting answer' in home
    assert '<span class="stat__value">2</span> <span class="stat__label">Expired unanswered' in home
    expired = client.get("/surveys/invitations/", {"status": "expired"}).content.decode()
    assert "2 invitations" in expired and expired.count("invitation-status--expired") == 2
    awaiting = client.get("/surveys/invitations/", {"status": "sent"}).content.decode()
    assert "1 invitation" in awaiting and "invitation-status--expired" not in awaiting
