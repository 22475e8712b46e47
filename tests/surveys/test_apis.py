"""The survey API: every endpoint allowed for managers, forbidden for frontline, empty for another company."""

import datetime as dt

import pytest
from django_tenants.utils import schema_context

from apps.customers.services import customer_create
from apps.surveys.models import Invitation, Survey
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_create
from tests.factories import AnswerFactory, CampaignFactory, ResponseFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import NOON

pytestmark = pytest.mark.django_db

NEW_SURVEY = {
    "name": "Suhde-NPS",
    "title_fi": "Miten olemme onnistuneet?",
    "title_en": "How are we doing?",
    "questions": [{"type": "nps"}, {"type": "text", "required": False, "text_en": "Anything else?"}],
}


def _list_urls(survey: Survey) -> list[str]:
    return [
        "/api/v1/surveys/",
        f"/api/v1/surveys/{survey.pk}/",
        "/api/v1/surveys/settings/",
        "/api/v1/surveys/send-outs/",
        "/api/v1/surveys/invitations/",
        "/api/v1/surveys/responses/",
    ]


def test_frontline_is_forbidden_on_every_endpoint(client_for, frontline, survey):
    client = client_for(frontline)
    for url in _list_urls(survey):
        assert client.get(url).status_code == 403, url
    assert client.post("/api/v1/surveys/", NEW_SURVEY, content_type="application/json").status_code == 403
    assert (
        client.patch(f"/api/v1/surveys/{survey.pk}/", {"name": "X"}, content_type="application/json").status_code == 403
    )
    assert (
        client.patch("/api/v1/surveys/settings/", {"nps_poor_max": 3}, content_type="application/json").status_code
        == 403
    )
    body = {"name": "X", "survey": survey.pk}
    assert client.post("/api/v1/surveys/send-outs/", body, content_type="application/json").status_code == 403


def test_anonymous_gets_401(anonymous_client, survey):
    assert anonymous_client.get("/api/v1/surveys/").status_code == 401


