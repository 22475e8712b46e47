"""Company dashboard on the roll-ups versus straight from the raw answers, at growing sizes, in one run.

    DATABASE_URL=... python bench/dashboard_rollups.py [--sizes 10000,100000,1000000] [--repeat 15]
        [--response-rate 100] [--locations 50] [--explain] [--json PATH] [--smoke | --chain] [--keep]

For each size, creates a throwaway company schema ("bench_rollups_<size>") with a map
of 3 service paths and 25 touchpoints, 8 personas, 4 segments and 20 staff, and
seeds it with N answered surveys spread over the last 365 days, each with its
encounter, its delivered invitation and NPS, CSAT and CES answers; --response-rate
below 100 adds encounters whose invitations were never answered (30 writes 3.3 times
the encounters and invitations, and seeds that much slower). Rows are written with
set-based SQL (INSERT ... SELECT over generate_series), with the roll-up triggers and
every index and foreign key on, as a bulk import would write them: a million
answered surveys took three and a half minutes on 2 cores shared with other work.

Each company gets the nightly full recompute (seconds and roll-up rows written) and
a check that the company dashboard's reads give the same counts on the roll-ups and
from the raw answers: the total of the last 90 days, the same cut by path and by
touchpoint, the weekly series of a year, a persona's total and the cuts by persona
and by segment, through the metrics selectors, and as plain GROUP BYs over
surveys_response and surveys_answer (the raw baseline). Then the reads are timed
with every size alive at once, the sizes taking turns in each of --repeat rounds
(medians). The figure of issue 11 is the dashboard at the largest size against the
same at the smallest (bar <= 1.3x). Then the incremental path per size: 100 new
answers (with their encounters and invitations) and one `metrics_refresh_dirty()`,
--repeat times, deleted again afterwards. At the largest size it also measures what
the dirty-mark triggers add to a bulk insert (the same batch with the triggers
disabled, both inside rolled-back transactions).

--locations N: a chain of N locations in five regions; every encounter happens at one of
the up to three stations its employee works at. The same dashboard reads are then also timed cut by one
location (and a region's total), on the roll-ups and from the raw answers joined to
their encounters.

--chain: the chain size of issue 14, 50 locations at 10,000, 200,000 and 1,000,000 answers,
5 rounds (the same as "--sizes 10000,200000,1000000 --locations 50 --repeat 5"). Seeding the
million takes about a quarter of an hour on 2 shared cores (progress per 100,000), the whole
run about 40 minutes; never part of `bench/run.py --smoke`.

--smoke: 1,000 vs 10,000 answers, 5 rounds, no trigger test (well under a minute).
--explain: EXPLAIN (ANALYZE, BUFFERS) of each read's roll-up statements at each size,
summarised in the table (rows returned by the scans, buffers, ms), the plans written
next to the JSON.

Prints the tables, writes the figures as JSON under bench/results/ (and to --json),
and drops the schemas unless --keep. Schemas left by an earlier --keep run are
dropped first.
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.local")
# Measure without the debug cursor that records every query, as in production.
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from apps.accounts.models import Role, Team, User  # noqa: E402
from apps.customers.models import Segment  # noqa: E402
from apps.demo.seeds.customers import FIRST_NAMES, LAST_NAMES  # noqa: E402
from apps.journeys.models import ServicePath, Stage, Touchpoint  # noqa: E402
from apps.locations.models import Location, Region  # noqa: E402
from apps.metrics.formulas import Scores  # noqa: E402
from apps.metrics.selectors import MetricFilter, scores_by, scores_series, scores_total  # noqa: E402
from apps.metrics.services import metrics_recompute_full, metrics_refresh_dirty  # noqa: E402
from apps.personas.models import BuyerPersona  # noqa: E402
from apps.surveys.models import Question, QuestionType, Survey  # noqa: E402
from apps.tenants.models import Tenant  # noqa: E402

SCHEMA = "bench_rollups"
TIME_ZONE = "Europe/Helsinki"
DAYS = 365
WINDOW_DAYS = 90
INCREMENT = 100
CHUNK = 100_000  # answered surveys per seeding transaction
CUSTOMER_VISITS = 5  # encounters per customer over the year, on average
TRIGGER_BATCH = 20_000
TRIGGER_TRIALS = 3
RESULTS = Path(__file__).resolve().parent / "results"
SOURCE_TABLES = ("encounters_encounter", "surveys_invitation", "surveys_response", "surveys_answer")
ROLLUP_TABLES = ("metrics_dailyrollup", "metrics_periodrollup")
RAW_ROUNDS = 5
GROWTH_BAR = 1.3  # issue 11: the dashboard at the largest size may take at most 1.3 times the smallest

# (path, [(stage, [touchpoint, ...]), ...]): 25 touchpoints of a vehicle inspection chain.
MAP = [
    (
        "Määräaikaiskatsastus",
        [
            ("Ajanvaraus", ["Muistutus katsastuksesta", "Verkkoajanvaraus", "Puhelinvaraus"]),
            ("Saapuminen", ["Pysäköinti", "Vastaanotto", "Odotustila"]),
            ("Katsastus", ["Tarkastus", "Tulosten kertominen", "Maksu"]),
            ("Jälkihoito", ["Kuitti sähköpostiin", "Jälkitarkastus"]),
        ],
    ),
    (
        "Rekisteröinti",
        [
            ("Asiointi", ["Verkkopalvelu", "Palvelupiste", "Asiakirjat"]),
            ("Käsittely", ["Käsittelyaika", "Lisäselvitys"]),
            ("Päätös", ["Päätöskirje", "Rekisterikilvet"]),
        ],
    ),
    (
        "Reklamaatio",
        [
            ("Yhteydenotto", ["Palautelomake", "Puhelu asiakaspalveluun"]),
            ("Selvitys", ["Käsittelijän soitto", "Uusintatarkastus"]),
            ("Ratkaisu", ["Hyvitys", "Päätös sähköpostiin", "Seurantasoitto"]),
        ],
    ),
]
PERSONAS = [
    "Kiireinen perheellinen",
    "Eläkeläinen",
    "Nuori autoilija",
    "Yrittäjä",
    "Kalustopäällikkö",
    "Harrastaja",
    "Maahanmuuttaja",
    "Ensikertalainen",
]
SEGMENTS = ["kuluttaja", "yritys", "julkinen", "kumppani"]
TEAMS = ["Helsinki", "Espoo", "Tampere", "Asiakaspalvelu"]
STAFF = 20


@dataclass(frozen=True)
class World:
    """The ids the generated rows point to; the pools repeat ids to weight them."""

    survey_id: int
    questions: dict[str, int]
    touchpoint_pool: list[int]
    staff_pool: list[int]
    persona_pool: list[int]
    segment_pool: list[int]
    persona_id: int  # the persona the filtered read looks at
    location_pool: list[int] = field(default_factory=list)  # the chain's stations; empty: no locations
    location_id: int | None = None  # the location the cut reads look at
    region_id: int | None = None  # the region the cut region read looks at


@dataclass
class SizeResult:
    answers: int
    rows: dict[str, int] = field(default_factory=dict)
    seed_seconds: float = 0.0
    dirty_marks: int = 0
    recompute_seconds: float = 0.0
    rollup_rows: int = 0
    rollup_ms: dict[str, float] = field(default_factory=dict)
    raw_ms: dict[str, float] = field(default_factory=dict)
    dashboard_rollup_ms: float = 0.0
    dashboard_raw_ms: float = 0.0
    # The same dashboard reads cut by one location (with --locations).
    cut_rollup_ms: float = 0.0
    cut_raw_ms: float = 0.0
    insert_100_ms: float = 0.0
    refresh_ms: float = 0.0
    refresh_buckets: float = 0.0
    explain: dict[str, dict[str, float]] = field(default_factory=dict)


# --- seeding -----------------------------------------------------------------------------------


def _chain_create(*, locations: int) -> tuple[list[int], int | None, int | None]:
    """`locations` stations in five regions; the station and the region the cut reads look at."""
    if not locations:
        return [], None, None
    regions = [
        Region.objects.create(name=name)
        for name in ("Uusimaa", "Pirkanmaa", "Varsinais-Suomi", "Pohjois-Pohjanmaa", "Lappi")
    ]
    stations = [
        Location.objects.create(
            name=f"Asema {number + 1}", code=f"AS{number + 1}", region=regions[number % len(regions)]
        )
        for number in range(locations)
    ]
    return [station.pk for station in stations], stations[0].pk, regions[0].pk


def world_create(*, locations: int = 0) -> World:
    """The map, the audience, the staff and the survey, written through the ORM (a few dozen rows)."""
    random = Random(25)
    teams = [Team.objects.create(name=name) for name in TEAMS]
    staff = []
    for number in range(STAFF):
        user = User(
            email=f"staff{number + 1}@bench.example",
            full_name=f"{random.choice(FIRST_NAMES)} {random.choice(LAST_NAMES)}",
            role=Role.FRONTLINE,
            team=teams[number % len(teams)],
        )
        user.set_unusable_password()
        staff.append(user)
    staff = User.objects.bulk_create(staff)
    touchpoints = []
    for path_name, stages in MAP:
        path = ServicePath.objects.create(name=path_name)
        for stage_position, (stage_name, names) in enumerate(stages, start=1):
            stage = Stage.objects.create(path=path, name=stage_name, position=stage_position)
            for position, name in enumerate(names, start=1):
                touchpoints.append(
                    Touchpoint.objects.create(
                        stage=stage,
                        position=position,
                        name=name,
                        owner=random.choice(staff),
                        intended_experience=f"{name}: sujuvaa ja selkeää.",
                        target_nps=30,
                    )
                )
    personas = [BuyerPersona.objects.create(name=name) for name in PERSONAS]
    segments = [Segment.objects.create(name=name) for name in SEGMENTS]
    survey = Survey.objects.create(name="Käyntikysely", title_fi="Miten onnistuimme?", title_en="How did we do?")
    questions = {
        kind: Question.objects.create(survey=survey, position=position, type=kind, text_fi=kind, text_en=kind).pk
        for position, kind in enumerate((QuestionType.NPS, QuestionType.CSAT, QuestionType.CES), start=1)
    }
    location_pool, location_id, region_id = _chain_create(locations=locations)
    # Busy touchpoints and quiet ones, a few very active employees, a dominant persona and segment.
    return World(
        location_pool=location_pool,
        location_id=location_id,
        region_id=region_id,
        survey_id=survey.pk,
        questions=questions,
        touchpoint_pool=[tp.pk for tp in touchpoints for _ in range(random.randint(1, 12))],
        staff_pool=[user.pk for user in staff for _ in range(random.randint(1, 5))],
        persona_pool=[persona.pk for index, persona in enumerate(personas) for _ in range(8 - index)],
        segment_pool=[segment.pk for index, segment in enumerate(segments) for _ in range((4 - index) ** 2)],
        persona_id=personas[1].pk,
    )


_CUSTOMERS_SQL = """
    INSERT INTO customers_customer (
        created_at, updated_at, full_name, email, phone, phone_normalized, language, survey_consent,
        consent_given_at, consent_source, unsubscribed, sms_stopped, external_id, persona_id, segment_id)
    SELECT %(created)s, %(created)s, first || ' ' || last,
           lower(translate(first || '.' || last, 'äöå', 'aoa')) || '.' || g || '@example.fi',
           '040 ' || lpad(g::text, 7, '0'), '+35840' || lpad(g::text, 7, '0'), language, TRUE,
           %(created)s, 'frontline', FALSE, FALSE, '', persona_id, segment_id
    FROM (
        SELECT g,
               (%(first_names)s::text[])[1 + floor(random() * cardinality(%(first_names)s::text[]))::int] AS first,
               (%(last_names)s::text[])[1 + floor(random() * cardinality(%(last_names)s::text[]))::int] AS last,
               CASE WHEN random() < 0.85 THEN 'fi' ELSE 'en' END AS language,
               CASE WHEN random() < 0.88 THEN
                   (%(personas)s::bigint[])[1 + floor(random() * cardinality(%(personas)s::bigint[]))::int]
               END AS persona_id,
               CASE WHEN random() < 0.93 THEN
                   (%(segments)s::bigint[])[1 + floor(random() * cardinality(%(segments)s::bigint[]))::int]
               END AS segment_id
        FROM generate_series(%(first)s, %(last)s) g
    ) picked
