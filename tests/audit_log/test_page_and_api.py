"""The audit log page (filters, CSV) and GET /api/v1/audit-log/: company admins only, their own company only."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.utils import translation
from django_tenants.utils import schema_context

from apps.accounts.models import Role
from apps.accounts.services import user_update
from apps.audit.models import AuditEvent, AuditLogEntry, AuditSource
from apps.audit.services import audit_log_record
from tests.audit.conftest import assert_no_personal_data, people_words
from tests.conftest import TenantClient

pytestmark = pytest.mark.django_db

PAGE = "/company/audit-log/"
EXPORT = "/company/audit-log/export/"
API = "/api/v1/audit-log/"
DAY = dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def history(company_admin, manager, frontline):
    """A role change by the admin on one day, a failed sign-in the next; one entry in beta."""
    with time_machine.travel(DAY, tick=False):
        user_update(user=frontline, role=Role.MANAGER, acting_user=company_admin)
    with time_machine.travel(DAY + dt.timedelta(days=1), tick=False):
        audit_log_record(
            event_type=AuditEvent.LOGIN_FAILED, modified_user=manager, target=manager, extra={"known_user": True}
        )
    with schema_context("beta"):
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, extra={"changed": ["language"]})


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_admin_sees_who_did_what_with_names_read_today(client_for, company_admin, frontline, history):
    frontline.full_name = "Renamed Later"
    frontline.save(update_fields=["full_name"])
    response = _english(client_for(company_admin)).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Role changed" in body and "Failed sign-in" in body
    assert "Renamed Later" in body  # the name of today, from the id
    assert "Role: Frontline → Manager" in body
    assert 'href="/company/audit-log/"' in body  # in the administration navigation


def test_finnish_page(client_for, company_admin, history):
    client = client_for(company_admin)
    client.cookies["django_language"] = "fi"
    body = client.get(PAGE).content.decode()
    assert "Tapahtumaloki" in body and "Rooli vaihdettu" in body and "Epäonnistunut kirjautuminen" in body


def test_every_event_and_source_has_a_finnish_label():
    members = [*AuditEvent, *AuditSource]
    with translation.override("en"):
        english = [str(member.label) for member in members]
    with translation.override("fi"):
        finnish = [str(member.label) for member in members]
    assert [en for en, fi in zip(english, finnish, strict=True) if en == fi] == []


@pytest.mark.parametrize(
    ("query", "events"),
    [
        ("", [AuditEvent.LOGIN_FAILED, AuditEvent.USER_ROLE_CHANGED]),
        (f"?event={AuditEvent.USER_ROLE_CHANGED}", [AuditEvent.USER_ROLE_CHANGED]),
        ("?date_from=2026-11-11", [AuditEvent.LOGIN_FAILED]),
        ("?date_to=2026-11-10", [AuditEvent.USER_ROLE_CHANGED]),
        ("?date_from=2026-11-12", []),
        ("?target_type=accounts.user", [AuditEvent.LOGIN_FAILED, AuditEvent.USER_ROLE_CHANGED]),
    ],
)
def test_page_filters(client_for, company_admin, history, query, events):
    response = _english(client_for(company_admin)).get(PAGE + query)
    assert response.status_code == 200
    # Only the history's two days: the test companies' own entries are of today.
    rows = [row for row in response.context["rows"] if row.entry.event_time < DAY + dt.timedelta(days=2)]
    assert [row.entry.event_type for row in rows] == events


def test_page_filters_by_user_and_object(client_for, company_admin, manager, frontline, history):
    client = _english(client_for(company_admin))
    by_user = client.get(f"{PAGE}?user={manager.pk}&date_to=2026-11-11").context["rows"]
    assert [row.entry.event_type for row in by_user] == [AuditEvent.LOGIN_FAILED]
    by_object = client.get(f"{PAGE}?target_type=accounts.user&target_id={frontline.pk}").context["rows"]
    assert [row.entry.event_type for row in by_object] == [AuditEvent.USER_ROLE_CHANGED]


def test_bad_filters_are_field_errors_not_500(client_for, company_admin, history):
    client = _english(client_for(company_admin))
    response = client.get(f"{PAGE}?date_from=yesterday&event=nonsense")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid date." in body and "Select a valid choice." in body
    backwards = client.get(f"{PAGE}?date_from=2026-11-12&date_to=2026-11-10")
    assert backwards.status_code == 400
    assert client.get(f"{EXPORT}?date_from=yesterday").status_code == 400


def test_csv_export_of_the_filtered_entries_is_logged(client_for, company_admin, frontline, history, new_entries):
    response = _english(client_for(company_admin)).get(f"{EXPORT}?event={AuditEvent.USER_ROLE_CHANGED}&delimiter=comma")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Time", "Event", "Event code"]
    assert [row[2] for row in rows[1:]] == [AuditEvent.USER_ROLE_CHANGED]
    assert rows[1][4] == str(company_admin.pk) and rows[1][6] == str(frontline.pk)

    (export,) = new_entries(event_type=AuditEvent.AUDIT_LOG_EXPORTED)
    assert (export.acting_user_id, export.extra_data) == (company_admin.pk, {"filters": ["event_type"], "rows": 1})


def test_a_cell_that_looks_like_a_formula_is_written_as_text(client_for, company_admin, frontline):
    frontline.full_name = "=HYPERLINK(1)"
    frontline.save(update_fields=["full_name"])
    user_update(user=frontline, role=Role.MANAGER, acting_user=company_admin)
    response = client_for(company_admin).get(f"{EXPORT}?event={AuditEvent.USER_ROLE_CHANGED}")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


@pytest.mark.parametrize("role", ["manager", "frontline"])
def test_only_admins_see_the_log(request, client_for, role, history):
    client = client_for(request.getfixturevalue(role))
    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.get(API).status_code == 403
    assert 'href="/company/audit-log/"' not in client.get("/").content.decode()


def test_anonymous_is_sent_to_login_or_401(anonymous_client):
    assert anonymous_client.get(PAGE).status_code == 302
    assert anonymous_client.get(API).status_code == 401


def test_another_companys_admin_sees_only_their_own_log(client_for, outsider, company_admin, history):
    page = client_for(outsider).get(PAGE)
    assert page.status_code == 200
    with schema_context("beta"):
        beta_ids = set(AuditLogEntry.objects.values_list("pk", flat=True))
    assert {row.entry.pk for row in page.context["rows"]} <= beta_ids
    assert AuditEvent.SETTINGS_CHANGED in {row.entry.event_type for row in page.context["rows"]}
    api = client_for(outsider).get(API).json()
    assert AuditEvent.USER_ROLE_CHANGED not in {row["event_type"] for row in api["results"]}
    # Alpha's admin's session means nothing on beta's domain.
    on_beta = TenantClient(outsider.tenant)
    on_beta.cookies = client_for(company_admin).cookies
    assert on_beta.get(API).status_code == 401
    assert on_beta.get(PAGE).status_code == 302


def test_api_lists_filters_and_pages(client_for, company_admin, manager, frontline, history):
    client = client_for(company_admin)
    body = client.get(f"{API}?event_type={AuditEvent.USER_ROLE_CHANGED}", HTTP_ACCEPT_LANGUAGE="en").json()
    (row,) = body["results"]
    assert row["acting_user"] == company_admin.pk and row["modified_user"] == frontline.pk
    assert row["acting_user_name"] == str(company_admin)
    assert row["extra_data"] == {"changed": ["role"], "old": {"role": "frontline"}, "new": {"role": "manager"}}
    assert row["event_label"] == "Role changed"
    assert row["target_type"] == "accounts.user" and row["target_id"] == str(frontline.pk)

    by_user = client.get(f"{API}?user={manager.pk}&until=2026-11-12T00:00:00Z").json()["results"]
    assert [row["event_type"] for row in by_user] == [AuditEvent.LOGIN_FAILED]
    since = client.get(f"{API}?since=2026-11-11T00:00:00Z&until=2026-11-12T00:00:00Z").json()["results"]
    assert [row["event_type"] for row in since] == [AuditEvent.LOGIN_FAILED]
    paged = client.get(f"{API}?page_size=1").json()
    assert len(paged["results"]) == 1 and paged["next"]


def test_api_bad_filters_are_400_with_field_messages(client_for, company_admin):
    client = client_for(company_admin)
    response = client.get(f"{API}?since=soon&user=x&event_type=nope")
    assert response.status_code == 400
    fields = response.json()["fields"] if "fields" in response.json() else response.json()
    assert {"since", "user", "event_type"} <= set(fields)


def test_entries_hold_no_personal_data_of_the_people_involved(company_admin, manager, frontline, history):
    assert_no_personal_data(AuditLogEntry.objects.all(), people_words(company_admin, manager, frontline))


def test_company_admin_site_shows_the_log_read_only_to_admins_only(client_for, company_admin, manager, history):
    entry = AuditLogEntry.objects.filter(event_type=AuditEvent.USER_ROLE_CHANGED).latest("id")
    admin_client = client_for(company_admin)
    assert admin_client.get("/admin/audit/auditlogentry/").status_code == 200
    assert admin_client.get(f"/admin/audit/auditlogentry/{entry.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/audit/auditlogentry/{entry.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/audit/auditlogentry/add/").status_code == 403
    assert client_for(manager).get("/admin/audit/auditlogentry/").status_code == 403


def test_the_endpoint_is_in_the_openapi_schema(client_for, company_admin):
    schema = client_for(company_admin).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/audit-log/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {
        "event_type",
        "user",
        "since",
        "until",
        "target_type",
        "target_id",
        "page",
    }
