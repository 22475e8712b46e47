"""The one SQL statement that turns source rows into roll-up rows.

Both paths use it: the incremental refresh runs it for the (day, touchpoint)
buckets that dirty marks name, the full recompute runs it for everything. Because
it is the same statement with a different WHERE, the two cannot drift apart in how
they count; the identity test checks that no change escapes the marks.

Attribution: an encounter counts on the local day it happened, an invitation on
the day it was delivered (its answered flag follows that cohort, so the response
rate is answered / delivered of the same invitations), a response on the day it
was submitted. Persona and segment are the customer's current ones.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection

MEASURES = (
    "encounters",
    "encounters_raised",
    "peak_feel_n",
    "peak_feel_sum",
    "end_feel_n",
    "end_feel_sum",
    "invitations_delivered",
    "invitations_answered",
    "responses",
    "nps_n",
    "nps_promoters",
    "nps_detractors",
    "csat_n",
    "csat_satisfied",
    "ces_n",
    "ces_sum",
    "ces_easy",
    "feel_n",
    "feel_sum",
    "gap_n",
    "gap_staff_sum",
    "gap_customer_sum",
    "gap_over",
    "gap_under",
)

_DECIMAL_MEASURES = frozenset({"feel_sum", "gap_customer_sum"})


def _zeros(first: str, last: str, *, named: bool = False) -> str:
    """Zero placeholders for the measures from `first` to `last`, typed like their columns."""
    names = MEASURES[MEASURES.index(first) : MEASURES.index(last) + 1]
    return ", ".join(
        ("0::numeric" if name in _DECIMAL_MEASURES else "0") + (f" AS {name}" if named else "") for name in names
    )


# The first branch of the UNION names the columns.
_ZEROS_AFTER_ENCOUNTER = _zeros("invitations_delivered", "gap_under", named=True)
_ZEROS_ENCOUNTER = _zeros("encounters", "end_feel_sum")
_ZEROS_AFTER_INVITATION = _zeros("responses", "gap_under")

# Only constants of this module are interpolated into the SQL; every value is a query parameter.
_FACTS = f"""
    SELECT (e.occurred_at AT TIME ZONE %(tz)s)::date AS day, e.touchpoint_id, c.persona_id, c.segment_id,
           e.logged_by_id AS employee_id,
           1 AS encounters, e.raised_to_management::int AS encounters_raised,
           (e.peak_feeling IS NOT NULL)::int AS peak_feel_n, COALESCE(e.peak_feeling, 0) AS peak_feel_sum,
           (e.end_feeling IS NOT NULL)::int AS end_feel_n, COALESCE(e.end_feeling, 0) AS end_feel_sum,
           {_ZEROS_AFTER_ENCOUNTER}
    FROM encounters_encounter e JOIN customers_customer c ON c.id = e.customer_id
    WHERE {{encounter_filter}}
  UNION ALL
    SELECT (i.sent_at AT TIME ZONE %(tz)s)::date, i.touchpoint_id, c.persona_id, c.segment_id, e.logged_by_id,
           {_ZEROS_ENCOUNTER}, 1, (i.answered_at IS NOT NULL)::int, {_ZEROS_AFTER_INVITATION}
    FROM surveys_invitation i JOIN customers_customer c ON c.id = i.customer_id
         LEFT JOIN encounters_encounter e ON e.id = i.encounter_id
    WHERE i.sent_at IS NOT NULL AND i.status IN ('sent', 'answered') AND {{invitation_filter}}
  UNION ALL
    SELECT (s.submitted_at AT TIME ZONE %(tz)s)::date, s.touchpoint_id, c.persona_id, c.segment_id, e.logged_by_id,
           {_ZEROS_ENCOUNTER}, 0, 0, 1,
           a.nps_n, a.nps_promoters, a.nps_detractors, a.csat_n, a.csat_satisfied, a.ces_n, a.ces_sum, a.ces_easy,
           (f.feel IS NOT NULL)::int, COALESCE(f.feel, 0),
           (f.feel IS NOT NULL AND e.end_feeling IS NOT NULL)::int,
           CASE WHEN f.feel IS NOT NULL AND e.end_feeling IS NOT NULL THEN e.end_feeling ELSE 0 END,
           CASE WHEN f.feel IS NOT NULL AND e.end_feeling IS NOT NULL THEN f.feel ELSE 0 END,
           (f.feel IS NOT NULL AND e.end_feeling IS NOT NULL AND e.end_feeling - f.feel >= 1)::int,
           (f.feel IS NOT NULL AND e.end_feeling IS NOT NULL AND e.end_feeling - f.feel <= -1)::int
    FROM surveys_response s JOIN customers_customer c ON c.id = s.customer_id
         LEFT JOIN encounters_encounter e ON e.id = s.encounter_id
         CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE a.type = 'nps' AND a.score IS NOT NULL) AS nps_n,
                   count(*) FILTER (WHERE a.type = 'nps' AND a.score >= 9) AS nps_promoters,
                   count(*) FILTER (WHERE a.type = 'nps' AND a.score <= 6) AS nps_detractors,
                   count(*) FILTER (WHERE a.type = 'csat' AND a.score IS NOT NULL) AS csat_n,
                   count(*) FILTER (WHERE a.type = 'csat' AND a.score >= 4) AS csat_satisfied,
                   count(*) FILTER (WHERE a.type = 'ces' AND a.score IS NOT NULL) AS ces_n,
                   COALESCE(sum(a.score) FILTER (WHERE a.type = 'ces'), 0) AS ces_sum,
                   count(*) FILTER (WHERE a.type = 'ces' AND a.score >= 5) AS ces_easy,
                   avg(a.score) FILTER (WHERE a.type = 'csat') AS csat_mean,
                   avg(a.score) FILTER (WHERE a.type = 'nps') AS nps_mean
            FROM surveys_answer a WHERE a.response_id = s.id
         ) a
         CROSS JOIN LATERAL (
            SELECT round(CASE WHEN a.csat_mean IS NOT NULL THEN a.csat_mean - 3
                              WHEN a.nps_mean IS NOT NULL THEN (a.nps_mean - 5) / 2.5 END, 4) AS feel
         ) f
    WHERE {{response_filter}}
