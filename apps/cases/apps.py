from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "apps.cases"
    verbose_name = _("Follow-up cases")

    def ready(self) -> None:
        from apps.cases.encounter_follow_ups import encounter_case_entries
        from apps.cases.timeline import case_timeline_entries
        from apps.customers.timeline import timeline_provider_register
        from apps.encounters.feedback import encounter_follow_up_provider_register

        timeline_provider_register(case_timeline_entries)
        encounter_follow_up_provider_register(encounter_case_entries)

        from apps.cases.escalation import CASE_ESCALATED_EMAIL, CASE_ESCALATED_TO_LEAD_EMAIL, CASE_REMINDER_EMAIL
        from apps.cases.services import CASE_ASSIGNED_EMAIL
        from apps.outbox.kinds import OutboxKind, outbox_kind_register

        outbox_kind_register(OutboxKind(name=CASE_ASSIGNED_EMAIL, label=_("Follow-up case notice")))
        outbox_kind_register(OutboxKind(name=CASE_REMINDER_EMAIL, label=_("Late follow-up case reminder")))
        outbox_kind_register(
            OutboxKind(name=CASE_ESCALATED_TO_LEAD_EMAIL, label=_("Late follow-up case escalation to the team lead"))
        )
        outbox_kind_register(OutboxKind(name=CASE_ESCALATED_EMAIL, label=_("Late follow-up case escalation")))
