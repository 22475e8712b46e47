import json
import re

import pytest
from django.core.management import call_command
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_openapi_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning or error of drf-spectacular into a failure.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/users/{user_id}/" in text
    assert "tokenAuth" in text


@pytest.fixture
def served_schema(client_for, company_admin):
    """The schema as a signed-in client gets it, with no language asked for."""
    response = client_for(company_admin).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def _responses(schema, path, method):
    return schema["paths"][path][method]["responses"]


def _error_ref(response):
    return response["content"]["application/json"]["schema"]["$ref"]


def test_every_operation_documents_its_error_answers_with_the_one_error_body(served_schema):
    error = served_schema["components"]["schemas"]["ErrorResponse"]
    assert set(error["properties"]) == {"message", "code", "fields"}
    assert error["required"] == ["code", "message"]

    detail = _responses(served_schema, "/api/v1/customers/{customer_id}/", "patch")
    assert {"200", "400", "401", "403", "404"} <= set(detail)
    for status in ("400", "401", "403", "404"):
        assert _error_ref(detail[status]) == "#/components/schemas/ErrorResponse"
    # a paginated list takes query parameters and has pages that may not exist
    assert {"200", "400", "401", "403", "404"} == set(_responses(served_schema, "/api/v1/paths/", "get"))
    # a plain read without parameters can only be refused
    assert {"200", "401", "403"} == set(_responses(served_schema, "/api/v1/me/", "get"))
    # the public token exchange needs no login but is throttled
    assert {"200", "400", "429"} == set(_responses(served_schema, "/api/v1/auth/token/", "post"))


def test_schema_is_in_english_unless_the_client_asks_for_finnish(client_for, company_admin):
    client = client_for(company_admin)
    english = client.get("/api/v1/schema/?format=json").content.decode()
    assert "Not found in this company." in english
    finnish = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Ei löydy tästä yrityksestä." in finnish
    assert "Ei löydy tästä yrityksestä." in client.get("/api/v1/schema/?format=json&lang=fi").content.decode()


def test_local_times_are_documented_as_the_api_writes_them(served_schema, client_for, company_admin):
    settings_schema = served_schema["components"]["schemas"]["SurveySettings"]["properties"]
    start = settings_schema["quiet_hours_start"]
    assert "format" not in start
    body = client_for(company_admin).get("/api/v1/surveys/settings/").json()
    assert re.fullmatch(start["pattern"], body["quiet_hours_start"])


def test_empty_query_parameters_are_documented_as_left_out(served_schema, client_for, company_admin):
    parameters = {p["name"]: p for p in served_schema["paths"]["/api/v1/encounters/"]["get"]["parameters"]}
    assert parameters["until"]["allowEmptyValue"] is True
    assert parameters["until"]["schema"]["format"] == "date-time"
    client = client_for(company_admin)
    assert client.get("/api/v1/encounters/?until=").json() == client.get("/api/v1/encounters/").json()


def test_request_bodies_are_documented_as_json(served_schema):
    body = served_schema["paths"]["/api/v1/customers/"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/json"]


def test_a_number_where_text_belongs_is_refused_not_turned_into_text():
    from rest_framework import serializers

    class Named(serializers.Serializer):
        name = serializers.CharField()
        email = serializers.EmailField(required=False)

    for wrong in (42, 4.2, True, ["x"], {"x": 1}):
        form = Named(data={"name": wrong})
        with translation.override("en"):
            assert not form.is_valid()
        assert form.errors["name"] == ["Not a valid string."]
    assert not Named(data={"name": "x", "email": 5}).is_valid()
    assert Named(data={"name": " Kivi "}).is_valid()
