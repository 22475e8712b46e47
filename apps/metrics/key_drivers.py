"""Key drivers of the relationship NPS: which touchpoints' experience goes with it most (docs/key-drivers.md).

The relationship NPS is a customer's answer to the NPS question of a send-out (a survey sent to a list of
customers: an invitation with a campaign, not following an encounter). For each customer, the latest one
in the period is taken. Their experience at a touchpoint is the mean of their answers to the surveys that
followed their encounters there in the LOOKBACK_DAYS before that answer, each answer read on its survey's
headline question (the first scored question) and put on 0..1 from its scale, so answers of different
question types can be averaged. The statistics are in key_driver_stats (no ORM there).

Reads the raw answers, not the roll-ups, so one computation is kept in the cache per company and view
(period and cut) and forgotten whenever an invited answer is recorded (`key_drivers_forget`, called from
the surveys app's `response_recorded` signal once the answer commits).
"""

import dataclasses
import datetime as dt
import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, connections, router

from apps.metrics.formulas import nps_is_detractor, nps_is_promoter, nps_margin, nps_score
from apps.metrics.key_driver_stats import MIN_CUSTOMERS, DriverInput, DriverTable, drivers_rank
from apps.metrics.models import DailyRollup
from apps.metrics.selectors import MetricFilter, filter_location_ids
from apps.surveys.models import QUESTION_SCALES, QuestionType
from apps.tenants.selectors import company_day_start

# The touchpoint answers that count towards a relationship answer: those of the year before it.
LOOKBACK_DAYS = 365
# A computation is kept at most this long; any recorded answer forgets it at once.
CACHE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class KeyDrivers:
    """The key drivers of one view: the ranked touchpoints and those with too few customers."""

    start: dt.date
    end: dt.date
    table: DriverTable[int]
    # Customers with a relationship NPS answer in the period and their NPS: with or without touchpoint answers,
    # except in a view of some locations, where only those with touchpoint answers there.
    respondents: int
    promoters: int
    detractors: int
    # Of them, customers with at least one touchpoint answer in the lookback window.
    linked: int
    lookback_days: int = LOOKBACK_DAYS
    min_customers: int = MIN_CUSTOMERS
    # {touchpoint id: its path's name}, for the page.
    paths: dict[int, str] = dataclasses.field(default_factory=dict)

    @property
    def nps(self) -> int | None:
        return nps_score(promoters=self.promoters, detractors=self.detractors, answers=self.respondents)

    @property
    def nps_margin(self) -> float | None:
        return nps_margin(promoters=self.promoters, detractors=self.detractors, answers=self.respondents)


def _scale_sql(params: dict[str, Any]) -> tuple[str, str]:
    """The low end and the width of each scored question type's scale, as CASE expressions on `a.type`."""
    lows, widths = [], []
    for number, (kind, (low, high)) in enumerate(sorted(QUESTION_SCALES.items())):
        params[f"type{number}"], params[f"low{number}"], params[f"width{number}"] = str(kind), low, high - low
        lows.append(f"WHEN %(type{number})s THEN %(low{number})s")
        widths.append(f"WHEN %(type{number})s THEN %(width{number})s")
    return f"CASE a.type {' '.join(lows)} END", f"CASE a.type {' '.join(widths)} END"


# (customer, relationship NPS answer, touchpoint, its name, its path's name, mean experience 0..1)
Pair = tuple[int, int, int | None, str | None, str | None, float | None]


