"""The dashboard, path and touchpoint pages' essential reads by hand: hand-written SQL, json.dumps.

The floor for those pages (issue 11): the same figures each page shows (period totals and the
previous period's, the chart points, the maturity evidence of each touchpoint, cases, raised
encounters, personas and segments...), computed with as few SQL statements as the data allows
and returned as JSON, with no ORM, forms or templates. The level rule, the score formulas and
the split of a period into whole months, whole weeks and days (`_cover`) are the product's own
pure functions (no SQL in them). Served only by the bench settings.

Each read uses the cheapest roll-up rows the product's reads use: the company-wide grain ('co')
for the company's series and the persona and segment grain ('ps') for its audience cuts; the
month and week rows (metrics_periodrollup) for the whole months and weeks of a period's sums.
"""

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone

from apps.maturity.rules import Level, MaturityThresholds, TouchpointEvidence, maturity_rollup, touchpoint_maturity
from apps.metrics.formulas import Scores
from apps.metrics.selectors import _cover

PERIOD_DAYS = 90
SUMS = (
    "encounters, encounters_raised, end_feel_n, end_feel_sum, invitations_delivered, invitations_answered, "
    "responses, nps_n, nps_promoters, nps_detractors, csat_n, csat_satisfied, ces_n, ces_sum, ces_easy, "
    "feel_n, feel_sum"
)
SUM_NAMES = [name.strip() for name in SUMS.split(",")]
SUM_SQL = ", ".join(f"SUM({name})" for name in SUM_NAMES)
SUM_SQL_NAMED = ", ".join(f"SUM({name}) AS {name}" for name in SUM_NAMES)


