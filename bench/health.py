"""The health probes under a real server: liveness against readiness, in the same run.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/health.py [--requests 2000] [--rounds 5]
        [--port 8220] [--smoke] [--json PATH]

Starts gunicorn (2 sync workers, production settings, 127.0.0.1 only) and writes a fresh
worker heartbeat under a key of its own, then alternates: --requests sequential GETs of
/health/live/, then of /health/ready/ (the database's SELECT 1, and Redis's ZCOUNT of the
heartbeats), over one kept-alive connection, --rounds times. Prints the median over the
rounds of each probe's p50 and p95 in milliseconds, readiness / liveness, and the bars:
liveness under 5 ms, readiness under 20 ms. A third figure sends both probes at once from
two clients while the other gunicorn worker is free: neither waits on a Celery ping, so
the liveness p95 under readiness load stays near its own.

The database only needs to exist (no migration): the probes answer before the company
lookup. The heartbeat key is removed at the end, and gunicorn stopped (also on Ctrl-C).
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIVE_BAR_MS = 5.0
READY_BAR_MS = 20.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timings(port: int, path: str, count: int) -> list[float]:
    """Milliseconds of each of `count` sequential GETs over one connection; every answer must be 200."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    elapsed = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            client.request("GET", path, headers={"Host": "10.0.0.1:8000"})
            response = client.getresponse()
            response.read()
            elapsed.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
    finally:
        client.close()
    return elapsed


def server_wait(port: int, log_path: Path, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            timings(port, "/health/live/", 1)
            return
        except (OSError, RuntimeError, http.client.HTTPException):
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{log_path.read_text()[-3000:]}")


def figure(name: str, value: float, unit: str, *, bar: str, passed: bool | None, note: str = "", **base: Any) -> dict:
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": base.get("baseline"),
        "baseline_name": base.get("baseline_name"),
        "ratio": base.get("ratio"),
        "bar": bar,
        "passed": passed,
        "note": note,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8220)
    parser.add_argument("--smoke", action="store_true", help="200 requests, 2 rounds")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    if args.smoke:
        args.requests, args.rounds = 200, 2

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    heartbeat_key = f"bench-heartbeats-{uuid.uuid4().hex[:8]}"
    heartbeats = redis.Redis.from_url(redis_url)
    # Fresh for the whole run: readiness counts heartbeats from (now - max age) on.
    heartbeats.zadd(heartbeat_key, {"bench@localhost": time.time() + 3600})
    heartbeats.expire(heartbeat_key, 7200)
    workdir = Path(tempfile.mkdtemp(prefix="kokemus-health-bench-"))
    log_path = workdir / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": redis_url,
        "WORKER_HEARTBEAT_KEY": heartbeat_key,
    }
    command = [str(BIN / "gunicorn"), "cxplatform.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", "2"]
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    try:
        server_wait(args.port, log_path, server)
        timings(args.port, "/health/ready/", 50)  # warm both workers' connections
        rounds: dict[str, list[tuple[float, float]]] = {"live": [], "ready": [], "live_under_ready": []}
        for _ in range(args.rounds):
            for probe in ("live", "ready"):
                values = timings(args.port, f"/health/{probe}/", args.requests)
                rounds[probe].append((percentile(values, 0.5), percentile(values, 0.95)))
            hammer = threading.Thread(target=timings, args=(args.port, "/health/ready/", args.requests))
            hammer.start()
            loaded = timings(args.port, "/health/live/", args.requests)
            hammer.join()
            rounds["live_under_ready"].append((percentile(loaded, 0.5), percentile(loaded, 0.95)))
    except KeyboardInterrupt:
        return 130
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        heartbeats.delete(heartbeat_key)
        heartbeats.close()
    shutil.rmtree(workdir, ignore_errors=True)  # kept above when the run failed, for its log

    def median(probe: str, index: int) -> float:
        return statistics.median(value[index] for value in rounds[probe])

    live_p50, ready_p50 = median("live", 0), median("ready", 0)
    live_p95, loaded_p95 = median("live", 1), median("live_under_ready", 1)
    note = f"{args.requests} sequential requests x {args.rounds} rounds, medians of the rounds"
    figures = [
        figure("health live p50", live_p50, "ms", bar="< 5 ms", passed=live_p50 < LIVE_BAR_MS, note=note),
        figure("health live p95", live_p95, "ms", bar="-", passed=None, note=note),
        figure(
            "health ready p50",
            ready_p50,
            "ms",
            bar="< 20 ms",
            passed=ready_p50 < READY_BAR_MS,
            note="database SELECT 1 and one Redis ZCOUNT of worker heartbeats; " + note,
            baseline=round(live_p50, 3),
            baseline_name="health live p50",
            ratio=round(ready_p50 / live_p50, 2),
        ),
        figure("health ready p95", median("ready", 1), "ms", bar="-", passed=None, note=note),
        figure(
            "health live p95 while readiness is probed",
            loaded_p95,
            "ms",
            bar="neither blocks a worker",
            passed=None,
            note="a second client sends /health/ready/ meanwhile",
            baseline=round(live_p95, 3),
            baseline_name="health live p95",
            ratio=round(loaded_p95 / live_p95, 2),
        ),
    ]
    width = max(len(item["name"]) for item in figures)
    for item in figures:
        ratio = f"  ({item['ratio']}x {item['baseline_name']})" if item["ratio"] is not None else ""
        verdict = {True: "ok", False: "MISSED", None: ""}[item["passed"]]
        print(f"{item['name']:<{width}}  {item['value']:8.2f} {item['unit']}  bar {item['bar']:<24} {verdict}{ratio}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"figures": figures, "rounds": rounds}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
