"""The import in the browser (upload, report, choice) and from the shell."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from apps.customers.models import Customer, CustomerImport, ImportStatus
from tests.customers.conftest import FILES, read

pytestmark = pytest.mark.django_db


def _upload(client, name):
    return client.post("/customers/import/", {"file": SimpleUploadedFile(name, read(name), "text/csv")})


@pytest.fixture
def upload(inline_jobs):
    """Upload a test file; its check runs as it would on the worker."""

    def send(client, name):
        with inline_jobs():
            return _upload(client, name)

    return send


def test_upload_shows_the_report_and_writes_only_after_confirming(client_for, manager, personas, upload, inline_jobs):
    client = client_for(manager)
    response = upload(client, "bad_rows.csv")
    customer_import = CustomerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/customers/import/{customer_import.pk}/"
    assert Customer.objects.count() == 0

    report = client.get(response["Location"]).content.decode()
    assert "Avaruusturisti" in report
    assert f"/customers/import/{customer_import.pk}/commit/" in report

    with inline_jobs():
        client.post(f"/customers/import/{customer_import.pk}/commit/")
    assert sorted(Customer.objects.values_list("external_id", flat=True)) == ["B-1", "B-7"]
    customer_import.refresh_from_db()
    assert (customer_import.status, customer_import.created_by, customer_import.finished_by) == (
        ImportStatus.COMMITTED,
        manager,
        manager,
    )


def test_import_nothing(client_for, manager, upload):
    client = client_for(manager)
    upload(client, "valid_en_comma.csv")
    customer_import = CustomerImport.objects.get()
    client.post(f"/customers/import/{customer_import.pk}/discard/")
    customer_import.refresh_from_db()
    assert customer_import.status == ImportStatus.DISCARDED
    client.post(f"/customers/import/{customer_import.pk}/commit/")
    assert Customer.objects.count() == 0


def test_an_unreadable_file_gets_a_file_level_error(client_for, manager, upload):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, "unknown_encoding.csv")
    page = client.get(response["Location"]).content.decode()
    assert "neither UTF-8 nor Windows-1252" in page
    assert "/commit/" not in page
    assert Customer.objects.count() == 0


def test_frontline_cannot_upload_or_confirm(client_for, frontline, manager, upload):
    upload(client_for(manager), "valid_en_comma.csv")
    customer_import = CustomerImport.objects.get()
    client = client_for(frontline)
    assert _upload(client, "valid_en_comma.csv").status_code == 403
    assert client.get(f"/customers/import/{customer_import.pk}/").status_code == 403
    assert client.post(f"/customers/import/{customer_import.pk}/commit/").status_code == 403
    assert client.post(f"/customers/import/{customer_import.pk}/retry/").status_code == 403
    assert Customer.objects.count() == 0


def test_import_of_another_company_is_not_found(client_for, outsider, manager, upload):
    upload(client_for(manager), "valid_en_comma.csv")
    customer_import = CustomerImport.objects.get()
    client = client_for(outsider)
    assert client.get(f"/customers/import/{customer_import.pk}/").status_code == 404
    assert client.post(f"/customers/import/{customer_import.pk}/commit/").status_code == 404
    assert client.post(f"/customers/import/{customer_import.pk}/retry/").status_code == 404
    assert Customer.objects.count() == 0


def test_command_dry_run_writes_nothing(capsys):
    call_command("customers_import", "alpha", str(FILES / "valid_en_comma.csv"), "--dry-run")
    assert "2 valid" in capsys.readouterr().out
    assert Customer.objects.count() == 0


def test_command_all_or_nothing_refuses_a_file_with_bad_rows(capsys):
    with pytest.raises(CommandError, match="6 rows have errors; nothing was written"):
        call_command("customers_import", "alpha", str(FILES / "bad_rows.csv"))
    assert "row 5, persona" in capsys.readouterr().out
    assert Customer.objects.count() == 0


def test_command_commit_valid_writes_the_valid_rows(capsys):
    call_command("customers_import", "alpha", str(FILES / "bad_rows.csv"), "--commit-valid")
    assert "2 added, 0 updated, 6 rows skipped" in capsys.readouterr().out
    assert Customer.objects.count() == 2


def test_command_rejects_a_wrong_encoding_and_an_unknown_company():
    with pytest.raises(CommandError, match="neither UTF-8 nor Windows-1252"):
        call_command("customers_import", "alpha", str(FILES / "unknown_encoding.csv"))
    with pytest.raises(CommandError, match="No company"):
        call_command("customers_import", "nosuch", str(FILES / "valid_en_comma.csv"))


def test_the_report_waits_for_the_check_and_a_stalled_one_can_be_started_again(
    client_for, manager, inline_jobs, settings
):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _upload(client, "valid_en_comma.csv")  # the worker has not run yet
    customer_import = CustomerImport.objects.get()
    assert customer_import.status == ImportStatus.CHECKING
    page = client.get(response["Location"]).content.decode()
    assert "Checking the file" in page
    assert 'http-equiv="refresh"' in page
    assert "/commit/" not in page and "/retry/" not in page

    settings.CUSTOMER_IMPORT_STALL_SECONDS = 0  # as if the worker had been gone for minutes
    page = client.get(response["Location"]).content.decode()
    assert f"/customers/import/{customer_import.pk}/retry/" in page
    assert 'http-equiv="refresh"' not in page
    with inline_jobs():
        client.post(f"/customers/import/{customer_import.pk}/retry/")
    customer_import.refresh_from_db()
    assert customer_import.status == ImportStatus.VALIDATED
    assert customer_import.report["valid_rows"] == 2


def test_the_report_shows_the_write_in_progress_and_refuses_a_second_start(client_for, manager, upload):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload(client, "valid_en_comma.csv")
    customer_import = CustomerImport.objects.get()
    client.post(f"/customers/import/{customer_import.pk}/commit/")  # queued; the worker has not run yet
    customer_import.refresh_from_db()
    assert customer_import.status == ImportStatus.IMPORTING
    page = client.get(f"/customers/import/{customer_import.pk}/").content.decode()
    assert "0 of 2 rows written" in page
    assert "/commit/" not in page
    again = client.post(f"/customers/import/{customer_import.pk}/commit/", follow=True).content.decode()
    assert "already finished" in again
    retry = client.post(f"/customers/import/{customer_import.pk}/retry/", follow=True).content.decode()
    assert "still running" in retry
    assert Customer.objects.count() == 0


def test_a_failed_write_goes_back_to_the_report_with_its_reason_in_each_readers_language(
    client_for, manager, company_admin, upload, personas
):
    from apps.customers.import_jobs import customer_import_write_queued
    from apps.customers.importing import ImportMode

    manager.language = "fi"  # who started the write reads Finnish; the reason is not stored in it
    manager.save(update_fields=["language"])
    client = client_for(manager)
    upload(client, "bad_rows.csv")
    customer_import = CustomerImport.objects.get()
    CustomerImport.objects.filter(pk=customer_import.pk).update(status=ImportStatus.IMPORTING)
    # All or nothing, and the file has bad rows: the worker writes nothing and says why.
    assert not customer_import_write_queued(
        import_id=customer_import.pk, mode=ImportMode.ALL_OR_NOTHING, user_id=manager.pk
    )
    customer_import.refresh_from_db()
    assert customer_import.status == ImportStatus.VALIDATED
    assert customer_import.report["commit_error"] == {"code": "row_errors", "params": {"count": 6}}
    assert customer_import.commit_error == ""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    page = client.get(f"/customers/import/{customer_import.pk}/").content.decode()
    assert "6 rivillä on virheitä; mitään ei tuotu." in page
    assert f"/customers/import/{customer_import.pk}/commit/" in page
    reader = client_for(company_admin)
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = reader.get(f"/customers/import/{customer_import.pk}/").content.decode()
    assert "6 rows have errors; nothing was imported." in page
    assert "rivillä" not in page
    assert Customer.objects.count() == 0

    # Starting the write again clears the reason; the report's counts stay.
    client.post(f"/customers/import/{customer_import.pk}/commit/")
    customer_import.refresh_from_db()
    assert customer_import.status == ImportStatus.IMPORTING
    assert "commit_error" not in customer_import.report
    assert customer_import.report["valid_rows"] == 2
