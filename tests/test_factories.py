"""The factories write valid rows: each passes the model's own validation, and rows made one after
another do not collide on a unique field or a position."""

import pytest
from django.db import connection

from apps.surveys.models import InvitationStatus
from apps.surveys.selectors import invitation_by_token
from apps.surveys.tokens import token_for
from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.TeamFactory,
    factories.UserFactory,
    factories.ManagerFactory,
    factories.AdminFactory,
    factories.ServicePathFactory,
    factories.StageFactory,
    factories.TouchpointFactory,
    factories.SegmentFactory,
    factories.PersonaFactory,
    factories.CustomerFactory,
    factories.CustomerImportFactory,
    factories.EncounterFactory,
    factories.SurveyFactory,
    factories.QuestionFactory,
    factories.TouchpointSurveyFactory,
    factories.CampaignFactory,
    factories.InvitationFactory,
    factories.InvitationEmailFactory,
    factories.ResponseFactory,
    factories.AnswerFactory,
    factories.FollowUpCaseFactory,
    factories.OutboundEmailFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_two_rows_in_a_row_are_valid(factory) -> None:
    first, second = factory(), factory()
    for row in (first, second):
        row.refresh_from_db()
        row.full_clean()
    assert first.pk != second.pk
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred position constraints, checked now


def test_positions_follow_on_within_their_parent() -> None:
    stage = factories.StageFactory()
    touchpoints = factories.TouchpointFactory.create_batch(3, stage=stage)
    later_stage = factories.StageFactory(path=stage.path)
    assert (stage.position, later_stage.position) == (0, 1)
    assert [touchpoint.position for touchpoint in touchpoints] == [0, 1, 2]
    survey = factories.SurveyFactory()
    assert [factories.QuestionFactory(survey=survey).position for _ in range(2)] == [1, 2]


def test_an_invitation_opens_by_its_token_and_a_response_marks_it_answered() -> None:
    encounter = factories.EncounterFactory()
    invitation = factories.InvitationFactory(encounter=encounter, customer=encounter.customer)
    assert invitation.touchpoint == encounter.touchpoint
    assert invitation_by_token(token=token_for(invitation.token_nonce)) == invitation
    answer = factories.AnswerFactory(response__invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED
    assert invitation.answered_at == answer.response.submitted_at
    assert answer.question.survey == invitation.survey
    assert answer.response.path == encounter.touchpoint.stage.path


def test_a_poor_answer_case() -> None:
    case = factories.FollowUpCaseFactory(poor_answer=True)
    assert (case.reason_code, case.reason_scores, case.reason_text) == (
        "poor_answer",
        [{"measure": "nps", "score": 3}],
        "",
    )
