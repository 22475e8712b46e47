"""Which answers open a follow-up case: one rule for the submit, the encounter pages, the timeline and the demo."""

from dataclasses import dataclass

from apps.cases.reasons import PoorScore
from apps.metrics.formulas import NPS_DETRACTOR_MAX
from apps.surveys.models import QUESTION_SCALES, QuestionType, SurveySettings
from apps.surveys.poor_answers import answer_is_poor, poor_limits, poor_scores


@dataclass(frozen=True)
class Limits:
    nps_poor_max: int = 6
    csat_poor_max: int = 2
    ces_poor_max: int = 3


def test_a_score_at_the_limit_is_poor_and_one_above_is_not() -> None:
    limits = poor_limits(Limits())
    poor = {
        kind: [score for score in range(low, high + 1) if answer_is_poor(measure=kind, score=score, limits=limits)]
        for kind, (low, high) in QUESTION_SCALES.items()
    }
    assert poor == {
        QuestionType.NPS: [0, 1, 2, 3, 4, 5, 6],
        QuestionType.CSAT: [1, 2],
        QuestionType.CES: [1, 2, 3],
    }


def test_free_text_and_skipped_questions_are_never_poor() -> None:
    limits = poor_limits(Limits())
    assert not answer_is_poor(measure=QuestionType.TEXT, score=None, limits=limits)
    assert not answer_is_poor(measure=QuestionType.NPS, score=None, limits=limits)


def test_poor_scores_keep_the_question_order() -> None:
    answers = [(QuestionType.CES, 2), (QuestionType.TEXT, None), (QuestionType.NPS, 7), (QuestionType.CSAT, 1)]
    assert poor_scores(answers=answers, limits=poor_limits(Limits(nps_poor_max=7))) == [
        PoorScore(measure="ces", score=2),
        PoorScore(measure="nps", score=7),
        PoorScore(measure="csat", score=1),
    ]


def test_the_default_nps_limit_is_the_detractor_limit() -> None:
    # A company that changes nothing follows up its detractors (DOMAIN.md), no more and no fewer.
    assert SurveySettings().nps_poor_max == NPS_DETRACTOR_MAX
    assert poor_limits(SurveySettings()) == {QuestionType.NPS: 6, QuestionType.CSAT: 2, QuestionType.CES: 3}
