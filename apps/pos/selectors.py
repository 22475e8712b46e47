"""Reads of the point of service: links, kiosks, and the figures and bursts of their answers."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.accounts.scope import scoped, user_location_scope
from apps.journeys.models import Touchpoint
from apps.locations.selectors import location_list
from apps.metrics.formulas import (
    CES_EASY_MIN,
    CSAT_SATISFIED_MIN,
    NPS_DETRACTOR_MAX,
    NPS_PROMOTER_MIN,
    ces_easy_percent,
    ces_mean,
    csat_percent,
    nps_is_small_sample,
    nps_margin,
    nps_score,
)
from apps.pos.keys import open_code_normalize, secret_hash
from apps.pos.limits import bursts_count
from apps.pos.models import KioskDevice, OpenLink, PointAnswer
from apps.surveys.models import QuestionType, Response, ResponseSource, Survey, TouchpointSurvey

# A week: an expired flag costs one query to set again.
POS_IN_USE_CACHE_SECONDS = 7 * 24 * 3600


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


def open_link_list(
    *,
    user: User,
    touchpoint_id: int | None = None,
    location_id: int | None = None,
    active: bool | None = None,
) -> QuerySet[OpenLink]:
    """The open links `user` may see (a scoped manager: those at their locations), by path and touchpoint."""
    links = OpenLink.objects.select_related("touchpoint__stage__path", "location").order_by(
        "touchpoint__stage__path__name", "touchpoint__name", "location__name", "pk"
    )
    links = scoped(links, user=user)
    if touchpoint_id is not None:
        links = links.filter(touchpoint_id=touchpoint_id)
    if location_id is not None:
        links = links.filter(location_id=location_id)
    if active is not None:
        links = links.filter(is_active=active)
    return links


def open_link_get(*, user: User, link_id: int) -> OpenLink | None:
    return open_link_list(user=user).filter(pk=link_id).first()


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


def kiosk_list(*, user: User) -> QuerySet[KioskDevice]:
    """The kiosks `user` may see (a scoped manager: those at their locations), revoked ones last."""
    kiosks = KioskDevice.objects.select_related("touchpoint__stage__path", "location").order_by(
        "revoked_at", "name", "pk"
    )
    return scoped(kiosks, user=user)


def kiosk_get(*, user: User, kiosk_id: int) -> KioskDevice | None:
    return kiosk_list(user=user).filter(pk=kiosk_id).first()


def pos_in_use_cache_key() -> str:
    """The company's "has open links or kiosks" flag. The schema name is already in every key (the
    cache's key function); the company's id keeps a company recreated under the same schema name from
    inheriting its predecessor's flag."""
    return f"pos:in_use:v1:{getattr(connection.tenant, 'pk', '')}"


def pos_in_use() -> bool:
    """Whether the company has any open link or kiosk: read once, then from the cache (both answers are
    kept; creating a link or a kiosk forgets the flag), so a dashboard of a company without any asks
    nothing."""
    cached = cache.get(pos_in_use_cache_key())
    if cached is not None:
        return bool(cached)
    in_use = OpenLink.objects.exists() or KioskDevice.objects.exists()
    cache.set(pos_in_use_cache_key(), in_use, timeout=POS_IN_USE_CACHE_SECONDS)
    return in_use


def pos_in_use_forget() -> None:
    cache.delete(pos_in_use_cache_key())


@dataclass(frozen=True)
class PointFigures:
    """The answers at the point of service (of one link or kiosk, or of a dashboard's view), apart from
    the invited figures. The scores use the formulas of apps/metrics/formulas.py."""

    answers: int
    nps_answers: int
    nps: int | None
    nps_margin: float | None
    nps_small_sample: bool
    csat_answers: int
    csat: float | None
    ces_answers: int
    ces: float | None
    ces_easy: float | None
    bursts: int
    with_contact: int


def _type_count(kind: str, score: Q | None = None) -> Count:
    condition = Q(response__answers__type=kind, response__answers__score__isnull=False)
    return Count("response__answers", filter=condition & score if score is not None else condition)


