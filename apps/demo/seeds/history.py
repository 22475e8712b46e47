"""Writes the older part of the demo year in bulk, row for row as the services would have.

Logging ~3,000 encounters one by one through the services takes most of a minute, so
everything older than the last few days is inserted in batches: the encounters (and
the consent an agreeing customer gave), the survey invitations with their tokens and
sent emails, the answers, and the follow-up cases of poor answers with their history.
The rules are the services' own: the same token helpers, suppression reasons, case
reason (the poor scores), assignee rule and due time in working days (the plan computed those).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.cases.models import CaseEvent, CaseStatus, FollowUpCase
from apps.cases.reasons import CaseReason
from apps.customers.consent import consent_event_build, consent_wording_current
from apps.customers.models import ConsentEvent, ConsentKind, ConsentSource, Customer
from apps.demo.seeds.year import PlannedEncounter, PlanRules
from apps.encounters.models import Encounter
from apps.journeys.models import Touchpoint
from apps.surveys.distributions import choice_touchpoints_forget
from apps.surveys.models import (
    Answer,
    EmailKind,
    EmailStatus,
    Invitation,
    InvitationEmail,
    InvitationStatus,
    Question,
    QuestionType,
    Response,
    SuppressionReason,
    Survey,
)
from apps.surveys.poor_answers import poor_limits, poor_scores
from apps.surveys.tokens import token_for, token_hash, token_nonce_new

BATCH = 1000


@dataclass(frozen=True)
class HistoryTargets:
    """The rows the plan's names and indexes stand for."""

    touchpoints: dict[str, Touchpoint]
    staff: dict[str, User]
    customers: list[Customer]
    surveys: dict[int, Survey]  # touchpoint id -> its follow-up survey
    questions: dict[int, list[Question]]  # survey id -> its questions in order
    assignee_at: Callable[[Touchpoint, dt.datetime], User | None]


def _shifted(field: str, minutes: int) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) + Value(dt.timedelta(minutes=minutes)), output_field=DateTimeField())


def history_write(*, plan: list[PlannedEncounter], targets: HistoryTargets, rules: PlanRules) -> dict[str, int]:
    """Insert `plan` (encounters and everything that followed them); returns row counts by kind."""
    customers = targets.customers
    encounters = Encounter.objects.bulk_create(
        [
            Encounter(
                customer=customers[row.customer],
                touchpoint=targets.touchpoints[row.touchpoint],
                logged_by=targets.staff[row.staff],
                occurred_at=row.occurred_at,
                outcome=row.outcome,
                peak_feeling=row.peak_feeling,
                end_feeling=row.end_feeling,
                note=row.note,
                raised_to_management=row.raised,
                survey_agreed=row.agreed,
            )
            for row in plan
        ],
        batch_size=BATCH,
    )
    _consent_record(plan, customers, encounters, targets)
    encounter_ids = [encounter.pk for encounter in encounters]
    # Logged two minutes after the meeting, as the seeded services record it.
    Encounter.objects.filter(pk__in=encounter_ids).update(
        created_at=_shifted("occurred_at", 2), updated_at=_shifted("occurred_at", 2)
    )

    invited = [(row, encounter) for row, encounter in zip(plan, encounters, strict=True) if row.invited]
    invitations = Invitation.objects.bulk_create(
        [_invitation(row, encounter, targets, rules) for row, encounter in invited], batch_size=BATCH
    )
    occurred = Encounter.objects.filter(pk=OuterRef("encounter_id")).values("occurred_at")[:1]
    Invitation.objects.filter(pk__in=[invitation.pk for invitation in invitations]).update(
        created_at=ExpressionWrapper(Subquery(occurred) + Value(dt.timedelta(minutes=1)), output_field=DateTimeField()),
        updated_at=Coalesce("answered_at", "sent_at", Subquery(occurred)),
    )
    InvitationEmail.objects.bulk_create(
        [
            InvitationEmail(
                invitation=invitation,
                kind=EmailKind.INITIAL,
                status=EmailStatus.SENT if row.sent else EmailStatus.SCHEDULED,
                due_at=row.send_at,
                sent_at=row.send_at if row.sent else None,
            )
            for (row, _encounter), invitation in zip(invited, invitations, strict=True)
            if not row.suppressed and row.send_at is not None
        ],
        batch_size=BATCH,
    )

    answered = [
        (row, encounter, invitation)
        for (row, encounter), invitation in zip(invited, invitations, strict=True)
        if row.answer is not None
    ]
    responses = Response.objects.bulk_create(
        [
            Response(
                invitation=invitation,
                survey=invitation.survey,
                customer=encounter.customer,
                encounter=encounter,
                touchpoint=encounter.touchpoint,
                path_id=encounter.touchpoint.stage.path_id,
                language=invitation.language,
                submitted_at=row.answer.submitted_at,
            )
            for row, encounter, invitation in answered
        ],
        batch_size=BATCH,
    )
    answers = [
        answer
        for (row, _encounter, invitation), response in zip(answered, responses, strict=True)
        for answer in _answers(row, response, targets.questions[invitation.survey_id])
    ]
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    # Written past the service that keeps the dashboard's set of touchpoints with yes/no answers.
    choice_touchpoints_forget()
    cases = _cases_write(answered, targets, rules)
    return {
        "encounters": len(encounters),
        "invitations": len(invitations),
        "responses": len(responses),
        "answers": len(answers),
        "cases": cases,
    }


