"""Invitation emails of a send-out, through real Celery workers, against plain smtplib over one connection.

    .venv/bin/python bench/email_throughput.py [--emails 10000] [--rounds 2] [--concurrency 2] [--smoke]

On the PostgreSQL of DATABASE_URL it creates a throw-away database `cx_email_bench` (dropped at the
end unless --keep), migrates it, creates a company with N consenting customers (one bulk INSERT)
and a survey, and starts an SMTP sink in this process (aiosmtpd) that counts the messages, their
recipients and Message-IDs and the connections opened to it. Then, alternating, starting and
ending with the baseline:

- baseline: plain smtplib, one connection, N multipart messages of the invitation's size (the
  same templates rendered once; each message composed with its own recipient and Message-ID);
- target: a send-out to all N customers, due now, and the survey dispatch as beat sends it, with
  a real Celery worker (prefork, --concurrency processes, production settings, the provider's
  rate EMAIL_SEND_RATE_PER_SECOND = --rate) doing everything else: the send-out's invitations,
  the batches, the hand-over to the outbox, the SMTP delivery and the marks. Timed from the
  dispatch until the sink holds a message for every customer.

Between target rounds the invitations and the outbox are emptied. Reports msg/s of both (medians),
their ratio (bar >= 0.5x), duplicates, lost messages and SMTP connections opened, prints a table
and writes the figures (`--json PATH`, default bench/results/email_throughput-<time>.json).
Uses REDIS_URL's Redis with a queue and key prefix of its own.
"""

import argparse
import json
import os
import platform
import re
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "cx_email_bench"
BAR = 0.5
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def port_free() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """An SMTP server that accepts everything and counts messages, (recipient, Message-ID) and connections."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.lock = threading.Lock()
        self.received: list[tuple[str, bytes]] = []
        self.connections = 0
        self.controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import SMTP

        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                found = MESSAGE_ID.search(envelope.original_content or b"")
                with sink.lock:
                    for recipient in envelope.rcpt_tos:
                        sink.received.append((recipient.lower(), found.group(1) if found else b""))
                return "250 OK"

        class CountingSMTP(SMTP):
            def connection_made(self, transport: Any) -> None:
                with sink.lock:
                    sink.connections += 1
                super().connection_made(transport)

        class CountingController(Controller):
            def factory(self) -> SMTP:
                return CountingSMTP(self.handler, **self.SMTP_kwargs)

        self.controller = CountingController(
            Handler(), hostname="127.0.0.1", port=self.port, data_size_limit=None, decode_data=False
        )
        self.controller.start()

    def reset(self) -> None:
        with self.lock:
            self.received = []
            self.connections = 0

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def tally(self, expected: list[str]) -> dict[str, int]:
        with self.lock:
            received = list(self.received)
            connections = self.connections
        per_address = Counter(recipient for recipient, _message_id in received)
        ids = {}
        new_ids = 0
        for recipient, message_id in received:
            if recipient in ids and ids[recipient] != message_id:
                new_ids += 1
            ids.setdefault(recipient, message_id)
        return {
            "received": len(received),
            "lost": sum(1 for address in expected if address not in per_address),
            "duplicates": sum(count - 1 for count in per_address.values()),
            "duplicates_with_a_new_message_id": new_ids,
            "connections": connections,
        }

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_recreate(base: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def company_prepare(emails: int) -> tuple[Any, Any, list[str]]:
    """The bench company: a survey without quiet hours and N consenting customers (one bulk INSERT)."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from apps.surveys.models import QuestionType
    from apps.surveys.selectors import survey_settings_get
    from apps.surveys.services import QuestionInput, survey_create
    from apps.tenants.models import Tenant
    from apps.tenants.services import company_create, public_tenant_ensure

    call_command("migrate_schemas", "--shared", verbosity=0, interactive=False)
    public_tenant_ensure(domain="localhost")
    company_create(
        name="Posti Oy", slug="posti", domain="posti.localhost", admin_email="admin@posti.example", admin_password=None
    )
    tenant = Tenant.objects.get(schema_name="posti")
    addresses = [f"asiakas{index}@posti.example" for index in range(emails)]
    with tenant_context(tenant):
        rules = survey_settings_get()
        type(rules).objects.filter(pk=rules.pk).update(quiet_hours_end=rules.quiet_hours_start)
        survey = survey_create(
            questions=[QuestionInput(type=QuestionType.NPS)],
            company_name=tenant.name,
            name="Vuosikysely",
            title_fi="Miten onnistuimme tänä vuonna?",
            title_en="How did we do this year?",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO customers_customer (full_name, email, phone, phone_normalized, language, survey_consent,
                    consent_given_at, consent_source, unsubscribed, sms_stopped, external_id, created_at, updated_at)
                SELECT 'Asiakas ' || n, 'asiakas' || n || '@posti.example', '', '',
                       CASE WHEN n %% 3 = 0 THEN 'en' ELSE 'fi' END, true, now(), '', false, false, '', now(), now()
                FROM generate_series(0, %s - 1) AS n
                """,
                [emails],
            )
    return tenant, survey, addresses


def send_out_reset(tenant: Any) -> None:
    """Empty the invitations and the outbox, so the next round sends to everyone again."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_invitationemail")
        cursor.execute("DELETE FROM surveys_invitation")
        cursor.execute("DELETE FROM outbox_outboundemail")
        cursor.execute("DELETE FROM surveys_campaign")


