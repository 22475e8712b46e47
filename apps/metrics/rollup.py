"""The SQL that turns source rows into roll-up rows, and daily rows into the coarser ones.

`_INSERT` is the one statement that reads the source rows. Both paths use it: the
incremental refresh runs it for the (day, touchpoint) buckets that dirty marks
name, the full recompute runs it for everything. Because
it is the same statement with a different WHERE, the two cannot drift apart in how
they count; the identity test checks that no change escapes the marks.

Attribution: an encounter counts on the local day it happened, an invitation on
the day it was delivered (its answered flag follows that cohort, so the response
rate is answered / delivered of the same invitations), a response on the day it
was submitted. Only invited responses count: answers at the point of service (QR,
kiosk) are open to anyone and are shown apart, by apps/pos. Persona and segment are the
customer's current ones; the location is the one of the encounter an invitation or a
response follows (none without one), read through the encounter and never copied, so a
corrected location is a dirty mark on the encounter like any other edit.

Everything else is summed from those daily rows, never from the source rows, by
statements both paths share as well: the grains without a touchpoint for a day
(`rollup_derive_days`), then the week and month rows (`rollup_derive_periods`). A
period row is therefore exactly the sum of its days, whichever path wrote it.

What an answer counts as (a promoter, a satisfied customer, an easy contact, a
feeling) is not decided here: the statement is built from the constants of
`formulas.py`, and the measure columns are its SCORE_FIELDS.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from apps.metrics.formulas import (
    CES_EASY_MIN,
    CSAT_FEELING_ZERO,
    CSAT_SATISFIED_MIN,
    DECIMAL_SCORE_FIELDS,
    FEELING_PLACES,
    NPS_DETRACTOR_MAX,
    NPS_FEELING_STEP,
    NPS_FEELING_ZERO,
    NPS_PROMOTER_MIN,
    PERCEPTION_GAP_MIN,
    SCORE_FIELDS,
)
from apps.metrics.periods import SPANS, period_end
from apps.surveys.models import InvitationStatus, QuestionType, ResponseSource


def _number(value: int | Decimal) -> str:
    """A rule's constant as an SQL literal. Only numbers pass, so nothing but a number reaches a statement."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or not Decimal(value).is_finite():
        raise TypeError(f"not a number for SQL: {value!r}")
    return str(value)


def _word(value: str) -> str:
    """A choice's stored value (a question type) as an SQL string literal; only plain words pass."""
    if not value.isidentifier() or not value.isascii():
        raise ValueError(f"not a plain word for SQL: {value!r}")
    return f"'{value}'"


def _zeros(first: str, last: str, *, named: bool = False) -> str:
    """Zero placeholders for the measures from `first` to `last`, typed like their columns."""
    names = SCORE_FIELDS[SCORE_FIELDS.index(first) : SCORE_FIELDS.index(last) + 1]
    return ", ".join(
        ("0::numeric" if name in DECIMAL_SCORE_FIELDS else "0") + (f" AS {name}" if named else "") for name in names
    )


# The first branch of the UNION names the columns.
_ZEROS_AFTER_ENCOUNTER = _zeros("invitations_delivered", "gap_under", named=True)
_ZEROS_ENCOUNTER = _zeros("encounters", "end_feel_sum")
_ZEROS_AFTER_INVITATION = _zeros("responses", "gap_under")

_NPS, _CSAT, _CES = _word(QuestionType.NPS), _word(QuestionType.CSAT), _word(QuestionType.CES)
_SENT, _ANSWERED = _word(InvitationStatus.SENT), _word(InvitationStatus.ANSWERED)
_INVITED = _word(ResponseSource.INVITED)
_PROMOTER, _DETRACTOR = _number(NPS_PROMOTER_MIN), _number(NPS_DETRACTOR_MAX)
_SATISFIED, _EASY = _number(CSAT_SATISFIED_MIN), _number(CES_EASY_MIN)
_GAP = _number(PERCEPTION_GAP_MIN)

