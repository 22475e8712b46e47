"""The floor for the list APIs and the encounter writes: the same work done by hand.

Plain Django views (served only by the bench settings, never by the product's URLconf)
that do what the product's requests must do and nothing else, with hand-written SQL
through the request's connection and `json.dumps`:

- `bench/api/encounters/` and `bench/api/customers/`: the token check (one query),
  the page's count and its 50 rows (each one query), the same JSON as the first page
  of `GET /api/v1/encounters/` and `GET /api/v1/customers/` for the same user
  (tests/bench/test_api_baselines.py compares them on the same data).
- `bench/api/encounters/create/`: the token check, then one statement that checks the
  customer and the touchpoint, inserts the encounter and returns it with its names;
  the same JSON body as `POST /api/v1/encounters/` with a customer id.
- `bench/quick-log/`: the quick-log form's POST (the session user and the CSRF check
  of the middleware), one INSERT ... SELECT that checks the customer and the
  touchpoint, then the redirect back to the form.

Only the first page (`?page=` is not read) and only the happy path: a malformed body
answers 400 without detail.
"""

import datetime as dt
import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

PAGE_SIZE = 50
MANAGER_ROLES = ("admin", "manager")
OUTCOMES = {"resolved", "unresolved", "escalated"}
FEELINGS = {"-2", "-1", "0", "1", "2"}
ZONE = ZoneInfo(settings.TIME_ZONE)

USER_BY_KEY_SQL = """
    SELECT u.id, u.role FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
    WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > now() AND u.is_active
"""

ENCOUNTER_COLUMNS = """
    e.id, e.customer_id, coalesce(nullif(c.full_name, ''), nullif(c.email, ''), nullif(c.phone, ''), '#' || c.id),
    e.touchpoint_id, t.name, s.path_id, e.location_id, l.name, e.logged_by_id, e.occurred_at, e.outcome,
    e.peak_feeling, e.end_feeling, e.note, e.raised_to_management, e.survey_agreed, e.source, e.external_id,
    e.created_at
"""
ENCOUNTER_KEYS = (
    "id",
    "customer",
    "customer_name",
    "touchpoint",
    "touchpoint_name",
    "path",
    "location",
    "location_name",
    "logged_by",
    "occurred_at",
    "outcome",
    "peak_feeling",
    "end_feeling",
    "note",
    "raised_to_management",
    "survey_agreed",
    "source",
    "external_id",
    "created_at",
)
ENCOUNTER_TIMES = (9, 18)

ENCOUNTER_LIST_SQL = f"""
    SELECT {ENCOUNTER_COLUMNS}
    FROM encounters_encounter e
    JOIN customers_customer c ON c.id = e.customer_id
    JOIN journeys_touchpoint t ON t.id = e.touchpoint_id
    JOIN journeys_stage s ON s.id = t.stage_id
    LEFT JOIN locations_location l ON l.id = e.location_id
    WHERE %(all)s OR e.logged_by_id = %(user)s
    ORDER BY e.occurred_at DESC, e.id DESC LIMIT {PAGE_SIZE}
"""  # noqa: S608 - fixed text
ENCOUNTER_COUNT_SQL = "SELECT count(*) FROM encounters_encounter e WHERE %(all)s OR e.logged_by_id = %(user)s"

CUSTOMER_KEYS = (
    "id",
    "full_name",
    "email",
    "phone",
    "phone_normalized",
    "language",
    "segment",
    "persona",
    "persona_name",
    "survey_consent",
    "consent_given_at",
    "consent_source",
    "unsubscribed",
    "unsubscribed_at",
    "sms_stopped",
    "external_id",
    "erased_at",
    "created_at",
    "updated_at",
)
CUSTOMER_TIMES = (10, 13, 16, 17, 18)
CUSTOMER_LIST_SQL = f"""
    SELECT c.id, c.full_name, c.email, c.phone, c.phone_normalized, c.language, g.name, c.persona_id, p.name,
        c.survey_consent, c.consent_given_at, c.consent_source, c.unsubscribed, c.unsubscribed_at, c.sms_stopped,
        c.external_id,
        c.erased_at, c.created_at, c.updated_at
    FROM customers_customer c
    LEFT JOIN customers_segment g ON g.id = c.segment_id
    LEFT JOIN personas_buyerpersona p ON p.id = c.persona_id
    ORDER BY c.full_name, c.email, c.id LIMIT {PAGE_SIZE}
"""  # noqa: S608 - fixed text

# The customer and a touchpoint on a path in use, or no row (then nothing is inserted).
ENCOUNTER_INSERT_SQL = f"""
    WITH e AS (
        INSERT INTO encounters_encounter (
            created_at, updated_at, customer_id, touchpoint_id, logged_by_id, occurred_at, outcome,
            peak_feeling, end_feeling, note, raised_to_management, survey_agreed, source, external_id
        )
        SELECT now(), now(), c.id, t.id, %(user)s, coalesce(%(occurred_at)s, now()), %(outcome)s,
            %(peak)s, %(end)s, %(note)s, %(raised)s, %(agreed)s, %(source)s, ''
        FROM customers_customer c, journeys_touchpoint t
        JOIN journeys_stage s ON s.id = t.stage_id JOIN journeys_servicepath p ON p.id = s.path_id
        WHERE c.id = %(customer)s AND t.id = %(touchpoint)s AND p.archived_at IS NULL
        RETURNING *
    )
    SELECT {ENCOUNTER_COLUMNS}
    FROM e JOIN customers_customer c ON c.id = e.customer_id
    JOIN journeys_touchpoint t ON t.id = e.touchpoint_id JOIN journeys_stage s ON s.id = t.stage_id
    LEFT JOIN locations_location l ON l.id = e.location_id
"""  # noqa: S608 - fixed text
CONSENT_SQL = """
    UPDATE customers_customer SET survey_consent = true, consent_given_at = %(at)s, consent_source = %(source)s,
        updated_at = now()
    WHERE id = %(customer)s AND NOT survey_consent
"""


