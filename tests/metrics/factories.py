"""Feedback rows written straight to the tables: encounters, delivered invitations, answers.

The roll-up tests are about counting, so they skip the services' timing rules
(delays, quiet hours, the frequency cap) and write the rows the services would.
"""

import datetime as dt
from typing import Any

from apps.encounters.models import Encounter
from apps.surveys.models import Answer, Invitation, InvitationStatus, Question, QuestionType, Response, Survey
from apps.surveys.tokens import token_for, token_hash, token_nonce_new


def scored_survey_build() -> Survey:
    survey = Survey.objects.create(name="Mittarit", title_fi="Kysely", title_en="Survey")
    for position, kind in enumerate((QuestionType.NPS, QuestionType.CSAT, QuestionType.CES, QuestionType.TEXT), 1):
        Question.objects.create(survey=survey, position=position, type=kind, text_fi=kind, text_en=kind, required=False)
    return survey


def encounter_add(
    *, customer: Any, touchpoint: Any, at: dt.datetime, by: Any = None, end_feeling: int | None = None, **fields: Any
) -> Encounter:
    return Encounter.objects.create(
        customer=customer,
        touchpoint=touchpoint,
        logged_by=by,
        occurred_at=at,
        outcome=fields.pop("outcome", "resolved"),
        end_feeling=end_feeling,
        **fields,
    )


def invitation_deliver(
    *, survey: Survey, customer: Any, at: dt.datetime, encounter: Encounter | None = None, touchpoint: Any = None
) -> Invitation:
    nonce = token_nonce_new()
    return Invitation.objects.create(
        survey=survey,
        customer=customer,
        encounter=encounter,
        touchpoint=touchpoint if touchpoint is not None else (encounter.touchpoint if encounter else None),
        status=InvitationStatus.SENT,
        token_nonce=nonce,
        token_hash=token_hash(token_for(nonce)),
        sent_at=at,
        expires_at=at + dt.timedelta(days=14),
    )


def invitation_answer(*, invitation: Invitation, at: dt.datetime, scores: dict[str, int | None]) -> Response:
    """Answer an invitation: `scores` maps a question type (nps, csat, ces) to a score."""
    response = Response.objects.create(
        invitation=invitation,
        survey=invitation.survey,
        customer=invitation.customer,
        encounter=invitation.encounter,
        touchpoint=invitation.touchpoint,
        path=invitation.touchpoint.stage.path if invitation.touchpoint else None,
        language="fi",
        submitted_at=at,
    )
    questions = {question.type: question for question in invitation.survey.questions.all()}
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[kind], type=kind, score=score)
        for kind, score in scores.items()
        if score is not None
    )
    invitation.status = InvitationStatus.ANSWERED
    invitation.answered_at = at
    invitation.save(update_fields=["status", "answered_at"])
    return response
