"""Comments for the themes tests: a text answer, with an NPS answer, after an encounter at a location."""

import datetime as dt
from typing import Any

from django.utils import timezone

from apps.surveys.models import Answer, QuestionType
from tests.factories import CustomerFactory, EncounterFactory, InvitationFactory, ResponseFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import scored_survey_build


def world_build() -> dict[str, Any]:
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus"]})
    region = region_path_build("Alue")
    return {
        "touchpoint": touchpoint_named(path, "Tarkastus"),
        "survey": scored_survey_build(),
        "oulu": location_build(name="Oulu", code="OULU", region=region),
        "turku": location_build(name="Turku", code="TURKU", region=region),
    }


def comment_add(
    world: dict[str, Any],
    text: str,
    *,
    language: str = "fi",
    nps: int | None = None,
    location: str | None = "oulu",
    days_ago: float = 1,
) -> Answer:
    at = timezone.now() - dt.timedelta(days=days_ago)
    customer = CustomerFactory()
    encounter = EncounterFactory(
        customer=customer,
        touchpoint=world["touchpoint"],
        occurred_at=at,
        location=world[location] if location else None,
    )
    invitation = InvitationFactory(
        survey=world["survey"], customer=customer, encounter=encounter, sent_at=at, language=language
    )
    response = ResponseFactory(invitation=invitation, submitted_at=at)
    questions = {question.type: question for question in world["survey"].questions.all()}
    if nps is not None:
        Answer.objects.create(response=response, question=questions[QuestionType.NPS], type="nps", score=nps)
    return Answer.objects.create(response=response, question=questions[QuestionType.TEXT], type="text", text=text)
