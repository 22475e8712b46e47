"""Load test of the running product with production settings: many people at once, in one command.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--spawn-rate 10] [--workers 5]
        [--port PORT] [--keep] [--reuse]

With DATABASE_URL and REDIS_URL pointing at a PostgreSQL and a Redis on this machine
(loopback or a Unix socket only; defaults 127.0.0.1:5432 as postgres and
127.0.0.1:6379/0), it:

1. creates a throw-away database `cx_load_bench` on that PostgreSQL (dropped first if
   an earlier run left it), migrates it, creates the operators' site and seeds the
   demo company with its year of history (`demo_seed`, the same as `scripts/dev.py run`);
2. writes open survey invitations in bulk, users x duration / 2 of them (1,500 for
   the defaults), one per link a customer answers (bench/load_fixture.py);
3. collects the static files (when they changed since the last run) and starts, all
   on 127.0.0.1 and with DJANGO_SETTINGS_MODULE=cxplatform.settings.production (a random SECRET_KEY,
   ALLOWED_HOSTS for loopback, SECURE_SSL_REDIRECT=0 and plain http): gunicorn with
   --workers sync workers (default 2 x cores + 1: requests are mostly CPU in Python,
   and the extra workers cover the time each waits on PostgreSQL), a Celery worker
   and beat (answers open follow-up cases, whose emails go out) and the mail
   catcher (scripts/mailcatcher.py) as the SMTP server;
4. runs locust headless (bench/locustfile.py) with --users for --duration seconds,
   sending Host: demo.localhost: managers reading the dashboard, a path and a
   touchpoint page; frontline staff logging encounters on the quick-log page and
   through the API; customers opening a survey link and answering it;
5. waits up to 30 s for the worker to send what the answers queued, stops everything
   it started (also on Ctrl-C, at any point), drops the database unless --keep (a later --reuse
   run starts from it, skipping 1. but writing new invitations), prints a table per
   request kind (count, failures, p50/p95/p99 in ms, requests per second) and what the
   run wrote, and saves the figures as JSON under bench/results/.

The exit code is 1 when any request failed or the server, worker or beat logged an
error; the logs of the run are then kept in its temporary directory, and its path printed.
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    BIN,
    HOST,
    RESULTS,
    ROOT,
    Processes,
    database_recreate,
    database_url_for,
    interrupt_handle,
    log_errors,
    loopback_check,
    manage,
    port_free,
    queue_purge,
    run_environment,
    say,
    static_stale,
    step,
    wait_ready,
)

DATABASE = "cx_load_bench"
MAX_USERS = 200
MAX_DURATION = 600
DRAIN_TIMEOUT = 30


def queue_drain(env: dict[str, str]) -> None:
    """Wait until the worker has taken every queued task (the emails of the cases the answers opened)."""
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while time.monotonic() < deadline and client.llen("celery"):
        time.sleep(0.5)
    time.sleep(2)  # the last task taken is still running


def written_counts(database_url: str, since: dt.datetime) -> dict[str, int]:
    import psycopg

    queries = {
        "encounters logged": "SELECT count(*) FROM demo.encounters_encounter WHERE created_at >= %s",
        "survey answers": "SELECT count(*) FROM demo.surveys_response WHERE submitted_at >= %s",
        "follow-up cases opened": "SELECT count(*) FROM demo.cases_followupcase WHERE created_at >= %s",
    }
    with psycopg.connect(database_url) as conn:
        return {label: conn.execute(sql, [since]).fetchone()[0] for label, sql in queries.items()}


def stats_read(path: Path, duration: int) -> list[dict[str, Any]]:
    rows = []
    with path.open(newline="") as file:
        for row in csv.DictReader(file):
            count = int(row["Request Count"])
            rows.append(
                {
                    "kind": row["Name"] if row["Name"] != "Aggregated" else "all requests",
                    "method": row["Type"],
                    "count": count,
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"]) if count else None,
                    "p95_ms": float(row["95%"]) if count else None,
                    "p99_ms": float(row["99%"]) if count else None,
                    "max_ms": float(row["Max Response Time"]) if count else None,
                    "per_second": round(count / duration, 2),
                }
            )
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    def ms(value: float | None) -> str:
        return "" if value is None else f"{value:,.0f}"

    header = f"{'request kind':<36} {'count':>7} {'failures':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7}"
    lines = [header, "-" * len(header)]
    for row in rows:
        if row["kind"] == "all requests":
            lines.append("-" * len(header))
        lines.append(
            f"{row['kind']:<36} {row['count']:>7,} {row['failures']:>8,} {ms(row['p50_ms']):>8} "
            f"{ms(row['p95_ms']):>8} {ms(row['p99_ms']):>8} {row['per_second']:>7.1f}"
        )
    return "\n".join(lines)


def failures_read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as file:
        return [
            {"kind": row["Name"], "error": row["Error"], "occurrences": row["Occurrences"]}
            for row in csv.DictReader(file)
        ]


def exceptions_read(path: Path) -> list[dict[str, str]]:
    """Errors raised in the simulated users' code (an unexpected body, say): counted as failures too."""
    if not path.exists():
        return []
    with path.open(newline="") as file:
        return [{"error": row["Message"], "occurrences": row["Count"]} for row in csv.DictReader(file)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help=f"people at once (default 50, at most {MAX_USERS})")
    parser.add_argument("--duration", type=int, default=60, help=f"seconds (default 60, at most {MAX_DURATION})")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
    cores = os.cpu_count() or 1
    parser.add_argument(
        "--workers", type=int, default=2 * cores + 1, help=f"gunicorn workers (default 2 x cores + 1 = {2 * cores + 1})"
    )
    parser.add_argument(
        "--port", type=int, help="gunicorn's port, the mail catcher on the next two (default: any free ones)"
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE} afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left instead of seeding a new one"
    )
    args = parser.parse_args()
    if not 1 <= args.users <= MAX_USERS or not 1 <= args.duration <= MAX_DURATION or args.workers < 1:
        parser.error(f"--users 1..{MAX_USERS}, --duration 1..{MAX_DURATION} and --workers 1 or more")
    return args


