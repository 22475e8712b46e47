"""Two clicks of "send now to the list" at once, with the same form: the second waits for the first and
sends nothing, so each address gets one email."""

import threading

import pytest
from django.db import connection, connections
from django_tenants.utils import tenant_context

from apps.accounts.models import Role
from apps.dashboards.models import DigestExternalRecipient, DigestListSend
from apps.dashboards.services import LEADERSHIP_DIGEST_EMAIL, digest_recipients_add, digest_send_to_list
from apps.outbox.models import OutboundEmail
from apps.tenants.models import Tenant
from tests.conftest import make_user

pytestmark = pytest.mark.worker

CLICKS = 4


def test_concurrent_clicks_of_one_form_send_once(committed):
    # In beta: the send's audit entries outlive the test (the log is append-only), and alpha's tests
    # count theirs.
    company = Tenant.objects.get(schema_name="beta")
    admin_email = committed.email("admin")
    committed.forget_users("beta", [admin_email])
    addresses = [committed.email(f"list{n}") for n in range(3)]
    key = committed.tag.ljust(32, "0")
    with tenant_context(company):
        admin = make_user(company, role=Role.ADMIN, email=admin_email)
        # The company's list may hold other tests' addresses; these are the ones counted.
        digest_recipients_add(acting_user=admin, emails=addresses)

    def cleanup() -> None:
        with tenant_context(company):
            DigestExternalRecipient.objects.filter(email__in=addresses).delete()
            DigestListSend.objects.filter(key=key).delete()

    committed.on_teardown(cleanup)

    results: list[int | None] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(CLICKS)

    def click() -> None:
        try:
            connection.set_tenant(company)
            barrier.wait()
            results.append(digest_send_to_list(acting_user=admin, key=key))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    queued = [result for result in results if result is not None]
    assert len(queued) == 1 and queued[0] >= len(addresses) and results.count(None) == CLICKS - 1
    with tenant_context(company):
        sent = OutboundEmail.objects.filter(kind=LEADERSHIP_DIGEST_EMAIL, recipient__in=addresses)
        assert sorted(sent.values_list("recipient", flat=True)) == sorted(addresses)
        assert DigestListSend.objects.filter(key=key).count() == 1