def _figures_of(rows: QuerySet[PointAnswer]) -> PointFigures:
    """The figures of `rows` in one query: one line per answer with its own score counts (summed here,
    so a survey with two NPS questions counts both as the dashboards do), and its address and time for
    the burst count."""
    lines = (
        rows.order_by()
        .values("pk", "address_hash", "submitted_at", "response__customer_id")
        .annotate(
            nps_n=_type_count(QuestionType.NPS),
            nps_promoters=_type_count(QuestionType.NPS, Q(response__answers__score__gte=NPS_PROMOTER_MIN)),
            nps_detractors=_type_count(QuestionType.NPS, Q(response__answers__score__lte=NPS_DETRACTOR_MAX)),
            csat_n=_type_count(QuestionType.CSAT),
            csat_satisfied=_type_count(QuestionType.CSAT, Q(response__answers__score__gte=CSAT_SATISFIED_MIN)),
            ces_n=_type_count(QuestionType.CES),
            ces_sum=Coalesce(Sum("response__answers__score", filter=Q(response__answers__type=QuestionType.CES)), 0),
            ces_easy=_type_count(QuestionType.CES, Q(response__answers__score__gte=CES_EASY_MIN)),
        )
    )
    totals: dict[str, int] = defaultdict(int)
    times: dict[str, list[dt.datetime]] = defaultdict(list)
    answers = with_contact = 0
    for line in lines:
        answers += 1
        with_contact += line["response__customer_id"] is not None
        for name in ("nps_n", "nps_promoters", "nps_detractors", "csat_n", "csat_satisfied", "ces_n", "ces_sum"):
            totals[name] += line[name]
        totals["ces_easy"] += line["ces_easy"]
        # Kiosk answers carry no address (a kiosk is limited by its own key).
        if line["address_hash"]:
            times[line["address_hash"]].append(line["submitted_at"])
    n, promoters, detractors = totals["nps_n"], totals["nps_promoters"], totals["nps_detractors"]
    return PointFigures(
        answers=answers,
        nps_answers=n,
        nps=nps_score(promoters=promoters, detractors=detractors, answers=n),
        nps_margin=nps_margin(promoters=promoters, detractors=detractors, answers=n),
        nps_small_sample=nps_is_small_sample(answers=n),
        csat_answers=totals["csat_n"],
        csat=csat_percent(satisfied=totals["csat_satisfied"], answers=totals["csat_n"]),
        ces_answers=totals["ces_n"],
        ces=ces_mean(total=totals["ces_sum"], answers=totals["ces_n"]),
        ces_easy=ces_easy_percent(easy=totals["ces_easy"], answers=totals["ces_n"]),
        bursts=bursts_count(times),
        with_contact=with_contact,
    )


def point_figures(
    *, since: dt.datetime, open_link: OpenLink | None = None, kiosk: KioskDevice | None = None
) -> PointFigures:
    """The figures of one link or one kiosk since `since`, in one query."""
    rows = PointAnswer.objects.filter(submitted_at__gte=since)
    rows = rows.filter(open_link=open_link) if open_link is not None else rows.filter(kiosk=kiosk)
    return _figures_of(rows)


def point_summary(
    *,
    since: dt.datetime,
    until: dt.datetime,
    location_ids: frozenset[int] | None,
    location_id: int | None = None,
    region_id: int | None = None,
) -> PointFigures | None:
    """All point-of-service answers in [since, until) for a dashboard, in one query; None (and no query
    once the flag is cached) when the company has no open link or kiosk.

    `location_ids`: the viewer's scope (None: the whole company; a scoped manager's answers are those
    at their locations). `location_id` / `region_id`: the dashboard's cut by place.
    """
    if not pos_in_use():
        return None
    rows = PointAnswer.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
    if location_ids is not None:
        rows = rows.filter(PointAnswer.location_scope_q(location_ids))
    if location_id is not None:
        rows = rows.filter(location_id=location_id)
    elif region_id is not None:
        rows = rows.filter(location__in=location_list(include_archived=True, region_id=region_id).values("pk"))
    return _figures_of(rows)


def point_source_counts(*, since: dt.datetime, user: User) -> dict[str, int]:
    """Answers per source since `since`, invited included, for the page's summary (a scoped manager's:
    those at their locations)."""
    counts = {source: 0 for source in ResponseSource.values}
    responses = Response.objects.filter(submitted_at__gte=since)
    location_ids = user_location_scope(user)
    if location_ids is not None:
        # An invited answer is where its encounter was; a point-of-service one where its link or kiosk stood.
        responses = responses.filter(
            Response.location_scope_q(location_ids) | Q(point_answer__location_id__in=location_ids)
        )
    for row in responses.values("source").annotate(n=Count("pk")):
        counts[row["source"]] = row["n"]
    return counts
