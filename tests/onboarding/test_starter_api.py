"""The starter templates through the API: the list with what each adds, and taking one, for company admins only."""

from typing import Any

import pytest
from django_tenants.utils import schema_context

from apps.audit.models import AuditLogEntry, AuditSource
from apps.journeys.models import ServicePath
from apps.onboarding.content import STARTER_TEMPLATES
from apps.onboarding.models import StarterChoice
from apps.personas.models import BuyerPersona
from apps.surveys.models import Survey

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/onboarding/starter-templates/"


def _apply_url(key: str) -> str:
    return f"{LIST_URL}{key}/apply/"


def _written() -> tuple[int, int, int]:
    return ServicePath.objects.count(), Survey.objects.count(), BuyerPersona.objects.count()


def test_the_list_says_what_each_template_adds_in_the_readers_language(client_for: Any, company_admin: Any) -> None:
    client = client_for(company_admin)
    response = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = response.json()
    assert [row["key"] for row in rows] == list(STARTER_TEMPLATES)
    clinic = next(row for row in rows if row["key"] == "clinic")
    template = STARTER_TEMPLATES["clinic"]
    assert (clinic["label"], clinic["applied"], clinic["available"]) == (template.label.en, False, True)
    assert clinic["path"]["name"] == template.path_name.en
    assert [stage["name"] for stage in clinic["path"]["stages"]] == [stage.name.en for stage in template.stages]
    touchpoints = [touchpoint for stage in clinic["path"]["stages"] for touchpoint in stage["touchpoints"]]
    assert len(touchpoints) == clinic["touchpoint_count"] == template.touchpoint_count
    assert sum(touchpoint["end"] for touchpoint in touchpoints) == 1
    assert [persona["name"] for persona in clinic["personas"]] == [seed.name.en for seed in template.personas]
    assert clinic["survey"]["title"] == "How did we do?"
    # The standard wordings and the starter's own: a yes/no question and a follow-up for detractors.
    assert clinic["survey"]["questions"] == [
        "How likely are you to recommend Alpha Katsastus Oy to a friend or colleague?",
        "Did you get your matter taken care of?",
        "What let you down? Tell us in your own words.",
        "What could we do better?",
    ]
    finnish = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="fi").json()
    assert next(row for row in finnish if row["key"] == "clinic")["label"] == template.label.fi


def test_an_admin_applies_a_template_once_and_another_is_refused(client_for: Any, company_admin: Any) -> None:
    client = client_for(company_admin)
    response = client.post(_apply_url("clinic"))
    assert response.status_code == 201
    body = response.json()
    assert (body["template"], body["written"], body["decided_by"]) == ("clinic", True, company_admin.pk)
    template = STARTER_TEMPLATES["clinic"]
    # In the company's default language (Finnish), as the page writes it.
    assert ServicePath.objects.filter(name=template.path_name.fi).count() == 1
    written = _written()
    assert written == (1, 1, len(template.personas))

    again = client.post(_apply_url("clinic"))
    assert again.status_code == 200
    assert again.json() == {**body, "written": False}
    other = client.post(_apply_url("retail_store"), HTTP_ACCEPT_LANGUAGE="en")
    assert other.status_code == 409
    assert other.json()["code"] == "already_applied"
    assert template.label.en in other.json()["message"]
    finnish = client.post(_apply_url("retail_store"), HTTP_ACCEPT_LANGUAGE="fi").json()["message"]
    assert finnish.startswith(f"Mallipohja ”{template.label.fi}” on jo otettu käyttöön.")
    assert _written() == written

    rows = {row["key"]: row for row in client.get(LIST_URL).json()}
    assert (rows["clinic"]["applied"], rows["clinic"]["available"]) == (True, False)
    assert (rows["retail_store"]["applied"], rows["retail_store"]["available"]) == (False, False)
    entry = AuditLogEntry.objects.get(target_type__icontains="starter")
    assert (entry.source, entry.acting_user_id) == (AuditSource.API, company_admin.pk)


def test_an_unknown_template_is_not_found_and_writes_nothing(client_for: Any, company_admin: Any) -> None:
    response = client_for(company_admin).post(_apply_url("bakery"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _written() == (0, 0, 0) and not StarterChoice.objects.exists()


@pytest.mark.parametrize("role", ["manager", "frontline"])
def test_other_roles_are_refused(role: str, request: Any, client_for: Any) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.get(LIST_URL).status_code == 403
    response = client.post(_apply_url("clinic"))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert _written() == (0, 0, 0) and not StarterChoice.objects.exists()


def test_another_companys_admin_reaches_only_their_own_company(
    client_for: Any, outsider: Any, tenant_alpha: Any, tenant_beta: Any
) -> None:
    beta = client_for(outsider)
    # Beta's admin's session on alpha's host counts for nothing.
    on_alpha = client_for(tenant=tenant_alpha)
    on_alpha.cookies["sessionid"] = beta.cookies["sessionid"].value
    assert on_alpha.post(_apply_url("clinic")).status_code in (401, 403)
    assert on_alpha.get(LIST_URL).status_code in (401, 403)
    # On beta's own host it takes beta's template; alpha stays empty and may still take one.
    assert beta.post(_apply_url("retail_store")).status_code == 201
    assert _written() == (0, 0, 0) and not StarterChoice.objects.exists()
    with schema_context(tenant_beta.schema_name):
        assert StarterChoice.objects.get().template == "retail_store"


def test_the_openapi_schema_documents_both_endpoints(client_for: Any, company_admin: Any) -> None:
    schema = client_for(company_admin).get("/api/v1/schema/?format=json").json()
    listing = schema["paths"][LIST_URL]["get"]
    apply = schema["paths"]["/api/v1/onboarding/starter-templates/{template_key}/apply/"]["post"]
    assert {"200", "401", "403"} <= set(listing["responses"])
    assert {"200", "201", "401", "403", "404", "409"} <= set(apply["responses"])