def _rows(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _scores(values: tuple[Any, ...]) -> Scores:
    return Scores.from_mapping(dict(zip(SUM_NAMES, values, strict=True)))


def _figures(scores: Scores) -> dict[str, Any]:
    return {
        "nps": scores.nps,
        "nps_n": scores.nps_n,
        "csat": scores.csat,
        "ces": scores.ces,
        "response_rate": scores.response_rate,
        "encounters": scores.encounters,
        "feeling": scores.customer_feeling_mean,
    }


def _json(data: Any) -> HttpResponse:
    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        raise TypeError(type(value))

    return HttpResponse(json.dumps(data, default=default), content_type="application/json")


def _period() -> tuple[dt.date, dt.date, dt.date, ZoneInfo]:
    zone = ZoneInfo(connection.tenant.time_zone)
    today = timezone.now().astimezone(zone).date()
    start = today - dt.timedelta(days=PERIOD_DAYS - 1)
    return start - dt.timedelta(days=PERIOD_DAYS), start, today, zone


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def _covered(columns: str, grain: str, start: dt.date, end: dt.date) -> tuple[str, list[Any]]:
    """The roll-up rows of `grain` that add up to start..end: the daily rows of the loose days and
    the month and week rows of the whole months and weeks, as one UNION ALL (SQL and parameters).
    Only fixed column lists go into the SQL; every value is a parameter."""
    days, periods, params_days, params_periods = [], [], [], []
    for piece in _cover(start=start, end=end):
        if piece.span == "day":
            days.append("day BETWEEN %s AND %s")
            params_days += [piece.first, piece.last]
        else:
            periods.append("(span = %s AND day = ANY(%s))")
            params_periods += [piece.span, list(piece.starts)]
    branches, params = [], []
    if days:
        branches.append(f"SELECT {columns} FROM metrics_dailyrollup WHERE grain = %s AND ({' OR '.join(days)})")  # noqa: S608
        params += [grain, *params_days]
    if periods:
        branches.append(
            f"SELECT {columns} FROM metrics_periodrollup WHERE grain = %s AND ({' OR '.join(periods)})"  # noqa: S608
        )
        params += [grain, *params_periods]
    return " UNION ALL ".join(branches), params


def _series(where: str, params: list[Any], *, grain: str = "tp") -> dict[str, Any]:
    """Weekly points of the period, its total and the previous period's: one GROUP BY over daily rows."""
    previous_start, start, end, _zone = _period()
    rows = _rows(
        f"SELECT date_trunc('week', day)::date, day >= %s, {SUM_SQL} FROM metrics_dailyrollup "  # noqa: S608
        f"WHERE grain = %s AND day BETWEEN %s AND %s {where} GROUP BY 1, 2 ORDER BY 1",
        [start, grain, previous_start, end, *params],
    )
    total, previous, points = Scores.zero(), Scores.zero(), []
    for week, current, *values in rows:
        scores = _scores(tuple(values))
        if current:
            total = total + scores
            points.append([week, _figures(scores)])
        else:
            previous = previous + scores
    return {"total": _figures(total), "previous": _figures(previous), "points": points}


def _thresholds() -> MaturityThresholds:
    (row,) = _rows(
        "SELECT window_days, min_answers, max_overdue_cases, rollup_share_percent FROM maturity_maturitysettings"
    )
    return MaturityThresholds(
        window_days=row[0], min_answers=row[1], max_overdue_cases=row[2], rollup_share_percent=row[3]
    )


def _touchpoints(thresholds: MaturityThresholds, where: str, params: list[Any]) -> list[dict[str, Any]]:
    """Each touchpoint with its period scores and its maturity evidence (window scores, late cases): one query."""
    _previous, start, end, zone = _period()
    window_start = end - dt.timedelta(days=thresholds.window_days - 1)
    opened_from, until = _midnight(window_start, zone), _midnight(end + dt.timedelta(days=1), zone)
    period_rows, period_params = _covered(f"touchpoint_id, {SUMS}", "tp", start, end)
    window_rows, window_params = _covered(
        "touchpoint_id, responses, nps_n, nps_promoters, nps_detractors, encounters", "tp", window_start, end
    )
    rows = _rows(
        f"""
        WITH period AS (
            SELECT touchpoint_id, {SUM_SQL_NAMED} FROM ({period_rows}) p GROUP BY 1
        ), window_ AS (
            SELECT touchpoint_id, SUM(responses) AS responses, SUM(nps_n) AS nps_n,
                   SUM(nps_promoters) AS promoters, SUM(nps_detractors) AS detractors, SUM(encounters) AS encounters
            FROM ({window_rows}) w GROUP BY 1
        ), late AS (
            SELECT touchpoint_id, COUNT(*) AS late FROM cases_followupcase
            WHERE touchpoint_id IS NOT NULL AND created_at >= %s AND created_at < %s AND due_at < %s
              AND (LEAST(contacted_at, resolved_at) IS NULL OR LEAST(contacted_at, resolved_at) > due_at)
            GROUP BY 1
        )
        SELECT t.id, t.name, t.owner_id, t.intended_experience, t.target_nps, t.is_end, t.planned_emotion,
               s.id, s.name, p.id, p.name,
               w.responses, w.nps_n, w.promoters, w.detractors, w.encounters, COALESCE(l.late, 0),
               {", ".join(f"pe.{name}" for name in SUM_NAMES)}
        FROM journeys_touchpoint t JOIN journeys_stage s ON s.id = t.stage_id
        JOIN journeys_servicepath p ON p.id = s.path_id
        LEFT JOIN period pe ON pe.touchpoint_id = t.id LEFT JOIN window_ w ON w.touchpoint_id = t.id
        LEFT JOIN late l ON l.touchpoint_id = t.id
        WHERE p.archived_at IS NULL {where}
        ORDER BY p.name, p.id, s.position, t.position
        """,  # noqa: S608 - fixed fragments only
        [*period_params, *window_params, opened_from, until, until, *params],
    )
    result = []
    for row in rows:
        (pk, name, owner_id, intended, target, is_end, planned, stage_id, stage, path_id, path_name) = row[:11]
        responses, nps_n, promoters, detractors, encounters, late = row[11:17]
        nps = round((promoters - detractors) * 100 / nps_n) if nps_n else None
        evidence = TouchpointEvidence(
            on_map=True,
            has_owner=owner_id is not None,
            has_intended_experience=bool(intended.strip()),
            answers_in_window=responses or 0,
            nps=nps,
            target_nps=target,
            overdue_cases=late,
        )
        level = touchpoint_maturity(evidence=evidence, thresholds=thresholds).level
        result.append(
            {
                "id": pk,
                "name": name,
                "stage_id": stage_id,
                "stage": stage,
                "path_id": path_id,
                "path": path_name,
                "owned": owner_id is not None,
                "is_end": is_end,
                "planned": planned,
                "level": int(level),
                "window_encounters": encounters or 0,
                "scores": _figures(period_scores := _scores(tuple(row[17:]))),
                "period_scores": period_scores,
            }
        )
    return result


def _rollup(items: list[dict[str, Any]], thresholds: MaturityThresholds) -> int:
    rollup = maturity_rollup(
        items=[(Level(item["level"]), item["window_encounters"]) for item in items],
        share_percent=thresholds.rollup_share_percent,
    )
    return int(rollup.level)


def _cards(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in item.items() if key != "period_scores"} for item in items]


