"""Proof of erasure: one customer who touched every feature is erased, then every text, JSON and
bytea column of every table of the company's schema and the public schema is searched for
their name, email, phone and ids: nothing is left. The figures (the company, path, touchpoint
and perception dashboards, the scores API and the customer CSV export) are the same before and after.
"""

import csv
import io
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from apps.audit.models import AuditEvent, AuditLogEntry, AuditSource
from apps.customers.models import Customer, CustomerImport
from apps.metrics.selectors import DIMENSIONS, INTERVALS
from apps.metrics.services import metrics_recompute_full, metrics_refresh_dirty
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.privacy.erasure import customer_erase
from apps.surveys.models import EmailStatus, Invitation, InvitationEmail, InvitationStatus
from tests.conftest import outbox_deliver_due
from tests.privacy.conftest import EMAIL, NAME, OTHER_EMAIL, OTHER_NAME, Everywhere
from tests.privacy.scan import database_scan

pytestmark = pytest.mark.django_db

NOVEMBER = {"period": "custom", "start": "2026-11-01", "end": "2026-12-31"}
API_PERIOD = {"start": "2026-11-01", "end": "2026-12-31"}


def _figures(client: Any, world: Everywhere) -> dict[str, Any]:
    """Every figure a company sees about the period, as the pages and the API give them."""
    metrics_refresh_dirty()
    figures: dict[str, Any] = {}
    pages = {
        "company": reverse("dashboards:company"),
        "path": reverse("dashboards:path", args=[world.touchpoint.stage.path_id]),
        "touchpoint": reverse("dashboards:touchpoint", args=[world.touchpoint.pk]),
        "perception": reverse("dashboards:perception"),
    }
    for name, url in pages.items():
        response = client.get(url, {"export": "csv", **NOVEMBER})
        assert response.status_code == 200, (name, response.status_code)
        figures[f"dashboard:{name}"] = response.content.decode("utf-8-sig")
    api = "/api/v1/metrics/scores/"
    figures["scores"] = client.get(api, API_PERIOD).json()
    for group_by in DIMENSIONS:
        response = client.get(api, {**API_PERIOD, "group_by": group_by})
        assert response.status_code == 200, response.json()
        figures[f"scores:{group_by}"] = response.json()
    for interval in INTERVALS:
        figures[f"scores:{interval}"] = client.get(api, {**API_PERIOD, "interval": interval}).json()
    # The customer CSV export: one row per customer; its non-personal columns (language, segment,
    # persona, consent) as a sorted multiset, since the rows are ordered by name.
    export = b"".join(client.get(reverse("customers:export")).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export), delimiter=";" if export.count(";") > export.count(",") else ","))
    figures["customers_csv_rows"] = len(rows)
    figures["customers_csv_figures"] = sorted(tuple(row[3:7]) for row in rows[1:])
    return figures


