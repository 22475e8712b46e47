"""Recording a customer's answers: once per invitation, and a poor answer opens a follow-up case."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.reasons import CaseReason
from apps.cases.services import case_open
from apps.core.exceptions import DomainError
from apps.customers.models import ConsentSource, Customer
from apps.customers.services import customer_unsubscribe
from apps.journeys.models import Touchpoint
from apps.surveys.branching import condition_met
from apps.surveys.distributions import choice_touchpoints_note
from apps.surveys.models import (
    CHOICE_TYPES,
    STORED_SCORE_RANGES,
    Answer,
    AnswerChoice,
    EmailStatus,
    Invitation,
    InvitationChannel,
    InvitationEmail,
    InvitationStatus,
    Question,
    QuestionOption,
    QuestionType,
    Response,
    ResponseSource,
    Survey,
)
from apps.surveys.poor_answers import poor_limits, poor_scores
from apps.surveys.selectors import survey_settings_get
from apps.surveys.signals import response_recorded

MAX_TEXT_LENGTH = 5000


class LinkState:
    OPEN = "open"
    EXPIRED = "expired"
    ANSWERED = "answered"
    UNAVAILABLE = "unavailable"


def invitation_link_state(*, invitation: Invitation | None, now: dt.datetime) -> str:
    """What a survey link shows: the form, or why not. Unknown and unusable links look the same."""
    if invitation is None or invitation.status not in (InvitationStatus.SENT, InvitationStatus.ANSWERED):
        return LinkState.UNAVAILABLE
    if invitation.status == InvitationStatus.ANSWERED:
        return LinkState.ANSWERED
    if invitation.expires_at is None or invitation.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.OPEN


@dataclass(frozen=True)
class CleanAnswer:
    question: Question
    score: int | None
    text: str
    options: tuple[QuestionOption, ...] = ()


# What a form posts: one value per key, or a list of them (the boxes of a multiple-choice question).
RawAnswers = Mapping[str, str | list[str]]


def answer_questions(survey: Survey) -> list[Question]:
    """The survey's questions in order, with their options, as answering needs them."""
    options = Prefetch("options", queryset=QuestionOption.objects.order_by("position", "id"))
    return list(Question.objects.filter(survey=survey).order_by("position").prefetch_related(options))


def _values(raw: RawAnswers, key: str) -> list[str]:
    value = raw.get(key)
    values = value if isinstance(value, list) else [value or ""]
    return [item.strip() for item in values if item and item.strip()]


def answers_clean(*, questions: list[Question], raw: RawAnswers) -> list[CleanAnswer]:
    """Validate raw form values keyed "q<question id>"; DomainError names every bad field.

    A follow-up whose condition is not met (apps.surveys.branching) is neither required nor kept:
    its answer is dropped, whatever the page sent.
    """
    errors: dict[str, list[str]] = {}
    cleaned: list[CleanAnswer] = []
    scores: dict[int, int] = {}
    for question in questions:
        key = f"q{question.pk}"
        if question.show_if_question_id is not None and not condition_met(
            group=question.show_if_group, score=scores.get(question.show_if_question_id)
        ):
            continue
        values = _values(raw, key)
        if not values:
            if question.required:
                errors[key] = [_("Please answer this question.")]
            continue
        value = values[-1]
        if question.type == QuestionType.TEXT:
            if len(value) > MAX_TEXT_LENGTH:
                errors[key] = [_("Please keep the answer under %(count)s characters.") % {"count": MAX_TEXT_LENGTH}]
                continue
            cleaned.append(CleanAnswer(question=question, score=None, text=value))
            continue
        if question.type in CHOICE_TYPES:
            # Hidden options are not offered to new respondents, so they cannot be chosen either.
            offered = {str(option.pk): option for option in question.options.all() if not option.is_hidden}
            chosen = list(dict.fromkeys(values if question.type == QuestionType.MULTI else [value]))
            if any(item not in offered for item in chosen):
                errors[key] = [_("Choose from the options given.")]
                continue
            options = tuple(sorted((offered[item] for item in chosen), key=lambda option: option.position))
            cleaned.append(CleanAnswer(question=question, score=None, text="", options=options))
            continue
        low, high = STORED_SCORE_RANGES[question.type]
        try:
            score = int(value)
        except ValueError:
            score = None
        if score is None or not low <= score <= high:
            if question.type == QuestionType.YESNO:
                errors[key] = [_("Answer yes or no.")]
            else:
                errors[key] = [_("Choose a value from %(low)s to %(high)s.") % {"low": low, "high": high}]
            continue
        scores[question.pk] = score
        cleaned.append(CleanAnswer(question=question, score=score, text=""))
    if errors:
        raise DomainError(_("Some answers need attention."), fields=errors)
    return cleaned


