"""How the answers to choice and yes/no questions spread: a count and a share per option, the yes share.

These answers never enter NPS, CSAT or CES (apps.metrics counts only those types); they are read
here, from the answer rows themselves: a survey's own page in three queries whatever the number of
questions, a touchpoint's page on the leadership dashboard in one statement (none for a touchpoint
without such answers). A multiple-choice share is of the customers who answered the question, so
the shares may add up to more than 100 %. The yes share comes with its 95 % interval
(apps/surveys/proportions.py).
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, connections, router, transaction
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
    ResponseSource,
    Survey,
)
from apps.surveys.piping import answer_words
from apps.surveys.proportions import share_interval

DISTRIBUTION_TYPES = (*CHOICE_TYPES, QuestionType.YESNO)


@dataclass(frozen=True)
class OptionShare:
    label: str
    count: int
    share: float | None
    hidden: bool = False
    option_id: int | None = None  # None: the yes or the no of a yes/no question


@dataclass(frozen=True)
class QuestionDistribution:
    question: Question
    text: str
    answers: int
    rows: list[OptionShare]
    # The survey's title in the viewer's language, where the questions of several surveys are read together.
    survey_title: str = ""

    @property
    def yes_share(self) -> float | None:
        """Yes/no: the share of yes answers, in percent (None without answers)."""
        if self.question.type != QuestionType.YESNO or not self.answers:
            return None
        return self.rows[0].share

    @property
    def yes_interval(self) -> tuple[float, float] | None:
        """Yes/no: the 95 % interval of the yes share, in percent (Wilson; None without answers)."""
        if self.question.type != QuestionType.YESNO or not self.answers:
            return None
        return share_interval(successes=self.rows[0].count, answers=self.answers)


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def _distribution(
    *,
    question: Question,
    options: list[QuestionOption],
    answers: int,
    yes: int,
    per_option: dict[int, int],
    language: str,
    survey_title: str = "",
) -> QuestionDistribution:
    """A question's rows: Yes and No for a yes/no question, else each of `options` with its count."""
    if question.type == QuestionType.YESNO:
        rows = [
            OptionShare(label=_("Yes"), count=yes, share=_share(yes, answers)),
            OptionShare(label=_("No"), count=answers - yes, share=_share(answers - yes, answers)),
        ]
    else:
        rows = [
            OptionShare(
                label=option.label(language),
                count=per_option.get(option.pk, 0),
                share=_share(per_option.get(option.pk, 0), answers),
                hidden=option.is_hidden,
                option_id=option.pk,
            )
            for option in options
        ]
    return QuestionDistribution(
        question=question, text=question.text(language), answers=answers, rows=rows, survey_title=survey_title
    )


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
        result.append(
            _distribution(
                question=question,
                options=list(question.options.all()),
                answers=counts["n"],
                yes=counts["yes"],
                per_option=per_option,
                language=language,
            )
        )
    return result


# --- A touchpoint's answers on the leadership dashboard -------------------------------------------

# How long the "touchpoints with choice or yes/no answers" set is kept; an answer at a touchpoint not in it
# forgets it at once (choice_touchpoints_note).
CHOICE_TOUCHPOINTS_CACHE_SECONDS = 7 * 24 * 3600


def choice_touchpoints_cache_key() -> str:
    """The company's set of touchpoints with choice or yes/no answers. The schema name is already in every
    key (the cache's key function); the company's id keeps a company recreated under the same schema name
    from inheriting its predecessor's set."""
    return f"surveys:choice_touchpoints:v1:{getattr(connection.tenant, 'pk', '')}"


def choice_touchpoint_ids() -> frozenset[int]:
    """The touchpoints with any choice or yes/no answer, ever: read once, then from the cache, so the page
    of a touchpoint without such answers asks nothing for them. Read from the primary: a lagging replica
    must not put back a set without the touchpoint whose first answer just forgot it."""
    cached = cache.get(choice_touchpoints_cache_key())
    if cached is not None:
        return frozenset(cached)
    ids = frozenset(
        Response.objects.using(router.db_for_write(Response))
        .filter(touchpoint__isnull=False, answers__type__in=DISTRIBUTION_TYPES)
        .order_by()
        .values_list("touchpoint_id", flat=True)
        .distinct()
    )
    cache.set(choice_touchpoints_cache_key(), sorted(ids), timeout=CHOICE_TOUCHPOINTS_CACHE_SECONDS)
    return ids


def choice_touchpoints_forget() -> None:
    cache.delete(choice_touchpoints_cache_key())


def choice_touchpoints_note(*, touchpoint_id: int | None, question_types: list[str]) -> None:
    """A response was recorded: if it has choice or yes/no answers at a touchpoint the cached set lacks, the set
    is forgotten (a set that already names the touchpoint stays). Now and again once committed: a page read in
    between would put back the set without the answer, as the initiatives' and point-of-service flags do."""
    if touchpoint_id is None or not any(kind in DISTRIBUTION_TYPES for kind in question_types):
        return

    def forget_if_new() -> None:
        cached = cache.get(choice_touchpoints_cache_key())
        if cached is not None and touchpoint_id not in cached:
            choice_touchpoints_forget()

    forget_if_new()
    transaction.on_commit(forget_if_new)


