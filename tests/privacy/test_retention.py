"""Retention on real data: the dry-run count is what the run changes, a second run changes nothing,
every figure stays, a company with retention off and another company are untouched, a run stopped
between batches leaves whole rows and the next run finishes it, and the fixed-time deletions.

The world is tests/privacy/conftest.py's customer who touched every feature (late November 2026),
plus `other`, who came back in December: with one-month periods and the run on 10 January 2027,
everything of November is past its time, December's visit is not.
"""

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import QuerySet
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.cases.models import CaseEvent, FollowUpCase
from apps.core.exceptions import DomainError
from apps.core.personal_data import DataKind, personal_data_entries
from apps.customers.models import Customer, CustomerImport, ImportStatus
from apps.customers.services import customer_create
from apps.encounters.models import Encounter
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.services import outbound_email_requeue
from apps.privacy.models import RetentionSettings
from apps.privacy.retention.selectors import RetentionPolicy, retention_settings_get
from apps.privacy.retention.services import (
    RETENTION_STEPS,
    retention_due_counts,
    retention_run,
    retention_settings_update,
)
from apps.surveys.models import Answer
from tests.core.test_isolation_matrix import rows_fingerprint
from tests.factories import CustomerImportFactory, OutboundEmailFactory
from tests.privacy.conftest import Everywhere
from tests.privacy.test_erasure_proof import _figures

pytestmark = pytest.mark.django_db

RUN_AT = dt.datetime(2027, 1, 10, 3, 0, tzinfo=dt.UTC)
DECEMBER_VISIT = dt.datetime(2026, 12, 20, 10, 0, tzinfo=dt.UTC)
POLICY_STEPS = ("free_text", "staff_notes", "inactive_customers")


@pytest.fixture
def audit_log() -> Callable[..., QuerySet[AuditLogEntry]]:
    """audit_log(event_type=None): the entries written since the test began. The log is append-only,
    and a worker test may have committed entries in alpha before."""
    start = AuditLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def entries(event_type: str | None = None) -> QuerySet[AuditLogEntry]:
        written = AuditLogEntry.objects.filter(id__gt=start)
        return written.filter(event_type=event_type) if event_type else written

    return entries


def retention_switch_on(*, months: int | None = 1, admin: Any = None) -> RetentionSettings:
    return retention_settings_update(
        acting_user=admin,
        enabled=True,
        free_text_months=months,
        staff_note_months=months,
        inactive_customer_months=months,
    )


@pytest.fixture
def world(customer_everywhere: Everywhere, frontline: Any) -> Everywhere:
    from apps.encounters.services import encounter_log

    with time_machine.travel(DECEMBER_VISIT, tick=False):
        encounter_log(
            logged_by=frontline,
            customer=customer_everywhere.other,
            touchpoint=customer_everywhere.touchpoint,
            outcome="resolved",
            note="Joulukuun käynti, muistiinpano jää.",
            occurred_at=DECEMBER_VISIT,
        )
    return customer_everywhere


def texts_left(kind: DataKind) -> int:
    """Rows that still hold text of `kind`, over every registered model."""
    left = 0
    for entry in personal_data_entries():
        for name in entry.field_names(kind):
            left += entry.model._default_manager.exclude(**{name: ""}).count()
    return left


def test_every_text_retention_reaches_registers_its_time():
    for entry in personal_data_entries():
        if entry.field_names(DataKind.FREE_TEXT, DataKind.STAFF_NOTE):
            lookup = entry.extra.get("written_at") or entry.activity
            assert lookup, f"{entry.label} has free text or staff notes but no time for them"
            entry.model._default_manager.filter(**{f"{lookup}__lt": RUN_AT}).exists()  # the lookup resolves


