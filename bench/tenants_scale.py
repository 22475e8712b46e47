"""Companies by the hundred: a new company, migrate_schemas with nothing to apply, and routing, each against a
baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/tenants_scale.py [--companies 500]
        [--repeat 5] [--smoke] [--json PATH] [--keep]

On the PostgreSQL server of DATABASE_URL it makes two throw-away databases, <name>_scale_1 and
<name>_scale_n (migrated once; the first is a copy of the second), and measures:

- new company: `manage.py company_create` (wall time, a new process each time, no password so no
  hashing) against a no-op management command (`shell --no-imports -c pass`), alternated; and
  company_create() inside one process, copying the template against migrating (TENANT_BASE_SCHEMA
  empty), alternated. Bar: the command in at most 1 s.
- migrate_schemas with nothing to apply at --companies companies, per company: the skipping executor
  against django-tenants' own (bench/tenants_scale_settings.py turns the skip off), run as
  target, baseline, target. Bar: at most 0.05 s a company.
- routing: GET / anonymously (the full middleware stack, a redirect to the login page) through
  Django's test client in a fresh process, in the 1-company database and in the --companies one
  (each request to the next company's domain), alternated; medians. Bar: at most 1.05x.

Every company the run needs is created with company_create (a copy of the template). Absolute
figures depend on the machine; the ratios are against baselines from the same run.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
BASELINE_SETTINGS = "bench.tenants_scale_settings"


# --- worker side: runs inside Django, in a process of its own -----------------------------------------------


def _django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.local")
    import django

    django.setup()


def worker_create(*, prefix: str, first: int, count: int) -> dict:
    """Create companies <prefix>0001... in one process; seconds in all."""
    _django_setup()
    from apps.tenants.services import company_create

    started = time.perf_counter()
    for number in range(first, first + count):
        company_create(name=f"Company {number}", slug=f"{prefix}{number:04d}", admin_email=f"boss@{number}.example")
    return {"seconds": time.perf_counter() - started}


def worker_create_compare(*, prefix: str, repeat: int) -> dict:
    """company_create() copying the template and migrating instead, alternated; seconds per company."""
    _django_setup()
    from django.test import override_settings

    from apps.tenants.services import company_create

    company_create(name="Warm-up", slug=f"{prefix}warm", admin_email="boss@warm.example")
    cloned, migrated = [], []
    for number in range(repeat):
        for samples, template in ((cloned, "_company_template"), (migrated, "")):
            slug = f"{prefix}{'c' if template else 'm'}{number:02d}"
            with override_settings(TENANT_BASE_SCHEMA=template):
                started = time.perf_counter()
                company_create(name=slug, slug=slug, admin_email=f"boss@{slug}.example")
                samples.append(time.perf_counter() - started)
    return {"cloned": cloned, "migrated": migrated}


def worker_routing(*, requests: int, hosts: list[str]) -> dict:
    """Seconds per anonymous GET / through the whole middleware stack, cycling over `hosts`."""
    _django_setup()
    from django.test import Client

    # One client, as one server process serves every company: a Client per host would load the
    # middleware (WhiteNoise scans the static files) once per host and time that instead.
    client = Client()
    for host in hosts[:20]:
        client.get("/", HTTP_HOST=host)
    started = time.perf_counter()
    for number in range(requests):
        response = client.get("/", HTTP_HOST=hosts[number % len(hosts)])
        if response.status_code != 302:
            raise RuntimeError(f"GET / on {hosts[number % len(hosts)]} answered {response.status_code}")
    return {"per_request": (time.perf_counter() - started) / requests}


def worker_hosts() -> dict:
    _django_setup()
    from apps.tenants.models import Domain

    return {"hosts": list(Domain.objects.exclude(tenant__schema_name="public").values_list("domain", flat=True))}


# --- orchestrator --------------------------------------------------------------------------------------------


def _database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _run(command: list[str], *, database_url: str, settings: str | None = None) -> tuple[float, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    if settings:
        env["DJANGO_SETTINGS_MODULE"] = settings
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return elapsed, result.stdout


def _worker(database_url: str, name: str, **arguments: object) -> dict:
    command = [sys.executable, __file__, "--worker", name, "--arguments", json.dumps(arguments)]
    _elapsed, out = _run(command, database_url=database_url)
    return json.loads(out.strip().splitlines()[-1])


def _admin(server_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_database_url(server_url, "postgres"), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def _say(message: str) -> None:
    print(message, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="samples of each new-company and routing figure")
    parser.add_argument("--requests", type=int, default=2000, help="requests per routing sample")
    parser.add_argument("--smoke", action="store_true", help="20 companies, fewer samples (for CI)")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the two databases afterwards")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--arguments", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        workers = {
            "create": worker_create,
            "create_compare": worker_create_compare,
            "routing": worker_routing,
            "hosts": worker_hosts,
        }
        print(json.dumps(workers[args.worker](**json.loads(args.arguments))))
        return 0

    if args.smoke:
        args.companies, args.repeat, args.requests = 20, 3, 300
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    base_name = urlsplit(server_url).path.lstrip("/") or "postgres"
    one_name, many_name = f"{base_name}_scale_1", f"{base_name}_scale_n"
    one_url, many_url = _database_url(server_url, one_name), _database_url(server_url, many_name)
    figures: list[dict] = []

    _admin(server_url, f'DROP DATABASE IF EXISTS "{one_name}"', f'DROP DATABASE IF EXISTS "{many_name}"')
    _admin(server_url, f'CREATE DATABASE "{many_name}"')
    try:
        _say(f"Migrating {many_name} (public schema and the company template)...")
        _run([*MANAGE, "migrate_schemas", "-v0"], database_url=many_url)
        _run([*MANAGE, "platform_init"], database_url=many_url)
        _admin(server_url, f'CREATE DATABASE "{one_name}" TEMPLATE "{many_name}"')

        # New company: the command against a no-op command, alternated.
        _say("New company: manage.py company_create against a no-op command...")
        noop, create = [], []
        for number in range(args.repeat):
            noop.append(_run([*MANAGE, "shell", "--no-imports", "-c", "pass"], database_url=many_url)[0])
            slug = f"cmd{number:02d}"
            command = [*MANAGE, "company_create", slug, "--name", slug, "--admin-email", f"boss@{slug}.example"]
            create.append(_run(command, database_url=many_url)[0])
        value, baseline = statistics.median(create), statistics.median(noop)
        figures.append(
            {
                "name": "new company",
                "value": round(value, 3),
                "unit": "s",
                "baseline": round(baseline, 3),
                "baseline_name": "no-op management command (shell --no-imports -c pass)",
                "ratio": round(value / baseline, 2),
                "bar": "<= 1 s",
                "passed": value <= 1.0,
                "note": f"manage.py company_create, a process each, median of {args.repeat}",
            }
        )
        _say(f"  {value:.2f} s vs {baseline:.2f} s no-op ({value / baseline:.2f}x)")

        _say("New company in one process: copying the template against migrating...")
        compared = _worker(many_url, "create_compare", prefix="cmp", repeat=args.repeat)
        cloned, migrated = statistics.median(compared["cloned"]), statistics.median(compared["migrated"])
        figures.append(
            {
                "name": "new company, company_create() in a running process",
                "value": round(cloned, 3),
                "unit": "s",
                "baseline": round(migrated, 3),
                "baseline_name": "the same, migrating the new schema instead of copying the template",
                "ratio": round(cloned / migrated, 3),
                "bar": "-",
                "passed": None,
                "note": f"median of {args.repeat}, alternated; {migrated / cloned:.1f}x faster than migrating",
            }
        )
        _say(f"  copy {cloned:.2f} s, migrate {migrated:.2f} s ({migrated / cloned:.1f}x)")

        _say(f"Creating 1 company in {one_name} and up to {args.companies} in {many_name}...")
        _worker(one_url, "create", prefix="co", first=1, count=1)
        existing = len(_worker(many_url, "hosts")["hosts"])
        to_create = max(args.companies - existing, 0)
        made = _worker(many_url, "create", prefix="co", first=1, count=to_create)
        per_company = made["seconds"] / max(to_create, 1)
        _say(f"  {to_create} companies in {made['seconds']:.1f} s ({per_company:.2f} s each)")
        companies = existing + to_create

        _say(f"migrate_schemas with nothing to apply at {companies} companies...")
        skipping, plain = [], []
        for samples, settings in ((skipping, None), (plain, BASELINE_SETTINGS), (skipping, None)):
            elapsed, out = _run([*MANAGE, "migrate_schemas"], database_url=many_url, settings=settings)
            if settings is None and "migrating 0." not in out:
                raise RuntimeError(f"migrate_schemas did not skip every schema:\n{out[-2000:]}")
            samples.append(elapsed / companies)
        value, baseline = statistics.median(skipping), statistics.median(plain)
        figures.append(
            {
                "name": f"migrate_schemas no-op per company at {companies} companies",
                "value": round(value, 4),
                "unit": "s",
                "baseline": round(baseline, 4),
                "baseline_name": "django-tenants' executor, every schema migrated",
                "ratio": round(value / baseline, 3),
                "bar": "<= 0.05 s",
                "passed": value <= 0.05,
                "note": f"whole command wall time / companies; {value * companies:.1f} s vs "
                f"{baseline * companies:.1f} s in all; companies made at {per_company:.2f} s each",
            }
        )
        _say(f"  {value:.4f} s vs {baseline:.4f} s per company")

        _say("Routing: GET / through the middleware stack, 1 company against many, alternated...")
        one_hosts = _worker(one_url, "hosts")["hosts"]
        many_hosts = _worker(many_url, "hosts")["hosts"]
        one, many = [], []
        for _round in range(args.repeat):
            one.append(_worker(one_url, "routing", requests=args.requests, hosts=one_hosts)["per_request"])
            many.append(_worker(many_url, "routing", requests=args.requests, hosts=many_hosts)["per_request"])
        value, baseline = statistics.median(many) * 1000, statistics.median(one) * 1000
        figures.append(
            {
                "name": f"routing at {companies} companies vs 1",
                "value": round(value, 3),
                "unit": "ms",
                "baseline": round(baseline, 3),
                "baseline_name": "the same request in a database of 1 company",
                "ratio": round(value / baseline, 3),
                "bar": "<= 1.05x",
                "passed": value / baseline <= 1.05,
                "note": f"anonymous GET / (302 to the login page), test client, {args.requests} requests a sample, "
                f"median of {args.repeat}",
            }
        )
        _say(f"  {value:.3f} ms vs {baseline:.3f} ms per request ({value / baseline:.3f}x)")
    finally:
        if not args.keep:
            _admin(server_url, f'DROP DATABASE IF EXISTS "{one_name}"', f'DROP DATABASE IF EXISTS "{many_name}"')

    print(f"\n{'figure':<58} {'value':>10} {'baseline':>10} {'ratio':>7}  bar")
    for figure in figures:
        mark = {True: "ok", False: "MISSED", None: ""}[figure["passed"]]
        print(
            f"{figure['name']:<58} {figure['value']:>8} {figure['unit']:<2}{figure['baseline']:>8} "
            f"{figure['ratio']:>7}  {figure['bar']} {mark}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"figures": figures, "companies": args.companies}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
