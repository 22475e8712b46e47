"""The location CSV import: Finnish Excel files, region paths, all or nothing, a report by row."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from apps.accounts.models import Team
from apps.locations.importing import location_import
from apps.locations.models import Location, Region, TeamLocation
from apps.locations.selectors import region_paths
from apps.locations.services import location_archive, location_team_add
from tests.locations.factories import location_build

pytestmark = pytest.mark.django_db

FINNISH_EXCEL = (
    "koodi;nimi;alue;osoite;kaupunki\r\n"
    "HKI1;Helsinki Konala;Uusimaa > Helsinki;Ristipellontie 20;Helsinki\r\n"
    "ESP1;Espoo Leppävaara;Uusimaa > Espoo;Kutomotie 1;Espoo\r\n"
    "TRE1;Tampere Lakalaiva;Pirkanmaa;Lakalaivankatu 5;Tampere\r\n"
    ";;;;\r\n"
).encode("cp1252")


def test_a_finnish_excel_file_creates_locations_and_the_regions_its_paths_name() -> None:
    report = location_import(content=FINNISH_EXCEL)
    assert report.ok, report.as_dict()
    assert (report.created, report.updated) == (["HKI1", "ESP1", "TRE1"], [])
    assert report.regions_created == ["Uusimaa", "Uusimaa > Helsinki", "Uusimaa > Espoo", "Pirkanmaa"]
    konala = Location.objects.get(code="HKI1")
    assert (konala.name, konala.address, konala.city) == ("Helsinki Konala", "Ristipellontie 20", "Helsinki")
    assert region_paths()[konala.region_id] == "Uusimaa > Helsinki"
    assert Location.objects.get(code="ESP1").name == "Espoo Leppävaara"


def test_a_known_code_updates_its_location_and_existing_regions_are_reused() -> None:
    location_import(content=FINNISH_EXCEL)
    again = b"code,name,region\nhki1,Konala,Uusimaa > Helsinki\nVAN1,Vantaa,Uusimaa > Vantaa\n"
    report = location_import(content=again)
    assert report.ok
    assert (report.created, report.updated, report.regions_created) == (["VAN1"], ["hki1"], ["Uusimaa > Vantaa"])
    assert Location.objects.get(code="HKI1").name == "Konala"
    assert Region.objects.filter(name="Uusimaa").count() == 1


def test_a_bad_row_writes_nothing_and_every_problem_is_reported_by_row() -> None:
    location_build(code="OLD1")
    content = (
        "code;name;region\n"
        "NEW1;Uusi;Uusimaa\n"
        ";Ilman koodia;\n"
        "NEW1;Sama koodi;\n"
        "NEW2;;\n"
        "NEW3;Tyhjä osa;Uusimaa >  > Kallio\n"
        "OLD1;;\n"
    ).encode()
    report = location_import(content=content)
    assert not report.ok
    assert [(problem.row, problem.code) for problem in report.problems] == [
        (3, "required"),
        (4, "duplicate_code"),
        (5, "required"),
        (6, "region_blank_part"),
    ]
    with translation.override("en"):
        assert report.problems[1].message == "The code NEW1 is also on row 2."
    with translation.override("fi"):
        assert report.problems[1].message == "Tunnus NEW1 on myös rivillä 2."
    assert not Location.objects.filter(code__startswith="NEW").exists()
    assert not Region.objects.exists()


def test_a_file_without_the_needed_columns_is_refused() -> None:
    with translation.override("en"):
        report = location_import(content=b"nimi;osoite\nKonala;Ristipellontie 20\n")
    assert "at least code and name" in report.file_error
    assert location_import(content=b"").file_error


def test_the_page_imports_and_reports(client_for, manager) -> None:
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = SimpleUploadedFile("asemat.csv", FINNISH_EXCEL, content_type="text/csv")
    page = client.post("/company/locations/import/", {"file": upload})
    assert page.status_code == 200
    assert "3 locations added." in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    bad = SimpleUploadedFile("asemat.csv", b"code;name\n;Ilman koodia\n", content_type="text/csv")
    page = client.post("/company/locations/import/", {"file": bad})
    assert page.status_code == 400
    body = page.content.decode()
    assert "Mitään ei tallennettu: tiedostossa on 1 ongelma." in body and "Tunnus puuttuu." in body


def test_frontline_cannot_import(client_for, frontline) -> None:
    upload = SimpleUploadedFile("asemat.csv", FINNISH_EXCEL, content_type="text/csv")
    assert client_for(frontline).post("/company/locations/import/", {"file": upload}).status_code == 403
    assert not Location.objects.exists()


def test_the_command_imports_into_a_company(tmp_path, tenant_alpha, capsys) -> None:
    file = tmp_path / "asemat.csv"
    file.write_bytes(FINNISH_EXCEL)
    call_command("locations_import", tenant_alpha.schema_name, str(file), "--dry-run")
    assert not Location.objects.exists()
    call_command("locations_import", tenant_alpha.schema_name, str(file))
    assert Location.objects.count() == 3
    assert "3" in capsys.readouterr().out


def test_a_teams_column_places_the_named_teams_and_an_unknown_name_is_a_problem_of_its_row() -> None:
    crew, office = Team.objects.create(name="Katsastajat"), Team.objects.create(name="Toimisto")
    archived = location_archive(location=location_build(code="OLD1"))
    location_team_add(location=location_build(code="HKI1"), team=office)
    bad = b"koodi;nimi;tiimit\nHKI1;Konala;Katsastajat|toimisto\nTRE1;Tampere;Katsastajat|Siivous\nOLD1;;Katsastajat\n"
    report = location_import(content=bad)
    assert [(problem.row, problem.code) for problem in report.problems] == [(3, "unknown_team"), (4, "archived_teams")]
    with translation.override("en"):
        assert report.problems[0].message == "There is no team called 'Siivous'."
    assert not TeamLocation.objects.filter(team=crew).exists() and not Location.objects.filter(code="TRE1").exists()

    good = 'code,name,teams\nHKI1,Konala,Katsastajat|Toimisto\nTRE1,Tampere,"Katsastajat; katsastajat"\nOLD1,,\n'
    report = location_import(content=good.encode())
    assert report.ok, report.as_dict()
    assert report.teams_placed == ["HKI1: Katsastajat", "TRE1: Katsastajat"]
    assert set(TeamLocation.objects.values_list("location__code", "team__name")) == {
        ("HKI1", "Katsastajat"),
        ("HKI1", "Toimisto"),
        ("TRE1", "Katsastajat"),
    }
    assert not TeamLocation.objects.filter(location=archived).exists()
    assert location_import(content=good.encode()).teams_placed == []