def test_the_dry_run_count_is_what_the_run_changes_and_a_second_run_changes_nothing(
    world: Everywhere, company_admin: Any, client_for: Any, audit_log: Any
) -> None:
    client = client_for(company_admin)
    figures_before = _figures(client, world)
    retention_switch_on(admin=company_admin)
    policy = RetentionPolicy.of(retention_settings_get())

    expected = retention_due_counts(policy=policy, now=RUN_AT)
    dry = retention_run(now=RUN_AT, dry_run=True)
    assert {name: dry.counts[name] for name in POLICY_STEPS} == expected
    assert expected["free_text"] >= 2  # the answer's comment and its copy in the case
    assert expected["staff_notes"] >= 5  # encounter notes, a reason staff wrote, resolution note, event notes
    assert expected["inactive_customers"] == 1  # `other` came back in December

    report = retention_run(now=RUN_AT)

    assert report.counts == dry.counts
    assert report.counts["email_bodies"] > 0 and report.counts["import_files"] == 1
    world.customer.refresh_from_db()
    world.other.refresh_from_db()
    assert world.customer.erased_at is not None and world.other.erased_at is None
    assert world.other.full_name and world.other.email
    assert not Answer.objects.exclude(text="").exists()
    assert not FollowUpCase.objects.exclude(detail="").exists()
    assert not CaseEvent.objects.exclude(note="").exists()
    # Only December's note is within its period.
    assert list(Encounter.objects.exclude(note="").values_list("note", flat=True)) == [
        "Joulukuun käynti, muistiinpano jää."
    ]
    # The scores stay: nothing but text was changed.
    assert Answer.objects.filter(score__isnull=False).count() > 0
    assert _figures(client, world) == figures_before

    entry = audit_log(AuditEvent.RETENTION_RUN).get()
    assert entry.extra_data == {"counts": report.counts, "enabled": True}

    again = retention_run(now=RUN_AT)
    assert again.total == 0
    assert retention_due_counts(policy=policy, now=RUN_AT) == dict.fromkeys(POLICY_STEPS, 0)
    assert audit_log(AuditEvent.RETENTION_RUN).count() == 2


def test_a_company_with_retention_off_keeps_its_texts_and_customers(world: Everywhere) -> None:
    assert retention_settings_get().enabled is False  # off by default
    free_text, staff_notes = texts_left(DataKind.FREE_TEXT), texts_left(DataKind.STAFF_NOTE)

    report = retention_run(now=RUN_AT)

    assert set(report.counts) == {step.name for step in RETENTION_STEPS if not step.needs_policy}  # fixed times only
    assert {"import_files", "email_bodies"} <= set(report.counts)
    assert (texts_left(DataKind.FREE_TEXT), texts_left(DataKind.STAFF_NOTE)) == (free_text, staff_notes)
    assert not Customer.objects.filter(erased_at__isnull=False).exists()


def test_a_period_left_empty_keeps_that_data(world: Everywhere) -> None:
    retention_settings_update(
        acting_user=None, enabled=True, free_text_months=None, staff_note_months=1, inactive_customer_months=None
    )
    free_text = texts_left(DataKind.FREE_TEXT)

    report = retention_run(now=RUN_AT)

    assert report.counts["free_text"] == 0 and report.counts["inactive_customers"] == 0
    assert report.counts["staff_notes"] > 0
    assert texts_left(DataKind.FREE_TEXT) == free_text
    assert not Customer.objects.filter(erased_at__isnull=False).exists()


def test_another_company_is_untouched(world: Everywhere) -> None:
    with schema_context("beta"):
        with time_machine.travel(dt.datetime(2024, 1, 5, tzinfo=dt.UTC), tick=False):
            customer_create(full_name="Beeta Pitkäaikainen", email="beeta@beta.example")
        retention_switch_on()  # beta has retention on too, but only alpha runs
    beta_before = rows_fingerprint("beta")
    retention_switch_on()

    retention_run(now=RUN_AT)

    assert rows_fingerprint("beta") == beta_before


