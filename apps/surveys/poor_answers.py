"""Which answers open a follow-up case: a score at or below the company's limit for its measure.

The one place that says so: the answer submit (which opens the case), the encounter
pages and the customer timeline (which mark the poor scores) and the demo data all
ask these functions. No database access here.
"""

from collections.abc import Iterable, Mapping
from typing import Protocol

from apps.cases.reasons import PoorScore
from apps.surveys.models import QuestionType


class PoorAnswerRules(Protocol):
    """The company's limits: SurveySettings, or the plain copy the demo data is planned with."""

    nps_poor_max: int
    csat_poor_max: int
    ces_poor_max: int


def poor_limits(rules: PoorAnswerRules) -> dict[str, int]:
    """The highest score of each scored measure that still opens a case."""
    return {
        QuestionType.NPS: rules.nps_poor_max,
        QuestionType.CSAT: rules.csat_poor_max,
        QuestionType.CES: rules.ces_poor_max,
    }


def answer_is_poor(*, measure: str, score: int | None, limits: Mapping[str, int]) -> bool:
    """True for a scored answer at or below its measure's limit; free text and skipped questions never are."""
    limit = limits.get(measure)
    return limit is not None and score is not None and score <= limit


def poor_scores(*, answers: Iterable[tuple[str, int | None]], limits: Mapping[str, int]) -> list[PoorScore]:
    """The poor scores among (measure, score) answers, in their order: what a case's reason keeps."""
    return [
        PoorScore(measure=str(measure), score=score)
        for measure, score in answers
        if score is not None and answer_is_poor(measure=measure, score=score, limits=limits)
    ]
