"""Alert destinations and rules for tests, through the services (as a user would make them)."""

from apps.accounts.models import User
from apps.alerts.models import AlertRule, Destination, DestinationKind, RuleKind
from apps.alerts.services.alert_rules import rule_create
from apps.alerts.services.destinations import destination_create


def destination_build(
    *, actor: User, kind: str = DestinationKind.WEBHOOK, url: str = "", emails: str = "", name: str = ""
) -> Destination:
    return destination_create(name=name or f"{kind} destination", kind=kind, url=url, emails=emails, actor=actor)


def rule_build(
    *, actor: User, destinations: list[Destination], kind: str = RuleKind.POOR_ANSWER, **fields
) -> AlertRule:
    return rule_create(
        name=fields.pop("name", f"{kind} rule"), kind=kind, destinations=destinations, actor=actor, **fields
    )
