"""Feedback rows written straight to the tables: encounters, delivered invitations, answers.

The roll-up tests are about counting, so they skip the services' timing rules
(delays, quiet hours, the frequency cap) and write the rows the services would.
"""

import datetime as dt
from typing import Any

from apps.encounters.models import Encounter
from apps.surveys.models import Answer, Invitation, QuestionType, Response, Survey
from tests.factories import EncounterFactory, InvitationFactory, QuestionFactory, ResponseFactory, SurveyFactory


def scored_survey_build() -> Survey:
    survey = SurveyFactory(name="Mittarit", title_fi="Kysely", title_en="Survey")
    for kind in (QuestionType.NPS, QuestionType.CSAT, QuestionType.CES, QuestionType.TEXT):
        QuestionFactory(survey=survey, type=kind, text_fi=kind, text_en=kind, required=False)
    return survey


def encounter_add(
    *, customer: Any, touchpoint: Any, at: dt.datetime, by: Any = None, end_feeling: int | None = None, **fields: Any
) -> Encounter:
    return EncounterFactory(
        customer=customer, touchpoint=touchpoint, logged_by=by, occurred_at=at, end_feeling=end_feeling, **fields
    )


def invitation_deliver(
    *, survey: Survey, customer: Any, at: dt.datetime, encounter: Encounter | None = None, touchpoint: Any = None
) -> Invitation:
    """An invitation sent at `at`; its touchpoint is the encounter's unless `touchpoint` is given."""
    place = {"touchpoint": touchpoint} if touchpoint is not None else {}
    return InvitationFactory(survey=survey, customer=customer, encounter=encounter, sent_at=at, **place)


def invitation_answer(*, invitation: Invitation, at: dt.datetime, scores: dict[str, int | None]) -> Response:
    """Answer an invitation: `scores` maps a question type (nps, csat, ces) to a score."""
    response = ResponseFactory(invitation=invitation, language="fi", submitted_at=at)
    questions = {question.type: question for question in invitation.survey.questions.all()}
    # One insert for all the answers: the roll-up tests write thousands.
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[kind], type=kind, score=score)
        for kind, score in scores.items()
        if score is not None
    )
    return response
