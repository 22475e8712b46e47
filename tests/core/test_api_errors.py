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
