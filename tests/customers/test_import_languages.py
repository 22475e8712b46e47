"""The import report speaks the reader's language: problems are stored as codes and rendered when read."""

import html
import importlib

import pytest
from django.conf import settings
from django.utils import translation

from apps.customers.importing import customer_import_create
from apps.customers.models import ImportStatus
from apps.customers.selectors import customer_import_report
from tests.customers.conftest import read
from tests.factories import CustomerImportFactory

pytestmark = pytest.mark.django_db


def _checked_in_finnish(name):
    """As the worker checks an upload: in the company's default language, Finnish."""
    with translation.override("fi"):
        return customer_import_create(file_name=name, content=read(name), created_by=None)


def _messages(customer_import, language):
    with translation.override(language):
        report = customer_import_report(customer_import)
    return [(error["field_label"], error["message"]) for error in report["errors"]]


def test_row_errors_are_stored_as_codes_and_read_in_each_readers_language(personas):
    customer_import = _checked_in_finnish("bad_rows.csv")

    stored = customer_import.report["errors"]
    assert stored[0] == {"row": 3, "field": "email", "code": "contact_missing", "params": {}}
    assert stored[1] == {"row": 4, "field": "email", "code": "email_invalid", "params": {"value": "huono.osoite@"}}
    assert all("message" not in error for error in stored)

    english = _messages(customer_import, "en")
    finnish = _messages(customer_import, "fi")
    assert english[1] == ("email", "'huono.osoite@' is not a valid email address.")
    assert finnish[1] == ("sähköposti", "'huono.osoite@' ei ole kelvollinen sähköpostiosoite.")
    assert english[3] == ("email", "Duplicate of row 2 (same email).")  # the column named in the reader's words
    assert finnish[3] == ("sähköposti", "Sama asiakas kuin rivillä 2 (sama sähköposti).")
    assert english[4][1] == "Unknown language 'de': use fi, sv or en."
    assert finnish[4][1].startswith("Tuntematon kieli 'de'")


def test_the_file_level_rejection_is_read_in_each_readers_language():
    customer_import = _checked_in_finnish("unknown_encoding.csv")
    assert customer_import.status == ImportStatus.FAILED
    assert customer_import.report == {"file_error": {"code": "encoding_unknown", "params": {"line": 2}}}
    with translation.override("en"):
        english = customer_import_report(customer_import)["file_error"]
    with translation.override("fi"):
        finnish = customer_import_report(customer_import)["file_error"]
    assert english.startswith("The file is neither UTF-8 nor Windows-1252 text (line 2 cannot be read).")
    assert finnish.startswith("Tiedosto ei ole UTF-8- eikä Windows-1252-merkistöä (riviä 2 ei voi lukea).")


def test_a_report_written_before_codes_keeps_its_text():
    legacy = CustomerImportFactory(
        report={"total_rows": 1, "errors": [{"row": 2, "field": "email", "message": "Sähköposti puuttuu."}]},
    )
    failed = CustomerImportFactory(status=ImportStatus.FAILED, file_error="Tiedosto on tyhjä.")
    assert customer_import_report(legacy)["errors"][0]["message"] == "Sähköposti puuttuu."
    assert customer_import_report(failed)["file_error"] == "Tiedosto on tyhjä."


@pytest.mark.parametrize(
    ("language", "expected", "not_expected"),
    [
        (
            "en",
            ["Read as Windows-1252 (Excel).", "'kalle@' is not a valid email address.", "Unknown language 'de'"],
            ["Luettu", "ei ole kelvollinen"],
        ),
        (
            "fi",
            [
                "Luettu Windows-1252-merkistönä (Excel).",
                "'kalle@' ei ole kelvollinen sähköpostiosoite.",
                "Tuntematon kieli 'de'",
            ],
            ["Read as", "is not a valid email"],
        ),
    ],
)
def test_the_report_page_shows_a_finnish_excel_file_in_the_readers_language(
    client_for, manager, language, expected, not_expected
):
    customer_import = _checked_in_finnish("excel_fi_cp1252.csv")
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = html.unescape(client.get(f"/customers/import/{customer_import.pk}/").content.decode())
    for text in expected:
        assert text in page
    for text in not_expected:
        assert text not in page
    assert "'ehkä'" in page and "Ã" not in page  # the Windows-1252 letters read right


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "The file mixes character encodings"), ("fi", "Tiedostossa on sekaisin eri merkistöjä")],
)
def test_the_rejection_page_is_in_the_readers_language(client_for, manager, language, expected):
    customer_import = _checked_in_finnish("mixed_encodings.csv")
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = html.unescape(client.get(f"/customers/import/{customer_import.pk}/").content.decode())
    assert expected in page
    assert "/commit/" not in page


