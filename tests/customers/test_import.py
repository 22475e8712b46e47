"""Customer import with real files: what is written and what is reported, exactly."""

import time

import pytest

from apps.core.exceptions import DomainError
from apps.customers.importing import ImportMode, customer_import_commit, customer_import_create
from apps.customers.models import ConsentSource, Customer, ImportStatus, Segment
from apps.customers.selectors import customer_import_report
from tests.customers.conftest import read
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _errors(customer_import):
    return [(error["row"], error["field"]) for error in customer_import.report["errors"]]


def _import(name, *, mode=ImportMode.VALID_ROWS, content=None):
    customer_import = customer_import_create(file_name=name, content=content or read(name), created_by=None)
    assert customer_import.status == ImportStatus.VALIDATED, customer_import.report
    return customer_import_commit(customer_import=customer_import, mode=mode, user=None)


def test_valid_finnish_excel_file(personas):
    customer_import = customer_import_create(
        file_name="valid_fi_excel.csv", content=read("valid_fi_excel.csv"), created_by=None
    )
    report = customer_import.report
    assert (report["encoding"], report["delimiter"]) == ("utf-8-sig", ";")
    assert report["ignored_columns"] == ["huomautus"]
    assert (report["total_rows"], report["valid_rows"], report["invalid_rows"]) == (4, 4, 0)
    assert report["new_segments"] == ["kuluttaja", "yritys"]
    assert report["errors"] == []
    assert Customer.objects.count() == 0  # nothing before the user confirms

    done = customer_import_commit(customer_import=customer_import, mode=ImportMode.ALL_OR_NOTHING, user=None)

    assert (done.status, done.created_count, done.updated_count, done.skipped_count) == ("committed", 4, 0, 0)
    rows = {c.full_name: c for c in Customer.objects.select_related("segment", "persona")}
    assert set(rows) == {"Aino Korhonen", "Eino Virtanen", "James Wilson", "Helmi Mäkinen"}
    aino = rows["Aino Korhonen"]
    assert (aino.email, aino.phone_normalized, aino.language, aino.external_id) == (
        "aino.korhonen@example.fi",
        "+358401234567",
        "fi",
        "K-1001",
    )
    assert (aino.segment.name, aino.persona, aino.survey_consent) == ("kuluttaja", personas["family"], True)
    assert aino.consent_source == ConsentSource.IMPORT and aino.consent_given_at is not None
    eino = rows["Eino Virtanen"]
    assert (eino.phone_normalized, eino.segment.name, eino.persona, eino.survey_consent) == (
        "+358507654321",
        "yritys",
        personas["van"],
        False,
    )
    assert eino.consent_given_at is None
    james = rows["James Wilson"]
    assert (james.language, james.segment.name, james.phone) == ("en", "kuluttaja", "")  # "Kuluttaja" matched
    helmi = rows["Helmi Mäkinen"]
    assert (helmi.email, helmi.phone_normalized, helmi.language, helmi.segment) == ("", "+358445556677", "fi", None)
    assert sorted(Segment.objects.values_list("name", flat=True)) == ["kuluttaja", "yritys"]


def test_comma_file_with_english_headers_and_quotes():
    done = _import("valid_en_comma.csv")
    assert done.report["delimiter"] == ","
    sofia = Customer.objects.get(email="sofia.laine@example.fi")
    assert (sofia.full_name, sofia.language, sofia.phone_normalized, sofia.survey_consent) == (
        "Laine, Sofia",
        "en",
        "+358401112233",
        False,
    )
    assert Customer.objects.get(email="onni.salo@example.fi").survey_consent is True


def test_bad_rows_are_reported_one_by_one_and_only_valid_rows_written(personas):
    customer_import = customer_import_create(file_name="bad_rows.csv", content=read("bad_rows.csv"), created_by=None)
    report = customer_import.report
    assert _errors(customer_import) == [
        (3, "email"),  # missing email and phone
        (4, "email"),  # bad email
        (5, "persona"),  # unknown persona
        (6, "email"),  # same email as row 2
        (7, "language"),  # "de"
        (9, "external_id"),  # same external id as row 8
    ]
    messages = {error["row"]: error["message"] for error in customer_import_report(customer_import)["errors"]}
    assert "Email is missing" in messages[3]
    assert "huono.osoite@" in messages[4]
    assert "Avaruusturisti" in messages[5]
    assert "row 2" in messages[6]
    assert "row 8" in messages[9]
    assert (report["total_rows"], report["valid_rows"], report["invalid_rows"]) == (8, 2, 6)

    with pytest.raises(DomainError):
        customer_import_commit(customer_import=customer_import, mode=ImportMode.ALL_OR_NOTHING, user=None)
    assert Customer.objects.count() == 0

    done = customer_import_commit(customer_import=customer_import, mode=ImportMode.VALID_ROWS, user=None)
    assert (done.created_count, done.updated_count, done.skipped_count) == (2, 0, 6)
    assert sorted(Customer.objects.values_list("external_id", flat=True)) == ["B-1", "B-7"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("unknown_encoding.csv", "neither UTF-8 nor Windows-1252 text (line 2 cannot be read)"),
        ("mixed_encodings.csv", "mostly UTF-8, but line 3 is not"),
        ("empty.csv", "The file is empty."),
        ("header_only.csv", "no customers"),
    ],
)
def test_unreadable_files_are_rejected_whole(name, message):
    customer_import = customer_import_create(file_name=name, content=read(name), created_by=None)
    assert customer_import.status == ImportStatus.FAILED
    assert message in customer_import_report(customer_import)["file_error"]
    assert list(customer_import.report) == ["file_error"]  # the reason as a code, no figures
    with pytest.raises(DomainError):
        customer_import_commit(customer_import=customer_import, mode=ImportMode.VALID_ROWS, user=None)
    assert Customer.objects.count() == 0


