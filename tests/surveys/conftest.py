"""A touchpoint with a follow-up survey, a consenting customer, a sent invitation, and helpers to run the dispatcher."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from apps.customers.services import customer_create
from apps.encounters.services import encounter_log
from apps.surveys.dispatch import survey_dispatch_run
from apps.surveys.models import Invitation, QuestionType, Survey
from apps.surveys.sending import invitation_email_send
from apps.surveys.tokens import token_for
from tests.factories import QuestionFactory, SurveyFactory, TouchpointSurveyFactory
from tests.journeys.factories import map_build, touchpoint_named

# A Wednesday at noon in Helsinki (UTC+2 in winter).
NOON = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def survey_build(name: str = "Katsastuksen jälkeen") -> Survey:
    survey = SurveyFactory(
        name=name,
        title_fi="Miten katsastus sujui?",
        title_en="How did your inspection go?",
        thank_you_fi="Kiitos vastauksestasi!",
        thank_you_en="Thank you for your answer!",
    )
    QuestionFactory(survey=survey, type=QuestionType.NPS)
    QuestionFactory(
        survey=survey,
        type=QuestionType.TEXT,
        text_fi="Mitä voisimme tehdä paremmin?",
        text_en="What could we do better?",
        required=False,
    )
    return survey


@pytest.fixture
def survey(db: None) -> Survey:
    return survey_build()


@pytest.fixture
def touchpoint(survey: Survey, manager: Any) -> Any:
    path = map_build(stages={"Katsastus": ["Tarkastus"], "Tulos": ["Tuloksen kertominen"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    touchpoint.owner = manager
    touchpoint.save(update_fields=["owner"])
    TouchpointSurveyFactory(touchpoint=touchpoint, survey=survey, delay_minutes=120)
    return touchpoint


@pytest.fixture
def customer(db: None) -> Any:
    return customer_create(full_name="Maija Meikäläinen", email="maija@example.fi", language="fi")


def log_visit(*, customer: Any, touchpoint: Any, at: dt.datetime, agreed: bool = True, by: Any = None) -> Any:
    """Log an encounter as it happens at `at` (the clock is moved there)."""
    with time_machine.travel(at, tick=False):
        return encounter_log(
            logged_by=by,
            customer=customer,
            touchpoint=touchpoint,
            outcome="resolved",
            peak_feeling=1,
            end_feeling=2,
            survey_agreed=agreed,
            occurred_at=at,
        )


@pytest.fixture
def sent_invitation(customer, touchpoint):
    """An invitation sent by the dispatcher, its link valid for two more weeks; returns (invitation, token)."""
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    send_time = NOON + dt.timedelta(hours=2)
    with time_machine.travel(send_time, tick=False):
        for batch in survey_dispatch_run(now=send_time):
            for email_id in batch:
                assert invitation_email_send(email_id=email_id, now=send_time) == "sent"
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + dt.timedelta(days=14))
    invitation.refresh_from_db()
    return invitation, token_for(invitation.token_nonce)


def answer_data(invitation, nps="9", comment=""):
    questions = {question.type: question for question in invitation.survey.questions.all()}
    return {f"q{questions['nps'].pk}": nps, f"q{questions['text'].pk}": comment}