def _trend(path_id: int | None) -> list[list[Any]]:
    _previous, start, _end, _zone = _period()
    where, params = ("path_id IS NULL", []) if path_id is None else ("path_id = %s", [path_id])
    return [
        list(row)
        for row in _rows(
            f"SELECT taken_on, share_ad_hoc, share_designed, share_managed FROM maturity_maturitysnapshot "  # noqa: S608
            f"WHERE taken_on >= %s AND {where} ORDER BY taken_on",
            [start, *params],
        )
    ]


def _case_counts(where: str, params: list[Any]) -> list[int]:
    (row,) = _rows(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE due_at < now() AND contacted_at IS NULL) "  # noqa: S608
        f"FROM cases_followupcase WHERE status <> 'resolved' {where}",
        params,
    )
    return list(row)


def dashboard_view(request: HttpRequest) -> HttpResponse:
    _previous_start, start, end, zone = _period()
    thresholds = _thresholds()
    touchpoints = _touchpoints(thresholds, "", [])
    paths = _rows("SELECT id, name FROM journeys_servicepath WHERE archived_at IS NULL ORDER BY name, id")
    by_path: dict[int, list[dict[str, Any]]] = {}
    for item in touchpoints:
        by_path.setdefault(item["path_id"], []).append(item)
    cut_rows, cut_params = _covered(f"persona_id, segment_id, {SUMS}", "ps", start, end)
    cuts = _rows(
        f"""SELECT GROUPING(persona_id), persona_id, segment_id, {SUM_SQL} FROM ({cut_rows}) c
        GROUP BY GROUPING SETS ((persona_id), (segment_id))""",  # noqa: S608
        cut_params,
    )
    names = _rows(
        "SELECT 'persona', id, name FROM personas_buyerpersona "
        "UNION ALL SELECT 'segment', id, name FROM customers_segment"
    )
    raised = _rows(
        """SELECT e.id, e.occurred_at, e.note, t.name, c.full_name FROM encounters_encounter e
        LEFT JOIN journeys_touchpoint t ON t.id = e.touchpoint_id LEFT JOIN customers_customer c ON c.id = e.customer_id
        WHERE e.raised_to_management AND e.occurred_at >= %s AND e.occurred_at < %s
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT 6""",
        [_midnight(start, zone), _midnight(end + dt.timedelta(days=1), zone)],
    )
    return _json(
        {
            **_series("", [], grain="co"),
            "maturity": _rollup(touchpoints, thresholds),
            "trend": _trend(None),
            "cases": _case_counts("", []),
            "unowned": [item["name"] for item in touchpoints if not item["owned"]],
            "raised": [list(row) for row in raised],
            "paths": [
                {
                    "id": pk,
                    "name": name,
                    "maturity": _rollup(by_path.get(pk, []), thresholds),
                    "scores": _figures(sum((item["period_scores"] for item in by_path.get(pk, [])), Scores.zero())),
                    "unowned": sum(1 for item in by_path.get(pk, []) if not item["owned"]),
                }
                for pk, name in paths
            ],
            "cuts": [
                [grouping, persona, segment, _figures(_scores(tuple(values)))]
                for grouping, persona, segment, *values in cuts
            ],
            "names": [list(row) for row in names],
        }
    )


