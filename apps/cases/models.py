from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.cases.reasons import REASON_TEXT_MAX_LENGTH, CaseReason, ReasonCode
from apps.cases.timeliness import Timeliness, case_timeliness
from apps.core.models import TimeStampedModel


class CaseStatus(models.TextChoices):
    """What each status means, and when a case is late: apps/cases/timeliness.py."""

    OPEN = "open", _("Open")
    CONTACTED = "contacted", _("Contacted")
    RESOLVED = "resolved", _("Resolved")


class FollowUpCase(TimeStampedModel):
    """A poor experience someone must follow up: a problem handled well can turn it around.

    Opened by a poor survey answer (apps.surveys) or by staff; assigned to the
    touchpoint's owner, else its backup, else a company admin.
    """

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="cases"
    )
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint",
        verbose_name=_("touchpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    encounter = models.ForeignKey(
        "encounters.Encounter",
        verbose_name=_("encounter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    # Why it was opened, as data (see reasons.py); `reason` puts it into words in the active language.
    reason_code = models.CharField(_("reason"), max_length=16, choices=ReasonCode.choices)
    # The poor scores of the answer that opened it, in question order: [{"measure": "nps", "score": 2}, ...].
    reason_scores = models.JSONField(_("poor scores"), default=list, blank=True)
    # Only a reason written by staff; personal data (apps/cases/personal_data.py).
    reason_text = models.CharField(_("reason written by staff"), max_length=REASON_TEXT_MAX_LENGTH, blank=True)
    detail = models.TextField(_("what the customer said"), blank=True)
    # What opened the case, e.g. "invitation:42"; unique so a source opens one case at most.
    source_key = models.CharField(_("source"), max_length=64, blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the assignee's email is claimed for sending, so it goes out once.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set with the late reminder to the assignee, and with each escalation (to the assignee's team lead,
    # then to the managers), in the transaction that queues their emails, so each goes out once
    # (apps/cases/escalation.py).
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    lead_escalated_at = models.DateTimeField(_("escalated to team lead at"), null=True, blank=True, editable=False)
    # The team lead it was escalated to: they may see the case from then on (apps/cases/selectors.py).
    escalated_to_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="cases_escalated_to_me",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source_key"], condition=~Q(source_key=""), name="case_source_unique"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="case_assignee_status"),
            models.Index(fields=["touchpoint", "status"], name="case_touchpoint_status"),
        ]

    @classmethod
    def location_scope_q(cls, location_ids: frozenset[int]) -> Q:
        """For apps.accounts.scope: a case is where its encounter happened. A poor answer's case carries
        the answer's encounter (apps.surveys.responses), so it follows the same place."""
        return Q(encounter__location_id__in=location_ids)

    def __str__(self) -> str:
        return f"#{self.pk} {self.reason}"

    @property
    def reason(self) -> str:
        """Why the case was opened, in the active language."""
        return str(self.reason_data)

    @property
    def reason_data(self) -> CaseReason:
        return CaseReason.from_fields(code=self.reason_code, scores=self.reason_scores, text=self.reason_text)

    def timeliness(self, now: datetime) -> Timeliness:
        return case_timeliness(
            due_at=self.due_at, contacted_at=self.contacted_at, resolved_at=self.resolved_at, now=now
        )


class CaseEventKind(models.TextChoices):
    STATUS = "status", _("Status change")
    REASSIGNED = "reassigned", _("Reassigned")
    REMINDED = "reminded", _("Reminded")
    ESCALATED_TO_LEAD = "escalated_lead", _("Escalated to team lead")
    ESCALATED = "escalated", _("Escalated")


class CaseEvent(models.Model):
    """The case's history: every status change and note, every change of assignee, and the late reminder
    and escalations, with who and when.

    What happened is data (`kind`, and for a reassignment the new assignee), put into words
    when read (`description`), so the history reads in the reader's language. `note` is only
    what staff wrote.
    """

    case = models.ForeignKey(FollowUpCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=CaseEventKind.choices, default=CaseEventKind.STATUS)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    # The new assignee of a reassignment.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who a late reminder or an escalation was sent to.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.from_status}->{self.to_status} {self.at:%Y-%m-%d %H:%M}"

    @property
    def description(self) -> str:
        """What happened besides a change of status, in the active language ("" when nothing)."""
        if self.kind == CaseEventKind.REASSIGNED:
            if self.assignee is None:  # the user has since been deleted
                return gettext("Reassigned to a removed user")
            return gettext("Reassigned to %(name)s") % {"name": self.assignee}
        if self.kind == CaseEventKind.REMINDED:
            if self.recipient is None:
                return gettext("Late: reminder sent to a removed user")
            return gettext("Late: reminder sent to %(name)s") % {"name": self.recipient}
        if self.kind == CaseEventKind.ESCALATED_TO_LEAD:
            if self.recipient is None:
                return gettext("Escalated to the team lead, a removed user")
            return gettext("Escalated to team lead %(name)s") % {"name": self.recipient}
        if self.kind == CaseEventKind.ESCALATED:
            if self.recipient is None:
                return gettext("Escalated to a removed user")
            return gettext("Escalated to %(name)s") % {"name": self.recipient}
        return ""
