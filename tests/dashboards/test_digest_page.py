"""The digest page: on by default, the preview, and "send now" (once per click, through the outbox)."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.dashboards.models import DigestDelivery, DigestManualSend
from apps.dashboards.selectors.digest import digest_recipients, digest_week_current
from apps.dashboards.services import digest_unsubscribe
from apps.dashboards.tasks import digest_dispatch
from apps.outbox.models import OutboundEmail
from cxplatform.celery import app
from tests.factories import AdminFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/digest/"
PREVIEW = "/dashboard/digest/preview/"
SEND = "/dashboard/digest/send/"
HELSINKI = dt.timezone(dt.timedelta(hours=2))
WEDNESDAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=HELSINKI)
KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_on_by_default_for_managers_and_admins_and_an_opt_out_stays(
    eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    earlier = set(digest_recipients())
    for user in earlier:
        digest_unsubscribe(user=user)
    manager = ManagerFactory(email="uusi@alpha.example")
    admin = AdminFactory(email="paakayttaja@alpha.example")
    leaver = ManagerFactory(email="ei-kiitos@alpha.example")
    UserFactory(email="myyja@alpha.example")  # frontline: never
    ManagerFactory(email="poissa@alpha.example", is_active=False)
    digest_unsubscribe(user=leaver)
    assert set(digest_recipients()) == {manager, admin}
    with time_machine.travel(dt.datetime(2026, 11, 23, 7, 30, tzinfo=HELSINKI), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert digest_dispatch() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["paakayttaja@alpha.example", "uusi@alpha.example"]


def test_preview_is_the_email_send_now_sends(
    client_for: Any, manager: Any, eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(manager)
    with time_machine.travel(WEDNESDAY, tick=False):
        page = client.get(URL)
        preview = client.get(PREVIEW)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SEND, {"key": KEY})
    assert page.status_code == 200 and preview.status_code == 200
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [manager.email]
    assert preview.content.decode() == message.alternatives[0][0]
    assert message.subject in page.content.decode()
    # The preview alone may use the email's inline styles and be framed by our own page.
    assert "'unsafe-inline'" in preview["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


def test_send_now_is_sent_once_per_click_and_logged(
    client_for: Any, manager: Any, eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(manager)
    with time_machine.travel(WEDNESDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(SEND, {"key": KEY})
        client.post(SEND, {"key": KEY})  # a double click
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.count() == 1
    sent = DigestManualSend.objects.get()
    assert (sent.user, sent.week_start) == (manager, dt.date(2026, 11, 23))
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.DIGEST_SENT_NOW)
    assert entry.acting_user == manager and entry.extra_data == {"week_start": "2026-11-23"}
    # Monday's own digest is not claimed by a send by hand.
    assert not DigestDelivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SEND, {"key": "f" * 32})  # a new click
    assert len(mail.outbox) == 2


def test_send_now_refuses_a_bad_key_without_sending(client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    assert client.post(SEND, {"key": "<script>"}).status_code == 400
    assert client.post(SEND, {}).status_code == 400
    assert not DigestManualSend.objects.exists() and not OutboundEmail.objects.exists()


def test_frontline_gets_neither_preview_nor_send(client_for: Any, frontline: Any) -> None:
    client = client_for(frontline)
    assert client.get(URL).status_code == 403
    assert client.get(PREVIEW).status_code == 403
    assert client.post(SEND, {"key": KEY}).status_code == 403
    assert not DigestManualSend.objects.exists() and not OutboundEmail.objects.exists()


def test_another_companys_admin_previews_their_own_company(client_for: Any, outsider: Any, manager: Any) -> None:
    with time_machine.travel(WEDNESDAY, tick=False):
        preview = client_for(outsider).get(PREVIEW).content.decode()
    assert "Beta" in preview and "Alpha" not in preview
    connection.set_tenant(manager.tenant)


@pytest.mark.parametrize(
    ("language", "button", "subject"),
    [
        ("fi", "Lähetä tämän viikon katsaus minulle nyt", "asiakaskokemus viikolla"),
        ("sv", "Skicka veckans sammandrag till mig nu", "kundupplevelsen vecka"),
    ],
)
def test_page_and_preview_in_the_readers_language(client_for: Any, language: str, button: str, subject: str) -> None:
    reader = ManagerFactory(email=f"{language}@alpha.example", language=language)
    client = client_for(reader)
    with time_machine.travel(WEDNESDAY, tick=False):
        page = client.get(URL, headers={"accept-language": language})
    assert button in page.content.decode() and subject in page.content.decode()


def test_week_current_is_this_weeks_monday() -> None:
    assert digest_week_current(now=WEDNESDAY) == dt.date(2026, 11, 23)
    assert digest_week_current(now=dt.datetime(2026, 11, 23, 0, 30, tzinfo=HELSINKI)) == dt.date(2026, 11, 23)
    assert digest_week_current(now=dt.datetime(2026, 11, 29, 23, 0, tzinfo=HELSINKI)) == dt.date(2026, 11, 23)
