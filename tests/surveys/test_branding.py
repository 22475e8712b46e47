"""What customers see of a company's branding: the survey page and the invitation email."""

import re
from email.utils import parseaddr
from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from apps.surveys.emails import invitation_email_build
from apps.surveys.models import EmailKind, InvitationEmail
from apps.tenants.models import Tenant
from tests.tenants.branding_files import branded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def branded_company(db: None, media: Any) -> Tenant:
    return branded()


def colours_of(client, page: str) -> tuple[str, str]:
    """The page's colour stylesheet (its address) and what it sets."""
    href = re.search(r'<link rel="stylesheet" href="(/brand/colours\.css\?v=\w+)">', page).group(1)
    response = client.get(href)
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in response["Cache-Control"]
    return href, response.content.decode()


def test_without_branding_the_page_keeps_todays_look(anonymous_client, sent_invitation):
    _invitation, token = sent_invitation
    page = anonymous_client.get(f"/s/{token}/").content.decode()
    _href, css = colours_of(anonymous_client, page)
    assert css == ":root { --brand: #0b6e69; --brand-ink: #ffffff; --brand-text: #0b6e69; }\n"
    assert re.search(r'<span class="survey-header__company">[^<]+</span>', page)
    assert "survey-header__logo" not in page


def test_the_survey_page_shows_the_logo_with_the_company_name_and_the_colour(anonymous_client, sent_invitation):
    _invitation, token = sent_invitation
    before, _css = colours_of(anonymous_client, anonymous_client.get(f"/s/{token}/").content.decode())
    tenant = branded(brand_colour="#ffd400")
    page = anonymous_client.get(f"/s/{token}/").content.decode()
    href, css = colours_of(anonymous_client, page)
    # A new address for new colours, so that no browser keeps the old ones.
    assert href != before
    # Yellow: black text on its buttons, and dark text instead of yellow on white.
    assert css == ":root { --brand: #ffd400; --brand-ink: #000000; --brand-text: #16202b; }\n"
    assert anonymous_client.get(before)["Cache-Control"] == "no-cache"
    logo = "/brand/logo/" + tenant.logo.rsplit("/", 1)[1]
    assert re.search(
        rf'<img class="survey-header__logo" src="{logo}" alt="{tenant.name}" width="\d+" height="\d+">', page
    )
    assert anonymous_client.get(logo).status_code == 200
    thanks = anonymous_client.get(f"/s/{token}/thanks/").content.decode()
    assert logo in thanks


def test_a_colour_that_is_not_one_never_reaches_the_stylesheet(anonymous_client, tenant_alpha):
    # Saved around the services' check (a hand-made change in the database, say).
    Tenant.objects.filter(pk=tenant_alpha.pk).update(brand_colour="red;}*{")
    css = anonymous_client.get("/brand/colours.css").content.decode()
    assert css == ":root { --brand: #0b6e69; --brand-ink: #ffffff; --brand-text: #0b6e69; }\n"


def test_the_invitation_comes_from_the_sender_name_with_reply_to_logo_and_colour(branded_company, sent_invitation):
    email = mail.outbox[-1]
    name, address = parseaddr(email.message()["From"])
    assert (name, address) == ("Katsastus Oy asiakaspalvelu", parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
    assert email.message()["Reply-To"] == "palaute@katsastus.fi"
    html = email.alternatives[0][0]
    logo_url = re.search(r'<img src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)"', html)
    assert logo_url.group(1).startswith("https://alpha.testserver/brand/logo/") and "/brand/logo/" in logo_url.group(1)
    assert logo_url.group(2) == branded_company.name
    assert "background:#1d4ed8;color:#ffffff;" in html
    # The text part names the company; it cannot show a picture.
    assert branded_company.name in email.body


def test_without_branding_the_invitation_comes_from_the_company_name_without_reply_to(sent_invitation):
    email = mail.outbox[-1]
    assert parseaddr(email.message()["From"])[0] == Tenant.objects.get(schema_name="alpha").name
    assert "Reply-To" not in email.message()
    assert "background:#0b6e69;color:#ffffff;" in email.alternatives[0][0]


def test_the_reminder_is_branded_like_the_invitation(branded_company, sent_invitation):
    invitation, _token = sent_invitation
    # The reminder the dispatcher scheduled when it sent the invitation.
    reminder = InvitationEmail.objects.get(invitation=invitation, kind=EmailKind.REMINDER)
    message = invitation_email_build(email=reminder).message()
    assert parseaddr(message["From"])[0] == "Katsastus Oy asiakaspalvelu"
    assert message["Reply-To"] == "palaute@katsastus.fi"
    html = next(part for part in message.walk() if part.get_content_type() == "text/html").get_payload(decode=True)
    assert b"/brand/logo/" in html and b"background:#1d4ed8;" in html


def test_the_customers_error_page_is_branded_too(anonymous_client, branded_company):
    page = anonymous_client.get("/s/" + "f" * 64 + "/")
    assert page.status_code == 404
    assert f'alt="{branded_company.name}"' in page.content.decode()
