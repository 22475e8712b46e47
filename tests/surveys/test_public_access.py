"""Who can reach the survey pages and how: behind a proxy, without cookies, and what an unusable link reveals."""

import datetime as dt
import secrets

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.core.error_pages import CUSTOMER_PATH_PREFIX
from apps.surveys import public_views
from apps.surveys.models import Invitation, Response
from tests.surveys.conftest import NOON, answer_data

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
NOW = NOON + dt.timedelta(days=1)


class CustomerClient(Client):
    """A browser with cookies blocked: it never sends one back, and it enforces CSRF like a real browser would."""

    def __init__(self, **defaults):
        super().__init__(HTTP_HOST="alpha.testserver", enforce_csrf_checks=True, **defaults)

    def request(self, **request):
        self.cookies.clear()
        previous = connection.tenant
        try:
            return super().request(**request)
        finally:
            connection.set_tenant(previous)


@pytest.fixture
def frozen():
    """One rate-limit window for the whole test, from an empty budget."""
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def _unknown_link() -> str:
    return f"/s/{secrets.token_hex(32)}/"


# --- rate limits behind a proxy --------------------------------------------------------


def test_forty_customers_behind_a_trusted_proxy_each_have_their_own_budget(settings, frozen, sent_invitation):
    settings.TRUSTED_PROXIES = [PROXY]
    invitation, token = sent_invitation
    client = CustomerClient(REMOTE_ADDR=PROXY)
    statuses = []
    for number in range(40):
        link = _unknown_link()
        for _attempt in range(2):
            statuses.append(client.post(link, {}, HTTP_X_FORWARDED_FOR=f"203.0.113.{number + 1}").status_code)
    # 80 posts through one proxy, more than one address may send in a minute.
    assert len(statuses) > int(public_views.ADDRESS_RATE.split("/")[0])
    assert set(statuses) == {404}
    response = client.post(f"/s/{token}/", answer_data(invitation), HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 302
    assert Response.objects.count() == 1


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(settings, frozen, sent_invitation):
    settings.TRUSTED_PROXIES = [PROXY]
    invitation, token = sent_invitation
    client = CustomerClient(REMOTE_ADDR="198.51.100.7")
    budget = int(public_views.ADDRESS_RATE.split("/")[0])
    statuses = [
        client.post(_unknown_link(), {}, HTTP_X_FORWARDED_FOR=f"203.0.113.{number % 250 + 1}").status_code
        for number in range(budget)
    ]
    assert set(statuses) == {404}
    # Every spoofed address drew on the peer's one budget, which is now spent, for a real answer too.
    response = client.post(f"/s/{token}/", answer_data(invitation), HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429
    assert not Response.objects.exists()


def test_one_link_is_limited_from_any_number_of_addresses(settings, frozen, sent_invitation):
    settings.TRUSTED_PROXIES = [PROXY]
    invitation, token = sent_invitation
    client = CustomerClient(REMOTE_ADDR=PROXY)
    budget = int(public_views.LINK_RATE.split("/")[0])
    for number in range(budget):
        wrong = answer_data(invitation, nps="11")
        assert client.post(f"/s/{token}/", wrong, HTTP_X_FORWARDED_FOR=f"203.0.113.{number + 1}").status_code == 400
    response = client.post(f"/s/{token}/", answer_data(invitation), HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 429
    assert not Response.objects.exists()
    # The link's unsubscribe keeps its own budget.
    assert client.post(f"/s/{token}/unsubscribe/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200


def test_the_rate_limited_page_speaks_the_customers_language(frozen):
    client = CustomerClient()
    link = _unknown_link()
    budget = int(public_views.LINK_RATE.split("/")[0])
    for _attempt in range(budget):
        client.post(link, {})
    finnish = client.post(link, {})
    assert finnish.status_code == 429
    assert "Liian monta yritystä" in finnish.content.decode()
    assert "Odota hetki ja yritä uudelleen." in finnish.content.decode()
    english = client.post(link, {}, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert english.status_code == 429
    assert "Too many attempts" in english.content.decode()
    assert 'lang="en"' in english.content.decode()


# --- customers without cookies --------------------------------------------------------


def test_a_customer_without_cookies_answers_the_survey(frozen, sent_invitation):
    invitation, token = sent_invitation
    client = CustomerClient()
    form = client.get(f"/s/{token}/")
    assert form.status_code == 200
    assert "csrfmiddlewaretoken" not in form.content.decode()
    assert not form.cookies
    response = client.post(f"/s/{token}/", answer_data(invitation, nps="10"))
    assert response.status_code == 302
    assert not response.cookies
    assert "Kiitos vastauksestasi!" in client.get(response["Location"]).content.decode()
    assert Response.objects.count() == 1


def test_a_customer_without_cookies_sees_field_messages(frozen, sent_invitation):
    invitation, token = sent_invitation
    response = CustomerClient().post(f"/s/{token}/", answer_data(invitation, nps=""))
    assert response.status_code == 400
    assert "Vastaa tähän kysymykseen." in response.content.decode()


def test_a_customer_without_cookies_unsubscribes_from_the_page(frozen, sent_invitation):
    invitation, token = sent_invitation
    client = CustomerClient()
    page = client.get(f"/s/{token}/unsubscribe/")
    assert page.status_code == 200
    assert not invitation.customer.unsubscribed
    response = client.post(f"/s/{token}/unsubscribe/")
    assert response.status_code == 200
    invitation.customer.refresh_from_db()
    assert invitation.customer.unsubscribed is True
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_only_the_two_forms_skip_the_csrf_check(frozen, sent_invitation):
    invitation, token = sent_invitation
    client = CustomerClient()
    assert client.put(f"/s/{token}/", "q=1").status_code == 405
    assert client.delete(f"/s/{token}/unsubscribe/").status_code == 405
    refused = client.post(f"/s/{token}/thanks/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert "We could not accept that" in refused.content.decode()
    assert "Forbidden" not in refused.content.decode()
    invitation.customer.refresh_from_db()
    assert not invitation.customer.unsubscribed
    assert not Response.objects.exists()


# --- unknown and used links look the same ----------------------------------------------


@pytest.mark.parametrize("accept_language", ["", "en-US,en;q=0.9", "de-DE"])
def test_an_unknown_and_a_used_link_get_the_same_bytes(frozen, sent_invitation, accept_language):
    invitation, token = sent_invitation
    # The customer chose English; a visitor's page must still not tell their link from an unknown one.
    Invitation.objects.filter(pk=invitation.pk).update(language="en")
    invitation.refresh_from_db()
    client = CustomerClient()
    assert client.post(f"/s/{token}/", answer_data(invitation)).status_code == 302
    unknown = "f" * 64
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    for method in ("get", "post", "head"):
        used_response = getattr(client, method)(f"/s/{token}/", **headers)
        unknown_response = getattr(client, method)(f"/s/{unknown}/", **headers)
        assert used_response.status_code == unknown_response.status_code == 404
        assert used_response.content == unknown_response.content
        assert dict(used_response.items()) == dict(unknown_response.items())
    page = client.get(f"/s/{token}/", **headers).content.decode()
    expected = "en" if accept_language.startswith("en") else "fi"
    assert f'<html lang="{expected}">' in page


def test_the_unavailable_page_follows_the_browser_then_the_company(frozen, tenant_alpha):
    client = CustomerClient()
    assert "Tämä kyselylinkki ei ole käytettävissä" in client.get(_unknown_link()).content.decode()
    english = client.get(_unknown_link(), HTTP_ACCEPT_LANGUAGE="de;q=1, en;q=0.5").content.decode()
    assert "This survey link is not available" in english
    swedish = client.get(_unknown_link(), HTTP_ACCEPT_LANGUAGE="sv-FI, fi;q=0.5").content.decode()
    assert "Den här enkätlänken är inte tillgänglig" in swedish
    tenant_alpha.language = "en"
    tenant_alpha.save(update_fields=["language"])
    assert "This survey link is not available" in client.get(_unknown_link()).content.decode()
    assert "Tämä kyselylinkki" in client.get(_unknown_link(), HTTP_ACCEPT_LANGUAGE="fi").content.decode()


# --- error pages a customer can meet -------------------------------------------------------


def test_an_unknown_address_under_the_survey_links_is_a_customer_page(frozen):
    response = CustomerClient().get(f"/s/{'a' * 64}/no-such-page/", HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Tätä sivua ei löydy" in page
    assert "survey.css" in page
    assert "Alpha Katsastus Oy" in page
    assert reverse("accounts:login") not in page


def test_survey_links_live_under_the_customer_prefix(sent_invitation):
    _invitation, token = sent_invitation
    assert reverse("surveys_public:answer", args=[token]).startswith(CUSTOMER_PATH_PREFIX)
    assert reverse("surveys_public:unsubscribe", args=[token]).startswith(CUSTOMER_PATH_PREFIX)
