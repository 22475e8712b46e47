"""The customer's survey page: links, one answer per invitation, and one-click unsubscribe."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.cases.models import FollowUpCase
from apps.surveys.models import Answer, Invitation, InvitationStatus, Response
from tests.surveys.conftest import answer_data

pytestmark = pytest.mark.django_db


def test_the_emailed_link_opens_the_form(anonymous_client, sent_invitation):
    _invitation, token = sent_invitation
    assert f"/s/{token}/" in mail.outbox[0].body
    response = anonymous_client.get(f"/s/{token}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kuinka todennäköisesti suosittelisit" in page
    assert 'lang="fi"' in page


def test_opening_the_link_changes_nothing(anonymous_client, sent_invitation):
    invitation, token = sent_invitation
    before = Invitation.objects.values().get(pk=invitation.pk)
    for method in (anonymous_client.get, anonymous_client.head, anonymous_client.options):
        method(f"/s/{token}/")
        method(f"/s/{token}/unsubscribe/")
        method(f"/s/{token}/thanks/")
    assert Invitation.objects.values().get(pk=invitation.pk) == before
    assert not Response.objects.exists()
    invitation.customer.refresh_from_db()
    assert invitation.customer.unsubscribed is False


def test_an_answer_is_recorded_once_with_where_it_came_from(anonymous_client, sent_invitation):
    invitation, token = sent_invitation
    response = anonymous_client.post(f"/s/{token}/", answer_data(invitation, nps="10", comment="Nopeaa palvelua"))
    assert response.status_code == 302
    assert response["Location"] == f"/s/{token}/thanks/"
    assert "Kiitos vastauksestasi!" in anonymous_client.get(response["Location"]).content.decode()

    recorded = Response.objects.get()
    assert (recorded.customer, recorded.touchpoint, recorded.encounter) == (
        invitation.customer,
        invitation.touchpoint,
        invitation.encounter,
    )
    assert recorded.path_id == invitation.touchpoint.stage.path_id
    assert sorted(Answer.objects.values_list("type", "score", "text")) == [
        ("nps", 10, ""),
        ("text", None, "Nopeaa palvelua"),
    ]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED

    again = anonymous_client.post(f"/s/{token}/", answer_data(invitation, nps="0"))
    assert again.status_code == 404
    assert "ei ole käytettävissä" in again.content.decode()
    assert Response.objects.count() == 1
    assert Answer.objects.get(type="nps").score == 10


def test_missing_and_out_of_scale_answers_get_field_messages(anonymous_client, sent_invitation):
    invitation, token = sent_invitation
    response = anonymous_client.post(f"/s/{token}/", answer_data(invitation, nps="11"))
    assert response.status_code == 400
    assert "Valitse arvo väliltä 0–10." in response.content.decode()  # noqa: RUF001 - the Finnish range dash
    response = anonymous_client.post(f"/s/{token}/", answer_data(invitation, nps=""))
    assert "Vastaa tähän kysymykseen." in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize("mangle", ["tampered", "unknown", "short", "expired"])
def test_unusable_links_get_the_same_friendly_page(anonymous_client, sent_invitation, mangle):
    invitation, token = sent_invitation
    if mangle == "tampered":
        token = token[:-1] + ("0" if token[-1] != "0" else "1")
    elif mangle == "unknown":
        token = "f" * 64
    elif mangle == "short":
        token = "abc"
    else:
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    for response in (
        anonymous_client.get(f"/s/{token}/"),
        anonymous_client.post(f"/s/{token}/", answer_data(invitation)),
    ):
        assert response.status_code == 404
        assert "Tämä kyselylinkki ei ole käytettävissä" in response.content.decode()
    assert not Response.objects.exists()


def test_a_poor_answer_opens_a_case_for_the_touchpoint_owner(anonymous_client, sent_invitation, manager):
    invitation, token = sent_invitation
    anonymous_client.post(f"/s/{token}/", answer_data(invitation, nps="3", comment="Jonotin 40 minuuttia"))
    case = FollowUpCase.objects.get()
    assert case.assignee == manager
    assert case.customer == invitation.customer
    assert case.touchpoint == invitation.touchpoint
    assert case.reason == "Heikko vastaus: NPS 3"
    assert case.detail == "Jonotin 40 minuuttia"
    assert case.due_at > timezone.now()


def test_a_good_answer_opens_no_case(anonymous_client, sent_invitation):
    invitation, token = sent_invitation
    anonymous_client.post(f"/s/{token}/", answer_data(invitation, nps="8"))
    assert not FollowUpCase.objects.exists()


def test_one_click_unsubscribe_works_without_cookies(sent_invitation):
    invitation, token = sent_invitation
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    assert header == f"<https://alpha.testserver/s/{token}/unsubscribe/>"
    mail_client = Client(HTTP_HOST="alpha.testserver", enforce_csrf_checks=True)
    previous = connection.tenant
    response = mail_client.post(f"/s/{token}/unsubscribe/", {"List-Unsubscribe": "One-Click"})
    connection.set_tenant(previous)
    assert response.status_code == 200
    invitation.customer.refresh_from_db()
    assert invitation.customer.unsubscribed is True


def test_the_link_of_one_company_does_not_open_in_another(client_for, tenant_beta, sent_invitation):
    invitation, token = sent_invitation
    beta = client_for(tenant=tenant_beta)
    assert beta.get(f"/s/{token}/").status_code == 404
    assert beta.post(f"/s/{token}/", answer_data(invitation)).status_code == 404
    assert beta.post(f"/s/{token}/unsubscribe/").status_code == 404
    assert not Response.objects.exists()
    invitation.customer.refresh_from_db()
    assert invitation.customer.unsubscribed is False


def test_submissions_are_rate_limited(anonymous_client, sent_invitation):
    import time_machine
    from django.core.cache import cache

    cache.clear()
    # The limit counts in fixed one-minute windows: the eleven posts must fall in one window,
    # which a slow machine cannot promise near the end of a minute.
    with time_machine.travel(timezone.now().replace(second=1, microsecond=0), tick=False):
        statuses = [anonymous_client.post("/s/" + "e" * 64 + "/", {}).status_code for _ in range(11)]
    assert statuses[:10] == [404] * 10
    assert statuses[10] == 429
    cache.clear()
