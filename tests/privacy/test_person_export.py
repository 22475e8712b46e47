"""The per-person export (GDPR Art. 15 and 20): complete by an every-table scan, in JSON, HTML and CSV,
from the customer page and the API, for admins and managers only, logged, and gone when it expires."""

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent, AuditLogEntry, AuditSource
from apps.core import personal_data as registry
from apps.core.personal_data import personal_data_register
from apps.customers.models import Customer
from apps.customers.services import customer_create
from apps.privacy import person_export
from apps.privacy.models import PersonalDataExport
from apps.privacy.person_export import DOCUMENT_FORMAT, person_export_document, person_export_section_register
from apps.privacy.services import personal_data_export_create, personal_data_exports_delete_expired
from apps.surveys.models import Invitation
from tests.privacy.conftest import EMAIL, NAME, OTHER_EMAIL, OTHER_NAME, PHONE, Everywhere
from tests.privacy.scan import _json_escaped, _like_escape, scanned_columns

pytestmark = pytest.mark.django_db

TOP_LEVEL_KEYS = {
    "format",
    "generated_at",
    "company",
    "customer",
    "consent",
    "encounters",
    "invitations",
    "responses",
    "cases",
    "emails",
    "imports",
    "exports",
    "other_records",
    "admin_changes",
    "sources",
}
ZIP_FILES = {
    "data.json",
    "index.html",
    "encounters.csv",
    "invitations.csv",
    "answers.csv",
    "cases.csv",
    "case_events.csv",
    "emails.csv",
}