"""

# When an encounter happened: business hours of a day in a slice of the year before today, or the last day.
_OCCURRED_YEAR = (
    "((%(first_day)s::date + %(day_from)s + floor(d.r_day * %(day_span)s)::int) + time '07:30'"
    " + d.r_when * interval '11 hours') AT TIME ZONE %(tz)s"
)
_OCCURRED_RECENT = "%(now)s - interval '3 hours' - d.r_when * interval '21 hours'"

# One row per encounter: answered ones get a response id, their scores and answers. Scores lean on
# the touchpoint (some do better than others); CSAT and CES follow NPS with noise; some answers are
# skipped; the staff's reading of the customer's feeling follows what the customer felt, with noise.
_CHAINS_SQL = """
    CREATE TEMP TABLE bench_chain ON COMMIT DROP AS
    WITH draw AS MATERIALIZED (
        SELECT g <= %(answered)s AS answered,
               random() AS r_day, random() AS r_when, random() AS r_tp, random() AS r_staff,
               random() AS r_customer, random() AS r_nps, random() AS r_csat, random() AS r_ces,
               random() AS r_skip, random() AS r_peak, random() AS r_end, random() AS r_outcome,
               random() AS r_delay, random() AS r_location
        FROM generate_series(1, %(total)s) g
    ), placed AS MATERIALIZED (
        SELECT d.*,
               (%(touchpoints)s::bigint[])[1 + floor(d.r_tp * cardinality(%(touchpoints)s::bigint[]))::int]
                   AS touchpoint_id,
               (%(staff)s::bigint[])[1 + floor(d.r_staff * cardinality(%(staff)s::bigint[]))::int] AS employee_id,
               1 + floor(d.r_customer * %(customers)s)::int AS customer_k,
               {occurred_at} AS occurred_at
        FROM draw d
    ), scored AS MATERIALIZED (
        SELECT p.*,
               least(10, floor(11 * power(p.r_nps, 0.3 + 0.045 * ((p.touchpoint_id * 37) %% 11))))::int AS nps
        FROM placed p
    ), answered AS MATERIALIZED (
        SELECT s.*,
               CASE WHEN s.r_skip >= 0.1
                    THEN greatest(1, least(5, round(1 + s.nps * 0.4 + (s.r_csat - 0.5) * 1.6)))::int END AS csat,
               CASE WHEN s.r_skip < 0.1 OR s.r_skip >= 0.25
                    THEN greatest(1, least(7, round(1.5 + s.nps * 0.5 + (s.r_ces - 0.5) * 2)))::int END AS ces
        FROM scored s
    ), timed AS MATERIALIZED (
        SELECT a.answered, a.touchpoint_id, a.employee_id, c.id AS customer_id, c.language, a.occurred_at,
               -- Each employee works at up to three neighbouring stations of the chain.
               CASE WHEN cardinality(%(locations)s::bigint[]) > 0 THEN (%(locations)s::bigint[])[
                   1 + (a.employee_id * 5 + floor(a.r_location * 3)::int) %% cardinality(%(locations)s::bigint[])
               ] END AS location_id,
               a.nps, a.csat, a.ces,
               CASE WHEN a.r_outcome < 0.85 THEN 'resolved' WHEN a.r_outcome < 0.95 THEN 'unresolved'
                    ELSE 'escalated' END AS outcome,
               a.r_outcome >= 0.97 AS raised,
               CASE WHEN a.r_peak < 0.5
                    THEN greatest(-2, least(2, round(f.feel + (a.r_peak * 2 - 0.5) * 2.4)))::int END AS peak_feeling,
               CASE WHEN a.r_end < 0.75
                    THEN greatest(-2, least(2, round(f.feel + (a.r_end / 0.75 - 0.5) * 2)))::int END AS end_feeling,
               a.occurred_at + interval '2 hours' AS sent_at,
               least(a.occurred_at + interval '2 hours 3 minutes' + power(a.r_delay, 3) * interval '72 hours', %(now)s)
                   AS submitted_at
        FROM answered a
        JOIN bench_customer c ON c.k = a.customer_k
        CROSS JOIN LATERAL (SELECT coalesce(a.csat - 3, (a.nps - 5) / 2.5) AS feel) f
        ORDER BY a.occurred_at
    )
    -- Ids in time order: the batch's index inserts sweep each index once instead of scattering.
    SELECT timed.*,
           nextval(%(encounter_seq)s::regclass) AS encounter_id,
           nextval(%(invitation_seq)s::regclass) AS invitation_id,
           CASE WHEN timed.answered THEN nextval(%(response_seq)s::regclass) END AS response_id
    FROM timed