def main() -> int:
    args = parse_args()
    admin_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    loopback_check("DATABASE_URL", admin_url)
    loopback_check("REDIS_URL", redis_url)
    database_url = database_url_for(admin_url, DATABASE)
    if args.port:
        port, mail_port, mail_ui_port = args.port, args.port + 1, args.port + 2
    else:
        port, mail_port, mail_ui_port = port_free(), port_free(), port_free()
    env = run_environment(
        database_url=database_url, redis_url=redis_url, port=port, mail_port=mail_port, cache_prefix="loadbench"
    )
    work = Path(tempfile.mkdtemp(prefix="kokemus-load-"))
    (work / "mail").mkdir()
    processes = Processes(work)
    interrupt_handle()
    database_made = False
    failed = True
    interrupted = False
    try:
        started = time.monotonic()
        database_made = True
        if args.reuse:
            say(f"Using the database {DATABASE} a --keep run left ...")
        else:
            say(f"Creating the database {DATABASE} ...")
            database_recreate(admin_url, DATABASE)
            step("Migrating ...", manage("migrate_schemas", "--shared", "--verbosity", "0"), env, work)
            step("Creating the operators' site ...", manage("platform_init"), env, work)
            step("Seeding the demo company (a year of history) ...", manage("demo_seed"), env, work)
        invitations = args.users * args.duration // 2
        fixture = work / "fixture.json"
        step(
            f"Writing {invitations:,} open survey invitations ...",
            [sys.executable, "bench/load_fixture.py", "--invitations", str(invitations), "--out", str(fixture)],
            env,
            work,
        )
        if static_stale():
            step("Collecting static files ...", manage("collectstatic", "--noinput", "--verbosity", "0"), env, work)
        say(f"Prepared in {time.monotonic() - started:.0f} s.")

        say(f"Starting gunicorn ({args.workers} workers) on 127.0.0.1:{port}, Celery worker and beat, mail catcher ...")
        mail = [sys.executable, "scripts/mailcatcher.py", "--smtp-port", str(mail_port)]
        processes.start("mail", [*mail, "--http-port", str(mail_ui_port), "--directory", str(work / "mail")], env)
        celery = str(BIN / "celery")
        processes.start("worker", [celery, "-A", "cxplatform", "worker", "-l", "WARNING", "-c", "2"], env)
        processes.start("beat", [celery, "-A", "cxplatform", "beat", "-l", "WARNING", "-s", str(work / "beat")], env)
        gunicorn = [str(BIN / "gunicorn"), "cxplatform.wsgi", "--bind", f"127.0.0.1:{port}"]
        processes.start("gunicorn", [*gunicorn, "--workers", str(args.workers), "--timeout", "60"], env)
        wait_ready(port, processes)

        say(f"Running locust: {args.users} users for {args.duration} s ...")
        load_started = dt.datetime.now(dt.UTC)
        locust = [str(BIN / "locust"), "-f", "bench/locustfile.py", "--headless", "--only-summary"]
        locust += ["--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s"]
        locust += ["--host", f"http://127.0.0.1:{port}", "--csv", str(work / "locust"), "--stop-timeout", "10"]
        locust_env = {**os.environ, "LOAD_FIXTURE": str(fixture), "LOAD_HOST": HOST}
        with (work / "locust.log").open("wb") as log:
            subprocess.run(
                locust, cwd=ROOT, env=locust_env, stdout=log, stderr=subprocess.STDOUT,
                timeout=args.duration + 120, check=False, start_new_session=True,
            )  # fmt: skip
        processes.check()
        say("Letting the worker finish the queued emails ...")
        queue_drain(env)
        written = written_counts(database_url, load_started)
        written["emails sent"] = len(list((work / "mail").glob("*.eml")))

        processes.stop()
        rows = stats_read(work / "locust_stats.csv", args.duration)
        failures = failures_read(work / "locust_failures.csv")
        exceptions = exceptions_read(work / "locust_exceptions.csv")
        server_errors = log_errors(work)
        failed = any(row["failures"] for row in rows) or not rows or bool(exceptions) or bool(server_errors)
        print()
        print(f"{args.users} users, {args.duration} s, gunicorn with {args.workers} workers, {os.cpu_count()} cores:")
        print(table(rows))
        print()
        print(", ".join(f"{label}: {count:,}" for label, count in written.items()))
        for failure in failures:
            print(f"FAILED {failure['occurrences']} x {failure['kind']}: {failure['error']}")
        for exception in exceptions:
            print(f"RAISED {exception['occurrences']} x in a simulated user: {exception['error']}")
        for name, count in server_errors.items():
            print(f"ERRORS logged by {name}: {count} lines (see {work / name}.log)")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"load-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
        out.write_text(
            json.dumps(
                {
                    "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                    "users": args.users,
                    "duration_s": args.duration,
                    "spawn_rate": args.spawn_rate,
                    "gunicorn_workers": args.workers,
                    "requests": rows,
                    "failures": failures,
                    "exceptions": exceptions,
                    "server_errors": server_errors,
                    "written": written,
                },
                indent=2,
            )
        )
        print(f"Figures written to {out.relative_to(ROOT)}")
    except KeyboardInterrupt:
        say("Interrupted; stopping what this run started ...")
        interrupted = True
    finally:
        processes.stop()
        queue_purge(env)
        if database_made and not args.keep:
            database_recreate(admin_url, DATABASE, drop_only=True)
        if failed and not interrupted:
            say(f"Logs of the run are in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if interrupted:
        return 130
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
