"""Survey invitations and answers on the customer's profile timeline."""

from collections.abc import Iterator

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.scope import scoped
from apps.customers.models import Customer
from apps.customers.timeline import TimelineEntry, TimelineKind
from apps.surveys.distributions import DISTRIBUTION_TYPES
from apps.surveys.encounter_feedback import SCORE_LABELS
from apps.surveys.models import Invitation, InvitationStatus, Response
from apps.surveys.piping import answer_words
from apps.surveys.poor_answers import answer_is_poor, poor_limits
from apps.surveys.selectors import survey_settings_get

LIMIT = 100


def invitation_timeline_entries(customer: Customer, user: User) -> Iterator[TimelineEntry]:
    invitations = (
        scoped(Invitation.objects.filter(customer=customer), user=user)
        .select_related("survey", "touchpoint")
        .order_by("-created_at")
    )
    for invitation in invitations[:LIMIT]:
        status = invitation.get_status_display()
        if invitation.status == InvitationStatus.SUPPRESSED and invitation.suppression_reason:
            status = _("Not sent: %(reason)s") % {"reason": invitation.get_suppression_reason_display()}
        detail = _("After %(touchpoint)s") % {"touchpoint": invitation.touchpoint} if invitation.touchpoint else ""
        yield TimelineEntry(
            kind=TimelineKind.INVITATION,
            at=invitation.sent_at or invitation.created_at,
            title=f"{invitation.survey.text('title', invitation.language)} · {status}",
            detail=detail,
        )


def answer_timeline_entries(customer: Customer, user: User) -> Iterator[TimelineEntry]:
    responses = (
        scoped(Response.objects.filter(customer=customer), user=user)
        .select_related("survey", "touchpoint")
        .prefetch_related("answers__question", "answers__choices__option")
        .order_by("-submitted_at")
    )
    language = get_language() or "fi"
    limits = poor_limits(survey_settings_get())
    for response in responses[:LIMIT]:
        scores, comments = [], []
        for answer in response.answers.all():
            if answer.score is not None and answer.type in SCORE_LABELS:
                score = f"{SCORE_LABELS[answer.type]} {answer.score}"
                if answer_is_poor(measure=answer.type, score=answer.score, limits=limits):
                    score = _("%(score)s (poor)") % {"score": score}
                scores.append(score)
            elif answer.type in DISTRIBUTION_TYPES:
                # Yes/no and choice answers read as the question and the answer, in the viewer's language.
                words = answer_words(
                    question_type=answer.type,
                    score=answer.score,
                    text="",
                    labels=[choice.option.label(language) for choice in answer.choices.all()],
                )
                comments.append(f"{answer.question.text(language)} {words}")
            elif answer.text:
                comments.append(f"“{answer.text}”")
        title = " · ".join(scores) or _("Answered")
        if response.touchpoint:
            title = f"{title} · {response.touchpoint}"
        yield TimelineEntry(kind=TimelineKind.ANSWER, at=response.submitted_at, title=title, detail=" ".join(comments))