"""

_INSERTS_SQL = {
    "encounters_encounter": """
        INSERT INTO encounters_encounter (
            id, created_at, updated_at, occurred_at, outcome, peak_feeling, end_feeling, note,
            raised_to_management, survey_agreed, source, external_id, customer_id, logged_by_id, touchpoint_id,
            location_id)
        SELECT encounter_id, occurred_at, occurred_at, occurred_at, outcome, peak_feeling, end_feeling, '',
               raised, TRUE, 'frontline', '', customer_id, employee_id, touchpoint_id, location_id
        FROM bench_chain ORDER BY encounter_id
    """,
    "surveys_invitation": """
        INSERT INTO surveys_invitation (
            id, created_at, updated_at, language, status, suppression_reason, token_nonce, token_hash,
            sent_at, expires_at, answered_at, customer_id, encounter_id, touchpoint_id, survey_id, channel)
        SELECT invitation_id, occurred_at, CASE WHEN answered THEN submitted_at ELSE sent_at END, language,
               CASE WHEN answered THEN 'answered' ELSE 'sent' END, '',
               'n' || lpad(to_hex(invitation_id), 15, '0') || md5('nonce' || invitation_id),
               'h' || lpad(to_hex(invitation_id), 15, '0') || md5('hash' || invitation_id),
               sent_at, sent_at + interval '14 days', CASE WHEN answered THEN submitted_at END,
               customer_id, encounter_id, touchpoint_id, %(survey)s, 'email'
        FROM bench_chain ORDER BY invitation_id
    """,
    "surveys_response": """
        INSERT INTO surveys_response (
            id, language, submitted_at, customer_id, encounter_id, invitation_id, path_id, touchpoint_id, survey_id,
            source)
        SELECT b.response_id, b.language, b.submitted_at, b.customer_id, b.encounter_id, b.invitation_id,
               st.path_id, b.touchpoint_id, %(survey)s, 'invited'
        FROM bench_chain b
        JOIN journeys_touchpoint t ON t.id = b.touchpoint_id JOIN journeys_stage st ON st.id = t.stage_id
        WHERE b.answered ORDER BY b.response_id
    """,
    "surveys_answer": """
        INSERT INTO surveys_answer (type, score, text, question_id, response_id)
        SELECT 'nps', nps, '', %(q_nps)s, response_id FROM bench_chain WHERE answered
        UNION ALL
        SELECT 'csat', csat, '', %(q_csat)s, response_id FROM bench_chain WHERE answered AND csat IS NOT NULL
        UNION ALL
        SELECT 'ces', ces, '', %(q_ces)s, response_id FROM bench_chain WHERE answered AND ces IS NOT NULL
    """,
}


def _scalar(sql: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def customers_grow(*, target: int, world: World) -> None:
    """Adds customers up to `target` and (re)builds the numbered list the chains pick from."""
    existing = _scalar("SELECT count(*) FROM customers_customer")
    with connection.cursor() as cursor:
        if target > existing:
            cursor.execute(
                _CUSTOMERS_SQL,
                {
                    "created": timezone.now() - dt.timedelta(days=DAYS + 30),
                    "first_names": FIRST_NAMES,
                    "last_names": LAST_NAMES,
                    "personas": world.persona_pool,
                    "segments": world.segment_pool,
                    "first": existing + 1,
                    "last": target,
                },
            )
        cursor.execute("DROP TABLE IF EXISTS bench_customer")
        cursor.execute(
            "CREATE TEMP TABLE bench_customer AS "
            "SELECT row_number() OVER (ORDER BY id)::int AS k, id, language FROM customers_customer"
        )
        cursor.execute("ALTER TABLE bench_customer ADD PRIMARY KEY (k)")
        cursor.execute("ANALYZE bench_customer")


def chains_insert(
    *,
    answered: int,
    unanswered: int,
    world: World,
    seed: float,
    days: tuple[int, int] | None = (0, DAYS),
    timed: dict[str, float] | None = None,
) -> dict[str, int]:
    """Writes `answered` answered surveys and `unanswered` delivered-only invitations, with their encounters.

    The encounters happen on the days `days` (from, span) of the year before today, or
    in the last day when `days` is None. Must run inside a transaction (the staging
    table is dropped on commit). Adds the seconds each table's INSERT took to `timed`.
    Returns the rows written per table.
    """
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        sequences = {}
        for key, table in (
            ("encounter_seq", "encounters_encounter"),
            ("invitation_seq", "surveys_invitation"),
            ("response_seq", "surveys_response"),
        ):
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequences[key] = cursor.fetchone()[0]
        today = now.astimezone(ZoneInfo(TIME_ZONE)).date()
        cursor.execute(
            _CHAINS_SQL.format(occurred_at=_OCCURRED_RECENT if days is None else _OCCURRED_YEAR),
            {
                "answered": answered,
                "total": answered + unanswered,
                "touchpoints": world.touchpoint_pool,
                "staff": world.staff_pool,
                "locations": world.location_pool,
                "customers": _scalar("SELECT count(*) FROM bench_customer"),
                "first_day": today - dt.timedelta(days=DAYS),
                "day_from": days[0] if days else 0,
                "day_span": days[1] if days else 0,
                "tz": TIME_ZONE,
                "now": now,
                **sequences,
            },
        )
        params = {"survey": world.survey_id, **{f"q_{kind}": pk for kind, pk in world.questions.items()}}
        written = {}
        for table, sql in _INSERTS_SQL.items():
            started = time.perf_counter()
            cursor.execute(sql, params if "%(" in sql else None)
            if timed is not None:
                timed[table] = timed.get(table, 0.0) + time.perf_counter() - started
            written[table] = cursor.rowcount
        return written


def seed_to(*, size: int, response_rate: float, world: World, random: Random) -> None:
    """Grows the company to `size` answered surveys.

    A step of more than one transaction writes them a slice of the year at a time, as
    a year of real use would; every slice gets the same density.
    """
    have = _scalar("SELECT count(*) FROM surveys_response")
    missing = size - have
    customers_grow(target=max(500, round(size / response_rate) // CUSTOMER_VISITS), world=world)
    slices = max(1, -(-missing // CHUNK))
    for index in range(slices):
        answered = missing * (index + 1) // slices - missing * index // slices
        unanswered = round(answered / response_rate) - answered
        day_from = DAYS * index // slices
        started = time.perf_counter()
        with transaction.atomic():
            chains_insert(
                answered=answered,
                unanswered=unanswered,
                world=world,
                seed=random.uniform(-1, 1),
                days=(day_from, DAYS * (index + 1) // slices - day_from),
            )
        print(
            f"  +{answered:,} answered surveys, {answered + unanswered:,} encounters "
            f"(slice {index + 1}/{slices}) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )


def vacuum_analyze(tables: tuple[str, ...]) -> None:
    # Autovacuum would get there soon after an import; measure the settled state.
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- the dashboard's reads, on the roll-ups and on the raw tables ------------------------------------

COMPARED = (
    "nps_n",
    "nps_promoters",
    "nps_detractors",
    "csat_n",
    "csat_satisfied",
    "ces_n",
    "ces_sum",
    "ces_easy",
)

_RAW_COUNTS = """
    count(*) FILTER (WHERE a.type = 'nps' AND a.score IS NOT NULL) AS nps_n,
    count(*) FILTER (WHERE a.type = 'nps' AND a.score >= 9) AS nps_promoters,
    count(*) FILTER (WHERE a.type = 'nps' AND a.score <= 6) AS nps_detractors,
    count(*) FILTER (WHERE a.type = 'csat' AND a.score IS NOT NULL) AS csat_n,
    count(*) FILTER (WHERE a.type = 'csat' AND a.score >= 4) AS csat_satisfied,
    count(*) FILTER (WHERE a.type = 'ces' AND a.score IS NOT NULL) AS ces_n,
    COALESCE(sum(a.score) FILTER (WHERE a.type = 'ces'), 0) AS ces_sum,
    count(*) FILTER (WHERE a.type = 'ces' AND a.score >= 5) AS ces_easy
