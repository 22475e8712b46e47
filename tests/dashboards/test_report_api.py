"""The leadership report in the API: the digest subscription and send-now, the external list and its
send-now, the dashboard PDF and the shared links, with the pages' roles, validation and audit entries
(docs/leadership-report.md)."""

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent, AuditLogEntry, AuditSource
from apps.core.pdf_text import pdf_latin1
from apps.dashboards.models import DashboardShareLink, DigestExternalRecipient, DigestSubscription
from apps.dashboards.services import LEADERSHIP_DIGEST_EMAIL, digest_recipients_add, share_link_create
from apps.locations.services import location_scope_set
from apps.outbox.models import OutboundEmail
from tests.conftest import make_user
from tests.dashboards.test_report_pdf import pdf_text, world  # noqa: F401 - the PDF tests' figures and reader

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"
OTHER_KEY = "fedcba9876543210fedcba9876543210"


def api(client: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    if method == "get":
        return client.get(url, body or {}, HTTP_ACCEPT="application/json")
    return getattr(client, method)(url, body or {}, content_type="application/json", HTTP_ACCEPT="application/json")


def digests() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=LEADERSHIP_DIGEST_EMAIL).order_by("recipient"))


# --- The caller's own digest --------------------------------------------------------------------


def test_digest_subscription_is_on_by_default_and_turned_off_and_on(client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    body = api(client, "get", "/api/v1/digest/").json()
    assert body["subscribed"] is True and body["email"] == "manager@alpha.example"
    off = api(client, "patch", "/api/v1/digest/", {"subscribed": False})
    assert off.status_code == 200 and off.json()["subscribed"] is False
    assert DigestSubscription.objects.get(user=manager).subscribed is False
    assert api(client, "get", "/api/v1/digest/").json()["subscribed"] is False
    assert api(client, "patch", "/api/v1/digest/", {"subscribed": True}).json()["subscribed"] is True
    assert DigestSubscription.objects.get(user=manager).subscribed is True


def test_digest_subscription_needs_a_boolean(client_for: Any, manager: Any) -> None:
    for body in ({}, {"subscribed": "maybe"}):
        response = api(client_for(manager), "patch", "/api/v1/digest/", body)
        assert response.status_code == 400 and "subscribed" in response.json()["fields"]
    assert not DigestSubscription.objects.exists()


def test_send_now_sends_once_per_key_and_is_audited(client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    first = api(client, "post", "/api/v1/digest/send-now/", {"key": KEY})
    assert first.status_code == 200
    assert first.json()["sent"] is True and first.json()["email"] == "manager@alpha.example"
    again = api(client, "post", "/api/v1/digest/send-now/", {"key": KEY})
    assert again.status_code == 200 and again.json()["sent"] is False
    [email] = digests()
    assert email.recipient == "manager@alpha.example"
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.DIGEST_SENT_NOW)
    assert entry.acting_user == manager and entry.extra_data["week_start"] == first.json()["week_start"]
    assert entry.source == AuditSource.API
    assert api(client, "post", "/api/v1/digest/send-now/", {"key": OTHER_KEY}).json()["sent"] is True
    assert len(digests()) == 2


def test_send_now_refuses_a_bad_key_and_an_account_without_email(client_for: Any, tenant_alpha: Any) -> None:
    manager = make_user(tenant_alpha, role="manager", email="tyhja@alpha.example")
    manager.email = ""
    manager.save(update_fields=["email"])
    client = client_for(manager)
    for body in ({}, {"key": "abc"}, {"key": KEY.upper()}):
        response = api(client, "post", "/api/v1/digest/send-now/", body)
        assert response.status_code == 400 and "key" in response.json()["fields"]
    response = api(client, "post", "/api/v1/digest/send-now/", {"key": KEY})
    assert response.status_code == 400 and response.json()["code"] == "no_email"
    assert not digests()


def test_frontline_has_no_digest(client_for: Any, frontline: Any) -> None:
    client = client_for(frontline)
    assert api(client, "get", "/api/v1/digest/").status_code == 403
    assert api(client, "patch", "/api/v1/digest/", {"subscribed": False}).status_code == 403
    assert api(client, "post", "/api/v1/digest/send-now/", {"key": KEY}).status_code == 403
    assert not digests() and not DigestSubscription.objects.exists()


# --- The list of addresses without an account ----------------------------------------------------


def test_admin_adds_lists_and_removes_addresses(client_for: Any, company_admin: Any) -> None:
    client = client_for(company_admin)
    added = api(
        client,
        "post",
        "/api/v1/digest/recipients/",
        {"emails": ["hallitus@example.fi", "Hallitus@Example.fi", "agare@example.fi"], "language": "sv"},
    )
    assert added.status_code == 201
    assert sorted(row["email"] for row in added.json()) == ["agare@example.fi", "hallitus@example.fi"]
    assert {row["language"] for row in added.json()} == {"sv"}
    again = api(client, "post", "/api/v1/digest/recipients/", {"emails": ["HALLITUS@example.fi"]})
    assert again.status_code == 201 and again.json() == []
    DigestExternalRecipient.objects.filter(email="agare@example.fi").update(unsubscribed_at="2026-11-01T10:00Z")
    listed = api(client, "get", "/api/v1/digest/recipients/").json()
    assert [(row["email"], row["unsubscribed"]) for row in listed] == [
        ("agare@example.fi", True),
        ("hallitus@example.fi", False),
    ]
    added_entry = AuditLogEntry.objects.get(event_type=AuditEvent.SETTINGS_CHANGED)
    assert added_entry.extra_data == {"digest_recipients_added": 2}
    board = DigestExternalRecipient.objects.get(email="hallitus@example.fi")
    assert api(client, "delete", f"/api/v1/digest/recipients/{board.pk}/").status_code == 204
    assert api(client, "delete", f"/api/v1/digest/recipients/{board.pk}/").status_code == 404
    assert list(DigestExternalRecipient.objects.values_list("email", flat=True)) == ["agare@example.fi"]
    assert AuditLogEntry.objects.filter(
        event_type=AuditEvent.SETTINGS_CHANGED, extra_data={"digest_recipients_removed": 1}
    ).exists()


def test_unsubscribed_state_is_read_only(client_for: Any, company_admin: Any) -> None:
    client = client_for(company_admin)
    body = {"emails": ["a@example.fi"], "unsubscribed": True, "unsubscribed_at": "2026-01-01T00:00Z"}
    [row] = api(client, "post", "/api/v1/digest/recipients/", body).json()
    assert row["unsubscribed"] is False and row["unsubscribed_at"] is None
    assert DigestExternalRecipient.objects.get().unsubscribed_at is None


def test_bad_addresses_a_bad_language_and_the_limit_are_400s(client_for: Any, company_admin: Any) -> None:
    client = client_for(company_admin)
    bad = api(client, "post", "/api/v1/digest/recipients/", {"emails": ["ok@example.fi", "not-an-address"]})
    assert bad.status_code == 400 and "not-an-address" in bad.json()["fields"]["emails"][0]
    for body in ({}, {"emails": []}, {"emails": ["a@example.fi"], "language": "de"}, {"emails": "a@example.fi"}):
        response = api(client, "post", "/api/v1/digest/recipients/", body)
        assert response.status_code == 400 and response.json()["fields"], body
    digest_recipients_add(acting_user=company_admin, emails=[f"r{n}@example.fi" for n in range(49)])
    over = api(client, "post", "/api/v1/digest/recipients/", {"emails": ["x@example.fi", "y@example.fi"]})
    assert over.status_code == 400 and "50" in over.json()["fields"]["emails"][0]
    assert DigestExternalRecipient.objects.count() == 49


def test_only_admins_manage_the_list(client_for: Any, manager: Any, frontline: Any, company_admin: Any) -> None:
    [board] = digest_recipients_add(acting_user=company_admin, emails=["hallitus@example.fi"])
    for user in (manager, frontline):
        client = client_for(user)
        assert api(client, "get", "/api/v1/digest/recipients/").status_code == 403
        assert api(client, "post", "/api/v1/digest/recipients/", {"emails": ["x@example.fi"]}).status_code == 403
        assert api(client, "delete", f"/api/v1/digest/recipients/{board.pk}/").status_code == 403
        assert api(client, "post", "/api/v1/digest/recipients/send/", {"key": KEY}).status_code == 403
    assert list(DigestExternalRecipient.objects.values_list("email", flat=True)) == ["hallitus@example.fi"]
    assert not digests()


def test_another_companys_address_is_a_404(client_for: Any, company_admin: Any, outsider: Any) -> None:
    with schema_context(outsider.tenant.schema_name):
        [theirs] = digest_recipients_add(acting_user=outsider, emails=["beta@example.fi"])
    assert api(client_for(company_admin), "delete", f"/api/v1/digest/recipients/{theirs.pk}/").status_code == 404
    with schema_context(outsider.tenant.schema_name):
        assert DigestExternalRecipient.objects.filter(pk=theirs.pk).exists()
    connection.set_tenant(company_admin.tenant)


def test_send_to_the_list_once_per_key(client_for: Any, company_admin: Any) -> None:
    digest_recipients_add(acting_user=company_admin, emails=["hallitus@example.fi", "agare@example.fi"])
    [gone] = digest_recipients_add(acting_user=company_admin, emails=["pois@example.fi"])
    DigestExternalRecipient.objects.filter(pk=gone.pk).update(unsubscribed_at="2026-11-01T10:00Z")
    client = client_for(company_admin)
    first = api(client, "post", "/api/v1/digest/recipients/send/", {"key": KEY})
    assert first.status_code == 200 and first.json()["sent"] is True and first.json()["queued"] == 2
    again = api(client, "post", "/api/v1/digest/recipients/send/", {"key": KEY})
    assert again.json() == {**first.json(), "sent": False, "queued": 0}
    assert [email.recipient for email in digests()] == ["agare@example.fi", "hallitus@example.fi"]
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.DIGEST_SENT_NOW)
    assert entry.extra_data["to_list"] is True and entry.extra_data["recipients"] == 2
    bad = api(client, "post", "/api/v1/digest/recipients/send/", {"key": "x"})
    assert bad.status_code == 400 and "key" in bad.json()["fields"]


