"""Events: firing a rule once per fact, and the checks that find the facts (an answer, a week's NPS, a late case)."""

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from apps.alerts.models import AlertEvent, AlertRule, RuleKind
from apps.alerts.rules import nps_drop_is_beyond_margin
from apps.alerts.selectors import nps_week_counts
from apps.alerts.services.deliveries import event_deliveries_queue
from apps.cases.models import CaseStatus, FollowUpCase
from apps.journeys.models import Touchpoint
from apps.locations.models import Location
from apps.surveys.models import QuestionType, Response
from apps.tenants.selectors import company_url


def event_id_new() -> str:
    return f"evt_{uuid.uuid4().hex}"


def _link(path: str) -> str:
    tenant = getattr(connection, "tenant", None)
    return company_url(tenant=tenant, path=path) if tenant is not None else path


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
        event_deliveries_queue(event=event, destination=destination)
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