def _primary_key(schema: str, table: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.attname FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = %s::regclass AND i.indisprimary
            """,
            [f'"{schema}"."{table}"'],
        )
        columns = [name for (name,) in cursor.fetchall()]
    return columns[0] if len(columns) == 1 else None


def rows_holding(needles: tuple[str, ...], *, schemas: tuple[str, ...]) -> dict[tuple[str, str], set[str]]:
    """(schema, table) -> the primary keys of its rows that hold any of `needles` in any text-like column
    (the columns of tests/privacy/scan.py, searched the same way)."""
    found: dict[tuple[str, str], set[str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for schema, table, column, type_name in scanned_columns(schemas):
            key = _primary_key(schema, table)
            for needle in needles:
                like = "%" + _like_escape(needle) + "%"
                if type_name == "bytea":
                    where = f"encode({quote(column)}, 'escape') ILIKE %s"
                    params = [like]
                    for variant in (needle, needle.lower(), needle.upper()):
                        where += f" OR position(convert_to(%s, 'UTF8') in {quote(column)}) > 0"
                        params.append(variant)
                elif type_name.startswith("json") or type_name.endswith("[]"):
                    where = f"{quote(column)}::text ILIKE %s OR {quote(column)}::text ILIKE %s"
                    params = [like, "%" + _like_escape(_json_escaped(needle)) + "%"]
                else:
                    where, params = f"{quote(column)} ILIKE %s", [like]
                selected = f"{quote(key)}::text" if key else "ctid::text"
                cursor.execute(f"SELECT {selected} FROM {quote(schema)}.{quote(table)} WHERE {where}", params)  # noqa: S608
                rows = {value for (value,) in cursor.fetchall()}
                if rows:
                    found.setdefault((schema, table), set()).update(rows)
    return found


def test_every_row_that_holds_the_customer_is_in_their_export(customer_everywhere: Everywhere) -> None:
    customer = customer_everywhere.customer
    document = person_export_document(customer=customer)
    sources = {table: {str(pk) for pk in ids} for table, ids in document["sources"].items()}

    holding = rows_holding(customer_everywhere.needles, schemas=("alpha", "public"))
    assert ("alpha", "customers_customer") in holding and ("alpha", "outbox_outboundemail") in holding

    missing = [
        f"{schema}.{table} rows {sorted(pks - sources.get(table, set()))}"
        for (schema, table), pks in sorted(holding.items())
        if schema != "alpha" or pks - sources.get(table, set())
    ]
    assert not missing, "Rows naming the customer that their export leaves out:\n" + "\n".join(missing)
    # The tables the scan found are each a section of the document, and it carries every identifier.
    text = json.dumps(document, ensure_ascii=False)
    for needle in customer_everywhere.needles:
        assert needle in text, needle


def test_the_export_holds_nothing_of_another_customer(customer_everywhere: Everywhere) -> None:
    text = json.dumps(person_export_document(customer=customer_everywhere.customer), ensure_ascii=False)
    assert OTHER_NAME not in text and OTHER_EMAIL not in text
    # The uploaded file is quoted by its lines that name the customer, not whole.
    imports = person_export_document(customer=customer_everywhere.customer)["imports"]
    assert imports and all(EMAIL in line for upload in imports for line in upload["lines"])


def test_the_document_has_stable_keys_iso_times_and_every_fact(customer_everywhere: Everywhere) -> None:
    document = person_export_document(customer=customer_everywhere.customer)
    assert set(document) == TOP_LEVEL_KEYS
    assert document["format"] == DOCUMENT_FORMAT
    assert document["company"] == "Alpha Katsastus Oy"
    assert document["customer"]["full_name"] == NAME and document["customer"]["email"] == EMAIL
    assert document["customer"]["phone"] == PHONE and document["customer"]["language"] == "fi"
    assert set(document["consent"]) == {
        "survey_consent",
        "consent_given_at",
        "consent_source",
        "unsubscribed",
        "unsubscribed_at",
        "history",
    }

    encounters = document["encounters"]
    assert len(encounters) == 3
    assert {"occurred_at", "touchpoint", "path", "outcome", "peak_feeling", "end_feeling", "note"} <= set(encounters[0])
    assert encounters[0]["touchpoint"] == "Tarkastus" and encounters[0]["peak_feeling"] == -1
    assert NAME in encounters[0]["note"]

    invitations = document["invitations"]
    assert [row["status"] for row in invitations][:2] == ["answered", "sent"]
    assert invitations[0]["sent_at"] and invitations[0]["emails"][0]["kind"] == "initial"

    (response,) = document["responses"]
    scores = {answer["type"]: answer for answer in response["answers"]}
    assert scores["nps"]["score"] == 2 and scores["nps"]["question"]
    assert NAME in scores["text"]["comment"]

    case, staff_case = document["cases"]
    assert case["status"] == "resolved" and case["reason"] == "Heikko vastaus: NPS 2"
    assert (case["reason_code"], case["reason_scores"], case["reason_text"]) == (
        "poor_answer",
        [{"measure": "nps", "score": 2}],
        "",
    )
    assert [event["to_status"] for event in case["events"]][-2:] == ["contacted", "resolved"]
    assert EMAIL in case["resolution_note"]
    assert staff_case["reason_code"] == "staff" and NAME in staff_case["reason_text"] == staff_case["reason"]

    kinds = {email["kind"] for email in document["emails"]}
    assert "case_assigned" in kinds
    to_staff = [email for email in document["emails"] if not email["to_customer"]]
    assert to_staff and all(email["recipient"] is None for email in to_staff)
    assert all(email["recipient"] == EMAIL for email in document["emails"] if email["to_customer"])

    assert document["admin_changes"][0]["action"] == "changed"
    assert len(document["exports"]) == 1  # the fixture's own export

    for time in _times(document):
        assert dt.datetime.fromisoformat(time.replace("Z", "+00:00")).tzinfo is not None, time


def _times(value: Any) -> list[str]:
    """Every time value of the document (keys ending in _at, "at" and "action_time")."""
    if isinstance(value, list):
        return [text for item in value for text in _times(item)]
    if not isinstance(value, dict):
        return []
    times = []
    for key, item in value.items():
        if (key.endswith("_at") or key in ("at", "action_time")) and isinstance(item, str):
            times.append(item)
        else:
            times += _times(item)
    return times


def _zip_files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_the_zip_holds_data_json_a_readable_page_and_csv_tables(customer_everywhere: Everywhere, manager) -> None:
    export = personal_data_export_create(customer=customer_everywhere.customer, created_by=manager)
    files = _zip_files(bytes(export.content))
    assert set(files) == ZIP_FILES
    data = json.loads(files["data.json"])
    assert set(data) == TOP_LEVEL_KEYS and data["customer"]["email"] == EMAIL
    assert export.size == len(bytes(export.content)) and len(export.sha256) == 64
    assert export.expires_at - export.created_at == dt.timedelta(days=7)

    answers = list(csv.DictReader(io.StringIO(files["answers.csv"].lstrip("\ufeff"))))
    assert {row["type"] for row in answers} >= {"nps", "text"}
    assert any(NAME in row["comment"] for row in answers)
    encounters = list(csv.DictReader(io.StringIO(files["encounters.csv"].lstrip("\ufeff"))))
    assert len(encounters) == 3 and encounters[0]["touchpoint"] == "Tarkastus"
    case_events = list(csv.DictReader(io.StringIO(files["case_events.csv"].lstrip("\ufeff"))))
    answered_case = str(customer_everywhere.case.pk)
    assert [row["to_status"] for row in case_events if row["case_id"] == answered_case][-1] == "resolved"
    cases = list(csv.DictReader(io.StringIO(files["cases.csv"].lstrip("\ufeff"))))
    assert (cases[0]["reason_code"], cases[0]["reason"]) == ("poor_answer", "Heikko vastaus: NPS 2")


@pytest.mark.parametrize(
    ("language", "heading", "section", "reason"),
    [
        ("fi", "Henkilötietosi", "Vastauksesi", "Heikko vastaus: NPS 2"),
        ("en", "Your personal data", "Your answers", "Poor answer: NPS 2"),
    ],
)
def test_the_readable_page_is_in_the_readers_language_and_needs_nothing_from_outside(
    customer_everywhere: Everywhere, manager, language: str, heading: str, section: str, reason: str
) -> None:
    export = personal_data_export_create(customer=customer_everywhere.customer, created_by=manager, language=language)
    files = _zip_files(bytes(export.content))
    page = files["index.html"]
    assert f'<html lang="{language}">' in page
    assert heading in page and section in page
    # The case's reason too, in the page's language, and so in the data and the CSV files that come with it.
    assert reason in page and json.loads(files["data.json"])["cases"][0]["reason"] == reason
    assert reason in files["cases.csv"]
    assert NAME in page and EMAIL in page
    assert "Tarkastus" in page
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in page, external


def test_the_readable_page_defaults_to_the_customers_language(manager) -> None:
    customer = customer_create(full_name="Ella English", email="ella@example.test", language="en")
    page = _zip_files(bytes(personal_data_export_create(customer=customer, created_by=manager).content))["index.html"]
    assert "Your personal data" in page


def test_a_section_added_by_another_app_is_exported(manager) -> None:
    customer = customer_create(full_name="Kalle Kirjattu", email="kalle@example.test")

    def consent_history(customer: Customer) -> list[dict[str, Any]]:
        return [{"id": 7, "event": "given", "at": "2026-11-01T10:00:00Z"}]

    consent_history.table = "customers_consentevent"
    person_export_section_register("consent_history", consent_history)
    try:
        document = person_export_document(customer=customer)
        page = _zip_files(bytes(personal_data_export_create(customer=customer, created_by=manager).content))
    finally:
        person_export._sections.pop("consent_history")
    assert document["consent_history"] == [{"id": 7, "event": "given", "at": "2026-11-01T10:00:00Z"}]
    assert document["sources"]["customers_consentevent"] == [7]
    assert "consent_history" in page["index.html"]


# --- The page ----------------------------------------------------------------------------------


@pytest.fixture
def customer() -> Customer:
    return customer_create(full_name="Paula Pyytäjä", email="paula@example.test", phone="040 123 4567")


def test_a_manager_prepares_and_downloads_the_file_from_the_customer_page(client_for, manager, customer) -> None:
    client = client_for(manager)
    page = client.get(reverse("customers:detail", args=[customer.pk]))
    assert page.status_code == 200
    assert reverse("privacy:export_create", args=[customer.pk]) in page.content.decode()

    response = client.post(reverse("privacy:export_create", args=[customer.pk]), {"language": "en"})
    export = PersonalDataExport.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("customers:detail", args=[customer.pk]))
    logged = AuditLogEntry.objects.get(event_type=AuditEvent.CUSTOMER_DATA_EXPORTED)
    assert (logged.acting_user, logged.target_id, logged.extra_data["export_id"]) == (
        manager,
        str(customer.pk),
        export.pk,
    )
    assert "Paula" not in json.dumps(logged.extra_data)

    page = client.get(response["Location"]).content.decode()
    download_url = reverse("privacy:export_download", args=[customer.pk, export.pk])
    assert download_url in page

    download = client.get(download_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(_zip_files(download.content)["data.json"])["customer"]["email"] == "paula@example.test"
    downloaded = AuditLogEntry.objects.get(event_type=AuditEvent.CUSTOMER_DATA_DOWNLOADED)
    assert downloaded.acting_user == manager and downloaded.extra_data == {"export_id": export.pk, "size": export.size}


def test_an_admin_may_export_and_a_frontline_employee_may_not(client_for, company_admin, frontline, customer) -> None:
    url = reverse("privacy:export_create", args=[customer.pk])
    assert client_for(company_admin).post(url).status_code == 302
    export = PersonalDataExport.objects.get(customer=customer)
    assert client_for(frontline).post(url).status_code == 403
    download = reverse("privacy:export_download", args=[customer.pk, export.pk])
    assert client_for(frontline).get(download).status_code == 403
    assert PersonalDataExport.objects.filter(customer=customer).count() == 1


def test_unknown_customers_and_files_are_not_found(client_for, manager, customer) -> None:
    client = client_for(manager)
    assert client.post(reverse("privacy:export_create", args=[customer.pk + 1000])).status_code == 404
    assert client.get(reverse("privacy:export_download", args=[customer.pk, 999999])).status_code == 404
    other = customer_create(full_name="Toinen", email="toinen@example.test")
    export = personal_data_export_create(customer=other, created_by=manager)
    # A file of another customer is not reachable under this customer's address.
    assert client.get(reverse("privacy:export_download", args=[customer.pk, export.pk])).status_code == 404


def test_an_expired_file_cannot_be_downloaded_and_is_then_deleted(client_for, manager, customer) -> None:
    past = timezone.now() - dt.timedelta(days=8)
    export = personal_data_export_create(customer=customer, created_by=manager, now=past)
    fresh = personal_data_export_create(customer=customer, created_by=manager)
    client = client_for(manager)
    url = reverse("privacy:export_download", args=[customer.pk, export.pk])

    response = client.get(url)
    assert response.status_code == 410
    assert "Tiedosto vanheni" in response.content.decode()
    assert not AuditLogEntry.objects.filter(event_type=AuditEvent.CUSTOMER_DATA_DOWNLOADED).exists()
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert url not in page

    assert personal_data_exports_delete_expired(now=timezone.now()) == 1
    assert personal_data_exports_delete_expired(now=timezone.now()) == 0
    assert list(PersonalDataExport.objects.filter(customer=customer)) == [fresh]
    assert client.get(url).status_code == 404


# --- The API -----------------------------------------------------------------------------------


def test_the_api_returns_the_same_document_as_data_json(client_for, manager, customer) -> None:
    client = client_for(manager)
    response = client.get(f"/api/v1/customers/{customer.pk}/personal-data/")
    assert response.status_code == 200
    document = response.json()
    assert set(document) == TOP_LEVEL_KEYS and document["customer"]["full_name"] == "Paula Pyytäjä"
    logged = AuditLogEntry.objects.get(event_type=AuditEvent.CUSTOMER_DATA_EXPORTED)
    assert logged.source == AuditSource.API and logged.extra_data["format"] == "json"

    zipped = client.get(f"/api/v1/customers/{customer.pk}/personal-data/zip/?language=en")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    data = json.loads(_zip_files(zipped.content)["data.json"])
    assert {key: value for key, value in data.items() if key not in ("generated_at", "exports", "sources")} == {
        key: value for key, value in document.items() if key not in ("generated_at", "exports", "sources")
    }
    assert PersonalDataExport.objects.filter(customer=customer).count() == 1


def test_the_api_refuses_frontline_unknown_ids_and_bad_languages(client_for, frontline, manager, customer) -> None:
    assert client_for(frontline).get(f"/api/v1/customers/{customer.pk}/personal-data/").status_code == 403
    assert client_for(frontline).get(f"/api/v1/customers/{customer.pk}/personal-data/zip/").status_code == 403
    client = client_for(manager)
    missing = client.get(f"/api/v1/customers/{customer.pk + 1000}/personal-data/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    bad = client.get(f"/api/v1/customers/{customer.pk}/personal-data/zip/?language=de")
    assert bad.status_code == 400 and "language" in bad.json()["fields"]
    assert not PersonalDataExport.objects.exists()


def test_another_company_cannot_reach_the_customer_or_the_file(client_for, manager, outsider, customer) -> None:
    export = personal_data_export_create(customer=customer, created_by=manager)
    beta = client_for(outsider)
    with schema_context("beta"):
        assert not Customer.objects.filter(pk=customer.pk).exists()
    assert beta.get(f"/api/v1/customers/{customer.pk}/personal-data/").status_code == 404
    assert beta.get(reverse("privacy:export_download", args=[customer.pk, export.pk])).status_code == 404
    assert beta.post(reverse("privacy:export_create", args=[customer.pk])).status_code == 404
    with schema_context("beta"):
        assert not PersonalDataExport.objects.exists()


def test_the_openapi_schema_documents_both_endpoints(client_for, company_admin) -> None:
    schema = client_for(company_admin).get("/api/v1/schema/?format=json").json()
    json_get = schema["paths"]["/api/v1/customers/{customer_id}/personal-data/"]["get"]
    zip_get = schema["paths"]["/api/v1/customers/{customer_id}/personal-data/zip/"]["get"]
    assert {"200", "401", "403", "404"} <= set(json_get["responses"])
    assert "application/zip" in zip_get["responses"]["200"]["content"]


# --- The customer list's CSV export is logged too -----------------------------------------------


def test_the_customer_csv_export_is_logged_with_counts_and_filter_names_only(client_for, manager, customer) -> None:
    response = client_for(manager).get(reverse("customers:export"), {"q": "Paula", "consent": "no"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    logged = AuditLogEntry.objects.get(event_type=AuditEvent.CUSTOMERS_EXPORTED)
    assert logged.acting_user == manager
    assert logged.extra_data == {"rows": 1, "filters": ["consent", "search"]}


# --- The command -------------------------------------------------------------------------------


def test_the_command_writes_the_zip_and_logs_it(customer, tmp_path) -> None:
    target = tmp_path / "paula.zip"
    out = io.StringIO()
    call_command(
        "customer_export", "--schema", "alpha", "--by-email", "PAULA@example.test", "--output", str(target), stdout=out
    )
    files = _zip_files(target.read_bytes())
    assert set(files) == ZIP_FILES and json.loads(files["data.json"])["customer"]["id"] == customer.pk
    assert "Wrote" in out.getvalue()
    logged = AuditLogEntry.objects.get(event_type=AuditEvent.CUSTOMER_DATA_EXPORTED)
    assert logged.source == AuditSource.COMMAND and logged.acting_user is None


def test_the_command_refuses_an_unknown_company_or_customer(customer, tmp_path) -> None:
    target = str(tmp_path / "x.zip")
    with pytest.raises(CommandError, match="No company"):
        call_command("customer_export", str(customer.pk), "--schema", "nosuch", "--output", target)
    with pytest.raises(CommandError, match="No such customer"):
        call_command("customer_export", str(customer.pk + 1000), "--schema", "alpha", "--output", target)
    with pytest.raises(CommandError, match="Name the customer"):
        call_command("customer_export", "--schema", "alpha", "--output", target)
    assert not PersonalDataExport.objects.exists()


def test_a_registered_model_without_a_section_of_its_own_is_exported_whole(customer_everywhere: Everywhere) -> None:
    """Completeness: a model registered later (a consent ledger, say) reaches the export with no other change."""
    personal_data_register(Invitation, customer="customer", fields=[])
    try:
        document = person_export_document(customer=customer_everywhere.customer)
        page = _zip_files(
            bytes(personal_data_export_create(customer=customer_everywhere.customer, created_by=None).content)
        )["index.html"]
    finally:
        registry._REGISTRY.pop(Invitation)
    records = document["other_records"]["surveys.invitation"]
    invitations = Invitation.objects.filter(customer=customer_everywhere.customer)
    assert sorted(record["id"] for record in records) == sorted(invitations.values_list("pk", flat=True))
    assert {"status", "sent_at", "survey_id", "language"} <= set(records[0])
    assert "Kyselykutsut" in page  # the model's name, as a section of the readable page


def test_the_consent_history_is_in_the_export_with_the_words_the_customer_saw(company_admin, frontline) -> None:
    from apps.customers.consent import customer_consent_record
    from apps.customers.models import ConsentEvent, ConsentKind, ConsentSource
    from apps.privacy.export_files import person_export_zip

    customer = customer_create(full_name="Kaisa Kuluttaja", email="kaisa@example.fi", created_by=company_admin)
    record = customer_consent_record
    record(customer=customer, kind=ConsentKind.GIVEN, source=ConsentSource.FRONTLINE, actor=frontline)
    record(customer=customer, kind=ConsentKind.UNSUBSCRIBED, source=ConsentSource.ONE_CLICK, actor=None)

    document = person_export_document(customer=customer)

    history = document["consent"]["history"]
    assert [(row["kind"], row["source"], row["recorded_by"]) for row in history] == [
        ("given", "frontline", "staff"),
        ("unsubscribed", "one_click", "customer"),
    ]
    assert all(row["wording_version"] == 1 and row["wording_fi"] and row["wording_en"] for row in history)
    events = set(ConsentEvent.objects.filter(customer=customer).values_list("pk", flat=True))
    assert set(document["sources"]["customers_consentevent"]) == events
    assert "customers.consentevent" not in document["other_records"]
    with zipfile.ZipFile(io.BytesIO(person_export_zip(document, language="fi"))) as archive:
        page = archive.read("index.html").decode()
    assert "Suostumushistoria" in page and "Asiakas itse" in page