def _consent_record(
    plan: list[PlannedEncounter], customers: list[Customer], encounters: list[Encounter], targets: HistoryTargets
) -> None:
    """A customer who agreed to a survey at the counter gave their consent then (as encounter_log records it)."""
    wording = consent_wording_current()
    changed: dict[int, Customer] = {}
    events = []
    for row, encounter in zip(plan, encounters, strict=True):
        if not row.agreed:
            continue
        customer = customers[row.customer]
        event = consent_event_build(
            customer=customer,
            kind=ConsentKind.GIVEN,
            source=ConsentSource.FRONTLINE,
            actor=targets.staff[row.staff],
            wording=wording,
            at=row.occurred_at,
            encounter_ref=encounter.pk,
        )
        if event is not None:
            events.append(event)
            changed[customer.pk] = customer
    Customer.objects.bulk_update(
        list(changed.values()), ["survey_consent", "consent_given_at", "consent_source"], batch_size=BATCH
    )
    ConsentEvent.objects.bulk_create(events, batch_size=BATCH)


def _invitation(row: PlannedEncounter, encounter: Encounter, targets: HistoryTargets, rules: PlanRules) -> Invitation:
    nonce = token_nonce_new()
    if row.suppressed:
        status = InvitationStatus.SUPPRESSED
    elif row.answer is not None:
        status = InvitationStatus.ANSWERED
    elif row.sent:
        status = InvitationStatus.SENT
    else:
        status = InvitationStatus.SCHEDULED
    sent_at = row.send_at if row.sent else None
    return Invitation(
        survey=targets.surveys[encounter.touchpoint_id],
        customer=encounter.customer,
        encounter=encounter,
        touchpoint=encounter.touchpoint,
        language=encounter.customer.language,
        status=status,
        suppression_reason=SuppressionReason.FREQUENCY_CAP if row.suppressed else "",
        token_nonce=nonce,
        token_hash=token_hash(token_for(nonce)),
        sent_at=sent_at,
        expires_at=sent_at + dt.timedelta(days=rules.link_valid_days) if sent_at else None,
        answered_at=row.answer.submitted_at if row.answer is not None else None,
    )