"""
_RAW_FROM = """
    FROM surveys_response s JOIN surveys_answer a ON a.response_id = s.id
    WHERE s.submitted_at >= %(start)s AND s.submitted_at < %(end)s
"""
# key: what the read groups by (NULL for a total); a response counts on the local day it was submitted.
RAW_SQL = {
    "total": f"SELECT NULL AS key, {_RAW_COUNTS} {_RAW_FROM}",
    "path": f"""
        SELECT st.path_id AS key, {_RAW_COUNTS}
        FROM surveys_response s JOIN surveys_answer a ON a.response_id = s.id
             LEFT JOIN journeys_touchpoint t ON t.id = s.touchpoint_id LEFT JOIN journeys_stage st ON st.id = t.stage_id
        WHERE s.submitted_at >= %(start)s AND s.submitted_at < %(end)s
        GROUP BY st.path_id
    """,  # noqa: S608
    "touchpoint": f"SELECT s.touchpoint_id AS key, {_RAW_COUNTS} {_RAW_FROM} GROUP BY s.touchpoint_id",
    "week": f"""
        SELECT date_trunc('week', s.submitted_at AT TIME ZONE %(tz)s)::date AS key, {_RAW_COUNTS} {_RAW_FROM}
        GROUP BY 1
    """,
    "by_persona": f"""
        SELECT c.persona_id AS key, {_RAW_COUNTS}
        FROM surveys_response s JOIN surveys_answer a ON a.response_id = s.id
             JOIN customers_customer c ON c.id = s.customer_id
        WHERE s.submitted_at >= %(start)s AND s.submitted_at < %(end)s
        GROUP BY c.persona_id
    """,  # noqa: S608
    "by_segment": f"""
        SELECT c.segment_id AS key, {_RAW_COUNTS}
        FROM surveys_response s JOIN surveys_answer a ON a.response_id = s.id
             JOIN customers_customer c ON c.id = s.customer_id
        WHERE s.submitted_at >= %(start)s AND s.submitted_at < %(end)s
        GROUP BY c.segment_id
    """,  # noqa: S608
    "persona": f"""
        SELECT NULL AS key, {_RAW_COUNTS}
        FROM surveys_response s JOIN surveys_answer a ON a.response_id = s.id
             JOIN customers_customer c ON c.id = s.customer_id
        WHERE s.submitted_at >= %(start)s AND s.submitted_at < %(end)s AND c.persona_id = %(persona)s
    """,  # noqa: S608
}


@dataclass(frozen=True)
class Read:
    label: str
    filters: MetricFilter
    rollup: Callable[[], dict[Any, Scores]]
    raw: Callable[[], dict[Any, Scores]]


_RAW_ANSWERS = "FROM surveys_response s JOIN surveys_answer a ON a.response_id = s.id"
_RAW_LOCATED = {
    # An answer's location is its encounter's: the raw baseline joins the encounter, as the roll-up does.
    "location": (
        f"{_RAW_ANSWERS} JOIN encounters_encounter e ON e.id = s.encounter_id",
        "WHERE e.location_id = %(location)s AND ",
    ),
    "region": (
        f"{_RAW_ANSWERS} JOIN encounters_encounter e ON e.id = s.encounter_id"
        " JOIN locations_location l ON l.id = e.location_id",
        "WHERE l.region_id = %(region)s AND ",
    ),
}


def _raw_sql(kind: str, filters: MetricFilter) -> str:
    """The raw baseline of a read, narrowed to the filter's location or region (the bench's regions are flat)."""
    sql = RAW_SQL[kind]
    cut = "location" if filters.location_id else "region" if filters.region_id else None
    if cut is None:
        return sql
    joined, where = _RAW_LOCATED[cut]
    return sql.replace(_RAW_ANSWERS, joined).replace("WHERE ", where)


def _raw(kind: str, filters: MetricFilter) -> Callable[[], dict[Any, Scores]]:
    zone = ZoneInfo(TIME_ZONE)
    params = {
        "start": dt.datetime.combine(filters.start, dt.time.min, tzinfo=zone),
        "end": dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
        "tz": TIME_ZONE,
        "persona": filters.persona_id,
        "location": filters.location_id,
        "region": filters.region_id,
    }
    sql = _raw_sql(kind, filters)

    def run() -> dict[Any, Scores]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column.name for column in cursor.description]
            return {row[0]: Scores.from_mapping(dict(zip(names, row, strict=True))) for row in cursor.fetchall()}

    return run


CUT = "@ location: "  # the label prefix of the reads cut by a location


def reads_build(*, world: World) -> list[Read]:
    reads = _dashboard_reads(world=world, location_id=None)
    if world.location_pool:
        # A located view has no persona or segment cut (the roll-ups do not keep one per location).
        reads += [
            replace(read, label=CUT + read.label)
            for read in _dashboard_reads(world=world, location_id=world.location_id)
            if "persona" not in read.label and "segment" not in read.label
        ]
        today = timezone.now().astimezone(ZoneInfo(TIME_ZONE)).date()
        region = MetricFilter(start=today - dt.timedelta(days=WINDOW_DAYS - 1), end=today, region_id=world.region_id)
        reads.append(
            Read(
                CUT + "region total, 90 days",
                region,
                lambda: {None: scores_total(filters=region)},
                _raw("total", region),
            )
        )
    return reads


def _dashboard_reads(*, world: World, location_id: int | None) -> list[Read]:
    today = timezone.now().astimezone(ZoneInfo(TIME_ZONE)).date()
    window = MetricFilter(start=today - dt.timedelta(days=WINDOW_DAYS - 1), end=today, location_id=location_id)
    year = MetricFilter(start=today - dt.timedelta(days=DAYS - 1), end=today, location_id=location_id)
    persona = replace(window, persona_id=world.persona_id)
    return [
        Read("total, 90 days", window, lambda: {None: scores_total(filters=window)}, _raw("total", window)),
        Read("by path, 90 days", window, lambda: scores_by(filters=window, dimension="path"), _raw("path", window)),
        Read(
            "by touchpoint, 90 days",
            window,
            lambda: scores_by(filters=window, dimension="touchpoint"),
            _raw("touchpoint", window),
        ),
        Read(
            "weekly series, 365 days",
            year,
            lambda: {point.period_start: point.scores for point in scores_series(filters=year, interval="week")},
            _raw("week", year),
        ),
        Read(
            "persona total, 90 days", persona, lambda: {None: scores_total(filters=persona)}, _raw("persona", persona)
        ),
        Read(
            "by persona, 90 days",
            window,
            lambda: scores_by(filters=window, dimension="persona"),
            _raw("by_persona", window),
        ),
        Read(
            "by segment, 90 days",
            window,
            lambda: scores_by(filters=window, dimension="segment"),
            _raw("by_segment", window),
        ),
    ]


def _counts(result: dict[Any, Scores]) -> dict[Any, tuple[int, ...]]:
    counts = {key: tuple(getattr(scores, name) for name in COMPARED) for key, scores in result.items()}
    return {key: value for key, value in counts.items() if any(value)}


def reads_check(reads: list[Read]) -> int:
    """Asserts that the roll-ups and the raw tables give the same counts; returns the NPS answers of the window."""
    for read in reads:
        rollup, raw = read.rollup(), read.raw()
        assert _counts(rollup) == _counts(raw), f"{read.label}: roll-ups and raw tables differ:\n{rollup}\n{raw}"
        assert all(rollup[key].nps == scores.nps for key, scores in raw.items()), read.label
    return reads[0].rollup()[None].nps_n


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def reads_time(companies: list["Company"], *, repeat: int) -> None:
    """Median ms of each read and of a whole dashboard (all reads) at each size, on the roll-ups and raw.

    The sizes take turns within every round (forwards, then backwards), so a burst of
    load on the machine falls on all of them alike; the figures are the medians.
    """
    for company in companies:  # warm-up
        with tenant_context(company.tenant):
            for read in company.reads:
                read.rollup()
                read.raw()
    samples = {
        company.result.answers: {"rollup": defaultdict(list), "raw": defaultdict(list), "passes": defaultdict(list)}
        for company in companies
    }
    for round_number in range(repeat):
        order = companies if round_number % 2 == 0 else companies[::-1]
        for company in order:
            with tenant_context(company.tenant):
                _scalar("SELECT 1")  # the schema switch, outside the timings
                mine = samples[company.result.answers]
                # The raw reads (seconds each at a million answers) in the first RAW_ROUNDS rounds only.
                for kind in ("rollup", "raw") if round_number < RAW_ROUNDS else ("rollup",):
                    passed = {False: 0.0, True: 0.0}
                    for read in company.reads:
                        spent = _ms(getattr(read, kind))
                        mine[kind][read.label].append(spent)
                        passed[read.label.startswith(CUT)] += spent
                    mine["passes"][kind].append(passed[False])
                    mine["passes"]["cut_" + kind].append(passed[True])
    for company in companies:
        mine = samples[company.result.answers]
        result = company.result
        result.rollup_ms = {label: statistics.median(values) for label, values in mine["rollup"].items()}
        result.raw_ms = {label: statistics.median(values) for label, values in mine["raw"].items()}
        result.dashboard_rollup_ms = statistics.median(mine["passes"]["rollup"])
        result.dashboard_raw_ms = statistics.median(mine["passes"]["raw"])
        result.cut_rollup_ms = statistics.median(mine["passes"]["cut_rollup"])
        result.cut_raw_ms = statistics.median(mine["passes"]["cut_raw"])


def reads_explain(reads: list[Read], *, out: list[str]) -> dict[str, dict[str, float]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the roll-up statements of each read: rows the scans returned, buffers, ms.

    The statements are captured as the selectors send them; the full plans go to `out`.
    """
    summary = {}
    for read in reads:
        with CaptureQueriesContext(connection) as captured:
            read.rollup()
        rows = buffers = execution = 0.0
        for query in captured.captured_queries:
            if "rollup" not in query["sql"] or not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                out.append(f"-- {read.label}\n{query['sql']}\n" + "\n".join(row[0] for row in cursor.fetchall()))
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            rows += _scanned(plan["Plan"])
            buffers += plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
            execution += plan["Execution Time"]
        summary[read.label] = {"rows_scanned": rows, "buffers": buffers, "execution_ms": execution}
    return summary