# Only constants are interpolated into the SQL (the rules of formulas.py through _number, the question
# types through _word); every value is a query parameter.
_FACTS = f"""
    SELECT (e.occurred_at AT TIME ZONE %(tz)s)::date AS day, e.touchpoint_id, c.persona_id, c.segment_id,
           e.logged_by_id AS employee_id, e.location_id,
           1 AS encounters, e.raised_to_management::int AS encounters_raised,
           (e.peak_feeling IS NOT NULL)::int AS peak_feel_n, COALESCE(e.peak_feeling, 0) AS peak_feel_sum,
           (e.end_feeling IS NOT NULL)::int AS end_feel_n, COALESCE(e.end_feeling, 0) AS end_feel_sum,
           {_ZEROS_AFTER_ENCOUNTER}
    FROM encounters_encounter e JOIN customers_customer c ON c.id = e.customer_id
    WHERE {{encounter_filter}}
  UNION ALL
    SELECT (i.sent_at AT TIME ZONE %(tz)s)::date, i.touchpoint_id, c.persona_id, c.segment_id, e.logged_by_id,
           e.location_id,
           {_ZEROS_ENCOUNTER}, 1, (i.answered_at IS NOT NULL)::int, {_ZEROS_AFTER_INVITATION}
    FROM surveys_invitation i JOIN customers_customer c ON c.id = i.customer_id
         LEFT JOIN encounters_encounter e ON e.id = i.encounter_id
    WHERE i.sent_at IS NOT NULL AND i.status IN ({_SENT}, {_ANSWERED}) AND {{invitation_filter}}
  UNION ALL
    SELECT (s.submitted_at AT TIME ZONE %(tz)s)::date, s.touchpoint_id, c.persona_id, c.segment_id, e.logged_by_id,
           e.location_id,
           {_ZEROS_ENCOUNTER}, 0, 0, 1,
           a.nps_n, a.nps_promoters, a.nps_detractors, a.csat_n, a.csat_satisfied, a.ces_n, a.ces_sum, a.ces_easy,
           (f.feel IS NOT NULL)::int, COALESCE(f.feel, 0),
           (f.feel IS NOT NULL AND e.end_feeling IS NOT NULL)::int,
           CASE WHEN f.feel IS NOT NULL AND e.end_feeling IS NOT NULL THEN e.end_feeling ELSE 0 END,
           CASE WHEN f.feel IS NOT NULL AND e.end_feeling IS NOT NULL THEN f.feel ELSE 0 END,
           (f.feel IS NOT NULL AND e.end_feeling IS NOT NULL AND e.end_feeling - f.feel >= {_GAP})::int,
           (f.feel IS NOT NULL AND e.end_feeling IS NOT NULL AND e.end_feeling - f.feel <= -{_GAP})::int
    FROM surveys_response s JOIN customers_customer c ON c.id = s.customer_id
         LEFT JOIN encounters_encounter e ON e.id = s.encounter_id
         CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE a.type = {_NPS} AND a.score IS NOT NULL) AS nps_n,
                   count(*) FILTER (WHERE a.type = {_NPS} AND a.score >= {_PROMOTER}) AS nps_promoters,
                   count(*) FILTER (WHERE a.type = {_NPS} AND a.score <= {_DETRACTOR}) AS nps_detractors,
                   count(*) FILTER (WHERE a.type = {_CSAT} AND a.score IS NOT NULL) AS csat_n,
                   count(*) FILTER (WHERE a.type = {_CSAT} AND a.score >= {_SATISFIED}) AS csat_satisfied,
                   count(*) FILTER (WHERE a.type = {_CES} AND a.score IS NOT NULL) AS ces_n,
                   COALESCE(sum(a.score) FILTER (WHERE a.type = {_CES}), 0) AS ces_sum,
                   count(*) FILTER (WHERE a.type = {_CES} AND a.score >= {_EASY}) AS ces_easy,
                   avg(a.score) FILTER (WHERE a.type = {_CSAT}) AS csat_mean,
                   avg(a.score) FILTER (WHERE a.type = {_NPS}) AS nps_mean
            FROM surveys_answer a WHERE a.response_id = s.id
         ) a
         CROSS JOIN LATERAL (
            SELECT round(CASE WHEN a.csat_mean IS NOT NULL THEN a.csat_mean - {_number(CSAT_FEELING_ZERO)}
                              WHEN a.nps_mean IS NOT NULL
                              THEN (a.nps_mean - {_number(NPS_FEELING_ZERO)}) / {_number(NPS_FEELING_STEP)}
                         END, {_number(FEELING_PLACES)}) AS feel
         ) f
    WHERE s.source = {_INVITED} AND {{response_filter}}
"""  # noqa: S608