def _pairs(*, filters: MetricFilter) -> list[Pair]:
    """The customers' relationship answers with their experience at each touchpoint; one statement.

    A customer with no touchpoint answer in the window has one row with touchpoint None.
    """
    params: dict[str, Any] = {
        "since": company_day_start(filters.start),
        "until": company_day_start(filters.end + dt.timedelta(days=1)),
        "nps": str(QuestionType.NPS),
        "lookback": dt.timedelta(days=LOOKBACK_DAYS),
        "scored": sorted(str(kind) for kind in QUESTION_SCALES),
    }
    audience = []
    if filters.persona_id is not None:
        params["persona"] = filters.persona_id
        audience.append("c.persona_id = %(persona)s")
    if filters.segment_id is not None:
        params["segment"] = filters.segment_id
        audience.append("c.segment_id = %(segment)s")
    places = []
    if filters.path_id is not None:
        params["path"] = filters.path_id
        places.append("s.path_id = %(path)s")
    if filters.stage_id is not None:
        params["stage"] = filters.stage_id
        places.append("t.stage_id = %(stage)s")
    if filters.touchpoint_id is not None:
        params["touchpoint"] = filters.touchpoint_id
        places.append("r.touchpoint_id = %(touchpoint)s")
    location_ids = filter_location_ids(filters)
    if location_ids is not None:
        # Only the experiences at the view's locations count, so only their customers appear.
        params["locations"] = sorted(location_ids)
        places.append("e.location_id = ANY(%(locations)s)")
    low, width = _scale_sql(params)
    audience_join = "JOIN customers_customer c ON c.id = r.customer_id" if audience else ""
    audience_where = "".join(f" AND {condition}" for condition in audience)
    places_where = "".join(f" AND {condition}" for condition in places)
    # Only constants of this module are interpolated; every value is a query parameter.
    sql = f"""
        WITH relationship AS (
            SELECT DISTINCT ON (r.customer_id) r.customer_id, r.submitted_at, a.score
            FROM surveys_response r
            JOIN surveys_invitation i ON i.id = r.invitation_id
            JOIN surveys_answer a ON a.response_id = r.id
            JOIN surveys_question q ON q.id = a.question_id
            {audience_join}
            WHERE r.source = 'invited' AND i.campaign_id IS NOT NULL
              AND r.encounter_id IS NULL AND r.touchpoint_id IS NULL
              AND r.submitted_at >= %(since)s AND r.submitted_at < %(until)s
              AND a.type = %(nps)s AND a.score IS NOT NULL{audience_where}
            ORDER BY r.customer_id, r.submitted_at DESC, r.id DESC, q.position
        ),
        experience AS (
            SELECT DISTINCT ON (r.id) r.customer_id, r.touchpoint_id, t.name AS touchpoint_name,
                   p.name AS path_name, (a.score - {low})::float / {width} AS value
            FROM relationship rel
            JOIN surveys_response r ON r.customer_id = rel.customer_id
            JOIN encounters_encounter e ON e.id = r.encounter_id
            JOIN journeys_touchpoint t ON t.id = r.touchpoint_id
            JOIN journeys_stage s ON s.id = t.stage_id
            JOIN journeys_servicepath p ON p.id = s.path_id
            JOIN surveys_answer a ON a.response_id = r.id
            JOIN surveys_question q ON q.id = a.question_id
            WHERE r.source = 'invited' AND r.touchpoint_id IS NOT NULL
              AND r.submitted_at < rel.submitted_at AND r.submitted_at >= rel.submitted_at - %(lookback)s
              AND a.type = ANY(%(scored)s) AND a.score IS NOT NULL{places_where}
            ORDER BY r.id, q.position
        )
        SELECT rel.customer_id, rel.score, x.touchpoint_id, x.touchpoint_name, x.path_name, avg(x.value)
        FROM relationship rel LEFT JOIN experience x ON x.customer_id = rel.customer_id
        GROUP BY rel.customer_id, rel.score, x.touchpoint_id, x.touchpoint_name, x.path_name
    """  # noqa: S608
    with connections[router.db_for_read(DailyRollup)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def key_drivers_compute(*, filters: MetricFilter) -> KeyDrivers:
    """The key drivers of a view, computed from the answers in one statement (the dashboard's query budget)."""
    scores: dict[int, int] = {}
    linked: set[int] = set()
    by_touchpoint: dict[int, list[tuple[float, int]]] = defaultdict(list)
    names: dict[int, str] = {}
    paths: dict[int, str] = {}
    for customer_id, score, touchpoint_id, touchpoint_name, path_name, value in _pairs(filters=filters):
        scores[customer_id] = score
        if touchpoint_id is not None and value is not None:
            linked.add(customer_id)
            by_touchpoint[touchpoint_id].append((float(value), score))
            names[touchpoint_id], paths[touchpoint_id] = touchpoint_name, path_name
    inputs = [
        DriverInput(
            key=touchpoint_id,
            name=names.get(touchpoint_id, str(touchpoint_id)),
            experiences=tuple(value for value, _score in pairs),
            relationship_scores=tuple(score for _value, score in pairs),
        )
        for touchpoint_id, pairs in sorted(by_touchpoint.items())
    ]
    # A view of some locations (a scoped manager's always) counts only the customers met there: a send-out's
    # answer has no location of its own.
    counted = [score for customer_id, score in scores.items() if customer_id in linked or not filters.located]
    return KeyDrivers(
        start=filters.start,
        end=filters.end,
        table=drivers_rank(inputs=inputs),
        respondents=len(counted),
        promoters=sum(1 for score in counted if nps_is_promoter(score)),
        detractors=sum(1 for score in counted if nps_is_detractor(score)),
        linked=len(linked),
        paths=paths,
    )


def _generation_key() -> str:
    # The schema name is already in every key (the cache's key function); the company's id keeps a company
    # recreated under the same schema name from reading its predecessor's figures.
    return f"key_drivers:generation:v1:{getattr(connection.tenant, 'pk', '')}"


def _view_key(*, filters: MetricFilter, generation: str) -> str:
    view = repr(
        (
            filters.start,
            filters.end,
            filters.path_id,
            filters.stage_id,
            filters.touchpoint_id,
            filters.persona_id,
            filters.segment_id,
            filters.location_id,
            filters.region_id,
            sorted(filters.scope_location_ids) if filters.scope_location_ids is not None else None,
        )
    )
    digest = hashlib.sha256(view.encode()).hexdigest()[:32]
    return f"key_drivers:view:v1:{getattr(connection.tenant, 'pk', '')}:{generation}:{digest}"


def key_drivers_for(*, filters: MetricFilter) -> KeyDrivers:
    """The key drivers of a view (build the filter with `metric_filter_for`, so the viewer's scope is in it).

    From the cache when this view was computed since the last recorded answer; no query then.
    """
    generation = cache.get(_generation_key())
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(_generation_key(), generation, timeout=None)
        generation = cache.get(_generation_key()) or generation
    key = _view_key(filters=filters, generation=generation)
    cached = cache.get(key)
    if isinstance(cached, KeyDrivers):
        return cached
    drivers = key_drivers_compute(filters=filters)
    cache.set(key, drivers, timeout=CACHE_SECONDS)
    return drivers


def key_drivers_forget() -> None:
    """Every cached key driver computation of the current company is out of date (an answer arrived)."""
    cache.delete(_generation_key())
