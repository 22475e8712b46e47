""" "Send now to the list": an admin sends this week's digest at once to every subscribed address without
an account, after a confirmation page; each in its own language with its own unsubscribe link, once per
click, through the outbox, audit-logged (docs/leadership-report.md)."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.core.exceptions import DomainError
from apps.dashboards.emails import digest_unsubscribe_recipient_id
from apps.dashboards.models import DigestDelivery, DigestExternalDelivery, DigestExternalRecipient, DigestListSend
from apps.dashboards.services import LEADERSHIP_DIGEST_EMAIL, digest_recipients_add, digest_send_to_list
from apps.outbox.models import OutboundEmail, OutboundStatus

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/digest/recipients/send/"
PREVIEW = "/dashboard/digest/recipients/send/preview/"
HELSINKI = dt.timezone(dt.timedelta(hours=2))
WEDNESDAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=HELSINKI)
KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def the_list(company_admin: Any) -> dict[str, DigestExternalRecipient]:
    [board] = digest_recipients_add(acting_user=company_admin, emails=["hallitus@example.fi"])
    [owner] = digest_recipients_add(acting_user=company_admin, emails=["agare@example.fi"], language="sv")
    [gone] = digest_recipients_add(acting_user=company_admin, emails=["pois@example.fi"])
    DigestExternalRecipient.objects.filter(pk=gone.pk).update(unsubscribed_at=timezone.now())
    return {"board": board, "owner": owner, "gone": gone}


def digests() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=LEADERSHIP_DIGEST_EMAIL).order_by("recipient"))


def test_the_confirmation_page_shows_the_count_and_the_preview(client_for: Any, company_admin: Any, the_list: Any):
    client = client_for(company_admin)
    client.cookies["django_language"] = "fi"
    with time_machine.travel(WEDNESDAY, tick=False):
        page = client.get(PAGE)
        preview = client.get(PREVIEW)
        settings_page = client.get("/dashboard/digest/").content.decode()
    assert page.status_code == 200 and preview.status_code == 200
    content = page.content.decode()
    assert "2 tilattua osoitetta" in content and "Lähetä 2 osoitteeseen" in content
    assert "asiakaskokemus viikolla 47" in content
    assert 'name="key"' in content and PREVIEW in content
    assert "asiakaskokemus" in preview.content.decode() or "NPS" in preview.content.decode()
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert PAGE in settings_page and "ruotsi" in settings_page
    assert not OutboundEmail.objects.exists(), "a GET sends nothing"


def test_each_subscribed_address_gets_its_own_digest_once(client_for: Any, company_admin: Any, the_list: Any):
    client = client_for(company_admin)
    with time_machine.travel(WEDNESDAY, tick=False):
        first = client.post(PAGE, {"key": KEY})
        again = client.post(PAGE, {"key": KEY}, follow=True)  # a double click, or the form resent
    assert first.status_code == 302
    assert again.status_code == 200
    board, owner = the_list["board"], the_list["owner"]
    emails = digests()
    assert [email.recipient for email in emails] == ["agare@example.fi", "hallitus@example.fi"]
    # Through the outbox, which paces the sending: queued, not sent by the request.
    assert {email.status for email in emails} == {OutboundStatus.QUEUED}
    to_owner, to_board = emails
    assert "kundupplevelsen vecka 47" in to_owner.subject  # the owner's Swedish
    assert "asiakaskokemus viikolla 47" in to_board.subject  # the company's Finnish
    links = {}
    for email, recipient in ((to_owner, owner), (to_board, board)):
        header = email.headers["List-Unsubscribe"]
        token = header.split("/digest/unsubscribe/")[1].split("/")[0]
        assert digest_unsubscribe_recipient_id(token) == recipient.pk
        assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        links[recipient.pk] = header
    assert len(set(links.values())) == 2
    sent = DigestListSend.objects.get()
    assert (sent.sent_by, sent.week_start, sent.recipient_count) == (company_admin, dt.date(2026, 11, 23), 2)
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.DIGEST_SENT_NOW, acting_user=company_admin)
    assert entry.acting_user == company_admin
    assert entry.extra_data == {"week_start": "2026-11-23", "to_list": True, "recipients": 2}
    # Monday's own digest to the list is not claimed by a send by hand.
    assert not DigestExternalDelivery.objects.exists() and not DigestDelivery.objects.exists()

    with time_machine.travel(WEDNESDAY, tick=False):
        client.post(PAGE, {"key": "f" * 32})  # a new click
    assert len(digests()) == 4


def test_an_unsubscribed_address_gets_nothing(company_admin: Any, the_list: Any):
    DigestExternalRecipient.objects.filter(pk=the_list["board"].pk).update(unsubscribed_at=timezone.now())
    assert digest_send_to_list(acting_user=company_admin, key=KEY) == 1
    assert [email.recipient for email in digests()] == ["agare@example.fi"]


def test_an_empty_list_sends_nothing_and_says_so(client_for: Any, company_admin: Any):
    client = client_for(company_admin)
    client.cookies["django_language"] = "fi"
    assert "Kukaan listalla ei saa katsausta" in client.get(PAGE).content.decode()
    assert digest_send_to_list(acting_user=company_admin, key=KEY) == 0
    assert digests() == []


def test_a_bad_key_sends_nothing(client_for: Any, company_admin: Any, the_list: Any):
    client = client_for(company_admin)
    for bad in ({}, {"key": "x"}, {"key": "0" * 31}):
        assert client.post(PAGE, bad).status_code == 400
    assert digests() == [] and not DigestListSend.objects.exists()


def test_only_admins_send_to_the_list(client_for: Any, manager: Any, frontline: Any, the_list: Any):
    for user in (manager, frontline):
        client = client_for(user)
        assert client.get(PAGE).status_code == 403
        assert client.get(PREVIEW).status_code == 403
        assert client.post(PAGE, {"key": KEY}).status_code == 403
    assert digests() == [] and not DigestListSend.objects.exists()
    with pytest.raises(DomainError) as raised:
        digest_send_to_list(acting_user=manager, key=KEY)
    assert raised.value.code == "not_allowed"


def test_the_language_is_chosen_when_addresses_are_added(client_for: Any, company_admin: Any):
    client = client_for(company_admin)
    client.post("/dashboard/digest/recipients/", {"emails": "styrelse@example.fi", "language": "sv"})
    client.post("/dashboard/digest/recipients/", {"emails": "hallitus@example.fi", "language": ""})
    refused = client.post("/dashboard/digest/recipients/", {"emails": "x@example.fi", "language": "de"}, follow=True)
    assert refused.status_code == 200
    assert dict(DigestExternalRecipient.objects.values_list("email", "language")) == {
        "styrelse@example.fi": "sv",
        "hallitus@example.fi": "",
    }