def test_a_run_stopped_between_batches_leaves_whole_rows_and_the_next_run_finishes(
    world: Everywhere, audit_log: Any
) -> None:
    retention_switch_on()
    policy = RetentionPolicy.of(retention_settings_get())
    expected = retention_due_counts(policy=policy, now=RUN_AT)
    batches: list[tuple[str, int]] = []

    class Killed(Exception):
        pass

    def progress(step: str, done: int) -> None:
        batches.append((step, done))
        if step == "staff_notes":  # killed after the first batch of staff notes
            raise Killed

    with pytest.raises(Killed):
        retention_run(now=RUN_AT, batch_size=2, progress=progress)

    # The steps before went whole (their batches committed); one batch of staff notes; no erasure.
    assert {step for step, _done in batches[:-1]} == {"import_files", "email_bodies", "export_files", "free_text"}
    assert batches[-1] == ("staff_notes", 2)
    assert texts_left(DataKind.FREE_TEXT) == 0
    assert not Customer.objects.filter(erased_at__isnull=False).exists()
    assert not audit_log(AuditEvent.RETENTION_RUN).exists()

    report = retention_run(now=RUN_AT, batch_size=2)

    assert {name: report.counts[name] for name in ("import_files", "email_bodies", *POLICY_STEPS)} == {
        "import_files": 0,
        "email_bodies": 0,
        "free_text": 0,
        "staff_notes": expected["staff_notes"] - 2,
        "inactive_customers": 1,
    }
    assert retention_run(now=RUN_AT).total == 0


def test_each_batch_leaves_a_row_either_untouched_or_wholly_anonymised(world: Everywhere) -> None:
    sent = OutboundEmail.objects.filter(status=OutboundStatus.SENT).order_by("pk")
    assert sent.count() >= 3

    def progress(step: str, done: int) -> None:
        if step != "email_bodies":
            return
        # The state each committed batch leaves: no row with only some of its fields removed.
        half = sent.filter(recipient="").exclude(subject="", body_text="", body_html="").count()
        half += sent.exclude(recipient="").filter(subject="").count()
        assert half == 0
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        retention_run(now=RUN_AT, batch_size=1, progress=progress)
    assert sent.filter(recipient="").count() == 1


@override_settings(CUSTOMER_IMPORT_FILE_TTL=dt.timedelta(days=7), OUTBOUND_EMAIL_BODY_TTL=dt.timedelta(days=30))
def test_import_files_and_email_texts_are_deleted_after_their_fixed_time(company_admin: Any, client_for: Any) -> None:
    now = timezone.now()

    def customer_import(status: str, finished_days_ago: int) -> CustomerImport:
        return CustomerImportFactory(
            file_name=f"{status}-{finished_days_ago}.csv",
            content="name;email\nMaija Meikäläinen;maija@example.fi\n".encode(),
            status=status,
            report={"total_rows": 1, "errors": [{"row": 2, "message": "maija@example.fi"}]},
            file_error="Rivi 2: maija@example.fi" if status == ImportStatus.FAILED else "",
            finished_at=now - dt.timedelta(days=finished_days_ago),
            created_count=1,
            created_by=company_admin,
        )

    old_committed = customer_import(ImportStatus.COMMITTED, 8)
    old_failed = customer_import(ImportStatus.FAILED, 30)
    recent = customer_import(ImportStatus.COMMITTED, 6)
    waiting = customer_import(ImportStatus.VALIDATED, 30)  # the user has not chosen yet

    def email(status: str, days_ago: int) -> OutboundEmail:
        at = now - dt.timedelta(days=days_ago)
        return OutboundEmailFactory(
            status=status,
            recipient="maija@example.fi",
            subject="Maija Meikäläinen",
            body_text="Hei Maija",
            body_html="<p>Hei Maija</p>",
            headers={"Reply-To": "maija@example.fi"},
            due_at=at,
            sent_at=at if status == OutboundStatus.SENT else None,
        )

    old_sent = email(OutboundStatus.SENT, 31)
    old_failed_email = email(OutboundStatus.FAILED, 31)
    old_cancelled = email(OutboundStatus.CANCELLED, 40)
    recent_sent = email(OutboundStatus.SENT, 29)
    queued = email(OutboundStatus.QUEUED, 60)  # not sent yet: it must still go out

    dry = retention_run(now=now, dry_run=True)
    report = retention_run(now=now)

    assert dry.counts == report.counts == {"import_files": 2, "email_bodies": 3, "export_files": 0}
    for gone in (old_committed, old_failed):
        gone.refresh_from_db()
        assert (bytes(gone.content), gone.report, gone.file_error, gone.commit_error) == (b"", {}, "", "")
        assert gone.created_count == 1 and gone.file_name and gone.finished_at  # the row and its counts stay
    for kept in (recent, waiting):
        kept.refresh_from_db()
        assert bytes(kept.content) and kept.report
    client = client_for(company_admin)
    client.cookies["django_language"] = "en"
    page = client.get(f"/customers/import/{old_committed.pk}/")
    assert page.status_code == 200
    assert "The file and its report were deleted" in page.content.decode()
    for gone in (old_sent, old_failed_email, old_cancelled):
        gone.refresh_from_db()
        assert (gone.recipient, gone.subject, gone.body_text, gone.body_html, gone.headers) == ("", "", "", "", {})
        assert gone.kind == "case_assigned" and gone.status in OutboundStatus.values and gone.due_at
    old_sent.refresh_from_db()
    assert old_sent.sent_at is not None
    for kept in (recent_sent, queued):
        kept.refresh_from_db()
        assert kept.recipient == "maija@example.fi" and kept.body_text == "Hei Maija"

    # A failed message without its text cannot be sent again (it would go out empty).
    with pytest.raises(DomainError):
        outbound_email_requeue(outbound=old_failed_email)
    assert retention_run(now=now).total == 0


