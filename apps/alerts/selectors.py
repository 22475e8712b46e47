"""Reads of alerts: the lists the pages and the API show, and the weekly NPS counts the drop check needs."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from apps.alerts.models import AlertDelivery, AlertRule, Destination
from apps.alerts.rules import NpsCounts
from apps.metrics.formulas import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN
from apps.surveys.models import Answer, QuestionType


def destination_list() -> QuerySet[Destination]:
    return Destination.objects.all()


def destination_get(*, destination_id: int) -> Destination | None:
    return Destination.objects.filter(pk=destination_id).first()


def rule_list() -> QuerySet[AlertRule]:
    return AlertRule.objects.select_related("touchpoint", "location").prefetch_related("destinations")


def rule_get(*, rule_id: int) -> AlertRule | None:
    return rule_list().filter(pk=rule_id).first()


def delivery_list(*, destination: Destination) -> QuerySet[AlertDelivery]:
    """The destination's deliveries, newest first: each with its event and outbox message."""
    return AlertDelivery.objects.filter(destination=destination).select_related("event", "outbound")


def delivery_get(*, destination: Destination, delivery_id: int) -> AlertDelivery | None:
    return delivery_list(destination=destination).filter(pk=delivery_id).first()


def _counts(*, touchpoint_id: int, location_id: int | None, start: dt.datetime, end: dt.datetime) -> NpsCounts:
    answers = Answer.objects.filter(
        type=QuestionType.NPS,
        score__isnull=False,
        response__touchpoint_id=touchpoint_id,
        response__submitted_at__gte=start,
        response__submitted_at__lt=end,
    )
    if location_id:
        answers = answers.filter(response__encounter__location_id=location_id)
    row = answers.aggregate(
        answers=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=NPS_PROMOTER_MIN)),
        detractors=Count("pk", filter=Q(score__lte=NPS_DETRACTOR_MAX)),
    )
    return NpsCounts(promoters=row["promoters"], detractors=row["detractors"], answers=row["answers"])


def nps_week_counts(*, touchpoint_id: int, location_id: int | None, now: dt.datetime) -> tuple[NpsCounts, NpsCounts]:
    """The NPS counts of the seven days before `now`, and of the seven days before those."""
    week = dt.timedelta(days=7)
    return (
        _counts(touchpoint_id=touchpoint_id, location_id=location_id, start=now - week, end=now),
        _counts(touchpoint_id=touchpoint_id, location_id=location_id, start=now - 2 * week, end=now - week),
    )