# --- The dashboard PDF ----------------------------------------------------------------------------


def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


PDF = "/api/v1/dashboard/report.pdf"


def test_pdf_has_the_dashboards_figures(world: dict[str, Any], client_for: Any, company_admin: Any) -> None:  # noqa: F811
    client = english(client_for(company_admin))
    page = client.get("/dashboard/", {"location": world["turku"].pk})
    text = pdf_text(client.get(PDF, {"location": world["turku"].pk}, HTTP_ACCEPT="application/pdf"))
    assert "Customer experience report" in text and "Location: Turku" in text
    for kpi in page.context["data"].kpis:
        assert pdf_latin1(kpi.display) in text
    assert next(kpi for kpi in page.context["data"].kpis if kpi.key == "nps").value == -100
    assert "Asiakas" not in text
    # Any Accept works: the file is the answer.
    assert client.get(PDF)["Content-Type"] == "application/pdf"


def test_a_scoped_managers_pdf_is_their_scope(world: dict[str, Any], client_for: Any, manager: Any) -> None:  # noqa: F811
    location_scope_set(user=manager, regions=[], locations=[world["oulu"]], acting_user=None)
    client = english(client_for(manager))
    page = client.get("/dashboard/")
    text = pdf_text(client.get(PDF))
    assert "The figures cover only your locations." in text
    nps = next(kpi for kpi in page.context["data"].kpis if kpi.key == "nps")
    assert nps.answers == 5 and pdf_latin1(nps.display) in text
    # Another location is not offered, a persona not at all (figures by location keep none).
    outside = api(client, "get", PDF, {"location": world["turku"].pk})
    assert outside.status_code == 400 and "location" in outside.json()["fields"]
    persona = api(client, "get", PDF, {"persona": 1})
    assert persona.status_code == 400 and "persona" in persona.json()["fields"]