def test_an_erased_customer_is_nowhere_and_every_figure_stays(
    customer_everywhere: Everywhere, company_admin: Any, manager: Any, client_for: Any
) -> None:
    world = customer_everywhere
    client = client_for(company_admin)
    schemas = ["alpha", "public"]

    found = database_scan(world.needles, schemas=schemas)
    # The builder put them in every kind of place the scan must reach.
    assert {f"{hit.table}.{hit.column}" for hit in found} >= {
        "customers_customer.full_name",
        "customers_customer.email",
        "customers_customer.phone_normalized",
        "customers_customerimport.content",
        "encounters_encounter.note",
        "encounters_encounter.external_id",
        "surveys_answer.text",
        "cases_followupcase.detail",
        "cases_followupcase.resolution_note",
        "cases_caseevent.note",
        "outbox_outboundemail.recipient",
        "outbox_outboundemail.subject",
        "outbox_outboundemail.body_text",
        "outbox_outboundemail.body_html",
        "django_admin_log.object_repr",
    }
    before = _figures(client, world)
    # Figures worth comparing: four visits, three invitations sent, one poor answer.
    total = before["scores"]["total"]
    assert (total["encounters"], total["invitations_delivered"], total["responses"], total["nps_n"]) == (4, 3, 1, 1)
    assert before["customers_csv_rows"] == 3

    result = customer_erase(customer=world.customer, acting_user=company_admin, source=AuditSource.WEB)

    left = database_scan(world.needles, schemas=schemas)
    assert left == [], "\n".join(str(hit) for hit in left)
    assert _figures(client, world) == before
    # A full recompute from the rows gives the same figures as well.
    metrics_recompute_full()
    assert _figures(client, world) == before

    customer = Customer.objects.get(pk=world.customer.pk)
    with translation.override("en"):
        assert customer.erased_at is not None and str(customer) == f"Erased customer #{customer.pk}"
    with translation.override("fi"):
        assert str(customer) == f"Poistettu asiakas #{customer.pk}"
    assert not customer.can_be_surveyed
    assert result.counts["customers.customer"] == 1
    assert result.counts["surveys.answer"] >= 1 and result.counts["outbox.outboundemail"] >= 1
    # The audit entry: who, when, which id, and counts only.
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.CUSTOMER_ERASED)
    assert (entry.acting_user_id, entry.target_type, entry.target_id) == (
        company_admin.pk,
        "customers.customer",
        str(customer.pk),
    )
    assert entry.extra_data == {"counts": result.counts}

    # The other customer of the same file and visits keeps everything.
    other = Customer.objects.get(pk=world.other.pk)
    assert (other.full_name, other.email, other.erased_at) == (OTHER_NAME, OTHER_EMAIL, None)
    first_import = CustomerImport.objects.get(pk=world.imports[0].pk)
    assert OTHER_EMAIL.encode() in bytes(first_import.content)
    assert first_import.report["total_rows"] == 2 and first_import.created_count == 2

    # Erasing again changes nothing and records nothing.
    again = customer_erase(customer=customer, acting_user=company_admin, source=AuditSource.WEB)
    assert again.already_erased and again.counts == {}
    assert AuditLogEntry.objects.filter(event_type=AuditEvent.CUSTOMER_ERASED).count() == 1


def test_nothing_is_sent_to_an_erased_customer(customer_everywhere: Everywhere, company_admin: Any) -> None:
    world = customer_everywhere
    queued_ids = world.notes["queued_outbound_ids"]
    assert OutboundEmail.objects.filter(pk__in=queued_ids, status=OutboundStatus.QUEUED).count() == 1

    customer_erase(customer=world.customer, acting_user=company_admin, source=AuditSource.TASK)

    assert not InvitationEmail.objects.filter(
        invitation__customer=world.customer, status__in=[EmailStatus.SCHEDULED, EmailStatus.SENDING]
    ).exists()
    assert set(OutboundEmail.objects.filter(pk__in=queued_ids).values_list("status", flat=True)) == {
        OutboundStatus.CANCELLED
    }
    now = timezone.now()
    assert not Invitation.objects.filter(
        customer=world.customer, status__in=[InvitationStatus.SCHEDULED, InvitationStatus.SENT], expires_at__gt=now
    ).exists()
    mail.outbox.clear()
    outbox_deliver_due()
    from apps.surveys.dispatch import survey_dispatch_run
    from apps.surveys.sending import invitation_email_send

    later = now + timezone.timedelta(days=30)
    for batch in survey_dispatch_run(now=later):
        for email_id in batch:
            invitation_email_send(email_id=email_id, now=later)
    assert [message for message in mail.outbox if EMAIL in message.to or NAME in message.subject] == []


def test_another_company_is_untouched(customer_everywhere: Everywhere, company_admin: Any, tenant_beta: Any) -> None:
    from django_tenants.utils import schema_context

    from apps.customers.services import customer_create

    with schema_context("beta"):
        twin = customer_create(full_name=NAME, email=EMAIL, phone="040 765 4321", language="fi")
    customer_erase(customer=customer_everywhere.customer, acting_user=company_admin, source=AuditSource.API)
    with schema_context("beta"):
        twin.refresh_from_db()
        assert (twin.full_name, twin.email, twin.phone_normalized, twin.erased_at) == (
            NAME,
            EMAIL,
            "+358407654321",
            None,
        )
        hits = database_scan([EMAIL], schemas=["beta"])
        assert {f"{hit.table}.{hit.column}" for hit in hits} == {"customers_customer.email"}
