"""The roll-up SQL and the Python rules of formulas.py and periods.py give the same answer, on real rows.

Every score of every scale is written as an answer, the roll-ups are recomputed in
PostgreSQL, and each count is compared with what the Python rule says of that score.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from apps.customers.models import Customer
from apps.metrics.formulas import (
    DECIMAL_SCORE_FIELDS,
    SCORE_FIELDS,
    ces_is_easy,
    csat_is_satisfied,
    customer_feeling,
    nps_is_detractor,
    nps_is_promoter,
    perception_gap_is_over,
    perception_gap_is_under,
)
from apps.metrics.models import DailyRollup, Grain
from apps.metrics.periods import SPANS, period_start
from apps.metrics.rollup import _PERIOD_START
from apps.metrics.services import metrics_recompute_full
from apps.surveys.models import QUESTION_SCALES, Answer, Question, QuestionType, Survey
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

SCORED = (QuestionType.NPS, QuestionType.CSAT, QuestionType.CES)
# Noon in Helsinki: each answer falls on its own local day.
FIRST_DAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _daily_rows() -> dict[dt.date, dict[str, Any]]:
    rows = DailyRollup.objects.filter(grain=Grain.TOUCHPOINT).values("day", *SCORE_FIELDS)
    return {row["day"]: row for row in rows}


@pytest.fixture
def place(db: None) -> dict[str, Any]:
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus"]})
    return {
        "touchpoint": touchpoint_named(path, "Tarkastus"),
        "customer": Customer.objects.create(full_name="Anna", email="anna@example.fi"),
    }


def test_every_score_counts_as_the_python_rules_say(place: dict[str, Any]) -> None:
    survey = scored_survey_build()
    answers = [(measure, score) for measure, (low, high) in QUESTION_SCALES.items() for score in range(low, high + 1)]
    assert len(answers) == 11 + 5 + 7
    for index, (measure, score) in enumerate(answers):
        at = FIRST_DAY + dt.timedelta(days=index)
        invitation = invitation_deliver(
            survey=survey, customer=place["customer"], touchpoint=place["touchpoint"], at=at
        )
        invitation_answer(invitation=invitation, at=at, scores={measure: score})

    metrics_recompute_full()

    rows = _daily_rows()
    for index, (measure, score) in enumerate(answers):
        nps, csat, ces = (score if measure == kind else None for kind in SCORED)
        feeling = customer_feeling(csat=csat, nps=nps)
        expected = {
            "nps_n": int(nps is not None),
            "nps_promoters": int(nps is not None and nps_is_promoter(nps)),
            "nps_detractors": int(nps is not None and nps_is_detractor(nps)),
            "csat_n": int(csat is not None),
            "csat_satisfied": int(csat is not None and csat_is_satisfied(csat)),
            "ces_n": int(ces is not None),
            "ces_sum": ces or 0,
            "ces_easy": int(ces is not None and ces_is_easy(ces)),
            "feel_n": int(feeling is not None),
            "feel_sum": feeling or Decimal(0),
        }
        row = rows[(FIRST_DAY + dt.timedelta(days=index)).date()]
        assert {name: row[name] for name in expected} == expected, (measure, score)


def test_the_standard_boundaries() -> None:
    # DOMAIN.md: promoters 9-10, detractors 0-6, satisfied 4-5, easy 5-7.
    assert [score for score in range(11) if nps_is_promoter(score)] == [9, 10]
    assert [score for score in range(11) if nps_is_detractor(score)] == [0, 1, 2, 3, 4, 5, 6]
    assert [score for score in range(1, 6) if csat_is_satisfied(score)] == [4, 5]
    assert [score for score in range(1, 8) if ces_is_easy(score)] == [5, 6, 7]


# (CSAT answers, NPS answers, the employee's end feeling): means, a CSAT before an NPS, gaps on the step.
FEELING_CASES: list[tuple[list[int], list[int], int]] = [
    ([4, 5, 5], [], 2),
    ([2, 3, 3], [], 1),
    ([1], [], 1),
    ([4], [], 2),
    ([2], [], -2),
    ([3], [10], 0),
    ([], [0], -2),
    ([], [7], -1),
    ([], [5, 6], 1),
    ([], [9, 10], 0),
]


def test_customer_feeling_and_perception_gap_agree(place: dict[str, Any]) -> None:
    survey = Survey.objects.create(name="Tunne", title_fi="Kysely", title_en="Survey")
    questions = {
        kind: [
            Question.objects.create(
                survey=survey, position=position * 3 + number, type=kind, text_fi=kind, text_en=kind, required=False
            )
            for number in range(3)
        ]
        for position, kind in enumerate((QuestionType.CSAT, QuestionType.NPS))
    }
    for index, (csat, nps, end) in enumerate(FEELING_CASES):
        at = FIRST_DAY + dt.timedelta(days=index)
        encounter = encounter_add(customer=place["customer"], touchpoint=place["touchpoint"], at=at, end_feeling=end)
        invitation = invitation_deliver(survey=survey, customer=place["customer"], encounter=encounter, at=at)
        response = invitation_answer(invitation=invitation, at=at, scores={})
        Answer.objects.bulk_create(
            Answer(response=response, question=question, type=kind, score=score)
            for kind, scores in ((QuestionType.CSAT, csat), (QuestionType.NPS, nps))
            for question, score in zip(questions[kind], scores, strict=False)
        )

    metrics_recompute_full()

    rows = _daily_rows()
    for index, (csat, nps, end) in enumerate(FEELING_CASES):
        feeling = customer_feeling(
            csat=Decimal(sum(csat)) / len(csat) if csat else None, nps=Decimal(sum(nps)) / len(nps) if nps else None
        )
        assert feeling is not None
        expected = {
            "feel_n": 1,
            "feel_sum": feeling,
            "gap_n": 1,
            "gap_staff_sum": end,
            "gap_customer_sum": feeling,
            "gap_over": int(perception_gap_is_over(staff=end, customer=feeling)),
            "gap_under": int(perception_gap_is_under(staff=end, customer=feeling)),
        }
        row = rows[(FIRST_DAY + dt.timedelta(days=index)).date()]
        assert {name: row[name] for name in expected} == expected, (csat, nps, end)
    # The cases reach both sides of the gap, and the exact step of one counts.
    assert {row["gap_over"] for row in rows.values()} == {0, 1}
    assert {row["gap_under"] for row in rows.values()} == {0, 1}


@pytest.mark.django_db
def test_period_starts_in_sql_and_python_agree() -> None:
    # Around a year end whose first ISO week starts in December, and a leap-year February.
    ranges = [(dt.date(2026, 12, 20), dt.date(2027, 3, 8)), (dt.date(2028, 2, 20), dt.date(2028, 3, 6))]
    with connection.cursor() as cursor:
        for first, last in ranges:
            for span in SPANS:
                cursor.execute(
                    f"SELECT day, {_PERIOD_START} FROM "  # noqa: S608 - a constant of rollup.py
                    "(SELECT g::date AS day FROM generate_series(%(first)s::date, %(last)s::date, '1 day') g) days "
                    "ORDER BY day",
                    {"first": first, "last": last, "span": span},
                )
                for day, start in cursor.fetchall():
                    assert start == period_start(day, span), (day, span)


def test_the_measure_columns_are_score_fields() -> None:
    columns = [field.name for field in DailyRollup._meta.fields if field.name in SCORE_FIELDS]
    assert columns == list(SCORE_FIELDS)
    decimals = {field.name for field in DailyRollup._meta.fields if field.get_internal_type() == "DecimalField"}
    assert decimals == DECIMAL_SCORE_FIELDS
    extra = {field.name for field in DailyRollup._meta.fields} - set(SCORE_FIELDS)
    assert extra == {"id", "day", "grain", "touchpoint_id", "persona_id", "segment_id", "employee_id", "location_id"}
