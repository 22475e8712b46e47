"""Alerts: where a company's alerts go (destinations), when they fire (rules), what fired (events).

An event is one fact worth telling (this answer was poor, this touchpoint's NPS fell, this
case is late), with a stable id `evt_<32 hex>` the receivers deduplicate by. It becomes one
outbox message per destination (an email per address, or a webhook call); `AlertDelivery`
links each message to its event and destination, for the delivery log and the replay.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class DestinationKind(models.TextChoices):
    EMAIL = "email", _("Email")
    SLACK = "slack", _("Slack incoming webhook")
    TEAMS = "teams", _("Microsoft Teams workflow webhook")
    WEBHOOK = "webhook", _("Webhook (signed, Standard Webhooks)")


class Destination(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=DestinationKind.choices)
    # Email: the addresses, one a line. Staff addresses, registered in personal_data.py.
    emails = models.TextField(_("email addresses"), blank=True)
    # Slack, Teams and webhooks. Slack's and Teams' URLs carry their own secret: never shown in full again.
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    # A signed webhook's secret, "whsec_" + base64 of 32 random bytes (Standard Webhooks).
    secret = models.CharField(max_length=80, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alert destination")
        verbose_name_plural = _("alert destinations")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def email_list(self) -> list[str]:
        return [line.strip() for line in self.emails.splitlines() if line.strip()]


class RuleKind(models.TextChoices):
    POOR_ANSWER = "poor_answer", _("A poor NPS answer")
    NPS_DROP = "nps_drop", _("NPS fell week over week beyond its margin")
    CASE_LATE = "case_late", _("A follow-up case is past its due time")


class AlertRule(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("when"), max_length=12, choices=RuleKind.choices)
    # Poor answer: an NPS answer at or below this fires.
    threshold = models.PositiveSmallIntegerField(_("NPS at most"), default=4)
    # Scope: none is every touchpoint, every location.
    touchpoint = models.ForeignKey(
        "journeys.Touchpoint",
        verbose_name=_("touchpoint"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    location = models.ForeignKey(
        "locations.Location",
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    destinations = models.ManyToManyField(Destination, verbose_name=_("send to"), related_name="rules")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=Q(threshold__lte=10), name="alert_rule_threshold_nps")]

    def __str__(self) -> str:
        return self.name


class AlertEvent(models.Model):
    """What fired, once per rule and fact (`source_key`), with its stable id."""

    event_id = models.CharField(max_length=40, unique=True)
    rule = models.ForeignKey(AlertRule, on_delete=models.SET_NULL, null=True, related_name="events")
    kind = models.CharField(max_length=12, choices=RuleKind.choices)
    # "response:12", "case:7", "nps_drop:3:2026-W49": the fact, so a rule fires once for it.
    source_key = models.CharField(max_length=80)
    # Ids, scores, names of the touchpoint and location, a link: never a comment or a customer's name.
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "source_key"], name="alert_event_once_per_rule_and_fact")
        ]

    def __str__(self) -> str:
        return self.event_id


class AlertDelivery(models.Model):
    """One outbox message of an event to a destination; a replay adds another with the same event id."""

    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="deliveries")
    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="deliveries")
    outbound = models.OneToOneField("outbox.OutboundEmail", on_delete=models.CASCADE, related_name="+")
    replay = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["destination", "-created_at"], name="alert_delivery_destination")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.destination_id}"
