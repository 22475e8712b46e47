"""Finnish and Swedish spreadsheets: the encodings and delimiters Excel writes, and the yes/no words people type."""

import pytest

from apps.customers.csv_format import CsvFileError, csv_decode, row_clean
from apps.customers.importing import ImportMode, customer_import_commit, customer_import_create
from apps.customers.models import Customer, ImportStatus
from apps.customers.selectors import customer_import_report
from tests.customers.conftest import read

pytestmark = pytest.mark.django_db

LETTERS = "Åsa Öberg-Jääskeläinen, 100 €"


def test_a_finnish_excel_file_in_windows_1252_with_semicolons_is_read_and_said_so():
    customer_import = customer_import_create(
        file_name="excel_fi_cp1252.csv", content=read("excel_fi_cp1252.csv"), created_by=None
    )
    assert customer_import.status == ImportStatus.VALIDATED
    report = customer_import_report(customer_import)
    assert (report["encoding"], report["delimiter"]) == ("cp1252", ";")
    assert report["encoding_note"] == "Read as Windows-1252 (Excel)."
    assert (report["total_rows"], report["valid_rows"], report["invalid_rows"]) == (7, 4, 3)
    assert [(error["row"], error["field"], error["message"]) for error in report["errors"]] == [
        (5, "email", "'kalle@' is not a valid email address."),
        (6, "language", "Unknown language 'de': use fi, sv or en."),
        (7, "consent", "Consent must be yes or no (kyllä/ei), not 'ehkä'."),
    ]
    assert report["new_segments"] == ["Ostot yli 100 €", "kuluttaja"]

    customer_import_commit(customer_import=customer_import, mode=ImportMode.VALID_ROWS, user=None)

    customers = {c.external_id: c for c in Customer.objects.select_related("segment")}
    assert (customers["W-1"].full_name, customers["W-1"].segment.name) == ("Åsa Öberg", "Ostot yli 100 €")
    assert customers["W-2"].full_name == "Jääskeläinen Pörrö"
    assert {key: c.survey_consent for key, c in customers.items()} == {
        "W-1": True,  # ja
        "W-2": True,  # joo
        "W-3": False,  # nej
        "W-7": False,  # empty: a new customer has no consent
    }


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [("bom_comma.csv", "utf-8-sig", ","), ("tab_utf8.csv", "utf-8", "\t"), ("latin1.csv", "cp1252", ";")],
)
def test_utf8_with_or_without_bom_any_delimiter_and_latin1(name, encoding, delimiter):
    customer_import = customer_import_create(file_name=name, content=read(name), created_by=None)
    report = customer_import_report(customer_import)
    assert (report["encoding"], report["delimiter"], report["invalid_rows"]) == (encoding, delimiter, 0)
    customer_import_commit(customer_import=customer_import, mode=ImportMode.ALL_OR_NOTHING, user=None)
    names = set(Customer.objects.values_list("full_name", flat=True))
    assert names == ({"Mäkinen Pekka"} if name == "latin1.csv" else {"Åsa Öberg", "Märta Ek"})


def test_the_tab_is_named_on_the_report():
    customer_import = customer_import_create(file_name="t.csv", content=read("tab_utf8.csv"), created_by=None)
    assert customer_import_report(customer_import)["delimiter_label"] == "tab"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_letters_and_the_euro_sign_read_the_same_from_every_encoding(encoding):
    """No mojibake: each encoding gives back exactly the letters written, never 'Ã¤'."""
    content = f"nimi;sähköposti\n{LETTERS};a@example.fi\n".encode(encoding)
    decoded = csv_decode(content)
    assert decoded.encoding == encoding
    assert decoded.text.lstrip("\ufeff").splitlines()[1] == f"{LETTERS};a@example.fi"


def test_utf8_wins_when_a_file_is_valid_in_both():
    """Strict UTF-8 first: valid UTF-8 is never read as Windows-1252 (where 'ä' would show as 'Ã¤')."""
    assert csv_decode("Mäkinen;ä@example.fi\n".encode()).text == "Mäkinen;ä@example.fi\n"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("nimi;sähköposti\nÅsa;a@example.fi\n".encode() + "Märta;m@example.fi\n".encode("cp1252"), "encoding_mixed"),
        ("Ä;€ \u2013 \u201clainaus\u201d\n".encode() + b"\xe4\n", "encoding_mixed"),
        (b"nimi;email\nM\x81ller;m@example.fi\n", "encoding_unknown"),
        ("nimi\tsähköposti\nÅsa\ta@example.fi\n".encode("utf-16"), "encoding_utf16"),
    ],
)
def test_a_file_that_would_be_garbled_is_refused_instead(content, code):
    with pytest.raises(CsvFileError) as refused:
        csv_decode(content)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("answer", "consent"),
    [
        *[(word, True) for word in ["kyllä", "Kyllä", "KYLLÄ", "joo", "juu", "k", "ja", "Ja", "x", "X", "1", "yes"]],
        *[(word, False) for word in ["ei", "Ei", "e", "nej", "Nej", "n", "0", "no"]],
    ],
)
def test_finnish_swedish_and_english_yes_and_no_for_consent(answer, consent):
    row, errors = row_clean(2, {"email": "a@example.fi", "consent": answer}, personas={})
    assert errors == []
    assert row.values["survey_consent"] is consent


def test_an_empty_consent_cell_changes_nothing():
    row, errors = row_clean(2, {"email": "a@example.fi", "consent": ""}, personas={})
    assert errors == [] and "survey_consent" not in row.values


def test_an_unknown_consent_word_is_a_row_error():
    _row, errors = row_clean(2, {"email": "a@example.fi", "consent": "ehkä"}, personas={})
    assert [(error.field, error.code, error.params) for error in errors] == [
        ("consent", "consent_unknown", {"value": "ehkä"})
    ]
