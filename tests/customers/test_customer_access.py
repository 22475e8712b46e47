"""Customer pages, export and API: allowed, forbidden and cross-company cases."""

import pytest

from apps.customers.models import Customer
from apps.customers.services import customer_create, segment_get_or_create
from tests.factories import CustomerImportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def aino(personas):
    return customer_create(
        full_name="Aino Korhonen",
        email="aino@example.fi",
        phone="040 123 4567",
        segment=segment_get_or_create(name="kuluttaja"),
        persona=personas["family"],
        survey_consent=True,
    )


# --- Pages ------------------------------------------------------------------


def test_manager_searches_the_list(client_for, manager, aino):
    customer_create(full_name="Eino Virtanen", email="eino@example.fi")
    page = client_for(manager).get("/customers/?q=korhon").content.decode()
    assert "Aino Korhonen" in page
    assert "Eino Virtanen" not in page


def test_list_filters_by_persona_and_consent(client_for, manager, aino, personas):
    customer_create(full_name="Eino Virtanen", email="eino@example.fi")
    client = client_for(manager)
    page = client.get(f"/customers/?persona={personas['family'].pk}").content.decode()
    assert "Aino Korhonen" in page and "Eino Virtanen" not in page
    page = client.get("/customers/?consent=no").content.decode()
    assert "Aino Korhonen" not in page and "Eino Virtanen" in page


def test_list_paginates(client_for, manager):
    Customer.objects.bulk_create([Customer(email=f"c{n:03d}@example.fi") for n in range(120)])
    client = client_for(manager)
    assert "c049@example.fi" in client.get("/customers/").content.decode()
    third = client.get("/customers/?page=3").content.decode()
    assert "c119@example.fi" in third and "c049@example.fi" not in third


def test_profile_shows_details_and_a_timeline_of_the_consent_alone(client_for, manager, aino):
    page = client_for(manager).get(f"/customers/{aino.pk}/").content.decode()
    assert "aino@example.fi" in page
    assert "Kiireinen perheellinen" in page
    # Aino consented when she was added; nothing else has happened to her yet.
    assert page.count("timeline__entry ") == 1 and "timeline__entry--consent" in page


def test_manager_creates_and_edits(client_for, manager):
    client = client_for(manager)
    response = client.post(
        "/customers/new/",
        {"full_name": "Eino Virtanen", "email": "EINO@example.fi", "language": "en", "new_segment": "yritys"},
    )
    eino = Customer.objects.get(email="eino@example.fi")
    assert response.status_code == 302
    assert (eino.language, eino.segment.name, eino.survey_consent) == ("en", "yritys", False)
    client.post(
        f"/customers/{eino.pk}/edit/",
        {"full_name": "Eino Virtanen", "email": "eino@example.fi", "language": "fi", "survey_consent": "on"},
    )
    eino.refresh_from_db()
    assert (eino.language, eino.survey_consent, eino.consent_source) == ("fi", True, "staff")


def test_form_reports_a_missing_email_and_phone(client_for, manager):
    response = client_for(manager).post("/customers/new/", {"full_name": "Nimetön", "language": "fi"})
    assert response.status_code == 400
    assert not Customer.objects.exists()


def test_frontline_cannot_open_customer_pages(client_for, frontline, aino):
    client = client_for(frontline)
    for url in [
        "/customers/",
        f"/customers/{aino.pk}/",
        "/customers/new/",
        "/customers/import/",
        "/customers/export.csv",
    ]:
        assert client.get(url).status_code == 403, url


def test_customer_of_another_company_is_not_found(client_for, outsider, aino):
    client = client_for(outsider)
    assert client.get(f"/customers/{aino.pk}/").status_code == 404
    assert "Aino Korhonen" not in client.get("/customers/?q=aino").content.decode()


def test_export_is_the_filtered_list_as_excel_friendly_csv(client_for, manager, aino):
    customer_create(full_name="Eino Virtanen", email="eino@example.fi")
    response = client_for(manager).get("/customers/export.csv?q=korhonen", HTTP_ACCEPT_LANGUAGE="fi")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeffnimi;sähköposti;puhelin;kieli;segmentti;persoona;suostumus;ulkoinen_id\r\n")
    assert (
        body.splitlines()[1] == "Aino Korhonen;aino@example.fi;040 123 4567;fi;kuluttaja;Kiireinen perheellinen;kyllä;"
    )
    assert "Eino" not in body