def _time(value: dt.datetime | None) -> str | None:
    # DRF's DateTimeField: the current time zone, ISO 8601, "Z" for UTC.
    if value is None:
        return None
    text = value.astimezone(ZONE).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _rows(rows: list[tuple[Any, ...]], keys: tuple[str, ...], times: tuple[int, ...]) -> list[dict[str, Any]]:
    results = []
    for row in rows:
        values = list(row)
        for index in times:
            values[index] = _time(values[index])
        results.append(dict(zip(keys, values, strict=True)))
    return results


def _token_user(request: HttpRequest) -> tuple[int, str] | None:
    header = request.headers.get("Authorization", "").split()
    if len(header) != 2 or header[0].lower() not in ("token", "bearer"):
        return None
    with connection.cursor() as cursor:
        cursor.execute(USER_BY_KEY_SQL, [hashlib.sha256(header[1].encode()).hexdigest()])
        return cursor.fetchone()


def _json(data: Any, status: int = 200) -> HttpResponse:
    # DRF's JSONRenderer writes compact UTF-8.
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return HttpResponse(body, content_type="application/json", status=status)


def _page(request: HttpRequest, count: int, results: list[dict[str, Any]]) -> HttpResponse:
    next_url = None
    if count > PAGE_SIZE:
        next_url = request.build_absolute_uri(request.path) + "?page=2"
    return _json({"count": count, "next": next_url, "previous": None, "results": results})


@login_not_required
@require_GET
def encounter_list_view(request: HttpRequest) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _json({"detail": "unauthorised"}, status=401)
    arguments = {"all": user[1] in MANAGER_ROLES, "user": user[0]}
    with connection.cursor() as cursor:
        cursor.execute(ENCOUNTER_COUNT_SQL, arguments)
        count = cursor.fetchone()[0]
        cursor.execute(ENCOUNTER_LIST_SQL, arguments)
        rows = cursor.fetchall()
    return _page(request, count, _rows(rows, ENCOUNTER_KEYS, ENCOUNTER_TIMES))


@login_not_required
@require_GET
def customer_list_view(request: HttpRequest) -> HttpResponse:
    user = _token_user(request)
    if user is None or user[1] not in MANAGER_ROLES:
        return _json({"detail": "forbidden"}, status=403)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_customer")
        count = cursor.fetchone()[0]
        cursor.execute(CUSTOMER_LIST_SQL)
        rows = cursor.fetchall()
    return _page(request, count, _rows(rows, CUSTOMER_KEYS, CUSTOMER_TIMES))


def _feeling(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if str(value) not in FEELINGS:
        raise ValueError(value)
    return int(value)


def _encounter_insert(*, user_id: int, data: dict[str, Any], source: str) -> tuple[Any, ...] | None:
    if data.get("outcome") not in OUTCOMES:
        raise ValueError("outcome")
    occurred_at = dt.datetime.fromisoformat(data["occurred_at"]) if data.get("occurred_at") else None
    arguments = {
        "user": user_id,
        "customer": int(data["customer"]),
        "touchpoint": int(data["touchpoint"]),
        "occurred_at": occurred_at,
        "outcome": data["outcome"],
        "peak": _feeling(data.get("peak_feeling")),
        "end": _feeling(data.get("end_feeling")),
        "note": str(data.get("note") or "").strip()[:2000],
        "raised": data.get("raised_to_management") in (True, "on", "true"),
        "agreed": data.get("survey_agreed") in (True, "on", "true"),
        "source": source,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(ENCOUNTER_INSERT_SQL, arguments)
        row = cursor.fetchone()
        if row is not None and arguments["agreed"]:
            consent_source = "api" if source == "api" else "frontline"
            cursor.execute(CONSENT_SQL, {"at": row[7], "source": consent_source, "customer": row[1]})
    return row


@csrf_exempt
@login_not_required
@require_POST
def encounter_create_view(request: HttpRequest) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _json({"detail": "unauthorised"}, status=401)
    try:
        row = _encounter_insert(user_id=user[0], data=json.loads(request.body), source="api")
    except (ValueError, KeyError, TypeError):
        return _json({"detail": "invalid"}, status=400)
    if row is None:
        return _json({"detail": "invalid"}, status=400)
    return _json(_rows([row], ENCOUNTER_KEYS, ENCOUNTER_TIMES)[0], status=201)


@require_POST
def quick_log_view(request: HttpRequest) -> HttpResponse:
    """The session user (the middleware's) and the CSRF check, as on the quick-log page."""
    try:
        row = _encounter_insert(user_id=request.user.pk, data=request.POST.dict(), source="frontline")
    except (ValueError, KeyError, TypeError):
        return HttpResponse(status=400)
    if row is None:
        return HttpResponse(status=400)
    return HttpResponseRedirect(f"/encounters/log/?touchpoint={row[3]}")


urlpatterns = [
    path("bench/api/encounters/", encounter_list_view),
    path("bench/api/customers/", customer_list_view),
    path("bench/api/encounters/create/", encounter_create_view),
    path("bench/quick-log/", quick_log_view),
]
