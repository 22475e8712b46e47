"""Alert rules: when an alert fires, where, and to which destinations."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.alerts.models import AlertRule, Destination, RuleKind
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.journeys.models import Touchpoint
from apps.locations.models import Location


def _rule_check(*, kind: str, threshold: int, destinations: list[Destination]) -> None:
    if kind not in RuleKind.values:
        raise DomainError(_("Choose when the alert fires."), fields={"kind": [_("Required.")]})
    if not 0 <= threshold <= 10:
        raise DomainError(_("Choose an NPS from 0 to 10."), fields={"threshold": [_("Choose an NPS from 0 to 10.")]})
    if not destinations:
        raise DomainError(_("Choose at least one destination."), fields={"destinations": [_("Required.")]})


@transaction.atomic
def rule_create(
    *,
    name: str,
    kind: str,
    threshold: int = 4,
    touchpoint: Touchpoint | None = None,
    location: Location | None = None,
    destinations: list[Destination],
    actor: User,
) -> AlertRule:
    _rule_check(kind=kind, threshold=threshold, destinations=destinations)
    rule = AlertRule.objects.create(name=name, kind=kind, threshold=threshold, touchpoint=touchpoint, location=location)
    rule.destinations.set(destinations)
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED, acting_user=actor, target=rule, extra={"alert_rule": "created"}
    )
    return rule


@transaction.atomic
def rule_update(
    *,
    rule: AlertRule,
    name: str,
    threshold: int,
    touchpoint: Touchpoint | None,
    location: Location | None,
    destinations: list[Destination],
    active: bool,
    actor: User,
) -> AlertRule:
    _rule_check(kind=rule.kind, threshold=threshold, destinations=destinations)
    before = {
        "name": rule.name,
        "threshold": rule.threshold,
        "touchpoint": rule.touchpoint_id,
        "location": rule.location_id,
        "active": rule.active,
        "destinations": sorted(rule.destinations.values_list("pk", flat=True)),
    }
    rule.name, rule.threshold, rule.touchpoint, rule.location, rule.active = (
        name,
        threshold,
        touchpoint,
        location,
        active,
    )
    rule.save()
    rule.destinations.set(destinations)
    after = {
        "name": name,
        "threshold": threshold,
        "touchpoint": touchpoint.pk if touchpoint else None,
        "location": location.pk if location else None,
        "active": active,
        "destinations": sorted(destination.pk for destination in destinations),
    }
    changes = audit_changes(
        before=before, after=after, values_kept=["threshold", "touchpoint", "location", "active", "destinations"]
    )
    if changes:
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=actor, target=rule, extra=changes)
    return rule