def test_pdf_filters_are_validated_as_on_the_page(world: dict[str, Any], client_for: Any, company_admin: Any) -> None:  # noqa: F811
    client = client_for(company_admin)
    cases = [
        ({"start": "2026-13-01"}, "start"),
        ({"period": "custom", "start": "2026-02-01"}, "end"),
        ({"period": "custom", "start": "2026-02-01", "end": "2026-01-01"}, "end"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-01-01"}, "end"),
        ({"period": "7"}, "period"),
        ({"path": 999999}, "path"),
        ({"location": world["oulu"].pk, "region": world["turku"].region_id}, "region"),
        ({"format": "csv"}, "format"),
    ]
    for params, field in cases:
        response = client.get(PDF, params, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 400, params
        assert response["Content-Type"] == "application/json"
        assert field in response.json()["fields"], (params, response.json())


def test_frontline_and_another_company_get_no_pdf(world: dict[str, Any], client_for: Any, frontline: Any) -> None:  # noqa: F811
    assert client_for(frontline).get(PDF).status_code == 403
    assert client_for(None).get(PDF, HTTP_ACCEPT="application/json").status_code == 401


# --- Shared links -----------------------------------------------------------------------------------


def test_made_shown_once_and_opens(world: dict[str, Any], client_for: Any, manager: Any) -> None:  # noqa: F811
    client = english(client_for(manager))
    made = api(client, "post", "/api/v1/share-links/", {"days": 3, "location": world["turku"].pk})
    assert made.status_code == 201
    body = made.json()
    assert body["status"] == "open" and body["cut"] == "Location: Turku" and body["created_by"] == manager.pk
    link = DashboardShareLink.objects.get()
    assert link.query == f"period=90&location={world['turku'].pk}"
    assert (link.expires_at - link.created_at).days in (2, 3)
    token = body["url"].rstrip("/").rsplit("/", 1)[-1]
    assert token not in link.token_hash and len(token) >= 43
    shared = client_for(None).get(f"/shared/{token}/")
    assert shared.status_code == 200
    assert next(kpi for kpi in shared.context["data"].kpis if kpi.key == "nps").value == -100
    # The list never shows the URL again.
    listed = api(client, "get", "/api/v1/share-links/").json()
    assert listed["count"] == 1 and "url" not in listed["results"][0] and token not in str(listed)
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.SHARE_LINK_CREATED)
    assert entry.acting_user == manager and entry.extra_data == {"days": 3} and entry.source == AuditSource.API


def test_share_link_input_is_validated(world: dict[str, Any], client_for: Any, manager: Any) -> None:  # noqa: F811
    client = client_for(manager)
    for body, field in (
        ({"days": 0}, "days"),
        ({"days": 31}, "days"),
        ({"days": "x"}, "days"),
        ({"period": "custom"}, "start"),
        ({"path": 999999}, "path"),
    ):
        response = api(client, "post", "/api/v1/share-links/", body)
        assert response.status_code == 400 and field in response.json()["fields"], body
    assert not DashboardShareLink.objects.exists()
    # The default is the page's: seven days.
    made = api(client, "post", "/api/v1/share-links/", {})
    assert made.status_code == 201
    link = DashboardShareLink.objects.get()
    assert round((link.expires_at - link.created_at).total_seconds() / 86400) == 7


def test_a_scoped_managers_link_keeps_their_scope(world: dict[str, Any], client_for: Any, manager: Any) -> None:  # noqa: F811
    location_scope_set(user=manager, regions=[], locations=[world["oulu"]], acting_user=None)
    client = client_for(manager)
    refused = api(client, "post", "/api/v1/share-links/", {"location": world["turku"].pk})
    assert refused.status_code == 400 and "location" in refused.json()["fields"]
    assert api(client, "post", "/api/v1/share-links/", {}).status_code == 201
    assert DashboardShareLink.objects.get().scope_location_ids == [world["oulu"].pk]


def test_who_lists_and_revokes(client_for: Any, manager: Any, company_admin: Any, tenant_alpha: Any) -> None:
    other = make_user(tenant_alpha, role="manager", email="toinen@alpha.example")
    mine, _token = share_link_create(user=manager, query="", cut="", days=7)
    theirs, _token = share_link_create(user=other, query="", cut="", days=7)
    client = client_for(manager)
    assert [row["id"] for row in api(client, "get", "/api/v1/share-links/").json()["results"]] == [mine.pk]
    admin_sees = api(client_for(company_admin), "get", "/api/v1/share-links/").json()["results"]
    assert {row["id"] for row in admin_sees} == {mine.pk, theirs.pk}
    # A manager cannot revoke another's link (it is not theirs to see): 404; an admin can.
    assert api(client, "delete", f"/api/v1/share-links/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert api(client, "delete", f"/api/v1/share-links/{mine.pk}/").status_code == 204
    assert api(client_for(company_admin), "delete", f"/api/v1/share-links/{theirs.pk}/").status_code == 204
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is not None
    assert AuditLogEntry.objects.filter(event_type=AuditEvent.SHARE_LINK_REVOKED).count() == 2
    statuses = {row["id"]: row["status"] for row in api(client, "get", "/api/v1/share-links/").json()["results"]}
    assert statuses == {mine.pk: "gone"}


def test_frontline_and_another_companys_links(
    client_for: Any, frontline: Any, company_admin: Any, outsider: Any
) -> None:
    client = client_for(frontline)
    assert api(client, "get", "/api/v1/share-links/").status_code == 403
    assert api(client, "post", "/api/v1/share-links/", {}).status_code == 403
    mine, _token = share_link_create(user=company_admin, query="", cut="", days=7)
    assert api(client, "delete", f"/api/v1/share-links/{mine.pk}/").status_code == 403
    with schema_context(outsider.tenant.schema_name):
        theirs, _token = share_link_create(user=outsider, query="", cut="", days=7)
    mine.delete()
    assert api(client_for(company_admin), "delete", f"/api/v1/share-links/{theirs.pk}/").status_code == 404
    with schema_context(outsider.tenant.schema_name):
        assert DashboardShareLink.objects.get(pk=theirs.pk).revoked_at is None
    connection.set_tenant(company_admin.tenant)
    assert not DashboardShareLink.objects.exists()


def test_a_filter_the_company_does_not_offer_is_a_400_in_the_readers_language(
    client_for: Any, company_admin: Any
) -> None:
    # No locations in this company: the page shows no location filter, and the API does not drop one quietly.
    client = client_for(company_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    response = api(client, "get", PDF, {"location": 1})
    assert response.status_code == 400 and response.json()["fields"]["location"] == ["Toimipistettä ei ole."]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = api(client, "post", "/api/v1/share-links/", {"region": 1})
    assert response.status_code == 400 and response.json()["fields"]["region"] == ["Regionen finns inte."]
    assert not DashboardShareLink.objects.exists()
