import pytest

pytestmark = pytest.mark.django_db


def test_bad_input_gets_field_messages_not_a_500(client_for, company_admin):
    response = client_for(company_admin).post(
        "/api/v1/users/", {"email": "not-an-email", "role": "pilot"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"email", "role"}


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize(
    "url", ["/api/v1/paths/not-a-number/", "/api/v1/no-such-thing/", "/api/v2/", "/api/v1/paths/%0Ab/"]
)
def test_an_api_address_that_matches_nothing_answers_with_the_error_body(client_for, company_admin, method, url):
    response = getattr(client_for(company_admin), method)(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": "Not found.", "code": "not_found"}


def test_an_api_address_without_its_slash_is_still_redirected_to_it(client_for, company_admin):
    response = client_for(company_admin).get("/api/v1/paths")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/paths/"


def test_a_page_address_that_matches_nothing_still_shows_the_404_page(client_for, company_admin):
    response = client_for(company_admin).get("/paths/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("page_size", ["abc", "0", "-3", "1.5"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_field_error(client_for, company_admin, page_size):
    response = client_for(company_admin).get(f"/api/v1/paths/?page_size={page_size}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"] == {"page_size": ["Enter a whole number of at least 1."]}


def test_an_empty_page_size_is_the_default_and_a_large_one_is_cut_to_500(client_for, company_admin):
    client = client_for(company_admin)
    assert client.get("/api/v1/paths/?page_size=").status_code == 200
    assert client.get("/api/v1/paths/?page_size=100000").status_code == 200
