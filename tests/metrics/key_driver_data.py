"""A company whose customers answered touchpoint surveys and a relationship NPS send-out, with the plan kept
in memory, so a test can compute the key drivers on its own from what was written."""

import datetime as dt
from dataclasses import dataclass, field
from random import Random
from typing import Any

from apps.surveys.models import QUESTION_SCALES, Answer, QuestionType, Survey
from tests.factories import (
    CampaignFactory,
    CustomerFactory,
    EncounterFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
)
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build

# The relationship answers of the view: September 2026 (company time, Europe/Helsinki, is ahead of UTC).
PERIOD = {"start": "2026-09-01", "end": "2026-09-30"}
SEND_OUT = dt.datetime(2026, 9, 10, 9, 0, tzinfo=dt.UTC)


@dataclass
class Planned:
    """What was written: relationship answers and touchpoint answers, each with its time."""

    # customer id -> [(submitted_at, NPS answer)]
    relationship: dict[int, list[tuple[dt.datetime, int]]] = field(default_factory=dict)
    # (customer id, touchpoint id, location id, submitted_at, headline type, headline score)
    touchpoint_answers: list[tuple[int, int, int | None, dt.datetime, str, int]] = field(default_factory=list)


def _survey(*kinds: str) -> Survey:
    survey = SurveyFactory()
    for kind in kinds:
        QuestionFactory(survey=survey, type=kind, text_fi=str(kind), text_en=str(kind), required=False)
    return survey


def _answer(*, survey: Survey, customer: Any, at: dt.datetime, scores: dict[str, int], **invitation: Any) -> None:
    response = ResponseFactory(
        invitation=InvitationFactory(survey=survey, customer=customer, sent_at=at, **invitation), submitted_at=at
    )
    questions = {question.type: question for question in survey.questions.all()}
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[kind], type=kind, score=score) for kind, score in scores.items()
    )


def key_driver_world(*, customers: int = 48) -> dict[str, Any]:
    """Tarkastus goes with the relationship NPS, Maksu hardly, Soitto has too few customers.

    Maksu's answers come from two surveys, one headed by NPS and one by CSAT (normalised to 0..1). Around the
    counted answers lie some that must not count: a touchpoint answer older than the lookback and one after
    the relationship answer, a relationship answer before the latest one and one outside the period.
    """
    random = Random(11)
    inspection = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus", "Maksu"]})
    complaints = map_build(name="Valitus", stages={"Yhteydenotto": ["Soitto"]})
    check, payment = touchpoint_named(inspection, "Tarkastus"), touchpoint_named(inspection, "Maksu")
    call = touchpoint_named(complaints, "Soitto")
    konala, tampere = location_build(name="Konala"), location_build(name="Tampere")
    visit_survey = _survey(QuestionType.NPS, QuestionType.CSAT, QuestionType.TEXT)
    csat_survey = _survey(QuestionType.TEXT, QuestionType.CSAT, QuestionType.NPS)
    relationship_survey = _survey(QuestionType.TEXT, QuestionType.NPS)
    campaign = CampaignFactory(survey=relationship_survey)
    plan = Planned()
    at_konala: set[int] = set()

    def visit(customer: Any, touchpoint: Any, at: dt.datetime, survey: Survey, scores: dict[str, int]) -> None:
        # Half the customers (every other one) visit Tarkastus at Konala; everything else is at Tampere.
        location = konala if touchpoint == check and customer.pk in at_konala else tampere
        encounter = EncounterFactory(customer=customer, touchpoint=touchpoint, occurred_at=at, location=location)
        _answer(survey=survey, customer=customer, at=at, scores=scores, encounter=encounter)
        headline = next(
            question.type
            for question in survey.questions.order_by("position")
            if question.type in QUESTION_SCALES and question.type in scores
        )
        plan.touchpoint_answers.append((customer.pk, touchpoint.pk, location.pk, at, headline, scores[headline]))

    for number in range(customers):
        customer = CustomerFactory(email=f"asiakas{number}@example.fi")
        if number % 2:
            at_konala.add(customer.pk)
        loyalty = random.randint(0, 10)
        answered_at = SEND_OUT + dt.timedelta(hours=number)
        for visit_number in range(random.randint(1, 2)):
            at = answered_at - dt.timedelta(days=random.randint(5, 300))
            nps = min(10, max(0, loyalty + random.choice([-1, 0, 0, 1]) - visit_number))
            visit(customer, check, at, visit_survey, {"nps": nps, "csat": random.randint(1, 5)})
        at = answered_at - dt.timedelta(days=random.randint(5, 300))
        if number % 2:
            visit(customer, payment, at, visit_survey, {"nps": random.randint(0, 10)})
        else:
            visit(customer, payment, at, csat_survey, {"csat": random.randint(1, 5), "nps": random.randint(0, 10)})
        if number < 10:
            visit(customer, call, at, visit_survey, {"nps": random.randint(0, 10)})
        # Not counted: older than the lookback (the opposite of the customer's view), and after the answer.
        visit(customer, check, answered_at - dt.timedelta(days=400), visit_survey, {"nps": 10 - loyalty})
        visit(customer, check, answered_at + dt.timedelta(days=2), visit_survey, {"nps": 10 - loyalty})
        answers = [(answered_at, loyalty)]
        if number % 3 == 0:
            # An earlier answer in the period: the latest one counts.
            answers.insert(0, (answered_at - dt.timedelta(days=5), 10 - loyalty))
        for at, score in answers:
            _answer(survey=relationship_survey, customer=customer, at=at, scores={"nps": score}, campaign=campaign)
        plan.relationship[customer.pk] = answers
        if number % 4 == 0:
            # Outside the period (August): not this view's.
            august = SEND_OUT - dt.timedelta(days=30)
            scores = {"nps": 10 - loyalty}
            _answer(survey=relationship_survey, customer=customer, at=august, scores=scores, campaign=campaign)
    return {
        "plan": plan,
        "check": check,
        "payment": payment,
        "call": call,
        "inspection": inspection,
        "konala": konala,
        "tampere": tampere,
    }


def expected_pairs(
    plan: Planned, *, start: dt.datetime, until: dt.datetime, location_ids: set[int] | None = None
) -> dict[int, list[tuple[float, int]]]:
    """{touchpoint id: [(customer's mean experience 0..1, relationship NPS answer)]}, from the plan alone."""
    latest = {}
    for customer_id, answers in plan.relationship.items():
        inside = [(at, score) for at, score in answers if start <= at < until]
        if inside:
            latest[customer_id] = max(inside)
    values: dict[tuple[int, int], list[float]] = {}
    for customer_id, touchpoint_id, location_id, at, kind, score in plan.touchpoint_answers:
        if customer_id not in latest or (location_ids is not None and location_id not in location_ids):
            continue
        answered_at = latest[customer_id][0]
        if answered_at - dt.timedelta(days=365) <= at < answered_at:
            low, high = QUESTION_SCALES[kind]
            values.setdefault((touchpoint_id, customer_id), []).append((score - low) / (high - low))
    pairs: dict[int, list[tuple[float, int]]] = {}
    for (touchpoint_id, customer_id), experiences in sorted(values.items()):
        pairs.setdefault(touchpoint_id, []).append((sum(experiences) / len(experiences), latest[customer_id][1]))
    return pairs
