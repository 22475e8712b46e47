import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from apps.surveys.models import (
    Answer,
    EmailStatus,
    Invitation,
    QuestionType,
    Survey,
    SurveySettings,
)
from apps.surveys.tokens import token_hash, token_looks_valid


def survey_settings_get() -> SurveySettings:
    """The company's survey rules, created with the defaults on first use."""
    settings, _created = SurveySettings.objects.get_or_create(singleton=True)
    return settings


def survey_list(*, active_only: bool = False) -> QuerySet[Survey]:
    surveys = Survey.objects.prefetch_related("questions").order_by("name")
    return surveys.filter(is_active=True) if active_only else surveys


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link points to, or None for a malformed or unknown token."""
    if not token_looks_valid(token):
        return None
    return (
        Invitation.objects.select_related("survey", "customer", "touchpoint")
        .filter(token_hash=token_hash(token))
        .first()
    )


def claimable_emails_q(now: dt.datetime) -> Q:
    """Emails a worker may hand to the outbox: scheduled and due. (Once handed over, the outbox's lease
    covers a worker that dies mid-send.)"""
    return Q(status=EmailStatus.SCHEDULED, due_at__lte=now)


@dataclass(frozen=True)
class Comment:
    """A customer's free-text answer, word for word, with the NPS they gave in the same response."""

    text: str
    submitted_at: dt.datetime
    nps: int | None
    language: str


def comments_for(*, touchpoint_id: int, since: dt.datetime, until: dt.datetime, limit: int = 20) -> list[Comment]:
    """Free-text answers about a touchpoint submitted in [since, until), newest first."""
    nps = Answer.objects.filter(response_id=OuterRef("response_id"), type=QuestionType.NPS).values("score")[:1]
    answers = (
        Answer.objects.filter(
            type=QuestionType.TEXT,
            response__touchpoint_id=touchpoint_id,
            response__submitted_at__gte=since,
            response__submitted_at__lt=until,
        )
        .exclude(text="")
        .annotate(nps=Subquery(nps))
        .select_related("response")
        .order_by("-response__submitted_at", "-id")[:limit]
    )
    return [
        Comment(
            text=answer.text,
            submitted_at=answer.response.submitted_at,
            nps=answer.nps,
            language=answer.response.language,
        )
        for answer in answers
    ]
