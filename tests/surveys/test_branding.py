"""What customers see of a company's branding: the survey page and the invitation email."""

import re
from email.utils import parseaddr
from typing import Any

import pytest
from django.conf import settings
from django.core import mail

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


def test_without_branding_the_page_keeps_todays_look(anonymous_client, sent_invitation):
    _invitation, token = sent_invitation
    page = anonymous_client.get(f"/s/{token}/").content.decode()
    assert "--brand: #0b6e69; --brand-ink: #ffffff; --brand-text: #0b6e69;" in page
    assert re.search(r'<span class="survey-header__company">[^<]+</span>', page)
    assert "survey-header__logo" not in page


def test_the_survey_page_shows_the_logo_with_the_company_name_and_the_colour(anonymous_client, sent_invitation):
    _invitation, token = sent_invitation
    tenant = branded(brand_colour="#ffd400")
    response = anonymous_client.get(f"/s/{token}/")
    page = response.content.decode()
    # Yellow: black text on its buttons, and dark text instead of yellow on white.
    assert "--brand: #ffd400; --brand-ink: #000000; --brand-text: #16202b;" in page
    nonce = re.search(r'<style nonce="([^"]+)">:root', page).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    logo = "/brand/logo/" + tenant.logo.rsplit("/", 1)[1]
    assert re.search(
        rf'<img class="survey-header__logo" src="{logo}" alt="{tenant.name}" width="\d+" height="\d+">', page
    )
    assert anonymous_client.get(logo).status_code == 200
    thanks = anonymous_client.get(f"/s/{token}/thanks/").content.decode()
    assert logo in thanks


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
