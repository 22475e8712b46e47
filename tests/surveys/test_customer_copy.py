"""What a customer reads: the invitation and reminder emails and the thank-you page, in Finnish and English."""

import re

import pytest

from apps.surveys.emails import invitation_email_build
from apps.surveys.models import EmailKind, InvitationEmail, Survey
from tests.surveys.conftest import answer_data

pytestmark = pytest.mark.django_db


def _email(invitation, *, kind: str = EmailKind.INITIAL, name: str | None = None, language: str = "fi"):
    customer = invitation.customer
    if name is not None:
        customer.full_name = name
        customer.save(update_fields=["full_name"])
    invitation.language = language
    invitation.save(update_fields=["language"])
    email = InvitationEmail.objects.filter(invitation=invitation).first()
    email.kind = kind
    return invitation_email_build(email=email)


@pytest.mark.parametrize(
    ("language", "named", "nameless"),
    [("fi", "Hei Maija Meikäläinen,", "Hei!"), ("en", "Hello Maija Meikäläinen,", "Hello!")],
)
def test_the_email_greets_by_name_or_reads_naturally_without_one(sent_invitation, language, named, nameless):
    invitation, _token = sent_invitation
    assert _email(invitation, language=language).body.startswith(named + "\n")
    message = _email(invitation, name="", language=language)
    assert message.body.startswith(nameless + "\n")
    assert nameless in message.alternatives[0].content
    assert "Hei," not in message.body and "Hello," not in message.body


@pytest.mark.parametrize(
    ("language", "invitation_text", "reminder_text"),
    [
        (
            "fi",
            "Kiitos, että asioit yrityksessä Alpha Katsastus Oy (Tarkastus). Kertoisitko, miten asiointi sujui?",
            "Ehdit vielä vastata, ja vastauksesi auttaa meitä parantamaan palveluamme.",
        ),
        (
            "en",
            "Thank you for visiting Alpha Katsastus Oy (Tarkastus). Would you tell us how it went?",
            "There is still time to answer, and your answer helps us do better.",
        ),
    ],
)
def test_the_invitation_and_reminder_name_the_company_as_written(
    sent_invitation, language, invitation_text, reminder_text
):
    invitation, _token = sent_invitation
    first = _email(invitation, language=language)
    reminder = _email(invitation, kind=EmailKind.REMINDER, language=language)
    assert invitation_text in first.body and invitation_text in first.alternatives[0].content
    assert reminder_text in reminder.body and reminder_text in reminder.alternatives[0].content
    for message in (first, reminder):
        # The company's name is never inflected: no "Oy:ää", "Oy:n" glued onto it.
        assert not re.search(r"Alpha Katsastus Oy:\w", message.body + message.alternatives[0].content)


def _visible(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize(
    ("language", "heading", "own_text", "default_text", "thanks"),
    [
        (
            "fi",
            "Saimme vastauksesi",
            "Kiitos vastauksestasi!",
            "Kiitos ajastasi! Voit nyt sulkea tämän sivun.",
            "Kiitos",
        ),
        (
            "en",
            "We received your answers",
            "Thank you for your answer!",
            "Thank you for your time. You can close this page now.",
            "Thank you",
        ),
    ],
)
def test_the_thank_you_page_thanks_once(
    anonymous_client, sent_invitation, language, heading, own_text, default_text, thanks
):
    invitation, token = sent_invitation
    invitation.language = language
    invitation.save(update_fields=["language"])
    anonymous_client.post(f"/s/{token}/", answer_data(invitation, nps="9"))

    page = _visible(anonymous_client.get(f"/s/{token}/thanks/"))
    assert f"<h1>{heading}</h1>" in anonymous_client.get(f"/s/{token}/thanks/").content.decode()
    assert own_text in page and page.count(thanks) == 1

    Survey.objects.filter(pk=invitation.survey_id).update(thank_you_fi="", thank_you_en="")
    page = _visible(anonymous_client.get(f"/s/{token}/thanks/"))
    assert heading in page and default_text in page and page.count(thanks) == 1