def _scanned(node: dict[str, Any]) -> float:
    # A bitmap index scan hands its rows to the heap scan above it: counted once, there.
    scan = "Scan" in node["Node Type"] and node["Node Type"] != "Bitmap Index Scan"
    own = node["Actual Rows"] * node["Actual Loops"] if scan else 0
    return own + sum(_scanned(child) for child in node.get("Plans", []))


# --- the incremental path and the triggers' cost -------------------------------------------------


def incremental_time(*, world: World, rounds: int, random: Random) -> tuple[float, float, float]:
    """Median ms to insert 100 answered surveys and to refresh the roll-ups after them; buckets per refresh.

    Checks the roll-ups against the raw tables afterwards, then deletes the rows
    again (the deletes leave marks too) and refreshes, so the next size starts clean.
    """
    inserts, refreshes, buckets = [], [], []
    ids: dict[str, list[int]] = {"encounter": [], "invitation": [], "response": []}
    for _ in range(rounds):
        started = time.perf_counter()
        with transaction.atomic():
            chains_insert(answered=INCREMENT, unanswered=0, world=world, seed=random.uniform(-1, 1), days=None)
            with connection.cursor() as cursor:
                cursor.execute("SELECT encounter_id, invitation_id, response_id FROM bench_chain")
                for encounter_id, invitation_id, response_id in cursor.fetchall():
                    ids["encounter"].append(encounter_id)
                    ids["invitation"].append(invitation_id)
                    ids["response"].append(response_id)
        inserts.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        buckets.append(metrics_refresh_dirty())
        refreshes.append((time.perf_counter() - started) * 1000)
    assert _scalar("SELECT count(*) FROM metrics_dirtymark") == 0
    reads_check(reads_build(world=world))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_answer WHERE response_id = ANY(%s)", [ids["response"]])
        cursor.execute("DELETE FROM surveys_response WHERE id = ANY(%s)", [ids["response"]])
        cursor.execute("DELETE FROM surveys_invitation WHERE id = ANY(%s)", [ids["invitation"]])
        cursor.execute("DELETE FROM encounters_encounter WHERE id = ANY(%s)", [ids["encounter"]])
    metrics_refresh_dirty()
    return statistics.median(inserts), statistics.median(refreshes), statistics.median(buckets)


