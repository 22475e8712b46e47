"""CPU time of the dashboard, path and touchpoint pages against their hand-written reads, in-process.

    DATABASE_URL=postgres://.../<a database with the demo company> \
        .venv/bin/python bench/pages_cpu.py [--smoke] [--rounds N] [--requests N] [--json PATH]

wrk's requests per second on a shared machine move with everyone else's load; the CPU time the
process itself spends on a request (time.process_time) moves far less. Each page is requested
with django.test.Client as a manager of the demo company (bench.settings, so the baselines of
bench/baselines/pages.py are served too), alternately with its baseline: --rounds rounds of
--requests requests each, every other round in the opposite order. The value and the baseline
are the medians of the rounds' milliseconds of CPU per request; ratio = baseline / value, so it
reads like the req/s ratio of bench/run.py (0.4x: the page costs 2.5 times its floor's CPU).
The time spent waiting on PostgreSQL is not in either figure: this is the Python side only, so
the figure is reported (issue 11's bar of 0.4x is on requests per second, bench/run.py).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import run_environment

for _key, _value in run_environment(
    database_url=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_bench_run"),
    redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    port=8100,
    mail_port=8101,
    settings="bench.settings",
).items():
    os.environ.setdefault(_key, _value)

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.demo.services import DEMO_SLUG  # noqa: E402
from apps.journeys.models import ServicePath, Touchpoint  # noqa: E402


def cpu_per_request(client: Client, url: str, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        answer = client.get(url)
        if answer.status_code != 200:
            raise SystemExit(f"{url} answered {answer.status_code}")
    return (time.process_time() - started) * 1000 / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="3 rounds of 3 requests")
    parser.add_argument("--rounds", type=int, help="alternated rounds per page (default 7)")
    parser.add_argument("--requests", type=int, help="requests per round (default 10)")
    parser.add_argument("--json", type=Path, help="where to write the figures")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.smoke else 7)
    requests = args.requests or (3 if args.smoke else 10)
    with schema_context(DEMO_SLUG):
        manager = User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk").first()
        path_id = ServicePath.objects.filter(archived_at__isnull=True).order_by("pk").values_list("pk", flat=True)[0]
        touchpoint_id = Touchpoint.objects.filter(stage__path_id=path_id).order_by("pk").values_list("pk", flat=True)[0]
        client = Client(HTTP_HOST="demo.localhost")
        client.force_login(manager)
    pages = {
        "dashboard page": ("/dashboard/", "/bench/pages/dashboard/"),
        "path page": (f"/dashboard/paths/{path_id}/", f"/bench/pages/paths/{path_id}/"),
        "touchpoint page": (f"/dashboard/touchpoints/{touchpoint_id}/", f"/bench/pages/touchpoints/{touchpoint_id}/"),
    }
    figures: list[dict[str, Any]] = []
    for name, (url, baseline_url) in pages.items():
        cpu_per_request(client, url, 2)  # warm: templates, translations, the first connection
        cpu_per_request(client, baseline_url, 2)
        page_ms, baseline_ms = [], []
        for number in range(rounds):
            order = [(url, page_ms), (baseline_url, baseline_ms)]
            for measured_url, into in order if number % 2 == 0 else order[::-1]:
                into.append(cpu_per_request(client, measured_url, requests))
        value, baseline = statistics.median(page_ms), statistics.median(baseline_ms)
        ratio = baseline / value
        figures.append(
            {
                "name": f"{name}: CPU per request",
                "value": round(value, 2),
                "unit": "ms CPU",
                "baseline": round(baseline, 2),
                "baseline_name": "hand-written reads",
                "ratio": round(ratio, 3),
                "bar": "reported",
                "passed": None,
                "note": f"{url}: medians of {rounds} rounds of {requests} requests, alternated with {baseline_url}",
            }
        )
        print(f"{name:16} {value:7.1f} ms CPU  baseline {baseline:6.1f} ms  ratio {ratio:.3f}x")
    if args.json:
        args.json.write_text(json.dumps({"figures": figures}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