# One statement: the cut's responses, their choice and yes/no answers, every such question of the surveys
# answered (with its survey's title and its count of answers and of yes), and every option of those questions
# with its count (a hidden one only when it was chosen). Only this module's constants are interpolated.
_TOUCHPOINT_SQL = """
WITH picked AS MATERIALIZED (
    SELECT r.id, r.survey_id FROM surveys_response r {joins}
    WHERE r.touchpoint_id = %(touchpoint)s AND r.source = %(invited)s
      AND r.submitted_at >= %(since)s AND r.submitted_at < %(until)s {conditions}
), answered AS MATERIALIZED (
    SELECT a.id, a.question_id, a.score FROM surveys_answer a JOIN picked p ON p.id = a.response_id
    WHERE a.type = ANY(%(types)s)
), asked AS MATERIALIZED (
    SELECT q.id, q.survey_id, q.position, q.type, q.text_fi, q.text_sv, q.text_en FROM surveys_question q
    WHERE q.type = ANY(%(types)s) AND q.survey_id IN (SELECT survey_id FROM picked)
)
SELECT q.id, NULL::integer, q.survey_id, q.position, q.type, q.text_fi, q.text_sv, q.text_en, false,
       count(an.id), count(an.id) FILTER (WHERE an.score = 1), s.title_fi, s.title_sv, s.title_en
FROM asked q JOIN surveys_survey s ON s.id = q.survey_id LEFT JOIN answered an ON an.question_id = q.id
GROUP BY q.id, q.survey_id, q.position, q.type, q.text_fi, q.text_sv, q.text_en, s.id
UNION ALL
SELECT o.question_id, o.id, NULL, o.position, NULL, o.label_fi, o.label_sv, o.label_en, o.is_hidden,
       count(an.id), 0, NULL, NULL, NULL
FROM surveys_questionoption o JOIN asked q ON q.id = o.question_id
     LEFT JOIN (surveys_answerchoice c JOIN answered an ON an.id = c.answer_id) ON c.option_id = o.id
GROUP BY o.id
HAVING NOT o.is_hidden OR count(an.id) > 0
"""


def touchpoint_choice_distributions(
    *,
    touchpoint_id: int,
    since: dt.datetime,
    until: dt.datetime,
    language: str,
    location_ids: frozenset[int] | None = None,
    persona_id: int | None = None,
    segment_id: int | None = None,
) -> list[QuestionDistribution] | None:
    """Each choice and yes/no question of the surveys answered at a touchpoint in [since, until), with its
    counts and shares, in one statement; None (and no query) when the touchpoint has never had such answers.

    The cut is the dashboard's: invited answers only, as the scores beside them (the point-of-service answers
    are shown apart); `location_ids` the locations the view covers within the viewer's scope (None: all; an
    answer's location is its encounter's), `persona_id` / `segment_id` the customer's current ones.
    Questions come in survey and position order; a hidden option is listed, marked, when it was chosen.
    """
    if touchpoint_id not in choice_touchpoint_ids():
        return None
    params: dict[str, Any] = {
        "touchpoint": touchpoint_id,
        "invited": ResponseSource.INVITED,
        "since": since,
        "until": until,
        "types": list(DISTRIBUTION_TYPES),
    }
    joins, conditions = [], []
    if persona_id is not None or segment_id is not None:
        joins.append("JOIN customers_customer c ON c.id = r.customer_id")
        if persona_id is not None:
            params["persona"] = persona_id
            conditions.append("AND c.persona_id = %(persona)s")
        if segment_id is not None:
            params["segment"] = segment_id
            conditions.append("AND c.segment_id = %(segment)s")
    if location_ids is not None:
        # As Response.location_scope_q: where the encounter it follows happened.
        params["locations"] = sorted(location_ids)
        joins.append("JOIN encounters_encounter e ON e.id = r.encounter_id")
        conditions.append("AND e.location_id = ANY(%(locations)s)")
    sql = _TOUCHPOINT_SQL.format(joins=" ".join(joins), conditions=" ".join(conditions))
    # Raw SQL asks the routers where to read, as the ORM does: a marked dashboard reads the replica.
    with connections[router.db_for_read(Answer)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    questions: dict[int, tuple[Question, int, int, str]] = {}
    options: dict[int, list[QuestionOption]] = {}
    per_option: dict[int, int] = {}
    for pk, option_id, survey_id, position, kind, fi, sv, en, hidden, count, yes, *title in rows:
        if option_id is None:
            question = Question(
                id=pk, survey_id=survey_id, position=position, type=kind, text_fi=fi, text_sv=sv, text_en=en
            )
            survey = Survey(id=survey_id, title_fi=title[0], title_sv=title[1], title_en=title[2])
            questions[pk] = (question, count, yes, survey.text("title", language))
        else:
            options.setdefault(pk, []).append(
                QuestionOption(
                    id=option_id,
                    question_id=pk,
                    position=position,
                    label_fi=fi,
                    label_sv=sv,
                    label_en=en,
                    is_hidden=hidden,
                )
            )
            per_option[option_id] = count
    ordered = sorted(questions.values(), key=lambda item: (item[0].survey_id, item[0].position))
    return [
        _distribution(
            question=question,
            options=sorted(options.get(question.pk, []), key=lambda option: (option.position, option.pk)),
            answers=answers,
            yes=yes,
            per_option=per_option,
            language=language,
            survey_title=title,
        )
        for question, answers, yes, title in ordered
    ]


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