def invitations_sent(tenant: Any) -> int:
    from django_tenants.utils import tenant_context

    from apps.surveys.models import Invitation, InvitationStatus

    with tenant_context(tenant):
        return Invitation.objects.filter(status=InvitationStatus.SENT).count()


def baseline_bodies() -> tuple[str, str, str]:
    """The subject, text and HTML of a real invitation (the product's templates), rendered once."""
    from django.template.loader import render_to_string

    context = {
        "company_name": "Posti Oy",
        "customer_name": "Asiakas 12345",
        "survey_title": "Miten onnistuimme tänä vuonna?",
        "survey_intro": "",
        "touchpoint_name": "",
        "answer_url": "http://posti.localhost/s/" + "a" * 64 + "/",
        "unsubscribe_url": "http://posti.localhost/s/" + "a" * 64 + "/unsubscribe/",
        "expires_at": None,
        "is_reminder": False,
        "language": "fi",
    }
    text = render_to_string("surveys/email/invitation.txt", context)
    html = render_to_string("surveys/email/invitation.html", context)
    return "Miten onnistuimme tänä vuonna?", text, html


def baseline_run(sink: Sink, addresses: list[str]) -> float:
    """Plain smtplib over one connection: compose and send every message; returns messages a second."""
    subject, text, html = baseline_bodies()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for index, address in enumerate(addresses):
            message = EmailMessage()
            message["Subject"] = subject
            message["From"] = "Posti Oy <no-reply@kokemus.localhost>"
            message["To"] = address
            message["Message-ID"] = f"<baseline-{index}.{uuid.uuid4().hex}@posti.localhost>"
            message["List-Unsubscribe"] = "<http://posti.localhost/s/unsubscribe/>"
            message.set_content(text)
            message.add_alternative(html, subtype="html")
            smtp.send_message(message)
    return len(addresses) / (time.perf_counter() - started)


class Worker:
    def __init__(self, env: dict[str, str], log_dir: Path, concurrency: int) -> None:
        self.log_path = log_dir / "worker.log"
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cxplatform",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "-Q",
                env["CELERY_TASK_DEFAULT_QUEUE"],
                "--hostname",
                f"email-bench-{uuid.uuid4().hex[:6]}@bench",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        from cxplatform.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            if app.control.ping(timeout=1.0):
                return
        raise RuntimeError("the worker did not answer a ping")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def target_run(tenant: Any, survey: Any, sink: Sink, addresses: list[str], *, timeout: float) -> dict[str, Any]:
    """A send-out to every customer, due now; the dispatch as beat sends it; timed until the sink has all."""
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from apps.surveys.models import Campaign
    from apps.surveys.tasks import survey_dispatch

    expected = set(addresses)
    with tenant_context(tenant):
        Campaign.objects.create(name="Vuosikysely", survey=survey, next_run_at=timezone.now())
    started = time.perf_counter()
    last_tick = started
    with tenant_context(tenant):
        survey_dispatch.delay()
    while True:
        now = time.perf_counter()
        if now - started > timeout:
            raise RuntimeError(f"timed out: {sink.count()} of {len(addresses)} received")
        if sink.count() >= len(addresses):
            with sink.lock:
                reached = {recipient for recipient, _message_id in sink.received}
            if expected <= reached:
                break
        if now - last_tick >= 60:  # beat's survey dispatch, once a minute
            with tenant_context(tenant):
                survey_dispatch.delay()
            last_tick = now
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    marked_by = time.perf_counter() + 60
    while invitations_sent(tenant) < len(addresses) and time.perf_counter() < marked_by:
        time.sleep(0.2)
    time.sleep(1.0)  # a straggling duplicate, if any, lands now
    return {"seconds": seconds, "rate": len(addresses) / seconds, "marked_sent": invitations_sent(tenant)}