def path_view(request: HttpRequest, pk: int) -> HttpResponse:
    found = _rows("SELECT id, name, archived_at FROM journeys_servicepath WHERE id = %s", [pk])
    if not found:
        raise Http404
    thresholds = _thresholds()
    stages = _rows("SELECT id, name FROM journeys_stage WHERE path_id = %s ORDER BY position", [pk])
    touchpoints = _touchpoints(thresholds, "AND p.id = %s", [pk])
    ids = [item["id"] for item in touchpoints]
    return _json(
        {
            "path": list(found[0]),
            **_series(
                "AND touchpoint_id IN (SELECT t.id FROM journeys_touchpoint t JOIN journeys_stage s "
                "ON s.id = t.stage_id WHERE s.path_id = %s)",
                [pk],
            ),
            "maturity": _rollup(touchpoints, thresholds),
            "trend": _trend(pk),
            "cases": _case_counts("AND touchpoint_id = ANY(%s)", [ids]),
            "stages": [
                {
                    "id": stage_id,
                    "name": name,
                    "cards": _cards([item for item in touchpoints if item["stage_id"] == stage_id]),
                }
                for stage_id, name in stages
            ],
        }
    )


def touchpoint_view(request: HttpRequest, pk: int) -> HttpResponse:
    found = _rows("SELECT id, name, target_nps FROM journeys_touchpoint WHERE id = %s", [pk])
    if not found:
        raise Http404
    _previous, start, end, zone = _period()
    since, until = _midnight(start, zone), _midnight(end + dt.timedelta(days=1), zone)
    thresholds = _thresholds()
    touchpoints = _touchpoints(thresholds, "AND t.id = %s", [pk])
    comments = _rows(
        """SELECT a.text, r.submitted_at, r.language,
                  (SELECT n.score FROM surveys_answer n WHERE n.response_id = a.response_id AND n.type = 'nps' LIMIT 1)
        FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
        WHERE a.type = 'text' AND a.text <> '' AND r.touchpoint_id = %s AND r.submitted_at >= %s AND r.submitted_at < %s
        ORDER BY r.submitted_at DESC, a.id DESC LIMIT 10""",
        [pk, since, until],
    )
    cases = _rows(
        """(SELECT c.id, c.created_at, c.reason_code, c.reason_scores, c.reason_text, c.status, c.due_at, cu.full_name,
                   u.full_name
            FROM cases_followupcase c LEFT JOIN customers_customer cu ON cu.id = c.customer_id
            LEFT JOIN accounts_user u ON u.id = c.assignee_id
            WHERE c.touchpoint_id = %s AND c.status <> 'resolved' ORDER BY c.due_at, c.id LIMIT 20)
        UNION ALL
        (SELECT c.id, c.created_at, c.reason_code, c.reason_scores, c.reason_text, c.status, c.due_at, cu.full_name,
                   u.full_name
            FROM cases_followupcase c LEFT JOIN customers_customer cu ON cu.id = c.customer_id
            LEFT JOIN accounts_user u ON u.id = c.assignee_id
            WHERE c.touchpoint_id = %s AND c.status = 'resolved' AND c.created_at >= %s AND c.created_at < %s
            ORDER BY c.created_at DESC, c.id DESC LIMIT 20)""",
        [pk, pk, since, until],
    )
    encounters = _rows(
        """SELECT e.id, e.occurred_at, e.outcome, e.note, cu.full_name, u.full_name FROM encounters_encounter e
        LEFT JOIN customers_customer cu ON cu.id = e.customer_id LEFT JOIN accounts_user u ON u.id = e.logged_by_id
        WHERE e.touchpoint_id = %s AND e.occurred_at >= %s AND e.occurred_at < %s
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT 20""",
        [pk, since, until],
    )
    return _json(
        {
            "touchpoint": list(found[0]),
            **_series("AND touchpoint_id = %s", [pk]),
            "maturity": touchpoints[0]["level"] if touchpoints else None,
            "comments": [list(row) for row in comments],
            "cases": [list(row) for row in cases][:20],
            "case_totals": _case_counts("AND touchpoint_id = %s", [pk]),
            "encounters": [list(row) for row in encounters],
        }
    )


urlpatterns = [
    path("bench/pages/dashboard/", dashboard_view),
    path("bench/pages/paths/<int:pk>/", path_view),
    path("bench/pages/touchpoints/<int:pk>/", touchpoint_view),
]