def trigger_overhead(*, world: World, answered: int, unanswered: int, random: Random) -> dict[str, Any]:
    """Seconds to insert the same batch with and without the dirty-mark triggers, rolled back each time."""
    samples: dict[str, list[float]] = {"with": [], "without": []}
    for trial in range(TRIGGER_TRIALS):
        seed = random.uniform(-1, 1)
        for mode in ("with", "without") if trial % 2 == 0 else ("without", "with"):
            timed: dict[str, float] = {}
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Foreign keys checked in the statements, not at a commit that never comes.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    if mode == "without":
                        for table in SOURCE_TABLES:
                            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER metrics_mark_ins")
                chains_insert(answered=answered, unanswered=unanswered, world=world, seed=seed, timed=timed)
                transaction.set_rollback(True)
            samples[mode].append(sum(timed.values()))
    with_triggers, without = statistics.median(samples["with"]), statistics.median(samples["without"])
    return {
        "answered": answered,
        "encounters": answered + unanswered,
        "with_triggers_s": with_triggers,
        "without_triggers_s": without,
        "overhead_percent": 100 * (with_triggers - without) / without,
    }


# --- the run ---------------------------------------------------------------------------------------


def _table_counts() -> dict[str, int]:
    return {table: _scalar(f"SELECT count(*) FROM {table}") for table in ("customers_customer", *SOURCE_TABLES)}  # noqa: S608


