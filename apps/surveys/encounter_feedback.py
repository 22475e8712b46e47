"""The follow-up survey of each encounter, for the encounter pages (see apps/encounters/feedback.py)."""

from django.utils.translation import gettext as _

from apps.encounters.feedback import EncounterFeedback, Score
from apps.surveys.models import QUESTION_SCALES, Invitation, InvitationStatus
from apps.surveys.poor_answers import answer_is_poor, poor_limits
from apps.surveys.selectors import survey_settings_get

# Each scored measure's short name, the same abbreviation in every language (as a case's reason writes it).
SCORE_LABELS = {kind: str(kind).upper() for kind in QUESTION_SCALES}


def encounter_feedback_entries(encounter_ids: list[int]) -> dict[int, EncounterFeedback]:
    invitations = (
        Invitation.objects.filter(encounter_id__in=encounter_ids)
        .select_related("response")
        .prefetch_related("response__answers")
    )
    limits = poor_limits(survey_settings_get())
    feedback: dict[int, EncounterFeedback] = {}
    for invitation in invitations:
        label = invitation.get_status_display()
        if invitation.status == InvitationStatus.SUPPRESSED and invitation.suppression_reason:
            label = _("Not sent: %(reason)s") % {"reason": invitation.get_suppression_reason_display()}
        entry = EncounterFeedback(status=invitation.status, status_label=label)
        response = getattr(invitation, "response", None) if invitation.status == InvitationStatus.ANSWERED else None
        if response is not None:
            entry.answered_at = response.submitted_at
            for answer in response.answers.all():
                if answer.score is not None and answer.type in SCORE_LABELS:
                    poor = answer_is_poor(measure=answer.type, score=answer.score, limits=limits)
                    entry.scores.append(Score(label=SCORE_LABELS[answer.type], value=answer.score, poor=poor))
                elif answer.text:
                    entry.comments.append(answer.text)
        feedback[invitation.encounter_id] = entry
    return feedback