def figure(name: str, value: float, unit: str, bar: str, passed: bool | None, note: str = "", **baseline: Any) -> dict:
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": baseline.get("baseline"),
        "baseline_name": baseline.get("baseline_name"),
        "ratio": baseline.get("ratio"),
        "bar": bar,
        "passed": passed,
        "note": note,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="target rounds (baseline rounds: one more)")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="worker processes (CELERY_WORKER_CONCURRENCY = EMAIL_SEND_PARALLEL)"
    )
    parser.add_argument("--rate", type=float, default=10_000, help="EMAIL_SEND_RATE_PER_SECOND of the worker")
    parser.add_argument("--smoke", action="store_true", help="500 emails, one round (CI)")
    parser.add_argument("--port", type=int, default=0, help="the sink's port (default: a free one)")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--keep", action="store_true", help="leave the database")
    parser.add_argument("--json", type=Path, help="where to write the figures")
    args = parser.parse_args()
    if args.smoke:
        args.emails, args.rounds = min(args.emails, 500), 1

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(130))
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    sink = Sink(args.port or port_free())
    logs = Path(tempfile.mkdtemp(prefix="kokemus-email-bench-"))
    tag = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.production",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": ".localhost,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(base_url, DATABASE),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "CELERY_TASK_DEFAULT_QUEUE": f"email-bench-{tag}",
        "CACHE_KEY_PREFIX": f"email-bench-{tag}",
        "EMAIL_SEND_RATE_PER_SECOND": str(args.rate),
        "CELERY_WORKER_CONCURRENCY": str(args.concurrency),
        "EMAIL_SEND_PARALLEL": str(args.concurrency),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("EMAIL_FILE_PATH", None)
    os.environ.update(env)
    worker: Worker | None = None
    try:
        say(f"Creating {DATABASE} and the SMTP sink on port {sink.port}")
        database_recreate(base_url)
        sink.start()
        import django

        django.setup()
        say(f"Migrating and creating a company with {args.emails} customers")
        tenant, survey, addresses = company_prepare(args.emails)
        say(f"Starting a worker (prefork, concurrency {args.concurrency}, rate {args.rate:g}/s)")
        worker = Worker(env, logs, args.concurrency)
        worker.wait_ready()

        baselines: list[float] = []
        targets: list[dict[str, Any]] = []
        tallies: list[dict[str, int]] = []
        for round_number in range(args.rounds * 2 + 1):
            sink.reset()
            if round_number % 2 == 0:
                rate = baseline_run(sink, addresses)
                baselines.append(rate)
                say(f"  baseline (smtplib, one connection): {rate:.0f} msg/s")
                continue
            send_out_reset(tenant)
            result = target_run(tenant, survey, sink, addresses, timeout=args.timeout)
            tally = sink.tally(addresses)
            targets.append(result)
            tallies.append(tally)
            say(
                f"  target (send-out through the worker): {result['rate']:.0f} msg/s in {result['seconds']:.1f} s, "
                f"{tally['duplicates']} duplicates, {tally['lost']} lost, {tally['connections']} SMTP connections, "
                f"{result['marked_sent']} marked sent"
            )

        baseline = statistics.median(baselines)
        target = statistics.median(result["rate"] for result in targets)
        ratio = target / baseline
        duplicates = sum(tally["duplicates"] for tally in tallies)
        lost = sum(tally["lost"] for tally in tallies)
        unmarked = sum(args.emails - result["marked_sent"] for result in targets)
        connections = statistics.median(tally["connections"] for tally in tallies)
        figures = [
            figure(
                f"{args.emails} invitation emails, send-out to the sink",
                target,
                "msg/s",
                f">= {BAR}x",
                ratio >= BAR,
                f"median of {len(targets)}; worker prefork x{args.concurrency}; rate setting {args.rate:g}/s",
                baseline=round(baseline, 3),
                baseline_name="plain smtplib, one connection",
                ratio=round(ratio, 3),
            ),
            figure("duplicates", duplicates, "messages", "0", duplicates == 0, "over every target round"),
            figure("lost", lost, "messages", "0", lost == 0, "over every target round"),
            figure("invitations not marked sent", unmarked, "invitations", "0", unmarked == 0),
            figure(
                "SMTP connections opened per send-out",
                connections,
                "connections",
                "reused (far fewer than messages)",
                connections <= max(1, args.emails // 20),
                f"median of {len(targets)}; one per batch of up to EMAIL_BATCH_SIZE",
            ),
        ]
        print()
        print("| figure | value | baseline | ratio | bar | passed |")
        print("|---|---|---|---|---|---|")
        for item in figures:
            ratio_text = f"{item['ratio']:.3f}x" if item["ratio"] is not None else ""
            baseline_text = f"{item['baseline']:.0f} ({item['baseline_name']})" if item["baseline"] else ""
            print(
                f"| {item['name']} | {item['value']:g} {item['unit']} | {baseline_text} | {ratio_text} "
                f"| {item['bar']} | {item['passed']} |"
            )
        results = {
            "figures": figures,
            "emails": args.emails,
            "baseline_msg_per_s": [round(rate, 1) for rate in baselines],
            "target_msg_per_s": [round(result["rate"], 1) for result in targets],
            "target_seconds": [round(result["seconds"], 2) for result in targets],
            "tallies": tallies,
            "machine": platform.node(),
            "cores": os.cpu_count(),
        }
        path = args.json or ROOT / "bench" / "results" / f"email_throughput-{time.strftime('%Y%m%dT%H%M%S')}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2))
        print(f"\nFigures written to {path}")
        return 0
    finally:
        if worker is not None:
            worker.stop()
        sink.stop()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            database_recreate(base_url, drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
