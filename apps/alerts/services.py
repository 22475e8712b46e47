"""Writes of alerts: destinations, rules, events fired once per fact, their deliveries and replays.

An event is written in the transaction of the fact it tells about (the answer recorded, the
weekly check, the late-case check) together with one outbox message per destination, so an
alert exists exactly when its fact committed, and the outbox delivers each message at least
once (claim, lease, retry with backoff, dead letter). A rule fires once per fact: the event's
(rule, source_key) is unique, and a second try to fire it writes nothing.
"""

import base64
import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.alerts.models import AlertDelivery, AlertEvent, AlertRule, Destination, DestinationKind, RuleKind
from apps.alerts.payloads import AlertMessage, slack_body, teams_body, webhook_body
from apps.alerts.rules import nps_drop_is_beyond_margin
from apps.alerts.selectors import nps_week_counts
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.cases.models import CaseStatus, FollowUpCase
from apps.core.exceptions import DomainError
from apps.core.tenancy import company_time_zone
from apps.journeys.models import Touchpoint
from apps.locations.models import Location
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.outbox.services import outbound_email_queue, outbound_webhook_queue
from apps.outbox.webhook_sending import WebhookTarget, webhook_url_problem
from apps.surveys.models import QuestionType, Response
from apps.tenants.selectors import company_url

OUTBOX_KIND = "alert"


def webhook_secret_new() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _destination_check(*, kind: str, emails: str, url: str) -> None:
    if kind == DestinationKind.EMAIL:
        if not [line for line in emails.splitlines() if line.strip()]:
            raise DomainError(_("Enter at least one email address."), fields={"emails": [_("Required.")]})
        return
    if not url:
        raise DomainError(_("Enter the webhook's address."), fields={"url": [_("Required.")]})
    problem = webhook_url_problem(url)
    if problem:
        raise DomainError(problem, fields={"url": [problem]})


@transaction.atomic
def destination_create(*, name: str, kind: str, emails: str = "", url: str = "", actor: User) -> Destination:
    """A new destination; a signed webhook gets its secret, shown to the creator once."""
    _destination_check(kind=kind, emails=emails, url=url)
    destination = Destination.objects.create(
        name=name,
        kind=kind,
        emails=emails if kind == DestinationKind.EMAIL else "",
        url=url if kind != DestinationKind.EMAIL else "",
        secret=webhook_secret_new() if kind == DestinationKind.WEBHOOK else "",
    )
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED,
        acting_user=actor,
        target=destination,
        extra={"alert_destination": "created", "kind": kind},
    )
    return destination


@transaction.atomic
def destination_update(
    *, destination: Destination, name: str, emails: str = "", url: str = "", active: bool, actor: User
) -> Destination:
    _destination_check(kind=destination.kind, emails=emails, url=url)
    before = {
        "name": destination.name,
        "emails": destination.emails,
        "url": destination.url,
        "active": destination.active,
    }
    destination.name, destination.active = name, active
    if destination.kind == DestinationKind.EMAIL:
        destination.emails = emails
    else:
        destination.url = url
    destination.save()
    after = {"name": name, "emails": destination.emails, "url": destination.url, "active": active}
    changes = audit_changes(before=before, after=after, values_kept=["active"])
    if changes:
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=actor, target=destination, extra=changes)
    return destination


@transaction.atomic
def destination_secret_regenerate(*, destination: Destination, actor: User) -> str:
    """A new signing secret for a signed webhook; the old one stops working at once (retries included)."""
    if destination.kind != DestinationKind.WEBHOOK:
        raise DomainError(_("Only a signed webhook has a secret."), code="no_secret")
    destination.secret = webhook_secret_new()
    destination.save(update_fields=["secret", "updated_at"])
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED,
        acting_user=actor,
        target=destination,
        extra={"changed": ["secret"]},
    )
    return destination.secret


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


# --- Events ------------------------------------------------------------------------------------


def event_id_new() -> str:
    return f"evt_{uuid.uuid4().hex}"


def _company_language() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "language", "") or settings.LANGUAGE_CODE


def _link(path: str) -> str:
    tenant = getattr(connection, "tenant", None)
    return company_url(tenant=tenant, path=path) if tenant is not None else path