_COLUMNS = ", ".join(SCORE_FIELDS)
_SUMS = ", ".join(f"sum({measure})" for measure in SCORE_FIELDS)

# Each grain read from the source rows, by its GROUPING(persona_id, segment_id, employee_id, location_id):
# a bit mask of the columns left out of its set (8 persona, 4 segment, 2 employee, 1 location).
_SOURCE_GRAINS = {
    15: ("tp", "touchpoint_id"),
    3: ("aud", "touchpoint_id, persona_id, segment_id"),
    13: ("staff", "touchpoint_id, employee_id"),
    14: ("tpl", "touchpoint_id, location_id"),
    12: ("stfl", "touchpoint_id, employee_id, location_id"),
}
_GRAIN_OF_SET = " ".join(f"WHEN {mask} THEN '{grain}'" for mask, (grain, _kept) in _SOURCE_GRAINS.items())
_SETS = ", ".join(f"(day, {kept})" for _grain, kept in _SOURCE_GRAINS.values())

_INSERT = f"""
    INSERT INTO metrics_dailyrollup
        (day, grain, touchpoint_id, persona_id, segment_id, employee_id, location_id, {_COLUMNS})
    SELECT day,
           CASE GROUPING(persona_id, segment_id, employee_id, location_id) {_GRAIN_OF_SET} END,
           touchpoint_id,
           persona_id, segment_id, employee_id, location_id, {_SUMS}
    FROM ({_FACTS}) facts
    GROUP BY GROUPING SETS ({_SETS})
"""  # noqa: S608

_IN_BUCKETS = "({column} = ANY(%(touchpoints)s) OR (%(with_null)s AND {column} IS NULL))"


@dataclass(frozen=True)
class DayBuckets:
    """The touchpoints of one local day whose roll-ups are recomputed together."""

    day: dt.date
    touchpoint_ids: tuple[int, ...]
    with_null: bool


# Grain without a touchpoint -> (the daily grain it sums over every touchpoint, the dimension columns it keeps).
DERIVED_GRAINS: dict[str, tuple[str, tuple[str, ...]]] = {
    "co": ("tp", ()),
    "ps": ("aud", ("persona_id", "segment_id")),
    "emp": ("staff", ("employee_id",)),
    "loc": ("tpl", ("location_id",)),
    "empl": ("stfl", ("employee_id", "location_id")),
}
_DERIVED_NAMES = tuple(DERIVED_GRAINS)
_DIMENSIONS = ("touchpoint_id", "persona_id", "segment_id", "employee_id", "location_id")


def _derive_days_sql(*, day_filter: str) -> str:
    branches = []
    for grain, (source, kept) in DERIVED_GRAINS.items():
        columns = ", ".join(column if column in kept else "NULL::integer" for column in _DIMENSIONS)
        group = ", ".join(("day", *kept))
        branches.append(
            f"SELECT day, '{grain}'::varchar, {columns}, {_SUMS} FROM metrics_dailyrollup "  # noqa: S608
            f"WHERE grain = '{source}' AND {day_filter} GROUP BY {group}"
        )
    return f"INSERT INTO metrics_dailyrollup (day, grain, {', '.join(_DIMENSIONS)}, {_COLUMNS}) " + " UNION ALL ".join(
        branches
    )


# A period's first day (periods.period_start in SQL; a test holds the two equal): date_trunc on a
# timestamp without time zone, so the session's zone plays no part.
_PERIOD_START = "date_trunc(%(span)s, day::timestamp)::date"


