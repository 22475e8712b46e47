from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "apps.surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from apps.customers.timeline import timeline_provider_register
        from apps.encounters.feedback import encounter_feedback_provider_register
        from apps.surveys.encounter_feedback import encounter_feedback_entries
        from apps.surveys.timeline import answer_timeline_entries, invitation_timeline_entries

        timeline_provider_register(invitation_timeline_entries)
        timeline_provider_register(answer_timeline_entries)
        encounter_feedback_provider_register(encounter_feedback_entries)

        from apps.cases.escalation import case_escalation_days_source_set
        from apps.surveys.selectors import case_escalation_days

        case_escalation_days_source_set(case_escalation_days)

        from apps.outbox.kinds import OutboxKind, outbox_kind_register
        from apps.surveys import sending

        for name, label in (
            (sending.SURVEY_INVITATION_EMAIL, _("Survey invitation")),
            (sending.SURVEY_REMINDER_EMAIL, _("Survey reminder")),
        ):
            outbox_kind_register(
                OutboxKind(
                    name=name,
                    label=label,
                    before_send=sending.survey_email_before_send,
                    on_sent=sending.survey_email_sent,
                    on_failed=sending.survey_email_failed,
                    on_cancelled=sending.survey_email_cancelled,
                )
            )
