"""Reads of the point of service: links, kiosks, and the figures and bursts of their answers."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from apps.journeys.models import Touchpoint
from apps.metrics.formulas import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN, nps_is_small_sample, nps_margin, nps_score
from apps.pos.keys import open_code_normalize, secret_hash
from apps.pos.limits import bursts_count
from apps.pos.models import KioskDevice, OpenLink, PointAnswer
from apps.surveys.models import Answer, QuestionType, Response, ResponseSource, Survey, TouchpointSurvey


def touchpoint_open_survey(*, touchpoint: Touchpoint) -> Survey | None:
    """The survey an open link or a kiosk of the touchpoint shows: its follow-up survey, when active."""
    link = TouchpointSurvey.objects.select_related("survey").filter(touchpoint=touchpoint).first()
    if link is None or not link.survey.is_active:
        return None
    return link.survey


def open_link_by_code(*, code: str) -> OpenLink | None:
    return (
        OpenLink.objects.select_related("touchpoint__stage__path", "location")
        .filter(code=open_code_normalize(code), is_active=True)
        .first()
    )


def open_link_get(*, link_id: int) -> OpenLink | None:
    return OpenLink.objects.select_related("touchpoint__stage__path", "location").filter(pk=link_id).first()


def open_link_list() -> QuerySet[OpenLink]:
    return OpenLink.objects.select_related("touchpoint__stage__path", "location").order_by(
        "touchpoint__stage__path__name", "touchpoint__name", "location__name"
    )


def kiosk_by_key(*, key: str) -> KioskDevice | None:
    """The paired, unrevoked kiosk holding `key`; None for anything else."""
    if not key or len(key) > 100:
        return None
    return (
        KioskDevice.objects.select_related("touchpoint__stage", "location")
        .filter(key_hash=secret_hash(key), revoked_at__isnull=True)
        .first()
    )


def kiosk_by_pairing_token(*, token: str) -> KioskDevice | None:
    if not token or len(token) > 100:
        return None
    return KioskDevice.objects.filter(pairing_hash=secret_hash(token), revoked_at__isnull=True).first()


def kiosk_list() -> QuerySet[KioskDevice]:
    return KioskDevice.objects.select_related("touchpoint", "location").order_by("revoked_at", "name")


def kiosk_get(*, kiosk_id: int) -> KioskDevice | None:
    return KioskDevice.objects.select_related("touchpoint", "location").filter(pk=kiosk_id).first()


@dataclass(frozen=True)
class PointFigures:
    """The answers at the point of service of one link or kiosk, apart from the invited figures."""

    answers: int
    nps_answers: int
    nps: int | None
    nps_margin: float | None
    nps_small_sample: bool
    bursts: int
    with_contact: int


def point_figures(
    *, since: dt.datetime, open_link: OpenLink | None = None, kiosk: KioskDevice | None = None
) -> PointFigures:
    rows = PointAnswer.objects.filter(submitted_at__gte=since)
    rows = rows.filter(open_link=open_link) if open_link is not None else rows.filter(kiosk=kiosk)
    scores = Answer.objects.filter(
        response__point_answer__in=rows, type=QuestionType.NPS, score__isnull=False
    ).aggregate(
        n=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=NPS_PROMOTER_MIN)),
        detractors=Count("pk", filter=Q(score__lte=NPS_DETRACTOR_MAX)),
    )
    times: dict[str, list[dt.datetime]] = defaultdict(list)
    # Kiosk answers carry no address (a kiosk is limited by its own key).
    for address, at in rows.exclude(address_hash="").values_list("address_hash", "submitted_at"):
        times[address].append(at)
    n, promoters, detractors = scores["n"], scores["promoters"], scores["detractors"]
    return PointFigures(
        answers=rows.count(),
        nps_answers=n,
        nps=nps_score(promoters=promoters, detractors=detractors, answers=n),
        nps_margin=nps_margin(promoters=promoters, detractors=detractors, answers=n),
        nps_small_sample=nps_is_small_sample(answers=n),
        bursts=bursts_count(times),
        with_contact=rows.filter(response__customer__isnull=False).count(),
    )


def point_source_counts(*, since: dt.datetime) -> dict[str, int]:
    """Answers per source since `since`, invited included, for the page's summary."""
    counts = {source: 0 for source in ResponseSource.values}
    for row in Response.objects.filter(submitted_at__gte=since).values("source").annotate(n=Count("pk")):
        counts[row["source"]] = row["n"]
    return counts