@dataclass
class Company:
    """One size: its own schema, seeded once and kept while the sizes are timed against each other."""

    tenant: Tenant
    world: World
    reads: list[Read]
    result: SizeResult


def _short(size: int) -> str:
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if size >= unit and size % unit == 0:
            return f"{size // unit:,}{name}"
    return f"{size:,}"


def company_prepare(*, size: int, args: argparse.Namespace, random: Random) -> Company:
    """Creates and seeds the size's company, runs the nightly full recompute and checks the reads."""
    result = SizeResult(answers=size)
    print(f"\n== {size:,} answered surveys (schema {SCHEMA}_{size})", flush=True)
    tenant = Tenant(schema_name=f"{SCHEMA}_{size}", name=f"Roll-up benchmark {size:,}", time_zone=TIME_ZONE)
    tenant.save()
    with tenant_context(tenant):
        world = world_create(locations=args.locations)
        started = time.perf_counter()
        seed_to(size=size, response_rate=args.response_rate / 100, world=world, random=random)
        result.seed_seconds = time.perf_counter() - started
        result.rows = _table_counts()
        result.dirty_marks = _scalar("SELECT count(*) FROM metrics_dirtymark")
        print(f"  seeded in {result.seed_seconds:.1f} s; rows: {result.rows}; dirty marks {result.dirty_marks:,}")
        vacuum_analyze(("customers_customer", *SOURCE_TABLES))
        print("  full recompute...", flush=True)
        run = metrics_recompute_full(trigger="bench")
        result.recompute_seconds = (run.finished_at - run.started_at).total_seconds()
        result.rollup_rows = run.rows
        present = connection.introspection.table_names()
        vacuum_analyze(tuple(table for table in ROLLUP_TABLES if table in present))
        print(f"  full recompute: {result.recompute_seconds:.1f} s, {result.rollup_rows:,} roll-up rows", flush=True)
        reads = reads_build(world=world)
        window_nps = reads_check(reads)
        print(f"  roll-ups and raw tables agree ({window_nps:,} NPS answers in the 90 days)", flush=True)
    return Company(tenant=tenant, world=world, reads=reads, result=result)


def incremental_run(company: Company, *, args: argparse.Namespace, random: Random) -> None:
    result = company.result
    with tenant_context(company.tenant):
        customers_grow(target=0, world=company.world)  # the session's list of customers, for this company
        result.insert_100_ms, result.refresh_ms, result.refresh_buckets = incremental_time(
            world=company.world, rounds=args.repeat, random=random
        )
    print(
        f"  {result.answers:>11,}: insert {result.insert_100_ms:.0f} ms, refresh {result.refresh_ms:.0f} ms "
        f"({result.refresh_buckets:.0f} buckets), {result.refresh_ms / INCREMENT:.2f} ms per answer",
        flush=True,
    )


def _growth(first: float, last: float) -> str:
    return f"x{last / first:.2f}"


