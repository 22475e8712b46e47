"""The digest for addresses without an account: the list (admins), the company-wide email without the
raised notes, the one-click unsubscribe, removal as erasure (docs/leadership-report.md)."""

from typing import Any

import pytest
from django.core import mail

from apps.core.exceptions import DomainError
from apps.dashboards.emails import digest_unsubscribe_token
from apps.dashboards.models import DigestExternalDelivery, DigestExternalRecipient
from apps.dashboards.services import DIGEST_EXTERNAL_MAX, digest_external_send, digest_recipients_add
from tests.dashboards.test_digest import MONDAY_0730, eager_tasks, run_job, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

RECIPIENTS = "/dashboard/digest/recipients/"


def test_an_admin_adds_checked_deduplicated_addresses(client_for: Any, company_admin: Any) -> None:
    client = client_for(company_admin)
    client.post(RECIPIENTS, {"emails": "hallitus@example.fi, Hallitus@example.fi\nomistaja@example.fi"})
    assert sorted(DigestExternalRecipient.objects.values_list("email", flat=True)) == [
        "hallitus@example.fi",
        "omistaja@example.fi",
    ]
    client.post(RECIPIENTS, {"emails": "HALLITUS@example.fi"})  # already listed
    assert DigestExternalRecipient.objects.count() == 2
    # A bad address adds nothing at all.
    response = client.post(RECIPIENTS, {"emails": "uusi@example.fi, ei-osoite"}, follow=True)
    assert "ei-osoite" in response.content.decode()
    assert DigestExternalRecipient.objects.count() == 2


def test_the_list_has_a_maximum(company_admin: Any) -> None:
    digest_recipients_add(acting_user=company_admin, emails=[f"r{n}@example.fi" for n in range(DIGEST_EXTERNAL_MAX)])
    with pytest.raises(DomainError, match=str(DIGEST_EXTERNAL_MAX)):
        digest_recipients_add(acting_user=company_admin, emails=["yksi-liikaa@example.fi"])
    assert DigestExternalRecipient.objects.count() == DIGEST_EXTERNAL_MAX


def test_managers_and_frontline_cannot_manage_the_list(client_for: Any, manager: Any, frontline: Any) -> None:
    for user in (manager, frontline):
        assert client_for(user).post(RECIPIENTS, {"emails": "x@example.fi"}).status_code == 403
    assert not DigestExternalRecipient.objects.exists()


def test_external_recipients_get_the_company_digest_once_without_notes(
    world: dict[str, Any],  # noqa: F811
    eager_tasks: None,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
    company_admin: Any,
) -> None:
    digest_recipients_add(acting_user=company_admin, emails=["hallitus@example.fi"])
    run_job(MONDAY_0730, django_capture_on_commit_callbacks)
    run_job(MONDAY_0730, django_capture_on_commit_callbacks)
    [message] = [message for message in mail.outbox if message.to == ["hallitus@example.fi"]]
    assert "NPS: 67" in message.body or "NPS: 67" in message.body.replace("\xa0", " ")
    # No raised notes (staff's words), no link into the app; an unsubscribe link, one-click.
    assert "Korttimaksu" not in message.body and "Korttimaksu" not in message.alternatives[0][0]
    assert "/dashboard/" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/digest/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    delivery = DigestExternalDelivery.objects.get()
    assert digest_external_send(delivery_id=delivery.pk) is False  # a task delivered twice


def test_one_click_unsubscribe_and_a_forged_token(
    client_for: Any,
    company_admin: Any,
    eager_tasks: None,  # noqa: F811
) -> None:
    [recipient] = digest_recipients_add(acting_user=company_admin, emails=["hallitus@example.fi"])
    anonymous = client_for(None)
    token = digest_unsubscribe_token(recipient=recipient)
    url = f"/digest/unsubscribe/{token}/"
    assert anonymous.get(url).status_code == 200  # a GET asks, changes nothing
    recipient.refresh_from_db()
    assert recipient.unsubscribed_at is None
    assert anonymous.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    recipient.refresh_from_db()
    assert recipient.unsubscribed_at is not None
    assert anonymous.get(f"/digest/unsubscribe/{token[:-2]}xx/").status_code == 404


def test_removing_an_address_erases_it(client_for: Any, company_admin: Any) -> None:
    [recipient] = digest_recipients_add(acting_user=company_admin, emails=["hallitus@example.fi"])
    DigestExternalDelivery.objects.create(recipient=recipient, week_start=MONDAY_0730.date())
    client_for(company_admin).post(f"/dashboard/digest/recipients/{recipient.pk}/remove/")
    assert not DigestExternalRecipient.objects.exists() and not DigestExternalDelivery.objects.exists()


def test_monday_digest_to_an_address_is_in_its_language(
    world: dict[str, Any],  # noqa: F811
    eager_tasks: None,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
    company_admin: Any,
) -> None:
    digest_recipients_add(acting_user=company_admin, emails=["styrelse@example.fi"], language="sv")
    run_job(MONDAY_0730, django_capture_on_commit_callbacks)
    [message] = [message for message in mail.outbox if message.to == ["styrelse@example.fi"]]
    assert "kundupplevelsen vecka" in message.subject
