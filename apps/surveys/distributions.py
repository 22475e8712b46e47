"""How the answers to choice and yes/no questions spread: a count and a share per option, the yes share.

These answers never enter NPS, CSAT or CES (apps.metrics counts only those types); they are read
here, from the answer rows themselves, in three queries whatever the number of questions.
A multiple-choice share is of the customers who answered the question, so the shares may add up
to more than 100 %.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.scope import scoped
from apps.surveys.models import (
    CHOICE_TYPES,
    Answer,
    AnswerChoice,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    Survey,
)
from apps.surveys.piping import answer_words

DISTRIBUTION_TYPES = (*CHOICE_TYPES, QuestionType.YESNO)


@dataclass(frozen=True)
class OptionShare:
    label: str
    count: int
    share: float | None
    hidden: bool = False


@dataclass(frozen=True)
class QuestionDistribution:
    question: Question
    text: str
    answers: int
    rows: list[OptionShare]

    @property
    def yes_share(self) -> float | None:
        """Yes/no: the share of yes answers, in percent (None without answers)."""
        if self.question.type != QuestionType.YESNO or not self.answers:
            return None
        return self.rows[0].share


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def survey_responses(
    *,
    user: User,
    survey: Survey,
    touchpoint_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Response]:
    """The survey's responses the user may see (their locations), cut by touchpoint and period."""
    responses = scoped(Response.objects.filter(survey=survey), user=user)
    if touchpoint_id is not None:
        responses = responses.filter(touchpoint_id=touchpoint_id)
    if since is not None:
        responses = responses.filter(submitted_at__gte=since)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
    return responses


def choice_distributions(
    *, user: User, survey: Survey, language: str, responses: QuerySet[Response] | None = None
) -> list[QuestionDistribution]:
    """Each choice and yes/no question of the survey with its options' counts and shares."""
    options = Prefetch("options", queryset=QuestionOption.objects.order_by("position", "id"))
    questions = list(
        Question.objects.filter(survey=survey, type__in=DISTRIBUTION_TYPES)
        .order_by("position")
        .prefetch_related(options)
    )
    if not questions:
        return []
    if responses is None:
        responses = survey_responses(user=user, survey=survey)
    answers = Answer.objects.filter(response__in=responses, question__in=questions)
    per_question = {
        row["question_id"]: row
        for row in answers.values("question_id").annotate(n=Count("id"), yes=Count("id", filter=Q(score=1)))
    }
    per_option = dict(
        AnswerChoice.objects.filter(answer__in=answers)
        .values("option_id")
        .annotate(n=Count("id"))
        .values_list("option_id", "n")
    )
    result = []
    for question in questions:
        counts = per_question.get(question.pk, {"n": 0, "yes": 0})
        total = counts["n"]
        if question.type == QuestionType.YESNO:
            rows = [
                OptionShare(label=_("Yes"), count=counts["yes"], share=_share(counts["yes"], total)),
                OptionShare(label=_("No"), count=total - counts["yes"], share=_share(total - counts["yes"], total)),
            ]
        else:
            rows = [
                OptionShare(
                    label=option.label(language),
                    count=per_option.get(option.pk, 0),
                    share=_share(per_option.get(option.pk, 0), total),
                    hidden=option.is_hidden,
                )
                for option in question.options.all()
            ]
        result.append(QuestionDistribution(question=question, text=question.text(language), answers=total, rows=rows))
    return result


def answer_export_rows(*, user: User, survey: Survey, language: str) -> Iterator[list[str]]:
    """The survey's answers as CSV rows, one per response: when, where, the language, then each scored,
    yes/no and choice question (chosen options by their labels). Free-text answers are left out: comments
    are exported, with their audit record, from the comments page."""
    questions = list(survey.questions.exclude(type=QuestionType.TEXT).order_by("position"))
    yield [
        _("Response"),
        _("Submitted"),
        _("Source"),
        _("Touchpoint"),
        _("Language"),
        *(f"{question.position}. {question.text(language)}" for question in questions),
    ]
    answers = Prefetch(
        "answers",
        queryset=Answer.objects.exclude(type=QuestionType.TEXT).prefetch_related("choices__option"),
    )
    responses = (
        survey_responses(user=user, survey=survey)
        .select_related("touchpoint")
        .prefetch_related(answers)
        .order_by("submitted_at", "id")
    )
    for response in responses.iterator(chunk_size=1000):
        by_question = {
            answer.question_id: answer_words(
                question_type=answer.type,
                score=answer.score,
                text="",
                labels=[choice.option.label(language) for choice in answer.choices.all()],
            )
            for answer in response.answers.all()
        }
        yield [
            str(response.pk),
            timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
            response.get_source_display(),
            response.touchpoint.name if response.touchpoint else "",
            response.language,
            *(by_question.get(question.pk, "") for question in questions),
        ]
