"""Swedish for customers: survey texts per language with a fallback, the standard wordings, and
the email and pages a Swedish-speaking customer reads."""

import re
from pathlib import Path

import polib
import pytest
from django.db import connection

from apps.customers.importing import ImportMode, customer_import_commit, customer_import_create
from apps.customers.models import Customer
from apps.surveys.emails import invitation_email_build
from apps.surveys.models import InvitationEmail, QuestionType, Survey
from apps.surveys.services import QuestionInput, survey_create
from apps.surveys.wordings import question_default_text
from tests.surveys.conftest import answer_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def swedish(settings, tmp_path):
    """Every Swedish catalogue compiled for this test, ahead of any stale compiled copy."""
    base = Path(settings.BASE_DIR)
    merged = polib.POFile()
    merged.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    seen = set()
    for path in [*base.glob("locale/sv/LC_MESSAGES/django.po"), *base.glob("apps/*/locale/sv/LC_MESSAGES/django.po")]:
        for entry in polib.pofile(str(path)):
            if (entry.msgctxt, entry.msgid) not in seen:
                seen.add((entry.msgctxt, entry.msgid))
                merged.append(entry)
    target = tmp_path / "sv" / "LC_MESSAGES"
    target.mkdir(parents=True)
    merged.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


def _visible(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _swedish_texts(survey: Survey) -> None:
    survey.title_sv = "Hur gick besiktningen?"
    survey.thank_you_sv = "Tack för ditt svar!"
    survey.save()
    for question in survey.questions.all():
        question.text_sv = {
            "nps": "Hur sannolikt är det att du skulle rekommendera oss?",
            "text": "Vad kunde vi göra bättre?",
        }[question.type]
        question.save()


def test_a_text_falls_back_to_the_companys_language_then_finnish_then_english(survey, monkeypatch):
    assert survey.text("title", "sv") == "Miten katsastus sujui?"  # the company speaks Finnish
    monkeypatch.setattr(connection.tenant, "language", "en")
    assert survey.text("title", "sv") == "How did your inspection go?"
    survey.title_sv = "Hur gick besiktningen?"
    assert survey.text("title", "sv") == "Hur gick besiktningen?"
    survey.title_en = ""
    assert survey.text("title", "en") == "Miten katsastus sujui?"
    question = survey.questions.get(type=QuestionType.TEXT)
    assert question.text("sv") == "What could we do better?"
    assert question.text("de") == "What could we do better?"  # an unknown language reads the company's


def test_the_standard_wordings_speak_swedish_and_name_the_company_as_written():
    nps = question_default_text(QuestionType.NPS, "sv", company_name="Alpha Katsastus Oy")
    assert nps == "Hur sannolikt är det att du skulle rekommendera Alpha Katsastus Oy till en vän eller kollega?"
    assert (
        question_default_text(QuestionType.CES, "sv", company_name="") == "Det var lätt att sköta mitt ärende med er."
    )


def test_a_standard_question_gets_its_swedish_wording_and_an_own_question_is_not_replaced():
    survey = survey_create(
        name="Efter besöket",
        title_fi="Miten meni?",
        title_en="How did it go?",
        company_name="Alpha Katsastus Oy",
        questions=[
            QuestionInput(type=QuestionType.NPS),
            QuestionInput(type=QuestionType.TEXT, text_fi="Mikä jäi mieleen?"),
        ],
    )
    nps, own = survey.questions.order_by("position")
    assert nps.text_sv.startswith("Hur sannolikt är det att du skulle rekommendera Alpha Katsastus Oy")
    assert own.text_sv == "" and own.text("sv") == "Mikä jäi mieleen?"
    assert survey.title_sv == "" and survey.text("title", "sv") == "Miten meni?"


def test_the_invitation_speaks_swedish_to_a_swedish_customer(swedish, sent_invitation):
    invitation, _token = sent_invitation
    _swedish_texts(invitation.survey)
    invitation.language = "sv"
    invitation.save(update_fields=["language"])
    message = invitation_email_build(email=InvitationEmail.objects.filter(invitation=invitation).earliest("pk"))
    assert message.subject == "Hur gick besiktningen?"
    assert message.body.startswith("Hej Maija Meikäläinen,\n")
    assert "Tack för att du besökte Alpha Katsastus Oy (Tarkastus). Vill du berätta hur det gick?" in message.body
    assert "Svara på enkäten här:" in message.body
    assert 'lang="sv"' in message.alternatives[0].content and "Svara på enkäten" in message.alternatives[0].content


def test_the_survey_thank_you_and_unsubscribe_pages_speak_swedish(swedish, anonymous_client, sent_invitation):
    invitation, token = sent_invitation
    _swedish_texts(invitation.survey)
    invitation.language = "sv"
    invitation.save(update_fields=["language"])

    page = anonymous_client.get(f"/s/{token}/")
    assert '<html lang="sv">' in page.content.decode()
    text = _visible(page)
    assert "Hur gick besiktningen?" in text and "Hur sannolikt är det att du skulle rekommendera oss?" in text
    assert "Skicka svaren" in text and "Inte alls sannolikt" in text

    unsubscribe = _visible(anonymous_client.get(f"/s/{token}/unsubscribe/"))
    assert "Vill du sluta få enkäter?" in unsubscribe

    anonymous_client.post(f"/s/{token}/", answer_data(invitation, nps="9"))
    thanks = _visible(anonymous_client.get(f"/s/{token}/thanks/"))
    assert "Vi har fått dina svar" in thanks and "Tack för ditt svar!" in thanks


def test_the_api_reads_and_writes_the_swedish_texts(client_for, manager):
    client = client_for(manager)
    body = {
        "name": "Efter besöket",
        "title_fi": "Miten meni?",
        "title_sv": "Hur gick det?",
        "title_en": "How did it go?",
        "questions": [{"type": "nps", "text_sv": "Skulle du rekommendera oss?"}],
    }
    created = client.post("/api/v1/surveys/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["title_sv"] == "Hur gick det?"
    assert created.json()["questions"][0]["text_sv"] == "Skulle du rekommendera oss?"


def test_the_customer_import_takes_swedish_words_for_swedish(tenant_alpha):
    content = "namn;e-post;språk\nÅsa Öberg;asa@ex.fi;svenska\nMärta Ek;marta@ex.fi;ruotsi\nEino;eino@ex.fi;sv\n"
    customer_import = customer_import_create(file_name="kunder.csv", content=content.encode(), created_by=None)
    customer_import_commit(customer_import=customer_import, mode=ImportMode.ALL_OR_NOTHING, user=None)
    assert set(Customer.objects.values_list("language", flat=True)) == {"sv"}


def test_a_customers_language_can_be_swedish_through_the_api_and_nothing_else_unknown(client_for, manager):
    client = client_for(manager)
    created = client.post(
        "/api/v1/customers/", {"email": "asa@example.fi", "language": "sv"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["language"] == "sv"
    refused = client.post(
        "/api/v1/customers/", {"email": "hans@example.fi", "language": "de"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "language" in refused.json()["fields"]