def _answers(row: PlannedEncounter, response: Response, questions: list[Question]) -> list[Answer]:
    assert row.answer is not None
    scores = {QuestionType.NPS: row.answer.nps, QuestionType.CSAT: row.answer.csat, QuestionType.CES: row.answer.ces}
    answers = []
    for question in questions:
        if question.type in scores:
            answers.append(
                Answer(response=response, question=question, type=question.type, score=scores[question.type])
            )
        elif question.type == QuestionType.YESNO:
            answers.append(
                Answer(response=response, question=question, type=question.type, score=int(row.answer.taken_care_of))
            )
        elif question.type == QuestionType.TEXT and row.answer.comment:
            answers.append(Answer(response=response, question=question, type=question.type, text=row.answer.comment))
    return answers


def _poor_reason(row: PlannedEncounter, questions: list[Question], rules: PlanRules) -> CaseReason:
    """The case reason response_submit writes: the poor scores in question order."""
    assert row.answer is not None
    scores = {QuestionType.NPS: row.answer.nps, QuestionType.CSAT: row.answer.csat, QuestionType.CES: row.answer.ces}
    return CaseReason.poor_answer(
        poor_scores(
            answers=[(question.type, scores.get(question.type)) for question in questions], limits=poor_limits(rules)
        )
    )


def _cases_write(
    answered: list[tuple[PlannedEncounter, Encounter, Invitation]], targets: HistoryTargets, rules: PlanRules
) -> int:
    planned = [
        (row, encounter, invitation) for row, encounter, invitation in answered if row.answer and row.answer.case
    ]
    cases: list[FollowUpCase] = []
    for row, encounter, invitation in planned:
        assert row.answer is not None and row.answer.case is not None
        plan = row.answer.case
        assignee = targets.assignee_at(encounter.touchpoint, plan.opened_at)
        resolved = plan.resolved_at is not None and assignee is not None
        contacted = plan.contacted_at is not None and assignee is not None
        cases.append(
            FollowUpCase(
                customer=encounter.customer,
                touchpoint=encounter.touchpoint,
                encounter=encounter,
                assignee=assignee,
                status=CaseStatus.RESOLVED if resolved else (CaseStatus.CONTACTED if contacted else CaseStatus.OPEN),
                **_poor_reason(row, targets.questions[invitation.survey_id], rules).fields(),
                detail=row.answer.comment,
                source_key=f"invitation:{invitation.pk}",
                due_at=plan.due_at,
                contacted_at=plan.contacted_at if contacted else None,
                resolved_at=plan.resolved_at if resolved else None,
                resolution_note=plan.resolution_note if resolved else "",
                resolved_by=assignee if resolved else None,
                # The assignee was told when the case opened; nothing is emailed about old cases now.
                notified_at=plan.opened_at,
            )
        )
    cases = FollowUpCase.objects.bulk_create(cases, batch_size=BATCH)
    events: list[CaseEvent] = []
    for case, (row, _encounter, _invitation) in zip(cases, planned, strict=True):
        assert row.answer is not None and row.answer.case is not None
        plan = row.answer.case
        events.append(CaseEvent(case=case, at=plan.opened_at, to_status=CaseStatus.OPEN))
        if case.contacted_at is not None:
            events.append(
                CaseEvent(
                    case=case,
                    at=case.contacted_at,
                    actor=case.assignee,
                    from_status=CaseStatus.OPEN,
                    to_status=CaseStatus.CONTACTED,
                    note=plan.contact_note,
                )
            )
        if case.resolved_at is not None:
            events.append(
                CaseEvent(
                    case=case,
                    at=case.resolved_at,
                    actor=case.assignee,
                    from_status=CaseStatus.CONTACTED,
                    to_status=CaseStatus.RESOLVED,
                    note=case.resolution_note,
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=BATCH)
    FollowUpCase.objects.filter(pk__in=[case.pk for case in cases]).update(
        created_at=F("notified_at"), updated_at=Coalesce("resolved_at", "contacted_at", "notified_at")
    )
    return len(cases)
