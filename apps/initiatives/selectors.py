"""Reads of initiatives and their measured effect, cut to what the viewing user may see.

The effect is counted from the raw answers in one grouped statement for all four windows (before,
after, and the same two a year earlier): invited responses only, as the roll-ups count them
(apps/metrics/rollup.py: answers at the point of service are open to anyone and shown apart), on the
local day they were submitted, at the initiative's touchpoints, at its locations (through the
encounter a response follows; every location, and answers without one, when it names none)
intersected with the viewer's location scope.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.accounts.scope import LocationScope, user_location_scope
from apps.core.tenancy import company_time_zone
from apps.customers.models import Segment
from apps.initiatives.effect import (
    COUNT_FIELDS,
    Counts,
    Difference,
    Metric,
    MixShift,
    PeriodFacts,
    Verdict,
    Window,
    difference_of,
    mix_shifts,
    period_facts,
    season_of,
    seasons_differ,
    windows,
)
from apps.initiatives.models import Initiative
from apps.journeys.models import Touchpoint
from apps.locations.models import Location
from apps.maturity.selectors import maturity_thresholds
from apps.metrics.formulas import CSAT_SATISFIED_MIN, NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN
from apps.personas.models import BuyerPersona
from apps.surveys.models import QuestionType, ResponseSource

BEFORE, AFTER = "before", "after"
BEFORE_YEAR_EARLIER, AFTER_YEAR_EARLIER = "before_year_earlier", "after_year_earlier"
PERIODS = (BEFORE, AFTER, BEFORE_YEAR_EARLIER, AFTER_YEAR_EARLIER)
CARD_ROWS = 5
# An initiative stays on the dashboard's card this long after its after-window ended.
CARD_RECENT_DAYS = 90


# The windows of each initiative (as effect.windows computes them), and one row of counts per window
# (and per persona, segment and location when grouped). Only constants are interpolated.
_SQL = """
WITH ini AS (
    SELECT i.id, i.started_on - i.window_days AS b_first, i.started_on AS a_first,
           GREATEST(LEAST(i.started_on + i.window_days, %(today)s::date), i.started_on) AS a_end
    FROM initiatives_initiative i
    WHERE {initiative_filter}
), win AS (
    SELECT ini.id, w.period, w.first_day, w.end_day
    FROM ini CROSS JOIN LATERAL (VALUES
        ('before', ini.b_first, ini.a_first),
        ('after', ini.a_first, ini.a_end),
        ('before_year_earlier', (ini.b_first - interval '1 year')::date, (ini.a_first - interval '1 year')::date),
        ('after_year_earlier', (ini.a_first - interval '1 year')::date, (ini.a_end - interval '1 year')::date)
    ) AS w(period, first_day, end_day)
    WHERE w.period = ANY(%(periods)s)
)
SELECT win.id AS initiative_id, win.period, f.*
FROM win CROSS JOIN LATERAL (
    SELECT {dimensions}
           count(DISTINCT s.id) AS responses,
           count(*) FILTER (WHERE a.type = %(nps)s AND a.score IS NOT NULL) AS nps_n,
           count(*) FILTER (WHERE a.type = %(nps)s AND a.score >= %(promoter)s) AS nps_promoters,
           count(*) FILTER (WHERE a.type = %(nps)s AND a.score <= %(detractor)s) AS nps_detractors,
           count(*) FILTER (WHERE a.type = %(csat)s AND a.score IS NOT NULL) AS csat_n,
           count(*) FILTER (WHERE a.type = %(csat)s AND a.score >= %(satisfied)s) AS csat_satisfied,
           count(*) FILTER (WHERE a.type = %(ces)s AND a.score IS NOT NULL) AS ces_n,
           COALESCE(sum(a.score) FILTER (WHERE a.type = %(ces)s), 0) AS ces_sum,
           COALESCE(sum(a.score * a.score) FILTER (WHERE a.type = %(ces)s), 0) AS ces_square_sum
    FROM surveys_response s
         JOIN customers_customer c ON c.id = s.customer_id
         JOIN surveys_answer a ON a.response_id = s.id
         LEFT JOIN encounters_encounter e ON e.id = s.encounter_id
    WHERE s.source = %(invited)s
      AND s.submitted_at >= (win.first_day::timestamp AT TIME ZONE %(tz)s)
      AND s.submitted_at < (win.end_day::timestamp AT TIME ZONE %(tz)s)
      AND s.touchpoint_id IN (SELECT t.touchpoint_id FROM initiatives_initiative_touchpoints t
                              WHERE t.initiative_id = win.id)
      AND (NOT EXISTS (SELECT 1 FROM initiatives_initiative_locations l WHERE l.initiative_id = win.id)
           OR e.location_id IN (SELECT l.location_id FROM initiatives_initiative_locations l
                                WHERE l.initiative_id = win.id))
      AND (%(whole_company)s OR e.location_id = ANY(%(scope)s))
    {group}
) AS f
"""


def _visible_q(scope: LocationScope) -> Q:
    """An initiative touches the scope when it names none of the locations (all of them) or one in it."""
    if scope is None:
        return Q()
    through = Initiative.locations.through
    named = Exists(through.objects.filter(initiative_id=OuterRef("pk")))
    inside = Exists(through.objects.filter(initiative_id=OuterRef("pk"), location_id__in=scope))
    return ~named | inside


def _visible_sql(scope: LocationScope) -> str:
    if scope is None:
        return "TRUE"
    return (
        "(NOT EXISTS (SELECT 1 FROM initiatives_initiative_locations l WHERE l.initiative_id = i.id) OR EXISTS "
        "(SELECT 1 FROM initiatives_initiative_locations l "
        "WHERE l.initiative_id = i.id AND l.location_id = ANY(%(scope)s)))"
    )


def _params(*, today: dt.date, scope: LocationScope, periods: tuple[str, ...]) -> dict[str, Any]:
    return {
        "today": today,
        "periods": list(periods),
        "tz": str(company_time_zone()),
        "nps": QuestionType.NPS,
        "csat": QuestionType.CSAT,
        "ces": QuestionType.CES,
        "promoter": NPS_PROMOTER_MIN,
        "detractor": NPS_DETRACTOR_MAX,
        "satisfied": CSAT_SATISFIED_MIN,
        "invited": ResponseSource.INVITED,
        "whole_company": scope is None,
        "scope": sorted(scope or ()),
    }


def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- Lists and one initiative --------------------------------------------------------------


def initiatives_visible(*, user: User, include_archived: bool = False) -> QuerySet[Initiative]:
    initiatives = Initiative.objects.filter(_visible_q(user_location_scope(user))).select_related("owner")
    if not include_archived:
        initiatives = initiatives.filter(archived=False)
    return initiatives.prefetch_related(
        Prefetch("touchpoints", queryset=Touchpoint.objects.select_related("stage__path").order_by("name")),
        Prefetch("locations", queryset=Location.objects.order_by("name")),
    )


def initiative_get(*, user: User, initiative_id: int) -> Initiative | None:
    return initiatives_visible(user=user, include_archived=True).filter(pk=initiative_id).first()


def initiative_is_editable(*, user: User, initiative: Initiative) -> bool:
    """A manager scoped to some locations edits only initiatives wholly inside their scope."""
    scope = user_location_scope(user)
    if scope is None:
        return True
    location_ids = {location.pk for location in initiative.locations.all()}
    return bool(location_ids) and location_ids <= scope


# --- The effect ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeasonCheck:
    before_season: str
    after_season: str
    differs: bool
    # The same windows a year earlier, when they had answers on both sides.
    year_earlier: Difference | None
    before_window: Window
    after_window: Window


@dataclass
class InitiativeEffect:
    initiative: Initiative
    today: dt.date
    before: Window
    after: Window
    counts: dict[str, Counts]
    differences: dict[Metric, Difference]
    mix: list[MixShift]
    mix_names: dict[tuple[str, int | None], str]
    season: SeasonCheck
    min_answers: int
    scoped: bool
    small: dict[str, bool] = field(default_factory=dict)

    @property
    def nps(self) -> Difference:
        return self.differences[Metric.NPS]

    @property
    def verdict(self) -> Verdict:
        return self.nps.verdict

    @property
    def running(self) -> bool:
        return self.after.days < self.initiative.window_days

    @property
    def started(self) -> bool:
        return self.initiative.started_on < self.today

    @property
    def metrics_shown(self) -> list[Difference]:
        """NPS always; CSAT and CES where either period has answers."""
        return [
            difference
            for metric, difference in self.differences.items()
            if metric is Metric.NPS or difference.before.n or difference.after.n
        ]

    def mix_name(self, shift: MixShift) -> str:
        return self.mix_names.get((shift.dimension, shift.key), "")


def _mix_names(shifts: list[MixShift]) -> dict[tuple[str, int | None], str]:
    wanted: dict[str, set[int]] = {}
    for shift in shifts:
        if shift.key is not None:
            wanted.setdefault(shift.dimension, set()).add(shift.key)
    names: dict[tuple[str, int | None], str] = {}
    models = {"persona": BuyerPersona, "segment": Segment, "location": Location}
    for dimension, ids in wanted.items():
        for pk, name in models[dimension].objects.filter(pk__in=ids).values_list("pk", "name"):
            names[(dimension, pk)] = name
    return names


def initiative_effect(*, initiative: Initiative, user: User, today: dt.date) -> InitiativeEffect:
    """Before and after on the same cut, the differences with their intervals, mix and season checks."""
    scope = user_location_scope(user)
    sql = _SQL.format(
        initiative_filter="i.id = %(initiative_id)s",
        dimensions="c.persona_id, c.segment_id, e.location_id,",
        group="GROUP BY c.persona_id, c.segment_id, e.location_id",
    )
    params = {**_params(today=today, scope=scope, periods=PERIODS), "initiative_id": initiative.pk}
    facts = period_facts(_rows(sql, params))
    empty = PeriodFacts()
    counts = {period: facts.get(period, empty).total for period in PERIODS}
    differences = {
        metric: difference_of(before=counts[BEFORE], after=counts[AFTER], metric=metric) for metric in Metric
    }
    before_facts, after_facts = facts.get(BEFORE, empty), facts.get(AFTER, empty)
    shifts = [
        shift
        for dimension in ("persona", "segment", "location")
        for shift in mix_shifts(
            before=getattr(before_facts, dimension), after=getattr(after_facts, dimension), dimension=dimension
        )
    ]
    before, after = windows(started_on=initiative.started_on, window_days=initiative.window_days, today=today)
    year_earlier = difference_of(
        before=counts[BEFORE_YEAR_EARLIER], after=counts[AFTER_YEAR_EARLIER], metric=Metric.NPS
    )
    season = SeasonCheck(
        before_season=season_of(before),
        after_season=season_of(after) if after.days else season_of(before),
        differs=seasons_differ(before, after),
        year_earlier=year_earlier if year_earlier.verdict is not Verdict.NO_DATA else None,
        before_window=before.year_earlier(),
        after_window=after.year_earlier(),
    )
    floor = maturity_thresholds().min_answers
    return InitiativeEffect(
        initiative=initiative,
        today=today,
        before=before,
        after=after,
        counts=counts,
        differences=differences,
        mix=shifts,
        mix_names=_mix_names(shifts),
        season=season,
        min_answers=floor,
        scoped=scope is not None,
        small={period: 0 < counts[period].nps_n < floor for period in (BEFORE, AFTER)},
    )


# --- Verdicts of many initiatives in one statement ----------------------------------------------


@dataclass(frozen=True)
class VerdictRow:
    initiative_id: int
    title: str
    started_on: dt.date
    window_days: int
    measured_days: int
    nps: Difference

    @property
    def running(self) -> bool:
        return self.measured_days < self.window_days


def _verdict_rows(*, user: User, today: dt.date, initiative_filter: str, extra: dict[str, Any]) -> list[VerdictRow]:
    scope = user_location_scope(user)
    # Only constant fragments are joined; every value is a parameter.
    sql = (
        "SELECT r.*, i.title, i.started_on, i.window_days FROM ("  # noqa: S608
        + _SQL.format(initiative_filter=f"({initiative_filter}) AND {_visible_sql(scope)}", dimensions="", group="")
        + ") r JOIN initiatives_initiative i ON i.id = r.initiative_id ORDER BY i.started_on DESC, i.id DESC"
    )
    params = {**_params(today=today, scope=scope, periods=(BEFORE, AFTER)), **extra}
    by_initiative: dict[int, dict[str, Any]] = {}
    for row in _rows(sql, params):
        item = by_initiative.setdefault(row["initiative_id"], {"row": row, "counts": {}})
        item["counts"][row["period"]] = Counts.from_mapping({name: row[name] for name in COUNT_FIELDS})
    result = []
    for initiative_id, item in by_initiative.items():
        row = item["row"]
        _before, after = windows(started_on=row["started_on"], window_days=row["window_days"], today=today)
        result.append(
            VerdictRow(
                initiative_id=initiative_id,
                title=row["title"],
                started_on=row["started_on"],
                window_days=row["window_days"],
                measured_days=after.days,
                nps=difference_of(
                    before=item["counts"].get(BEFORE, Counts()),
                    after=item["counts"].get(AFTER, Counts()),
                    metric=Metric.NPS,
                ),
            )
        )
    return result


def initiative_verdicts(*, user: User, today: dt.date, initiative_ids: list[int]) -> dict[int, VerdictRow]:
    """The NPS verdicts of these initiatives (those the user may see), on the user's cut: one statement."""
    if not initiative_ids:
        return {}
    rows = _verdict_rows(user=user, today=today, initiative_filter="i.id = ANY(%(ids)s)", extra={"ids": initiative_ids})
    return {row.initiative_id: row for row in rows}


