"""The import in the browser (upload, report, choice) and from the shell."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from apps.customers.models import Customer, CustomerImport, ImportStatus
from tests.customers.conftest import FILES, read

pytestmark = pytest.mark.django_db


def _upload(client, name):
    return client.post("/customers/import/", {"file": SimpleUploadedFile(name, read(name), "text/csv")})


def test_upload_shows_the_report_and_writes_only_after_confirming(client_for, manager, personas):
    client = client_for(manager)
    response = _upload(client, "bad_rows.csv")
    customer_import = CustomerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/customers/import/{customer_import.pk}/"
    assert Customer.objects.count() == 0

    report = client.get(response["Location"]).content.decode()
    assert "Avaruusturisti" in report
    assert f"/customers/import/{customer_import.pk}/commit/" in report

    client.post(f"/customers/import/{customer_import.pk}/commit/")
    assert sorted(Customer.objects.values_list("external_id", flat=True)) == ["B-1", "B-7"]
    customer_import.refresh_from_db()
    assert (customer_import.status, customer_import.created_by, customer_import.finished_by) == (
        ImportStatus.COMMITTED,
        manager,
        manager,
    )


def test_import_nothing(client_for, manager):
    client = client_for(manager)
    _upload(client, "valid_en_comma.csv")
    customer_import = CustomerImport.objects.get()
    client.post(f"/customers/import/{customer_import.pk}/discard/")
    customer_import.refresh_from_db()
    assert customer_import.status == ImportStatus.DISCARDED
    client.post(f"/customers/import/{customer_import.pk}/commit/")
    assert Customer.objects.count() == 0


def test_a_latin1_file_gets_a_file_level_error(client_for, manager):
    client = client_for(manager)
    response = _upload(client, "latin1.csv")
    page = client.get(response["Location"]).content.decode()
    assert "UTF-8" in page
    assert "/commit/" not in page
    assert Customer.objects.count() == 0


def test_frontline_cannot_upload_or_confirm(client_for, frontline, manager):
    _upload(client_for(manager), "valid_en_comma.csv")
    customer_import = CustomerImport.objects.get()
    client = client_for(frontline)
    assert _upload(client, "valid_en_comma.csv").status_code == 403
    assert client.get(f"/customers/import/{customer_import.pk}/").status_code == 403
    assert client.post(f"/customers/import/{customer_import.pk}/commit/").status_code == 403
    assert Customer.objects.count() == 0


def test_import_of_another_company_is_not_found(client_for, outsider, manager):
    _upload(client_for(manager), "valid_en_comma.csv")
    customer_import = CustomerImport.objects.get()
    client = client_for(outsider)
    assert client.get(f"/customers/import/{customer_import.pk}/").status_code == 404
    assert client.post(f"/customers/import/{customer_import.pk}/commit/").status_code == 404
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
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("customers_import", "alpha", str(FILES / "latin1.csv"))
    with pytest.raises(CommandError, match="No company"):
        call_command("customers_import", "nosuch", str(FILES / "valid_en_comma.csv"))