def test_a_stored_error_without_its_parameters_still_reads():
    broken = CustomerImportFactory(
        report={"total_rows": 1, "errors": [{"row": 2, "field": "email", "code": "email_invalid", "params": {}}]},
    )
    assert customer_import_report(broken)["errors"][0]["message"] == "'%(value)s' is not a valid email address."


def _commit_error(customer_import, language):
    with translation.override(language):
        return customer_import_report(customer_import)["commit_error"]


def test_a_failed_write_is_stored_as_a_code_and_read_in_each_readers_language():
    conflict = CustomerImportFactory(
        content=b"",
        report={"total_rows": 1, "commit_error": {"code": "conflict", "params": {}}},
    )
    one_row = CustomerImportFactory(
        content=b"",
        report={"total_rows": 1, "commit_error": {"code": "row_errors", "params": {"count": 1}}},
    )
    unreadable = CustomerImportFactory(
        content=b"",
        report={"commit_error": {"code": "encoding_mixed", "params": {"line": 7}}},
    )
    assert _commit_error(conflict, "en").startswith("Customers changed while importing")
    assert _commit_error(conflict, "fi").startswith("Asiakastiedot muuttuivat tuonnin aikana")
    assert _commit_error(one_row, "en") == "1 row has errors; nothing was imported."
    assert _commit_error(one_row, "fi") == "1 rivillä on virheitä; mitään ei tuotu."
    assert "line 7 is not" in _commit_error(unreadable, "en")
    assert "rivi 7 ei ole" in _commit_error(unreadable, "fi")


def test_a_write_failure_from_before_codes_keeps_its_text():
    legacy = CustomerImportFactory(content=b"", commit_error="Tuonti keskeytyi.")
    assert _commit_error(legacy, "en") == "Tuonti keskeytyi."
    # A reason of another rule keeps the words it was given, as the fallback.
    other = CustomerImportFactory(
        content=b"",
        report={"commit_error": {"code": "invalid", "params": {}, "text": "Some rule."}},
    )
    assert _commit_error(other, "fi") == "Some rule."


def test_the_migration_turns_the_known_texts_of_either_language_into_codes():
    from django.apps import apps

    migration = importlib.import_module("apps.customers.migrations.0007_import_commit_error_as_code")
    texts = {
        "en_rows": "3 rows have errors; nothing was imported.",
        "fi_rows": "12 rivillä on virheitä; mitään ei tuotu.",
        "fi_conflict": migration.CONFLICT_FI,
        "other": "Jotain muuta meni vikaan.",
    }
    rows = {
        key: CustomerImportFactory(file_name=f"{key}.csv", content=b"", report={"total_rows": 4}, commit_error=text)
        for key, text in texts.items()
    }
    migration.commit_error_to_code(apps, None)
    for row in rows.values():
        row.refresh_from_db()
    assert rows["en_rows"].report == {"total_rows": 4, "commit_error": {"code": "row_errors", "params": {"count": 3}}}
    assert rows["fi_rows"].report["commit_error"] == {"code": "row_errors", "params": {"count": 12}}
    assert rows["fi_conflict"].report["commit_error"] == {"code": "conflict", "params": {}}
    assert [row.commit_error for row in rows.values()] == ["", "", "", "Jotain muuta meni vikaan."]
    assert rows["other"].report == {"total_rows": 4}
    assert _commit_error(rows["fi_rows"], "en") == "12 rows have errors; nothing was imported."
    assert _commit_error(rows["other"], "en") == "Jotain muuta meni vikaan."