# How long the "has initiatives" flag is kept; every write of an initiative forgets it at once.
INITIATIVES_IN_USE_CACHE_SECONDS = 7 * 24 * 3600


def initiatives_in_use_cache_key() -> str:
    """The company's "has an initiative that is not archived" flag. The schema name is already in every key
    (the cache's key function); the company's id keeps a company recreated under the same schema name from
    inheriting its predecessor's flag."""
    return f"initiatives:in_use:v1:{getattr(connection.tenant, 'pk', '')}"


def initiatives_in_use() -> bool:
    """Whether the company has any initiative that is not archived: read once, then from the cache (both
    answers are kept), so the dashboard of a company without initiatives asks nothing for its card."""
    cached = cache.get(initiatives_in_use_cache_key())
    if cached is not None:
        return bool(cached)
    in_use = Initiative.objects.filter(archived=False).exists()
    cache.set(initiatives_in_use_cache_key(), in_use, timeout=INITIATIVES_IN_USE_CACHE_SECONDS)
    return in_use


def initiatives_in_use_forget() -> None:
    cache.delete(initiatives_in_use_cache_key())


def initiative_card(*, user: User, today: dt.date) -> list[VerdictRow]:
    """Running and recently ended initiatives the user may see, newest first, with their NPS verdicts:
    one statement (the dashboard's query budget), and none once the company is known to have none."""
    if not initiatives_in_use():
        return []
    initiative_filter = (
        "NOT i.archived AND i.started_on < %(today)s::date "
        "AND i.started_on + i.window_days >= %(today)s::date - %(recent)s"
    )
    rows = _verdict_rows(
        user=user, today=today, initiative_filter=initiative_filter, extra={"recent": CARD_RECENT_DAYS}
    )
    return rows[:CARD_ROWS]