"""  # noqa: S608

_COLUMNS = ", ".join(MEASURES)
_SUMS = ", ".join(f"sum({measure})" for measure in MEASURES)

# GROUPING(persona_id, segment_id, employee_id) is a bit mask of the columns left out of a set.
_INSERT = f"""
    INSERT INTO metrics_dailyrollup (day, grain, touchpoint_id, persona_id, segment_id, employee_id, {_COLUMNS})
    SELECT day,
           CASE GROUPING(persona_id, segment_id, employee_id) WHEN 7 THEN 'tp' WHEN 1 THEN 'aud' ELSE 'staff' END,
           touchpoint_id,
           persona_id, segment_id, employee_id, {_SUMS}
    FROM ({_FACTS}) facts
    GROUP BY GROUPING SETS (
        (day, touchpoint_id), (day, touchpoint_id, persona_id, segment_id), (day, touchpoint_id, employee_id)
    )
"""  # noqa: S608

_IN_BUCKETS = "({column} = ANY(%(touchpoints)s) OR (%(with_null)s AND {column} IS NULL))"


@dataclass(frozen=True)
class DayBuckets:
    """The touchpoints of one local day whose roll-ups are recomputed together."""

    day: dt.date
    touchpoint_ids: tuple[int, ...]
    with_null: bool


def rollup_rebuild_all(*, time_zone: str) -> int:
    """Replace every roll-up row with one computed from all source rows. Returns rows written."""
    sql = _INSERT.format(encounter_filter="TRUE", invitation_filter="TRUE", response_filter="TRUE")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM metrics_dailyrollup")
        cursor.execute(sql, {"tz": time_zone})
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