def alert_message(event: AlertEvent) -> AlertMessage:
    """What the people at a destination read of the event, in the company's language."""
    data = event.payload
    with translation.override(_company_language()):
        place = data.get("touchpoint", {}).get("name") or _("the whole company")
        if data.get("location"):
            place = f"{place} · {data['location']['name']}"
        if event.kind == RuleKind.POOR_ANSWER:
            title = _("A poor answer at %(place)s") % {"place": place}
            lines = [_("NPS %(score)s (alert at %(threshold)s or below)") % data]
        elif event.kind == RuleKind.NPS_DROP:
            title = _("NPS fell at %(place)s") % {"place": place}
            lines = [
                _("This week %(this_week)s (%(this_answers)s answers), last week %(last_week)s (%(last_answers)s).")
                % data,
                _("The fall of %(drop)s points is more than its margin of ±%(margin)s.") % data,
            ]
        else:
            title = _("A follow-up case is late at %(place)s") % {"place": place}
            due_at = parse_datetime(data.get("due_at", ""))
            due = formats.date_format(due_at.astimezone(company_time_zone()), "SHORT_DATETIME_FORMAT") if due_at else ""
            lines = [_("Case %(case_id)s was due %(due_at)s.") % {"case_id": data.get("case_id"), "due_at": due}]
    return AlertMessage(title=title, lines=lines, link=data.get("url", ""))


def _body(event: AlertEvent, destination: Destination) -> str:
    if destination.kind == DestinationKind.SLACK:
        return slack_body(alert_message(event))
    if destination.kind == DestinationKind.TEAMS:
        return teams_body(alert_message(event))
    return webhook_body(
        event_id=event.event_id, kind=event.kind, occurred_at=event.occurred_at.isoformat(), payload=event.payload
    )


def _deliveries_queue(*, event: AlertEvent, destination: Destination, replay: bool = False) -> list[AlertDelivery]:
    """The outbox messages of one event to one destination (an email per address, or one webhook call)."""
    deliveries = []
    if destination.kind == DestinationKind.EMAIL:
        message = alert_message(event)
        for address in destination.email_list():
            outbound = outbound_email_queue(
                kind=OUTBOX_KIND,
                message=EmailMessage(
                    subject=message.title,
                    body="\n".join([*message.lines, "", message.link]),
                    to=[address],
                    headers={"Auto-Submitted": "auto-generated", "X-Kokemus-Event-Id": event.event_id},
                ),
            )
            deliveries.append(AlertDelivery(event=event, destination=destination, outbound=outbound, replay=replay))
    else:
        outbound = outbound_webhook_queue(
            kind=OUTBOX_KIND,
            recipient=destination.name,
            body=_body(event, destination),
            webhook_id=event.event_id,
            message_id=f"{event.event_id}.{destination.pk}.{uuid.uuid4().hex[:8]}",
        )
        deliveries.append(AlertDelivery(event=event, destination=destination, outbound=outbound, replay=replay))
    return AlertDelivery.objects.bulk_create(deliveries)


def alert_fire(
    *, rule: AlertRule, source_key: str, payload: dict[str, Any], occurred_at: dt.datetime
) -> AlertEvent | None:
    """Fire `rule` for one fact, once: the event and its deliveries, or None when it has fired for it before."""
    try:
        with transaction.atomic():
            event = AlertEvent.objects.create(
                event_id=event_id_new(),
                rule=rule,
                kind=rule.kind,
                source_key=source_key,
                payload=payload,
                occurred_at=occurred_at,
            )
    except IntegrityError:
        return None
    for destination in rule.destinations.filter(active=True):
        _deliveries_queue(event=event, destination=destination)
    return event


def _place(*, touchpoint: Touchpoint | None, location: Location | None) -> dict[str, Any]:
    return {
        "touchpoint": {"id": touchpoint.pk, "name": touchpoint.name} if touchpoint else {},
        "location": {"id": location.pk, "name": location.name} if location else None,
    }


def _active_rules(kind: str):
    return AlertRule.objects.filter(kind=kind, active=True).select_related("touchpoint", "location")


def alerts_answer_check(*, response: Response) -> list[AlertEvent]:
    """A recorded answer: fire each active poor-answer rule whose scope it is in and whose threshold an NPS
    answer meets. Call inside the transaction that records the answer."""
    rules = list(_active_rules(RuleKind.POOR_ANSWER))
    if not rules:
        return []
    nps = [
        score
        for score in response.answers.filter(type=QuestionType.NPS).values_list("score", flat=True)
        if score is not None
    ]
    if not nps:
        return []
    score = min(nps)
    location = response.encounter.location if response.encounter_id and response.encounter.location_id else None
    events = []
    for rule in rules:
        if rule.touchpoint_id and rule.touchpoint_id != response.touchpoint_id:
            continue
        if rule.location_id and (location is None or rule.location_id != location.pk):
            continue
        if score > rule.threshold:
            continue
        payload = {
            "response_id": response.pk,
            "score": score,
            "threshold": rule.threshold,
            **_place(touchpoint=response.touchpoint, location=location),
            "url": _link(reverse("cases:list")),
        }
        event = alert_fire(
            rule=rule, source_key=f"response:{response.pk}", payload=payload, occurred_at=response.submitted_at
        )
        if event is not None:
            events.append(event)
    return events


