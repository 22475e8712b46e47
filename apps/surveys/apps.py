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