def test_the_command_prints_each_company_and_a_dry_run_changes_nothing(world: Everywhere, audit_log: Any) -> None:
    retention_switch_on()
    with time_machine.travel(RUN_AT, tick=False):
        out, err = StringIO(), StringIO()
        call_command("retention_run", "--schema", "alpha", "--dry-run", stdout=out, stderr=err)
        assert "alpha (retention on): import_files 1, email_bodies 4, export_files 1, free_text 2," in out.getvalue()
        assert "Would anonymise in 1 companies" in out.getvalue()
        assert texts_left(DataKind.FREE_TEXT) > 0

        out, err = StringIO(), StringIO()
        call_command("retention_run", "--schema", "alpha", "--batch-size", "2", stdout=out, stderr=err)
    assert "alpha: staff_notes 2…" in err.getvalue()  # progress per batch
    assert "inactive_customers 1" in out.getvalue()
    assert texts_left(DataKind.FREE_TEXT) == 0
    sources = {entry.event_type: entry.source for entry in audit_log()}
    assert sources[AuditEvent.CUSTOMER_ERASED] == sources[AuditEvent.RETENTION_RUN] == "command"


def test_the_steps_are_the_listed_ones_in_order():
    # Erasure last: it then finds the customer's texts and emails already counted and gone.
    assert [step.name for step in RETENTION_STEPS] == [
        "import_files",
        "email_bodies",
        "export_files",
        "free_text",
        "staff_notes",
        "inactive_customers",
    ]


# --- The settings page -------------------------------------------------------------------------

URL = "/company/retention/"
PERIODS = {"free_text_months": "1", "staff_note_months": "1", "inactive_customer_months": "1"}


def test_only_company_admins_open_the_page(client_for: Any, company_admin: Any, manager: Any, frontline: Any):
    assert client_for(company_admin).get(URL).status_code == 200
    for user in (manager, frontline):
        assert client_for(user).get(URL).status_code == 403
        assert client_for(user).post(URL, {"enabled": "on", **PERIODS, "confirm": "1"}).status_code == 403
    assert retention_settings_get().enabled is False