@transaction.atomic
def alerts_case_late_check(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Cases past their due time, not contacted or resolved yet: each active rule fires once per case."""
    now = now or timezone.now()
    fired = 0
    for rule in _active_rules(RuleKind.CASE_LATE):
        cases = FollowUpCase.objects.filter(status=CaseStatus.OPEN, due_at__lt=now).select_related(
            "touchpoint", "encounter__location"
        )
        if rule.touchpoint_id:
            cases = cases.filter(touchpoint_id=rule.touchpoint_id)
        if rule.location_id:
            cases = cases.filter(encounter__location_id=rule.location_id)
        fired_for = AlertEvent.objects.filter(
            rule=rule, source_key=Concat(Value("case:"), Cast(OuterRef("pk"), CharField()))
        )
        cases = cases.exclude(Exists(fired_for))
        for case in cases.order_by("due_at")[:limit]:
            location = case.encounter.location if case.encounter_id else None
            payload = {
                "case_id": case.pk,
                "due_at": case.due_at.isoformat(),
                **_place(touchpoint=case.touchpoint, location=location),
                "url": _link(reverse("cases:detail", kwargs={"case_id": case.pk})),
            }
            if alert_fire(rule=rule, source_key=f"case:{case.pk}", payload=payload, occurred_at=now):
                fired += 1
    return fired


@transaction.atomic
def alerts_nps_drop_check(*, now: dt.datetime | None = None) -> int:
    """The last seven days against the seven before, per rule's touchpoint (and location): a fall
    larger than the difference's 95 % margin fires once per rule and week."""
    now = now or timezone.now()
    week = now.isocalendar()
    fired = 0
    for rule in _active_rules(RuleKind.NPS_DROP):
        touchpoints = [rule.touchpoint] if rule.touchpoint else list(Touchpoint.objects.all())
        for touchpoint in touchpoints:
            this_week, last_week = nps_week_counts(touchpoint_id=touchpoint.pk, location_id=rule.location_id, now=now)
            verdict = nps_drop_is_beyond_margin(this_week=this_week, last_week=last_week)
            if verdict is None:
                continue
            payload = {
                "this_week": verdict.this_nps,
                "last_week": verdict.last_nps,
                "this_answers": this_week.answers,
                "last_answers": last_week.answers,
                "drop": verdict.drop,
                "margin": verdict.margin,
                **_place(touchpoint=touchpoint, location=rule.location),
                "url": _link(reverse("dashboards:touchpoint", kwargs={"touchpoint_id": touchpoint.pk})),
            }
            source_key = f"nps_drop:{touchpoint.pk}:{week.year}-W{week.week:02d}"
            if alert_fire(rule=rule, source_key=source_key, payload=payload, occurred_at=now):
                fired += 1
    return fired


@transaction.atomic
def delivery_replay(*, delivery: AlertDelivery, actor: User) -> list[AlertDelivery]:
    """Send the event to the delivery's destination again, with the same event id (receivers deduplicate)."""
    destination = delivery.destination
    if not destination.active:
        raise DomainError(_("This destination is switched off."), code="inactive")
    if delivery.outbound.status in (OutboundStatus.QUEUED, OutboundStatus.SENDING):
        raise DomainError(_("This alert is still being delivered."), code="in_flight")
    replays = _deliveries_queue(event=delivery.event, destination=destination, replay=True)
    audit_log_record(
        event_type=AuditEvent.ALERT_REPLAYED,
        acting_user=actor,
        target=destination,
        extra={"event_id": delivery.event.event_id, "delivery": delivery.pk},
    )
    return replays


def alert_webhook_target(outbound: OutboundEmail) -> WebhookTarget | None:
    """The outbox's question at each try of an alert's webhook: where to, and signed with which secret."""
    delivery = AlertDelivery.objects.select_related("destination").filter(outbound=outbound).first()
    if delivery is None:
        return None
    destination = delivery.destination
    secret = destination.secret if destination.kind == DestinationKind.WEBHOOK else ""
    return WebhookTarget(url=destination.url, secret=secret)