def _derive_periods_sql(*, bucket_filter: str) -> str:
    dimensions = ", ".join(_DIMENSIONS)
    return f"""
        INSERT INTO metrics_periodrollup (span, day, grain, {dimensions}, {_COLUMNS})
        SELECT %(span)s, {_PERIOD_START}, grain, {dimensions}, {_SUMS}
        FROM metrics_dailyrollup
        WHERE {bucket_filter}
        GROUP BY 2, 3, 4, 5, 6, 7, 8
    """  # noqa: S608


def rollup_rebuild_all(*, time_zone: str) -> int:
    """Replace every roll-up row with one computed from all source rows. Returns rows written."""
    sql = _INSERT.format(encounter_filter="TRUE", invitation_filter="TRUE", response_filter="TRUE")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM metrics_dailyrollup")
        cursor.execute("DELETE FROM metrics_periodrollup")
        cursor.execute(sql, {"tz": time_zone})
        written = cursor.rowcount
    return written + rollup_derive_all()


def rollup_derive_all() -> int:
    """(Re)write every derived row (grains without a touchpoint, weeks, months) from the daily rows."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM metrics_dailyrollup WHERE grain = ANY(%s)", [list(_DERIVED_NAMES)])
        cursor.execute("DELETE FROM metrics_periodrollup")
        cursor.execute(_derive_days_sql(day_filter="TRUE"))
        written = cursor.rowcount
        for span in SPANS:
            cursor.execute(_derive_periods_sql(bucket_filter="TRUE"), {"span": span})
            written += cursor.rowcount
    return written


def rollup_derive_days(*, days: list[dt.date]) -> int:
    """Rewrite the grains without a touchpoint of these days from their daily touchpoint rows."""
    params = {"days": days}
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM metrics_dailyrollup WHERE grain = ANY(%(grains)s) AND day = ANY(%(days)s)",
            {**params, "grains": list(_DERIVED_NAMES)},
        )
        cursor.execute(_derive_days_sql(day_filter="day = ANY(%(days)s)"), params)
        return cursor.rowcount


def rollup_derive_periods(*, span: str, starts: list[dt.date], touchpoint_ids: list[int], with_null: bool) -> int:
    """Rewrite these weeks or months from their days: the touchpoints' rows and every grain without one."""
    if not starts:
        return 0
    params = {
        "span": span,
        "starts": starts,
        "first": min(starts),
        "last": period_end(max(starts), span),
        "touchpoints": touchpoint_ids,
        "with_null": with_null,
        "derived": list(_DERIVED_NAMES),
    }
    buckets = "(grain = ANY(%(derived)s) OR " + _IN_BUCKETS.format(column="touchpoint_id") + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM metrics_periodrollup WHERE span = %(span)s AND day = ANY(%(starts)s) AND " + buckets,  # noqa: S608
            params,
        )
        cursor.execute(
            _derive_periods_sql(
                bucket_filter=f"day >= %(first)s AND day <= %(last)s AND {_PERIOD_START} = ANY(%(starts)s) AND "
                + buckets
            ),
            params,
        )
        return cursor.rowcount


def rollup_rebuild_day(*, buckets: DayBuckets, time_zone: str) -> int:
    """Replace the roll-up rows of some touchpoints on one local day. Returns rows written."""
    zone = ZoneInfo(time_zone)
    start = dt.datetime.combine(buckets.day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(buckets.day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    params = {
        "tz": time_zone,
        "day": buckets.day,
        "start": start,
        "end": end,
        "touchpoints": list(buckets.touchpoint_ids),
        "with_null": buckets.with_null,
    }
    sql = _INSERT.format(
        encounter_filter="e.occurred_at >= %(start)s AND e.occurred_at < %(end)s AND "
        + _IN_BUCKETS.format(column="e.touchpoint_id"),
        invitation_filter="i.sent_at >= %(start)s AND i.sent_at < %(end)s AND "
        + _IN_BUCKETS.format(column="i.touchpoint_id"),
        response_filter="s.submitted_at >= %(start)s AND s.submitted_at < %(end)s AND "
        + _IN_BUCKETS.format(column="s.touchpoint_id"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM metrics_dailyrollup WHERE day = %(day)s AND "  # noqa: S608
            + _IN_BUCKETS.format(column="touchpoint_id"),
            params,
        )
        cursor.execute(sql, params)
        return cursor.rowcount