def test_an_admin_of_another_company_is_refused(client_for: Any, outsider: Any, tenant_alpha: Any):
    client = client_for(outsider)
    client.defaults["HTTP_HOST"] = tenant_alpha.get_primary_domain().domain  # beta's session on alpha's host
    response = client.post(URL, {"enabled": "on", **PERIODS, "confirm": "1"})
    assert response.status_code in (302, 403)
    assert retention_settings_get().enabled is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("free_text_months", "0"), ("staff_note_months", "241"), ("inactive_customer_months", "kaksi")],
)
def test_a_bad_period_is_a_field_error_and_nothing_is_saved(client_for, company_admin, field, value, audit_log: Any):
    response = client_for(company_admin).post(URL, {**PERIODS, field: value, "enabled": "on", "confirm": "1"})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert RetentionSettings.objects.get().enabled is False
    assert not audit_log(AuditEvent.SETTINGS_CHANGED).exists()


def _shown_counts(response) -> dict[str, int]:
    import re

    html = response.content.decode()
    return {
        name: int(value.replace("\xa0", "").replace(",", "").replace(" ", ""))
        for name, value in re.findall(r'data-count="(\w+)">([^<]*)<', html)
    }


def test_switching_on_first_shows_the_dry_run_count_then_saves_on_confirmation(
    world: Everywhere, client_for: Any, company_admin: Any, audit_log: Any
) -> None:
    with time_machine.travel(RUN_AT, tick=False):
        client = client_for(company_admin)  # signed in "now", so the session is fresh at RUN_AT
        client.cookies["django_language"] = "en"
        expected = retention_due_counts(
            policy=RetentionPolicy(enabled=True, free_text_months=1, staff_note_months=1, inactive_customer_months=1),
            now=RUN_AT,
        )
        preview = client.post(URL, {"enabled": "on", **PERIODS})
        assert preview.status_code == 200
        assert _shown_counts(preview) == expected
        assert "Save and anonymise" in preview.content.decode()
        assert RetentionSettings.objects.get().enabled is False  # nothing saved yet

        saved = client.post(URL, {"enabled": "on", **PERIODS, "confirm": "1"})
        assert saved.status_code == 302
        # The count the admin saw is what the run changes.
        report = retention_run(now=RUN_AT)
    assert {name: report.counts[name] for name in POLICY_STEPS} == expected
    retention = RetentionSettings.objects.get()
    assert (retention.enabled, retention.free_text_months, retention.inactive_customer_months) == (True, 1, 1)
    entry = audit_log(AuditEvent.SETTINGS_CHANGED).get()
    assert entry.acting_user_id == company_admin.pk
    assert entry.extra_data["changed"] == [
        "enabled",
        "free_text_months",
        "inactive_customer_months",
        "staff_note_months",
    ]
    assert entry.extra_data["old"]["enabled"] is False
    assert entry.extra_data["new"] | {"staff_note_months": None} == {
        "enabled": True,
        "free_text_months": 1,
        "inactive_customer_months": 1,
        "staff_note_months": None,
    }


def test_the_page_shows_the_count_for_the_saved_periods_and_an_empty_period_keeps_until_erased(
    world: Everywhere, client_for: Any, company_admin: Any, audit_log: Any
) -> None:
    retention_settings_update(
        acting_user=None, enabled=False, free_text_months=1, staff_note_months=1, inactive_customer_months=1
    )
    with time_machine.travel(RUN_AT, tick=False):
        client = client_for(company_admin)
        client.cookies["django_language"] = "en"
        page = client.get(URL)
        policy = RetentionPolicy.of(retention_settings_get())
        shown = _shown_counts(page)
        assert shown == retention_due_counts(policy=policy, now=RUN_AT)
        assert shown["free_text"] > 0 and shown["inactive_customers"] == 1
        assert "Retention is off." in page.content.decode()
        # Off, a change is saved at once; an empty period is "keep until erased".
        response = client.post(URL, {"free_text_months": "", "staff_note_months": "36", "inactive_customer_months": ""})
    assert response.status_code == 302
    retention = RetentionSettings.objects.get()
    assert (retention.enabled, retention.free_text_months, retention.staff_note_months) == (False, None, 36)
    assert retention.inactive_customer_months is None
    entry = audit_log(AuditEvent.SETTINGS_CHANGED).first()  # the latest
    assert entry.extra_data["changed"] == ["free_text_months", "inactive_customer_months", "staff_note_months"]


