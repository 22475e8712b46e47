"""A delete that recorded history refuses answers 400 with what to do instead, and changes nothing."""

import pytest
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from apps.core.exceptions import api_exception_handler
from apps.core.middleware import ProtectedDeleteMiddleware
from apps.customers.services import customer_create
from apps.encounters.models import Encounter
from apps.encounters.services import encounter_log
from apps.journeys.models import Touchpoint
from apps.surveys.models import Answer, Question
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_create
from tests.factories import AnswerFactory, ResponseFactory
from tests.journeys.factories import map_build, stage_named, touchpoint_named
from tests.surveys.conftest import NOON, survey_build

pytestmark = pytest.mark.django_db
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def visited(manager):
    """A path whose "Check-in" has one logged encounter."""
    path = map_build()
    customer = customer_create(full_name="Maija Meikäläinen", email="maija@example.fi", language="fi")
    encounter_log(
        logged_by=manager, customer=customer, touchpoint=touchpoint_named(path, "Check-in"), outcome="resolved"
    )
    return path


def test_api_touchpoint_with_encounters_is_a_400_saying_archive_instead(client_for, manager, visited):
    touchpoint = touchpoint_named(visited, "Check-in")
    response = client_for(manager).delete(f"/api/v1/touchpoints/{touchpoint.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "protected"
    assert "“Check-in” has logged encounters" in body["message"]
    assert "Archive the service path instead" in body["message"]
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()
    assert Encounter.objects.filter(touchpoint=touchpoint).count() == 1


def test_api_touchpoint_refusal_speaks_finnish(client_for, manager, visited):
    touchpoint = touchpoint_named(visited, "Check-in")
    response = client_for(manager).delete(f"/api/v1/touchpoints/{touchpoint.pk}/", HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 400
    assert "Arkistoi" in response.json()["message"]


def test_api_touchpoint_without_encounters_is_deleted(client_for, manager, visited):
    touchpoint = touchpoint_named(visited, "Web booking")
    assert client_for(manager).delete(f"/api/v1/touchpoints/{touchpoint.pk}/").status_code == 204
    assert not Touchpoint.objects.filter(pk=touchpoint.pk).exists()


def test_editor_touchpoint_with_encounters_shows_the_reason(client_for, manager, visited):
    touchpoint = touchpoint_named(visited, "Check-in")
    client = client_for(manager)
    url = reverse("journeys:touchpoint_delete", args=[touchpoint.pk])

    response = client.post(url, **FETCH)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert "on kirjattu kohtaamisia" in response.json()["message"]

    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "on kirjattu kohtaamisia, joten sitä ei voi poistaa" in response.content.decode()
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()
    assert Encounter.objects.count() == 1


def test_api_stage_with_touchpoints_is_a_400(client_for, manager, visited):
    stage = stage_named(visited, "Arrival")
    response = client_for(manager).delete(f"/api/v1/stages/{stage.pk}/")
    assert response.status_code == 400
    assert response.json()["code"] == "stage_not_empty"
    assert Touchpoint.objects.filter(stage=stage).count() == 1


@pytest.fixture
def answered_survey():
    """A survey whose NPS question has one answer."""
    survey = survey_build()
    customer = customer_create(full_name="Matti", email="matti@example.fi", survey_consent=True)
    invitation = invitation_create(
        survey=survey, customer=customer, send_at=NOON, now=NOON, rules=survey_settings_get()
    )
    response = ResponseFactory(invitation=invitation, submitted_at=NOON)
    AnswerFactory(response=response, question=survey.questions.get(type="nps"), score=4)
    return survey


def test_api_removing_an_answered_question_is_a_400(client_for, manager, answered_survey):
    nps = answered_survey.questions.get(type="nps")
    text = answered_survey.questions.get(type="text")
    reply = client_for(manager).patch(
        f"/api/v1/surveys/{answered_survey.pk}/",
        {"questions": [{"id": text.pk, "type": "text"}]},
        content_type="application/json",
    )
    assert reply.status_code == 400
    assert reply.json()["code"] == "question_answered"
    assert Question.objects.filter(pk=nps.pk).exists()


def test_page_removing_an_answered_question_shows_the_reason(client_for, manager, answered_survey):
    survey = answered_survey
    nps = survey.questions.get(type="nps")
    text = survey.questions.get(type="text")
    data = {
        "name": survey.name,
        "title_fi": survey.title_fi,
        "title_en": survey.title_en,
        "is_active": "on",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": str(nps.pk),
        "form-0-type": "nps",
        "form-0-text_fi": nps.text_fi,
        "form-0-text_en": nps.text_en,
        "form-0-required": "on",
        "form-0-ORDER": "1",
        "form-0-DELETE": "on",
        "form-1-id": str(text.pk),
        "form-1-type": "text",
        "form-1-text_fi": text.text_fi,
        "form-1-text_en": text.text_en,
        "form-1-ORDER": "2",
    }
    response = client_for(manager).post(f"/surveys/{survey.pk}/edit/", data)
    assert response.status_code == 400
    assert "on jo saanut vastauksia, eikä sitä voi poistaa" in response.content.decode()
    assert Question.objects.filter(pk=nps.pk).exists()
    assert Answer.objects.filter(question=nps).count() == 1


def test_a_delete_nobody_guarded_still_answers_400_in_the_api(visited):
    """The exception handler's rule, for a future delete that forgets the check."""
    touchpoint = touchpoint_named(visited, "Check-in")
    with pytest.raises(ProtectedError) as refused:
        touchpoint.delete()
    with translation.override("en"):
        response = api_exception_handler(refused.value, {})
    assert response.status_code == 400
    assert response.data["code"] == "protected"
    assert "encounters" in response.data["message"] and "Archive it instead" in response.data["message"]


def test_a_delete_nobody_guarded_still_answers_400_on_a_page(manager, visited):
    touchpoint = touchpoint_named(visited, "Check-in")

    def view(request):
        Touchpoint.objects.filter(pk=touchpoint.pk).delete()

    request = RequestFactory().post("/anything/")
    request.user = manager
    middleware = ProtectedDeleteMiddleware(view)
    with pytest.raises(ProtectedError) as refused:
        view(request)
    response = middleware.process_exception(request, refused.value)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tätä ei voi poistaa, koska siihen liittyvät kohtaamiset on säilytettävä. Arkistoi se sen sijaan." in page
    assert "Mitään ei muutettu." in page
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()