def test_export_with_commas_imports_back(client_for, manager, aino):
    from apps.customers.importing import customer_import_create

    response = client_for(manager).get("/customers/export.csv?delimiter=comma")
    content = b"".join(response.streaming_content)
    assert content.decode("utf-8").splitlines()[1].startswith("Aino Korhonen,aino@example.fi,")
    report = customer_import_create(file_name="export.csv", content=content, created_by=None).report
    assert (report["to_create"], report["to_update"], report["invalid_rows"]) == (0, 1, 0)


# --- API --------------------------------------------------------------------


def test_api_lists_with_search_filters_and_pagination(client_for, manager, aino):
    customer_create(full_name="Eino Virtanen", email="eino@example.fi", phone="050 765 4321")
    client = client_for(manager)
    body = client.get("/api/v1/customers/?search=765%204321").json()
    assert [row["full_name"] for row in body["results"]] == ["Eino Virtanen"]
    body = client.get("/api/v1/customers/?consent=true&page_size=1").json()
    assert body["count"] == 1 and body["results"][0]["email"] == "aino@example.fi"
    assert body["results"][0]["persona_name"] == "Kiireinen perheellinen"
    assert client.get("/api/v1/customers/?page_size=1").json()["next"]


def test_api_creates_and_updates_with_consent_via_api(client_for, manager, personas):
    client = client_for(manager)
    payload = {
        "full_name": "Sofia Laine",
        "email": "sofia@example.fi",
        "segment": "yritys",
        "persona": personas["van"].pk,
        "survey_consent": True,
    }
    response = client.post("/api/v1/customers/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["segment"], body["consent_source"], body["persona"]) == ("yritys", "api", personas["van"].pk)
    response = client.patch(
        f"/api/v1/customers/{body['id']}/", {"phone": "040 1112233"}, content_type="application/json"
    )
    assert response.json()["phone_normalized"] == "+358401112233"


def test_api_reports_field_errors(client_for, manager, aino):
    response = client_for(manager).post(
        "/api/v1/customers/", {"email": "aino@example.fi"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "email" in response.json()["fields"]


def test_api_is_closed_to_frontline(client_for, frontline, aino):
    client = client_for(frontline)
    assert client.get("/api/v1/customers/").status_code == 403
    assert client.get(f"/api/v1/customers/{aino.pk}/").status_code == 403
    assert (
        client.post("/api/v1/customers/", {"email": "x@example.fi"}, content_type="application/json").status_code == 403
    )


def test_api_of_another_company_does_not_see_the_customer(client_for, outsider, aino):
    client = client_for(outsider)
    assert client.get(f"/api/v1/customers/{aino.pk}/").status_code == 404
    assert client.get("/api/v1/customers/").json()["count"] == 0
    patch = client.patch(f"/api/v1/customers/{aino.pk}/", {"full_name": "X"}, content_type="application/json")
    assert patch.status_code == 404


def test_admin_pages_open_for_managers_and_save_through_the_service(client_for, manager, frontline, aino):
    client = client_for(manager)
    for url in [
        "/admin/customers/customer/",
        f"/admin/customers/customer/{aino.pk}/change/",
        "/admin/customers/customerimport/",
        "/admin/personas/buyerpersona/",
    ]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/admin/customers/customer/add/",
        {"full_name": "Onni Salo", "email": "ONNI@example.fi", "phone": "040 5556666", "language": "fi"},
    )
    assert response.status_code == 302
    onni = Customer.objects.get(email="onni@example.fi")
    assert onni.phone_normalized == "+358405556666"
    assert client_for(frontline).get("/admin/customers/customer/").status_code == 302


def test_list_rows_are_what_the_output_serializer_writes(client_for, manager):
    """The list writes plain rows; each must equal CustomerOutputSerializer's output of the same customer."""
    from apps.customers.apis import CustomerOutputSerializer
    from apps.customers.selectors import customer_list

    segment = segment_get_or_create(name="Yritys")
    customer_create(full_name="Åke Öhman", email="ake@example.fi", segment=segment, survey_consent=True)
    customer_create(phone="040 765 4321", external_id="TILL-9", language="en")
    body = client_for(manager).get("/api/v1/customers/?page_size=500").json()
    expected = [CustomerOutputSerializer(customer).data for customer in customer_list(user=None)[:500]]
    assert body["results"] == expected and body["count"] == len(expected)


def test_admin_shows_an_import_but_never_edits_it(client_for, manager):
    customer_import = CustomerImportFactory(commit_error="")
    client = client_for(manager)
    url = f"/admin/customers/customerimport/{customer_import.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="commit_error"' not in page.content
    assert b'name="_save"' not in page.content
    assert client.post(url, {"commit_error": "edited", "queued_at": ""}).status_code == 403
    customer_import.refresh_from_db()
    assert customer_import.commit_error == ""