def test_a_file_without_email_or_phone_column_is_rejected():
    customer_import = customer_import_create(file_name="x.csv", content=b"nimi;kieli\nAino;fi\n", created_by=None)
    assert customer_import.status == ImportStatus.FAILED
    assert "email or a phone column" in customer_import_report(customer_import)["file_error"]


def test_reimporting_the_same_file_updates_instead_of_duplicating(personas):
    _import("valid_fi_excel.csv")
    first = {c.external_id or c.phone_normalized: (c.pk, c.consent_given_at) for c in Customer.objects.all()}

    again = _import("valid_fi_excel.csv")

    assert (again.created_count, again.updated_count) == (0, 4)
    assert Customer.objects.count() == 4
    assert {c.external_id or c.phone_normalized: (c.pk, c.consent_given_at) for c in Customer.objects.all()} == first


def test_a_changed_file_updates_matched_customers_and_adds_new_ones(personas):
    _import("valid_fi_excel.csv")
    done = _import("changed_fi_excel.csv")

    assert (done.created_count, done.updated_count) == (1, 2)
    assert Customer.objects.count() == 5
    aino = Customer.objects.get(external_id="K-1001")  # matched on external id
    assert (aino.full_name, aino.phone_normalized) == ("Aino Korhonen-Laine", "+358409998888")
    assert aino.survey_consent is True  # blank consent cell: unchanged
    assert aino.persona == personas["family"]  # column absent: unchanged
    eino = Customer.objects.get(external_id="K-1002")  # matched on email, external id kept
    assert eino.phone_normalized == "+358507654321"  # blank phone cell: unchanged
    assert (eino.survey_consent, eino.consent_source) == (True, ConsentSource.IMPORT)
    assert Customer.objects.get(external_id="K-1004").survey_consent is False


def test_an_email_owned_by_another_customer_is_a_row_error(personas):
    _import("valid_fi_excel.csv")
    content = "ulkoinen_id;sähköposti\nK-1001;eino.virtanen@example.fi\n".encode()
    customer_import = customer_import_create(file_name="conflict.csv", content=content, created_by=None)
    assert _errors(customer_import) == [(2, "email")]


def test_nothing_is_half_written_when_the_data_changed_meanwhile():
    customer_import = customer_import_create(
        file_name="valid_en_comma.csv", content=read("valid_en_comma.csv"), created_by=None
    )
    CustomerFactory(email="onni.salo@example.fi", external_id="X-1")
    content_changed = customer_import_commit(customer_import=customer_import, mode=ImportMode.ALL_OR_NOTHING, user=None)
    # Checked again at commit: Onni now exists and is updated, Sofia is added.
    assert (content_changed.created_count, content_changed.updated_count) == (1, 1)
    assert Customer.objects.count() == 2


def test_a_commit_twice_writes_once():
    customer_import = customer_import_create(
        file_name="valid_en_comma.csv", content=read("valid_en_comma.csv"), created_by=None
    )
    customer_import_commit(customer_import=customer_import, mode=ImportMode.VALID_ROWS, user=None)
    with pytest.raises(DomainError):
        customer_import_commit(customer_import=customer_import, mode=ImportMode.VALID_ROWS, user=None)
    assert Customer.objects.count() == 2


def test_fifty_thousand_rows_import_in_seconds(tmp_path):
    rows = ["nimi;sähköposti;puhelin;kieli;segmentti;suostumus;ulkoinen_id"]
    for number in range(50_000):
        rows.append(
            f"Asiakas {number};asiakas{number}@example.fi;040{number:07d};{'en' if number % 10 == 0 else 'fi'};"
            f"{'yritys' if number % 5 == 0 else 'kuluttaja'};{'kyllä' if number % 3 else 'ei'};E{number:06d}"
        )
    rows.append("Rikki;ei-osoite;;fi;;;E999999")  # one bad row, reported, skipped
    path = tmp_path / "big.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8"))

    started = time.perf_counter()
    customer_import = customer_import_create(file_name="big.csv", content=path.read_bytes(), created_by=None)
    checked = time.perf_counter()
    done = customer_import_commit(customer_import=customer_import, mode=ImportMode.VALID_ROWS, user=None)
    finished = time.perf_counter()
    print(f"\n50,000 rows: checked in {checked - started:.1f} s, written in {finished - checked:.1f} s")

    assert _errors(customer_import) == [(50_002, "email")]
    assert (done.created_count, done.updated_count, done.skipped_count) == (50_000, 0, 1)
    assert Customer.objects.count() == 50_000
    assert Customer.objects.filter(survey_consent=True).count() == 33_333
    assert Customer.objects.filter(segment__name="yritys").count() == 10_000
    assert Customer.objects.get(external_id="E012345").phone_normalized == "+358400012345"
    assert finished - started < 60

    started = time.perf_counter()
    again = customer_import_commit(
        customer_import=customer_import_create(file_name="big.csv", content=path.read_bytes(), created_by=None),
        mode=ImportMode.VALID_ROWS,
        user=None,
    )
    print(f"50,000 rows re-imported (updates) in {time.perf_counter() - started:.1f} s")
    assert (again.created_count, again.updated_count) == (0, 50_000)
    assert Customer.objects.count() == 50_000