def test_saving_the_same_values_logs_nothing(client_for: Any, company_admin: Any, audit_log: Any) -> None:
    retention = retention_settings_get()
    response = client_for(company_admin).post(
        URL,
        {
            "free_text_months": retention.free_text_months,
            "staff_note_months": retention.staff_note_months,
            "inactive_customer_months": retention.inactive_customer_months,
        },
    )
    assert response.status_code == 302
    assert not audit_log(AuditEvent.SETTINGS_CHANGED).exists()


def test_the_company_settings_page_links_to_retention_for_admins(client_for: Any, company_admin: Any) -> None:
    assert f'href="{URL}"' in client_for(company_admin).get("/company/settings/").content.decode()


# --- The API -----------------------------------------------------------------------------------

API = "/api/v1/privacy/retention/"


def test_the_api_reads_the_periods_with_what_they_anonymise_now(client_for: Any, company_admin: Any) -> None:
    body = client_for(company_admin).get(API).json()
    assert body == {
        "enabled": False,
        "free_text_months": 24,
        "staff_note_months": 24,
        "inactive_customer_months": 24,
        "due_now": {"free_text": 0, "staff_notes": 0, "inactive_customers": 0},
    }


def test_the_api_is_for_company_admins_of_the_company_only(client_for, manager, frontline, outsider, tenant_alpha):
    for user in (manager, frontline):
        client = client_for(user)
        assert client.get(API).status_code == 403
        assert client.patch(API, {"enabled": True, "confirm": True}, content_type="application/json").status_code == 403
    client = client_for(outsider)
    client.defaults["HTTP_HOST"] = tenant_alpha.get_primary_domain().domain
    response = client.patch(API, {"enabled": True, "confirm": True}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert retention_settings_get().enabled is False


def test_switching_on_through_the_api_needs_confirm_and_bad_periods_are_field_errors(
    client_for: Any, company_admin: Any, audit_log: Any
) -> None:
    client = client_for(company_admin)

    refused = client.patch(API, {"enabled": True}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "confirmation_required"
    assert "confirm" in refused.json()["fields"]
    bad = client.patch(API, {"free_text_months": 0, "staff_note_months": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"free_text_months", "staff_note_months"}
    assert not audit_log(AuditEvent.SETTINGS_CHANGED).exists()

    saved = client.patch(
        API, {"enabled": True, "confirm": True, "inactive_customer_months": None}, content_type="application/json"
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["enabled"] is True and saved.json()["inactive_customer_months"] is None
    entry = audit_log(AuditEvent.SETTINGS_CHANGED).get()
    assert (entry.source, entry.extra_data["changed"]) == ("api", ["enabled", "inactive_customer_months"])
    # Already on: a period changes without confirm.
    assert client.patch(API, {"staff_note_months": 12}, content_type="application/json").status_code == 200


def test_prepared_export_files_are_deleted_when_they_expire(company_admin: Any) -> None:
    from apps.privacy.models import PersonalDataExport
    from apps.privacy.services import personal_data_export_create

    admin = company_admin
    customer = customer_create(full_name="Veera Vientinen", email="veera@example.fi", created_by=admin)
    prepared = personal_data_export_create(customer=customer, created_by=admin)
    kept = personal_data_export_create(customer=customer, created_by=admin)
    PersonalDataExport.objects.filter(pk=prepared.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))

    dry = retention_run(now=timezone.now(), dry_run=True)
    report = retention_run(now=timezone.now())

    assert dry.counts["export_files"] == report.counts["export_files"] == 1
    assert list(PersonalDataExport.objects.values_list("pk", flat=True)) == [kept.pk]
    assert retention_run(now=timezone.now()).counts["export_files"] == 0