def _answers_save(response: Response, answers: list[CleanAnswer]) -> None:
    rows = Answer.objects.bulk_create(
        Answer(
            response=response, question=answer.question, type=answer.question.type, score=answer.score, text=answer.text
        )
        for answer in answers
    )
    AnswerChoice.objects.bulk_create(
        AnswerChoice(answer=row, option=option)
        for row, answer in zip(rows, answers, strict=True)
        for option in answer.options
    )
    # The dashboard's touchpoint page reads these answers only at touchpoints known to have them.
    choice_touchpoints_note(
        touchpoint_id=response.touchpoint_id, question_types=[answer.question.type for answer in answers]
    )


def response_submit(*, invitation_id: int, raw_answers: RawAnswers, now: dt.datetime | None = None) -> Response:
    """Record the answers of an open invitation, once.

    The invitation row is claimed with a conditional UPDATE, so a second submit
    or many parallel ones record nothing more; they get DomainError(code="link_used").
    """
    now = now or timezone.now()
    invitation = Invitation.objects.select_related("survey", "customer", "encounter", "touchpoint__stage").get(
        pk=invitation_id
    )
    questions = answer_questions(invitation.survey)
    answers = answers_clean(questions=questions, raw=raw_answers)
    rules = survey_settings_get()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation_id, status=InvitationStatus.SENT, answered_at__isnull=True, expires_at__gt=now
        ).update(status=InvitationStatus.ANSWERED, answered_at=now)
        if not claimed:
            raise DomainError(_("This survey link has already been used or has expired."), code="link_used")
        touchpoint = invitation.touchpoint
        response = Response.objects.create(
            invitation=invitation,
            survey=invitation.survey,
            customer=invitation.customer,
            encounter=invitation.encounter,
            touchpoint=touchpoint,
            path_id=touchpoint.stage.path_id if touchpoint is not None else None,
            language=invitation.language,
            submitted_at=now,
        )
        _answers_save(response, answers)
        InvitationEmail.objects.filter(invitation=invitation, status=EmailStatus.SCHEDULED).update(
            status=EmailStatus.CANCELLED
        )
        poor = poor_scores(
            answers=[(answer.question.type, answer.score) for answer in answers], limits=poor_limits(rules)
        )
        if poor:
            comments = "\n\n".join(answer.text for answer in answers if answer.text)
            case_open(
                customer=invitation.customer,
                touchpoint=touchpoint,
                encounter=invitation.encounter,
                reason=CaseReason.poor_answer(poor),
                detail=comments,
                source_key=f"invitation:{invitation.pk}",
                due_working_days=rules.case_due_working_days,
                now=now,
            )
        response_recorded.send(sender=Response, response=response)
    return response


def response_record_open(
    *,
    survey: Survey,
    touchpoint: Touchpoint,
    source: str,
    raw_answers: RawAnswers,
    language: str,
    customer: Customer | None = None,
    now: dt.datetime | None = None,
) -> Response:
    """Record an answer given at the point of service (a QR code, a short link, a kiosk): no invitation,
    no customer unless they left contact details. Call inside the caller's transaction.

    A poor answer opens a case only when there is a customer to follow up with; an anonymous one is
    read on the touchpoint's figures and comments like any other.
    """
    if source == ResponseSource.INVITED:
        raise ValueError("an invited answer goes through response_submit")
    now = now or timezone.now()
    questions = answer_questions(survey)
    answers = answers_clean(questions=questions, raw=raw_answers)
    rules = survey_settings_get()
    with transaction.atomic():
        response = Response.objects.create(
            survey=survey,
            customer=customer,
            source=source,
            touchpoint=touchpoint,
            path_id=touchpoint.stage.path_id,
            language=language,
            submitted_at=now,
        )
        _answers_save(response, answers)
        poor = poor_scores(
            answers=[(answer.question.type, answer.score) for answer in answers], limits=poor_limits(rules)
        )
        if poor and customer is not None:
            case_open(
                customer=customer,
                touchpoint=touchpoint,
                reason=CaseReason.poor_answer(poor),
                detail="\n\n".join(answer.text for answer in answers if answer.text),
                source_key=f"response:{response.pk}",
                due_working_days=rules.case_due_working_days,
                now=now,
            )
        response_recorded.send(sender=Response, response=response)
    return response


@transaction.atomic
def invitation_unsubscribe(*, invitation: Invitation, one_click: bool = False, now: dt.datetime | None = None) -> None:
    """The customer asked for no more surveys: nothing else is sent to them. `one_click`: their
    email program asked for them (RFC 8058), not the link's page."""
    if one_click:
        source = ConsentSource.ONE_CLICK
    elif invitation.channel == InvitationChannel.SMS:
        # The link came in a text message: the ledger tells the channel the customer said no through.
        source = ConsentSource.SMS_LINK
    else:
        source = ConsentSource.SURVEY_LINK
    customer_unsubscribe(
        customer=invitation.customer,
        source=source,
        actor=None,
        at=now or timezone.now(),
        invitation_ref=invitation.pk,
    )
    InvitationEmail.objects.filter(invitation__customer=invitation.customer, status=EmailStatus.SCHEDULED).update(
        status=EmailStatus.CANCELLED
    )
