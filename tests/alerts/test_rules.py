"""When rules fire: a poor answer (scope, threshold, once), an NPS drop beyond its margin, a late case."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.alerts.models import AlertDelivery, AlertEvent, RuleKind
from apps.alerts.rules import NpsCounts, nps_drop_is_beyond_margin
from apps.alerts.services.events import alerts_answer_check, alerts_case_late_check, alerts_nps_drop_check
from apps.cases.models import CaseStatus
from apps.surveys.models import QuestionType
from apps.surveys.responses import response_submit
from tests.alerts.factories import destination_build, rule_build
from tests.factories import (
    AnswerFactory,
    EncounterFactory,
    FollowUpCaseFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchpointFactory,
)
from tests.locations.factories import location_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def destination(company_admin, receiver):
    return destination_build(actor=company_admin, url=receiver.url)


def _invitation(*, touchpoint=None, location=None):
    survey = SurveyFactory()
    question = QuestionFactory(survey=survey, type=QuestionType.NPS)
    comment = QuestionFactory(survey=survey, type=QuestionType.TEXT, required=False)
    encounter = EncounterFactory(touchpoint=touchpoint or TouchpointFactory(), location=location)
    invitation = InvitationFactory(survey=survey, encounter=encounter, customer=encounter.customer)
    return invitation, question, comment


def _answer(invitation, question, comment, score: int, text: str = ""):
    return response_submit(
        invitation_id=invitation.pk, raw_answers={f"q{question.pk}": str(score), f"q{comment.pk}": text}
    )


def test_a_poor_answer_fires_once_with_a_minimal_payload(company_admin, destination):
    rule = rule_build(actor=company_admin, destinations=[destination], threshold=4)
    invitation, question, comment = _invitation()

    response = _answer(invitation, question, comment, 3, text="Jonotin tunnin, Matti Meikäläinen oli töykeä")

    event = AlertEvent.objects.get(rule=rule)
    assert event.source_key == f"response:{response.pk}" and event.payload["score"] == 3
    text = str(event.payload)
    assert "Jonotin" not in text and invitation.customer.full_name not in text, "no comment, no customer's name"
    assert AlertDelivery.objects.filter(event=event).count() == 1
    assert alerts_answer_check(response=response) == [], "the same answer fires once"
    assert AlertEvent.objects.count() == 1


def test_an_answer_above_the_threshold_fires_nothing(company_admin, destination):
    rule_build(actor=company_admin, destinations=[destination], threshold=4)
    _answer(*_invitation(), 5)
    assert not AlertEvent.objects.exists()


def test_scope_touchpoint_and_location(company_admin, destination):
    here, there = TouchpointFactory(name="Tiski"), TouchpointFactory(name="Puhelin")
    station = location_build(name="Lahti", code="LHT")
    other = location_build(name="Turku", code="TKU")
    at_here = rule_build(actor=company_admin, destinations=[destination], touchpoint=here, name="Tiski")
    at_station = rule_build(actor=company_admin, destinations=[destination], location=station, name="Lahti")

    _answer(*_invitation(touchpoint=there, location=other), 1)
    assert not AlertEvent.objects.exists()

    _answer(*_invitation(touchpoint=here, location=other), 1)
    _answer(*_invitation(touchpoint=there, location=station), 1)
    assert AlertEvent.objects.filter(rule=at_here).count() == 1
    event = AlertEvent.objects.get(rule=at_station)
    assert event.payload["location"] == {"id": station.pk, "name": "Lahti"}


def test_an_inactive_rule_or_destination_sends_nothing(company_admin, destination):
    rule = rule_build(actor=company_admin, destinations=[destination])
    rule.active = False
    rule.save()
    _answer(*_invitation(), 0)
    assert not AlertEvent.objects.exists()

    rule.active = True
    rule.save()
    destination.active = False
    destination.save()
    _answer(*_invitation(), 0)
    assert AlertEvent.objects.count() == 1 and not AlertDelivery.objects.exists()


def test_nps_drop_fires_only_beyond_the_margin_of_the_difference():
    steady = nps_drop_is_beyond_margin(
        this_week=NpsCounts(promoters=5, detractors=3, answers=10),
        last_week=NpsCounts(promoters=6, detractors=2, answers=10),
    )
    assert steady is None, "a fall of 20 points on 10 answers a week is within the noise"
    fall = nps_drop_is_beyond_margin(
        this_week=NpsCounts(promoters=20, detractors=60, answers=100),
        last_week=NpsCounts(promoters=70, detractors=10, answers=100),
    )
    assert fall is not None and fall.drop == 100 and fall.margin < 30
    assert (
        nps_drop_is_beyond_margin(
            this_week=NpsCounts(promoters=1, detractors=0, answers=1), last_week=NpsCounts(0, 0, 0)
        )
        is None
    )


def test_the_weekly_check_fires_once_a_week_for_a_falling_touchpoint(company_admin, destination):
    touchpoint = TouchpointFactory(name="Kaista 2")
    rule_build(actor=company_admin, destinations=[destination], kind=RuleKind.NPS_DROP, touchpoint=touchpoint)
    now = timezone.now()
    for days_ago, score in [(10, 10)] * 30 + [(3, 2)] * 30:
        invitation = InvitationFactory(encounter=EncounterFactory(touchpoint=touchpoint))
        response = ResponseFactory(invitation=invitation, submitted_at=now - dt.timedelta(days=days_ago))
        AnswerFactory(response=response, question=QuestionFactory(survey=response.survey), score=score)

    assert alerts_nps_drop_check(now=now) == 1
    event = AlertEvent.objects.get()
    assert (event.payload["this_week"], event.payload["last_week"], event.payload["drop"]) == (-100, 100, 200)
    assert alerts_nps_drop_check(now=now) == 0, "once per week"


def test_a_late_case_fires_once(company_admin, destination):
    rule_build(actor=company_admin, destinations=[destination], kind=RuleKind.CASE_LATE)
    now = timezone.now()
    late = FollowUpCaseFactory(due_at=now - dt.timedelta(hours=1))
    FollowUpCaseFactory(due_at=now + dt.timedelta(hours=1))
    FollowUpCaseFactory(due_at=now - dt.timedelta(hours=1), status=CaseStatus.RESOLVED, resolved_at=now)

    assert alerts_case_late_check(now=now) == 1
    assert AlertEvent.objects.get().payload["case_id"] == late.pk
    assert alerts_case_late_check(now=now) == 0


def test_a_late_case_email_reads_in_the_company_language(company_admin, mailoutbox):
    from tests.conftest import outbox_deliver_due

    email = destination_build(actor=company_admin, kind="email", emails="vuoropaallikko@alpha.example")
    rule_build(actor=company_admin, destinations=[email], kind=RuleKind.CASE_LATE)
    case = FollowUpCaseFactory(due_at=timezone.now() - dt.timedelta(hours=3))
    alerts_case_late_check()
    outbox_deliver_due()

    [message] = mailoutbox
    assert message.to == ["vuoropaallikko@alpha.example"]
    assert "myöhässä" in message.subject
    assert f"Tapauksen {case.pk} määräaika oli" in message.body and "T" not in message.body.split("oli ")[1][:16]
    assert f"/cases/{case.pk}/" in message.body


def test_with_no_alert_rules_an_answer_costs_one_query_more():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.alerts.receivers import alerts_on_response
    from apps.surveys.signals import response_recorded

    def queries_of_one_answer() -> int:
        invitation, question, comment = _invitation()
        with CaptureQueriesContext(connection) as captured:
            _answer(invitation, question, comment, 1)
        return len(captured)

    queries_of_one_answer()  # the first answer of a process also reads what is then cached (settings, kinds)
    with_alerts = queries_of_one_answer()
    response_recorded.disconnect(dispatch_uid="alerts.answer_check")
    try:
        without_alerts = queries_of_one_answer()
    finally:
        response_recorded.connect(alerts_on_response, dispatch_uid="alerts.answer_check")
    assert with_alerts - without_alerts == 1, "only the look-up of active poor-answer rules"