def test_create_list_and_update_a_survey(client_for, manager):
    client = client_for(manager)
    created = client.post("/api/v1/surveys/", NEW_SURVEY, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert [q["type"] for q in data["questions"]] == ["nps", "text"]
    assert data["questions"][0]["text_fi"].startswith("Kuinka todennäköisesti suosittelisit yritystä Alpha Katsastus")
    assert data["questions"][1]["text_en"] == "Anything else?"

    listing = client.get("/api/v1/surveys/").json()
    assert listing["count"] == 1 and listing["results"][0]["questions"][0]["position"] == 1

    nps_id = data["questions"][0]["id"]
    changed = client.patch(
        f"/api/v1/surveys/{data['id']}/",
        {"title_en": "How did we do?", "questions": [{"type": "csat"}, {"id": nps_id, "type": "nps"}]},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["title_en"] == "How did we do?"
    assert [(q["position"], q["type"]) for q in body["questions"]] == [(1, "csat"), (2, "nps")]
    assert body["questions"][1]["id"] == nps_id


def test_survey_without_questions_is_a_400_with_the_reason(client_for, manager):
    response = client_for(manager).post(
        "/api/v1/surveys/", {**NEW_SURVEY, "questions": []}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "no_questions"


def test_settings_get_and_patch(client_for, manager):
    client = client_for(manager)
    assert client.get("/api/v1/surveys/settings/").json()["frequency_cap_days"] == 30
    patched = client.patch(
        "/api/v1/surveys/settings/",
        {"frequency_cap_days": 60, "quiet_hours_start": "22:00"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["quiet_hours_start"] == "22:00:00"
    assert survey_settings_get().frequency_cap_days == 60
    bad = client.patch("/api/v1/surveys/settings/", {"ces_poor_max": 8}, content_type="application/json")
    assert bad.status_code == 400 and "ces_poor_max" in bad.json()["fields"]
    bad = client.patch("/api/v1/surveys/settings/", {"reminder_after_days": 30}, content_type="application/json")
    assert bad.status_code == 400 and "reminder_after_days" in bad.json()["fields"]


def test_send_out_create_and_list(client_for, manager, survey):
    client = client_for(manager)
    body = {"name": "Kvartaali", "survey": survey.pk, "audience": {"language": "en"}, "repeat_every_months": 3}
    created = client.post("/api/v1/surveys/send-outs/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["audience"] == {"language": "en"} and created.json()["invited"] == 0
    listing = client.get(f"/api/v1/surveys/send-outs/?survey={survey.pk}").json()
    assert [row["name"] for row in listing["results"]] == ["Kvartaali"]
    bad = client.post(
        "/api/v1/surveys/send-outs/", {**body, "repeat_every_months": 99}, content_type="application/json"
    )
    assert bad.status_code == 400


def _invitations(survey: Survey) -> tuple[Invitation, Invitation]:
    rules = survey_settings_get()
    aino = customer_create(full_name="Aino", email="aino@example.fi", survey_consent=True)
    ilmari = customer_create(full_name="Ilmari", email="ilmari@example.fi")
    sent = invitation_create(survey=survey, customer=aino, send_at=NOON, now=NOON, rules=rules)
    suppressed = invitation_create(survey=survey, customer=ilmari, send_at=NOON, now=NOON, rules=rules)
    return sent, suppressed


def test_invitations_list_with_filters(client_for, manager, survey):
    scheduled, suppressed = _invitations(survey)
    client = client_for(manager)
    everything = client.get("/api/v1/surveys/invitations/").json()
    assert everything["count"] == 2
    not_sent = client.get("/api/v1/surveys/invitations/?status=suppressed").json()["results"]
    assert [(row["id"], row["suppression_reason"]) for row in not_sent] == [(suppressed.pk, "no_consent")]
    by_customer = client.get(f"/api/v1/surveys/invitations/?customer={scheduled.customer_id}").json()["results"]
    assert [row["id"] for row in by_customer] == [scheduled.pk] and by_customer[0]["due_at"]
    assert client.get(f"/api/v1/surveys/invitations/?survey={survey.pk + 999}").json()["count"] == 0
    assert client.get("/api/v1/surveys/invitations/?status=lost").status_code == 400


def test_responses_list_with_answers_and_cuts(client_for, manager, survey):
    path = map_build(stages={"Katsastus": ["Tarkastus"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    invitation, _other = _invitations(survey)
    response = ResponseFactory(invitation=invitation, touchpoint=touchpoint, path=path, submitted_at=NOON)
    AnswerFactory(response=response, question=survey.questions.get(type="nps"), score=4)
    client = client_for(manager)
    rows = client.get(f"/api/v1/surveys/responses/?touchpoint={touchpoint.pk}").json()["results"]
    assert len(rows) == 1 and rows[0]["answers"][0]["score"] == 4 and rows[0]["path"] == path.pk
    assert (
        client.get(f"/api/v1/surveys/responses/?path={path.pk}&since=2026-11-25&until=2026-11-26").json()["count"] == 1
    )
    assert client.get("/api/v1/surveys/responses/?since=2026-11-26").json()["count"] == 0
    later = (NOON + dt.timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/surveys/responses/", {"until": later}).json()["count"] == 1


def test_other_company_sees_nothing_of_alpha(client_for, outsider, survey):
    _invitations(survey)
    CampaignFactory(name="Alfan kierros", survey=survey, next_run_at=NOON)
    client = client_for(outsider)
    assert client.get(f"/api/v1/surveys/{survey.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/surveys/{survey.pk}/", {"name": "X"}, content_type="application/json").status_code == 404
    )
    for url in (
        "/api/v1/surveys/",
        "/api/v1/surveys/send-outs/",
        "/api/v1/surveys/invitations/",
        "/api/v1/surveys/responses/",
    ):
        assert client.get(url).json()["count"] == 0, url
    patched = client.patch("/api/v1/surveys/settings/", {"frequency_cap_days": 7}, content_type="application/json")
    assert patched.status_code == 200
    assert survey_settings_get().frequency_cap_days == 30
    with schema_context("beta"):
        assert not Survey.objects.exists()
