"""List filters refuse values they cannot read instead of ignoring them."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/touchpoints/?unowned=maybe", "unowned"),
        ("/api/v1/paths/?archived=-1", "archived"),
        ("/api/v1/users/?is_active=perhaps", "is_active"),
    ],
)
def test_a_boolean_filter_takes_true_or_false_only(client_for, company_admin, url, field):
    response = client_for(company_admin).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"] == {field: ["Enter true or false."]}


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/ownership-changes/?user=0.5", "user"),
        ("/api/v1/touchpoints/?stage=abc", "stage"),
        ("/api/v1/stages/?path=1e3", "path"),
    ],
)
def test_an_id_filter_takes_whole_numbers_only(client_for, company_admin, url, field):
    response = client_for(company_admin).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {field}


def test_filters_read_true_false_and_empty_as_before(client_for, company_admin, manager):
    client = client_for(company_admin)
    everyone = client.get("/api/v1/users/").json()["count"]
    assert client.get("/api/v1/users/?is_active=").json()["count"] == everyone
    assert client.get("/api/v1/users/?is_active=true").json()["count"] == everyone
    assert client.get("/api/v1/users/?is_active=false").json()["count"] == 0
    assert client.get("/api/v1/touchpoints/?unowned=true").status_code == 200