def report(results: list[SizeResult], triggers: dict[str, Any] | None, args: argparse.Namespace) -> None:
    print(
        f"\nCompany dashboard ({_plain_reads(results[0])} reads), median of {args.repeat}, sizes timed in turn; "
        f"response rate {args.response_rate:g} %; {os.cpu_count()} cores"
    )
    header = (
        f"{'answers':>11} {'encounters':>11} {'seeded in':>10} {'roll-up rows':>13} {'recompute':>10} "
        f"{'roll-ups':>10} {'raw':>10} {'raw/roll-up':>12} {'refresh/100':>12}"
    )
    print(header)
    for result in results:
        print(
            f"{result.answers:>11,} {result.rows['encounters_encounter']:>11,} {result.seed_seconds:>8.0f} s "
            f"{result.rollup_rows:>13,} "
            f"{result.recompute_seconds:>8.1f} s {result.dashboard_rollup_ms:>7.1f} ms "
            f"{result.dashboard_raw_ms:>7.1f} ms {result.dashboard_raw_ms / result.dashboard_rollup_ms:>11.1f}x "
            f"{result.refresh_ms:>9.0f} ms"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(
            f"{'growth':>11} {_growth(first.answers, last.answers):>11} {'':>10} "
            f"{_growth(first.rollup_rows, last.rollup_rows):>13} "
            f"{_growth(first.recompute_seconds, last.recompute_seconds):>10} "
            f"{_growth(first.dashboard_rollup_ms, last.dashboard_rollup_ms):>10} "
            f"{_growth(first.dashboard_raw_ms, last.dashboard_raw_ms):>10} {'':>12} "
            f"{_growth(first.refresh_ms, last.refresh_ms):>12}   ({first.answers:,} -> {last.answers:,})"
        )
    if any(result.cut_rollup_ms for result in results):
        print(f"\nThe same reads cut by one of {args.locations} locations (and a region's total), median ms:")
        for result in results:
            print(
                f"{result.answers:>11,}  roll-ups {result.cut_rollup_ms:>7.1f} ms  raw {result.cut_raw_ms:>9.1f} ms  "
                f"raw/roll-up {result.cut_raw_ms / result.cut_rollup_ms:>6.1f}x  "
                f"(uncut: roll-ups {result.dashboard_rollup_ms:.1f} ms)"
            )
    print("\nPer read, median ms (roll-ups / raw):")
    labels = list(results[0].rollup_ms)
    for label in labels:
        cells = [f"{result.rollup_ms[label]:.2f} / {result.raw_ms[label]:.1f}" for result in results]
        growth = _growth(results[0].rollup_ms[label], results[-1].rollup_ms[label])
        print(f"  {label:<26} " + " ".join(f"{cell:>18}" for cell in cells) + f"   roll-ups {growth}")
    if any(result.explain for result in results):
        print("\nEXPLAIN ANALYZE of the roll-up statements, per read: rows the scans returned / buffers / ms:")
        for label in labels:
            cells = [
                "{rows_scanned:.0f} / {buffers:.0f} / {execution_ms:.2f}".format(**result.explain[label])
                for result in results
                if result.explain
            ]
            print(f"  {label:<26} " + " ".join(f"{cell:>22}" for cell in cells))
    if triggers:
        print(
            f"\nDirty-mark triggers on a bulk insert of {triggers['answered']:,} answered surveys "
            f"({triggers['encounters']:,} encounters and invitations) into the largest company, median of "
            f"{TRIGGER_TRIALS}: {triggers['with_triggers_s']:.2f} s with, {triggers['without_triggers_s']:.2f} s "
            f"without ({triggers['overhead_percent']:+.0f} %)"
        )


def _plain_reads(result: SizeResult) -> int:
    return sum(1 for label in result.rollup_ms if not label.startswith(CUT))


def figures_build(results: list[SizeResult]) -> list[dict[str, Any]]:
    """The figures of the shared benchmark table: the growth bar first, then each size's own."""
    figures = []
    first, last = results[0], results[-1]
    if len(results) > 1:
        ratio = last.dashboard_rollup_ms / first.dashboard_rollup_ms
        figures.append(
            {
                "name": f"dashboard reads at {_short(last.answers)} vs {_short(first.answers)} answers",
                "value": last.dashboard_rollup_ms,
                "unit": "ms",
                "baseline": first.dashboard_rollup_ms,
                "baseline_name": f"the same reads at {_short(first.answers)} answers",
                "ratio": ratio,
                "bar": f"<= {GROWTH_BAR}x",
                "passed": ratio <= GROWTH_BAR,
                "note": f"{_plain_reads(last)} reads of the company dashboard on the roll-ups, medians, "
                "the sizes timed in turn",
            }
        )
    for result in results:
        figures.append(
            {
                "name": f"dashboard reads on roll-ups at {_short(result.answers)} answers",
                "value": result.dashboard_rollup_ms,
                "unit": "ms",
                "baseline": result.dashboard_raw_ms,
                "baseline_name": "the same counts from the raw answers",
                "ratio": result.dashboard_rollup_ms / result.dashboard_raw_ms,
                "bar": "",
                "passed": None,
                "note": f"raw / roll-ups {result.dashboard_raw_ms / result.dashboard_rollup_ms:.1f}x; "
                f"{result.rollup_rows:,} roll-up rows, full recompute {result.recompute_seconds:.1f} s",
            }
        )
        if result.cut_rollup_ms:
            figures.append(
                {
                    "name": f"dashboard reads cut by a location on roll-ups at {_short(result.answers)} answers",
                    "value": result.cut_rollup_ms,
                    "unit": "ms",
                    "baseline": result.cut_raw_ms,
                    "baseline_name": "the same counts from the raw answers and their encounters",
                    "ratio": result.cut_rollup_ms / result.cut_raw_ms,
                    "bar": "",
                    "passed": None,
                    "note": f"uncut {result.dashboard_rollup_ms:.1f} ms; with a region's total",
                }
            )
        figures.append(
            {
                "name": f"roll-up refresh after {INCREMENT} answers at {_short(result.answers)}",
                "value": result.refresh_ms,
                "unit": "ms",
                "baseline": None,
                "baseline_name": None,
                "ratio": None,
                "bar": "",
                "passed": None,
                "note": f"{result.refresh_buckets:.0f} day x touchpoint buckets per refresh",
            }
        )
    return figures


def _drop_stale() -> None:
    for stale in Tenant.objects.filter(schema_name__startswith=SCHEMA):
        print(f"Dropping the schema {stale.schema_name} left by an earlier run...", flush=True)
        stale.delete(force_drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="answered surveys, comma-separated")
    parser.add_argument("--repeat", type=int, help="rounds (default 15; 5 with --smoke or --chain)")
    parser.add_argument(
        "--response-rate",
        type=float,
        default=100,
        help="percent of delivered invitations answered; below 100 adds unanswered invitations (default 100)",
    )
    parser.add_argument(
        "--locations", type=int, default=0, help="a chain of N locations; also times the reads cut by one (e.g. 50)"
    )
    parser.add_argument("--smoke", action="store_true", help="1,000 vs 10,000 answers, 5 rounds, no trigger test")
    parser.add_argument(
        "--chain",
        action="store_true",
        help="the chain size of issue 14: 50 locations, 10,000, 200,000 and 1,000,000 answers, 5 rounds",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the roll-up reads at each size")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    parser.add_argument("--keep", action="store_true", help="keep the bench schemas afterwards")
    args = parser.parse_args()
    if args.smoke and args.chain:
        parser.error("--chain is the full chain size; --smoke is the small one")
    if args.smoke:
        args.sizes, args.repeat = "1000,10000", min(args.repeat or 5, 5)
    if args.chain:
        args.sizes, args.locations, args.repeat = "10000,200000,1000000", args.locations or 50, args.repeat or 5
    args.repeat = args.repeat or 15
    sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",")})
    if sizes[0] < 1 or not 0 < args.response_rate <= 100 or args.repeat < 1 or args.locations < 0:
        parser.error("sizes and --repeat must be positive, --response-rate in (0, 100]")

    _drop_stale()
    random = Random(2026)
    companies: list[Company] = []
    triggers = None
    plans: list[str] = []
    started = time.perf_counter()
    try:
        for size in sizes:
            companies.append(company_prepare(size=size, args=args, random=random))
        if args.explain:
            for company in companies:
                with tenant_context(company.tenant):
                    plans.append(f"==== {company.result.answers:,} answered surveys")
                    company.result.explain = reads_explain(company.reads, out=plans)
        print(f"\nTiming the reads, {args.repeat} rounds, the sizes in turn...", flush=True)
        reads_time(companies, repeat=args.repeat)
        print(f"\nIncremental: {args.repeat} x {INCREMENT} new answered surveys + refresh, per size...", flush=True)
        for company in companies:
            incremental_run(company, args=args, random=random)
        if not args.smoke:
            batch = min(TRIGGER_BATCH, sizes[-1])
            print(f"\nTrigger overhead: {batch:,} answered surveys, {TRIGGER_TRIALS} x 2 rolled-back inserts...")
            rate = args.response_rate / 100
            with tenant_context(companies[-1].tenant):
                customers_grow(target=0, world=companies[-1].world)
                triggers = trigger_overhead(
                    world=companies[-1].world, answered=batch, unanswered=round(batch / rate) - batch, random=random
                )
    finally:
        if not args.keep:
            for company in companies:
                company.tenant.delete(force_drop=True)
    results = [company.result for company in companies]
    report(results, triggers, args)

    RESULTS.mkdir(exist_ok=True)
    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    if plans:
        (RESULTS / f"dashboard_rollups-{stamp}-explain.txt").write_text("\n\n".join(plans))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    document = json.dumps(
        {
            "figures": figures_build(results),
            "args": vars(args),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "postgresql": server},
            "total_seconds": time.perf_counter() - started,
            "sizes": [result.__dict__ for result in results],
            "trigger_overhead": triggers,
        },
        indent=2,
    )
    out = RESULTS / f"dashboard_rollups-{stamp}.json"
    out.write_text(document)
    if args.json:
        Path(args.json).write_text(document)
    print(f"\nWrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
