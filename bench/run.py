"""The bench command: every performance figure of the product with its bar, in one table.

    .venv/bin/python bench/run.py [--smoke] [--json PATH] [--rounds N] [--seconds S]
        [--connections C] [--port 8100] [--database NAME] [--only-requests] [--only NAME] [--keep] [--reuse]

With DATABASE_URL and REDIS_URL pointing at a PostgreSQL and a Redis on this machine
(loopback only; defaults 127.0.0.1:5432 as postgres and 127.0.0.1:6379/0), it:

1. creates a throw-away database (`cx_bench_run`, dropped first if an earlier run left it),
   migrates it, seeds the demo company with its year of history, and adds encounters and
   customers with bulk SQL so that a list's COUNT(*) matters (100,000 encounters and
   20,000 customers; 2,000 and 500 with --smoke);
2. starts on 127.0.0.1 gunicorn with 2 sync workers and DJANGO_SETTINGS_MODULE=bench.settings
   (the production settings, plus bench/urls.py: bench/trivial/ and the hand-written baselines
   of bench/baselines/), and the mail catcher;
3. for each request figure runs wrk against the product's URL and its baselines, alternated,
   --rounds times for --seconds each (5 x 5 s; 2 x 2 s with --smoke), and takes the medians
   of requests per second and of the p50/p95/p99 latencies; every URL is first requested once
   and its answer checked (a login redirect is not a page);
4. counts the statements each page sends to PostgreSQL, in-process with django.test.Client
   (bench/inprocess.py), and among them the `SET search_path`;
5. times /health/live/ and /health/ready/ one request at a time, alternated with the trivial
   view, with a Celery worker running and again with it stopped (readiness must then still
   answer fast: a probe that waits on the worker holds one of the two workers);
6. stops the servers and runs bench/dashboard_rollups.py, bench/email_throughput.py and
   bench/tenants_scale.py with --json (and --smoke), merging their figures;
7. prints the table (figure, value, baseline, ratio, bar, result), writes the figures as JSON
   (bench/results/bench-<time>.json unless --json) and an SVG of each ratio against its bar
   next to it, and drops the database unless --keep.

A URL or a script that does not exist yet shows as "not available". The exit code is 0 when
everything ran, missed bars included (they are reported, not failures); 1 when a figure could
not be measured (an unexpected answer, a script that failed, errors in the server's log);
130 on Ctrl-C, which stops everything the run started.
"""

import argparse
import datetime as dt
import html
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

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
    port_in_use,
    queue_purge,
    run_environment,
    say,
    static_stale,
    step,
    wait_ready,
)

DATABASE = "cx_bench_run"
SCRIPTS = ("dashboard_rollups.py", "email_throughput.py", "tenants_scale.py", "pages_cpu.py")
SCRIPT_TIMEOUT = {True: 600, False: 4 * 3600}
WORKERS = 2
READY_WAIT = 45
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The first choice of the named select (a chain's form asks for the location before the touchpoint).
TOUCHPOINT_OPTION = re.compile(r'<select[^>]*name="touchpoint"[^>]*>.*?<option value="(\d+)"', re.S)
LOCATION_OPTION = re.compile(r'<select[^>]*name="location"[^>]*>.*?<option value="(\d+)"', re.S)


# --- Figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """A figure's bar: `on` the ratio or the value, compared with `op` to `threshold`."""

    on: str  # "ratio" | "value"
    op: str  # ">=" | "<=" | "<" | ">"
    threshold: float
    unit: str = ""

    def text(self) -> str:
        unit = "x" if self.on == "ratio" else f" {self.unit}" if self.unit else ""
        return f"{self.op} {self.threshold:g}{unit}"

    def passed(self, value: float | None, ratio: float | None) -> bool | None:
        measured = ratio if self.on == "ratio" else value
        if measured is None:
            return None
        return {
            ">=": measured >= self.threshold,
            "<=": measured <= self.threshold,
            "<": measured < self.threshold,
            ">": measured > self.threshold,
        }[self.op]


def figure(
    name: str,
    *,
    value: float | None,
    unit: str,
    baseline: float | None = None,
    baseline_name: str | None = None,
    bar: Bar | None = None,
    note: str = "",
    status: str = "ok",
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One figure in the shared JSON shape; `status` is ok, "not available" or "error"."""
    ratio = value / baseline if value is not None and baseline else None
    passed = bar.passed(value, ratio) if bar is not None and status == "ok" else None
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": ratio,
        "bar": bar.text() if bar is not None else "reported",
        "passed": passed,
        "note": note,
        "status": status,
        "source": "run.py",
        "detail": detail or {},
    }


# --- HTTP --------------------------------------------------------------------------------------


@dataclass
class Request:
    label: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    expect: tuple[int, ...] = (200,)
    host: str = HOST
    location: str = ""  # a redirect expected: where it must lead (not to the login page)

    def all_headers(self) -> dict[str, str]:
        return {"Host": self.host, **self.headers}


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookie(self, name: str) -> str | None:
        for header, value in self.headers:
            if header.lower() == "set-cookie" and value.startswith(f"{name}="):
                return value.split(";", 1)[0].split("=", 1)[1]
        return None

    def header(self, name: str) -> str:
        return next((value for header, value in self.headers if header.lower() == name.lower()), "")


def http_request(port: int, request: Request, timeout: float = 30) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(request.method, request.path, body=request.body.encode() or None, headers=request.all_headers())
        response = conn.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    finally:
        conn.close()


def lua_string(text: str) -> str:
    level = "=" * 4
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def lua_script(request: Request, path: Path) -> Path:
    lines = [f"wrk.method = {lua_string(request.method)}", f"wrk.path = {lua_string(request.path)}"]
    if request.body:
        lines.append(f"wrk.body = {lua_string(request.body)}")
    lines += [
        f"wrk.headers[ {lua_string(name)} ] = {lua_string(value)}" for name, value in request.all_headers().items()
    ]
    lines.append(
        """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH-RESULT %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
    )
    path.write_text("\n".join(lines))
    return path


@dataclass
class WrkResult:
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    status_errors: int
    socket_errors: int


def wrk(port: int, request: Request, *, seconds: float, connections: int, work: Path) -> WrkResult:
    script = lua_script(request, work / "request.lua")
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        "--latency",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    match = re.search(r"BENCH-RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output.stdout)
    if output.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({output.returncode}): {output.stderr.strip() or output.stdout.strip()}")
    requests, duration_us, status_errors, socket_errors, p50, p95, p99 = (int(part) for part in match.groups())
    return WrkResult(
        per_second=requests / (duration_us / 1e6) if duration_us else 0.0,
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        p99_ms=p99 / 1000,
        requests=requests,
        status_errors=status_errors,
        socket_errors=socket_errors,
    )


@dataclass
class Side:
    """One URL measured in a comparison: the product's (target) or a baseline."""

    name: str
    request: Request
    bar: Bar | None = None  # the bar of target against this baseline; None: the ratio is reported
    available: bool = True
    problem: str = ""
    runs: list[WrkResult] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)

    def summary(self) -> dict[str, Any]:
        if not self.runs:
            return {}
        return {
            "req_per_s": round(self.median("per_second"), 1),
            "p50_ms": round(self.median("p50_ms"), 2),
            "p95_ms": round(self.median("p95_ms"), 2),
            "p99_ms": round(self.median("p99_ms"), 2),
            "rounds_req_per_s": [round(run.per_second, 1) for run in self.runs],
            "requests": sum(run.requests for run in self.runs),
            "non_2xx_3xx": sum(run.status_errors for run in self.runs),
            "socket_errors": sum(run.socket_errors for run in self.runs),
        }


def side_check(port: int, side: Side, *, target: bool) -> None:
    """Request the URL once: the product's must give what a person would get (not a login
    redirect); a baseline that answers 404 is not there yet."""
    try:
        answer = http_request(port, side.request)
    except OSError as error:
        side.available, side.problem = False, f"no answer: {error}"
        return
    where = answer.header("Location")
    to_login = "/accounts/login/" in where
    if answer.status in side.request.expect and not to_login and (not target or side.request.location in where):
        return
    if not target and answer.status == 404:
        side.available, side.problem = False, "not available (404)"
        return
    side.available = False
    side.problem = f"answered {answer.status}{' to ' + where if where else ''}: {answer.body[:160]!r}"


@dataclass
class Comparison:
    name: str
    target: Side
    baselines: list[Side]


def comparison_measure(comparison: Comparison, *, args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    side_check(args.port, comparison.target, target=True)
    for baseline in comparison.baselines:
        side_check(args.port, baseline, target=False)
    sides = [side for side in [*comparison.baselines, comparison.target] if side.available]
    for number in range(args.rounds):
        # Alternated, and in the opposite order every other round, so that a drift of the
        # machine's load weighs on both sides alike.
        for side in sides if number % 2 == 0 else list(reversed(sides)):
            side.runs.append(
                wrk(args.port, side.request, seconds=args.seconds, connections=args.connections, work=work)
            )
    target = comparison.target
    detail = {"target": {"url": target.request.path, **target.summary()}}
    errors = []
    if any(run.requests == 0 for run in target.runs):
        errors.append(f"no request was answered within a {args.seconds} s round")
    if target.available and target.runs and (target.summary()["non_2xx_3xx"] or target.summary()["socket_errors"]):
        summary = target.summary()
        errors.append(f"{summary['non_2xx_3xx']} non-2xx/3xx answers and {summary['socket_errors']} socket errors")
    figures = []
    for baseline in comparison.baselines:
        detail_baseline = {**detail, "baseline": {"url": baseline.request.path, **baseline.summary()}}
        if not target.available:
            status, value, note = "error", None, f"{target.request.path} {target.problem}"
        elif errors:
            status, value, note = "error", target.median("per_second"), f"{target.request.path}: {errors[0]}"
        else:
            status, value = "ok", target.median("per_second")
            summary = target.summary()
            note = f"p50 {summary['p50_ms']:.0f} ms, p95 {summary['p95_ms']:.0f} ms, p99 {summary['p99_ms']:.0f} ms"
            if not baseline.available:
                note += f"; baseline {baseline.request.path} {baseline.problem}"
            elif baseline.summary()["non_2xx_3xx"]:
                note += f"; the baseline gave {baseline.summary()['non_2xx_3xx']} non-2xx/3xx answers"
        label = comparison.name if baseline.bar is not None else f"{comparison.name} vs {baseline.name}"
        figures.append(
            figure(
                label,
                value=value,
                unit="req/s",
                baseline=baseline.median("per_second") if baseline.available and baseline.runs else None,
                baseline_name=f"{baseline.name} ({baseline.request.path})",
                bar=baseline.bar,
                note=note,
                status=status,
                detail=detail_baseline,
            )
        )
    return figures


# --- Health ------------------------------------------------------------------------------------


def health_request(port: int, path: str) -> tuple[Request | None, str]:
    """The health URL on a company's domain, else on the operators' (public) one."""
    for host in (HOST, "localhost"):
        request = Request(path, "GET", path, host=host, expect=(200, 503))
        try:
            answer = http_request(port, request)
        except OSError as error:
            return None, f"no answer: {error}"
        if answer.status != 404:
            return request, ""
    return None, "not available (404)"


def ready_wait(port: int, request: Request, *, want: int, processes: Processes) -> int:
    deadline = time.monotonic() + READY_WAIT
    status = 0
    while time.monotonic() < deadline:
        processes.check()
        status = http_request(port, request).status
        if status == want:
            break
        time.sleep(1)
    return status


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


@dataclass
class Latencies:
    """One request at a time, timed from the client: a probe's latency, no queueing."""

    url: str = ""
    target_ms: list[float] = field(default_factory=list)
    trivial_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    problem: str = ""

    def summary(self, values: list[float]) -> dict[str, Any]:
        if not values:
            return {}
        return {
            "samples": len(values),
            "p50_ms": round(percentile(values, 0.5), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
            "max_ms": round(max(values), 2),
        }


def latencies_measure(port: int, request: Request, *, samples: int, budget_s: float) -> Latencies:
    """Alternate the URL and the trivial view, one request at a time, `samples` pairs or until
    `budget_s` has passed (at least 5 pairs, so that a slow probe still gives figures)."""
    trivial = Request("trivial", "GET", "/bench/trivial/")
    result = Latencies(url=request.path)
    started = time.monotonic()
    for number in range(samples):
        if number >= 5 and time.monotonic() - started > budget_s:
            break
        for side in (request, trivial) if number % 2 == 0 else (trivial, request):
            began = time.perf_counter()
            try:
                answer = http_request(port, side, timeout=30)
            except OSError as error:
                result.problem = f"{side.path}: no answer: {error}"
                return result
            elapsed = (time.perf_counter() - began) * 1000
            if side is trivial:
                result.trivial_ms.append(elapsed)
                continue
            result.target_ms.append(elapsed)
            result.statuses[answer.status] = result.statuses.get(answer.status, 0) + 1
            if answer.status not in request.expect:
                result.problem = f"{request.path} answered {answer.status}: {answer.body[:160]!r}"
                return result
    return result


def latency_figure(name: str, measured: Latencies, *, threshold_ms: float, note: str = "") -> dict[str, Any]:
    if measured.problem:
        return figure(name, value=None, unit="ms", status="error", note=measured.problem)
    target, trivial = measured.summary(measured.target_ms), measured.summary(measured.trivial_ms)
    statuses = ", ".join(f"{count} x {status}" for status, count in sorted(measured.statuses.items()))
    text = (
        f"p95 {target['p95_ms']:.1f} ms, p99 {target['p99_ms']:.1f} ms, {target['samples']} one at a time ({statuses})"
    )
    return figure(
        name,
        value=target["p50_ms"],
        unit="ms (p50)",
        baseline=trivial["p50_ms"],
        baseline_name="trivial view, p50 (bench/trivial/)",
        bar=Bar("value", "<", threshold_ms, "ms"),
        note=f"{text}; {note}" if note else text,
        detail={"target": {"url": measured.url, **target}, "baseline": trivial, "statuses": measured.statuses},
    )


def health_measure(
    *, args: argparse.Namespace, work: Path, processes: Processes, env: dict[str, str]
) -> list[dict[str, Any]]:
    live, live_problem = health_request(args.port, "/health/live/")
    ready, ready_problem = health_request(args.port, "/health/ready/")
    figures: list[dict[str, Any]] = []
    if live is None:
        figures.append(
            figure("/health/live/ (liveness)", value=None, unit="ms", status="not available", note=live_problem)
        )
    if live is None and ready is None:
        figures.append(
            figure("/health/ready/ (readiness)", value=None, unit="ms", status="not available", note=ready_problem)
        )
        return figures
    samples, budget = args.rounds * args.seconds * 20, args.rounds * args.seconds

    def measure(request: Request) -> Latencies:
        return latencies_measure(args.port, request, samples=samples, budget_s=budget)

    say(f"Health with a Celery worker running: {samples} probes one at a time, alternated with the trivial view ...")
    queue_purge(env)  # what the POST figures queued would keep the worker busy
    celery = str(BIN / "celery")
    processes.start("worker", [celery, "-A", "cxplatform", "worker", "-l", "WARNING", "-c", "1"], env)
    if live is not None:
        figures.append(latency_figure("/health/live/ (liveness)", measure(live), threshold_ms=5))
    if ready is None:
        figures.append(
            figure("/health/ready/ (readiness)", value=None, unit="ms", status="not available", note=ready_problem)
        )
    else:
        seen = ready_wait(args.port, ready, want=200, processes=processes)
        note = "" if seen == 200 else f"did not answer 200 within {READY_WAIT} s of the worker's start"
        fig = latency_figure("/health/ready/ (readiness)", measure(ready), threshold_ms=20, note=note)
        if seen != 200:
            fig["status"], fig["passed"] = "error", None
        figures.append(fig)
        say("Health with the Celery worker stopped ...")
        processes.stop("worker")
        seen = ready_wait(args.port, ready, want=503, processes=processes)
        note = "" if seen == 503 else f"still answered {seen} {READY_WAIT} s after the worker stopped"
        name = "/health/ready/ with the worker stopped (blocks no worker)"
        figures.append(latency_figure(name, measure(ready), threshold_ms=20, note=note))
    processes.stop("worker")
    return figures


# --- Query counts ------------------------------------------------------------------------------


def inprocess(env: dict[str, str], *arguments: str, timeout: int = 1800) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "bench/inprocess.py", *arguments],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if output.returncode != 0:
        raise SystemExit(f"bench/inprocess.py {arguments[0]} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def query_figures(env: dict[str, str], session: str, pages: dict[str, str]) -> list[dict[str, Any]]:
    counted = inprocess(env, "queries", "--session", session, *pages.values())["pages"]
    figures = []
    for name, path in pages.items():
        page = counted[path]
        if page["status"] != 200:
            note = f"{path} answered {page['status']}"
            figures.append(figure(f"{name}: queries", value=None, unit="queries", status="error", note=note))
            continue
        note = f"{path}; Django's CaptureQueriesContext saw {page['django_queries']}"
        figures.append(
            figure(
                f"{name}: queries",
                value=page["statements"],
                unit="queries",
                bar=Bar("value", "<=", 15),
                note=note + " (the value: every statement sent, SET search_path included)",
                detail=page,
            )
        )
        figures.append(
            figure(
                f"{name}: SET search_path",
                value=page["set_search_path"],
                unit="statements",
                bar=Bar("value", "<=", 1),
                note=path,
                detail=page,
            )
        )
    return figures


# --- The other scripts -------------------------------------------------------------------------

_script_process: subprocess.Popen[str] | None = None


def script_run(script: str, *, smoke: bool, env: dict[str, str], work: Path) -> list[dict[str, Any]]:
    """Run one benchmark script of the shared JSON contract, echoing its output as it goes."""
    global _script_process
    name = script.removesuffix(".py")
    path = ROOT / "bench" / script
    if not path.exists():
        return [script_figure(script, status="not available", note=f"bench/{script} does not exist")]
    if "--json" not in path.read_text():
        note = f"bench/{script} has no --json option yet"
        return [script_figure(script, status="not available", note=note)]
    out = work / f"{name}.json"
    command = [sys.executable, str(path), "--json", str(out), *(["--smoke"] if smoke else [])]
    say(f"Running bench/{script}{' --smoke' if smoke else ''} ...")
    started = time.monotonic()
    timeout = SCRIPT_TIMEOUT[smoke]
    log_path = work / f"{name}.log"
    with log_path.open("wb") as log, log_path.open("rb") as echo:
        _script_process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        while True:  # echo its output as it comes, and stop it at the timeout even when it is silent
            finished = _script_process.poll() is not None
            for line in echo.read().decode(errors="replace").splitlines():
                print(f"    {name} | {line}", flush=True)
            if finished:
                break
            if time.monotonic() - started > timeout:
                script_stop()
                return [script_figure(script, status="error", note=f"did not finish in {timeout} s")]
            time.sleep(0.5)
    code = _script_process.wait()
    _script_process = None
    seconds = time.monotonic() - started
    if code != 0:
        return [script_figure(script, status="error", note=f"exited with {code} after {seconds:.0f} s")]
    try:
        figures = json.loads(out.read_text())["figures"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [script_figure(script, status="error", note=f"no figures in its JSON: {error}")]
    merged = []
    for item in figures:
        merged.append(
            {
                "name": str(item.get("name", "?")),
                "value": item.get("value"),
                "unit": item.get("unit", ""),
                "baseline": item.get("baseline"),
                "baseline_name": item.get("baseline_name"),
                "ratio": item.get("ratio"),
                "bar": item.get("bar") or "reported",
                "passed": item.get("passed"),
                "note": item.get("note", ""),
                "status": "ok" if item.get("value") is not None else "not available",
                "source": script,
                "detail": {key: value for key, value in item.items() if key not in _CONTRACT_KEYS},
            }
        )
    say(f"bench/{script}: {len(merged)} figures in {seconds:.0f} s.")
    return merged or [script_figure(script, status="error", note="its JSON has no figures")]


def script_figure(script: str, *, status: str, note: str) -> dict[str, Any]:
    """The one line of a script that is missing or could not be run."""
    return {**figure(script.removesuffix(".py"), value=None, unit="", status=status, note=note), "source": script}


_CONTRACT_KEYS = {"name", "value", "unit", "baseline", "baseline_name", "ratio", "bar", "passed", "note"}


def script_stop() -> None:
    global _script_process
    if _script_process is not None and _script_process.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(_script_process.pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            try:
                _script_process.wait(timeout=20)
                break
            except subprocess.TimeoutExpired:
                continue
    _script_process = None


# --- Output ------------------------------------------------------------------------------------


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def result_text(item: dict[str, Any]) -> str:
    if item["status"] == "error":
        return "ERROR"
    if item["status"] == "not available":
        return "n/a"
    if item["passed"] is None and item["bar"] != "reported":
        return "n/a"  # measured, but its baseline is missing
    return {True: "pass", False: "MISS", None: "-"}[item["passed"]]


def table(figures: list[dict[str, Any]]) -> str:
    rows = [("figure", "value", "baseline", "ratio", "bar", "result")]
    for item in figures:
        ratio = f"{item['ratio']:.3g}x" if item["ratio"] is not None else "-"
        rows.append(
            (
                item["name"],
                number(item["value"], item["unit"]),
                number(item["baseline"]),
                ratio,
                item["bar"],
                result_text(item),
            )
        )
    widths = [min(max(len(row[column]) for row in rows), 60) for column in range(6)]
    lines = []
    source = None
    for index, row in enumerate(rows):
        if index and figures[index - 1]["source"] != source:
            source = figures[index - 1]["source"]
            lines.append(f"-- {source} " + "-" * (sum(widths) + 10 - len(source) - 4))
        cells = [
            row[0][:60].ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)),
        ]
        lines.append("  ".join(cells))
    notes = [f"{item['name']}: {item['note']}" for item in figures if item["note"]]
    return "\n".join(lines) + "\n\nNotes:\n" + "\n".join(f"  {note}" for note in notes)


def chart(figures: list[dict[str, Any]], path: Path) -> None:
    """An SVG of each ratio-barred figure's ratio, drawn against its bar (the vertical line)."""
    items = []
    for item in figures:
        match = re.fullmatch(r"(>=|<=|<|>) ([0-9.]+)x", str(item["bar"]))
        if match and item["ratio"] is not None:
            items.append((item["name"], float(item["ratio"]), match.group(1), float(match.group(2)), item["passed"]))
    if not items:
        return
    width, left, row = 760, 330, 26
    height = 40 + row * len(items)
    scale_max = max(max(ratio, bar) for _name, ratio, _op, bar, _passed in items) * 1.1
    span = width - left - 70

    def x(value: float) -> float:
        return left + span * math.sqrt(value / scale_max)  # square root: 0.01x and 1x both visible

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="12">',
        '<text x="10" y="20" font-weight="bold">Ratio to the baseline (square-root scale); line: the bar</text>',
    ]
    for index, (name, ratio, _op, bar, passed) in enumerate(items):
        y = 34 + index * row
        colour = "#2e7d32" if passed else "#c62828" if passed is False else "#757575"
        parts += [
            f'<text x="10" y="{y + 13}">{html.escape(name[:48])}</text>',
            f'<rect x="{left}" y="{y}" width="{x(ratio) - left:.1f}" height="16" fill="{colour}"/>',
            f'<line x1="{x(bar):.1f}" x2="{x(bar):.1f}" y1="{y - 2}" y2="{y + 18}" stroke="#000" stroke-width="2"/>',
            f'<text x="{x(ratio) + 4:.1f}" y="{y + 13}">{ratio:.3g}x</text>',
        ]
    parts.append("</svg>")
    path.write_text("\n".join(parts))


# --- The run -----------------------------------------------------------------------------------


def comparisons_build(prepared: dict[str, Any], csrf: dict[str, str]) -> list[Comparison]:
    # The lists as a manager reads them; encounters logged as the frontline does.
    token = {"Authorization": f"Token {prepared['api_tokens']['manager']}", "Accept": "application/json"}
    frontline_token = {"Authorization": f"Token {prepared['api_tokens']['frontline']}", "Accept": "application/json"}
    session_cookie = prepared["session_cookie"]
    manager = {"Cookie": f"{session_cookie}={prepared['sessions']['manager']}"}
    frontline_form = {
        "Cookie": f"{session_cookie}={prepared['sessions']['frontline']}; {prepared['csrf_cookie']}={csrf['cookie']}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = json.dumps(
        {
            "touchpoint": prepared["touchpoint_id"],
            "customer": prepared["customer_id"],
            "outcome": "resolved",
            "peak_feeling": 1,
            "end_feeling": 2,
        }
    )
    form = urlencode(
        {
            "csrfmiddlewaretoken": csrf["token"],
            "action": "log",
            "customer": prepared["customer_id"],
            "touchpoint": csrf["touchpoint"],
            "location": csrf["location"],
            "outcome": "resolved",
            "peak_feeling": 1,
            "end_feeling": 2,
            "note": "",
        }
    )
    json_post = {**frontline_token, "Content-Type": "application/json"}
    list_bar, write_bar, page_bar = Bar("ratio", ">=", 0.5), Bar("ratio", ">=", 0.4), Bar("ratio", ">=", 0.4)

    def get(path: str, headers: dict[str, str]) -> Request:
        return Request(path, "GET", path, headers=headers)

    def trivial(headers: dict[str, str]) -> Side:
        return Side("trivial view", get("/bench/trivial/", headers))

    path_id, touchpoint_id = prepared["path_id"], prepared["touchpoint_id"]
    return [
        Comparison(
            "encounter list API",
            Side("product", get("/api/v1/encounters/", token)),
            [Side("hand-written SQL", get("/bench/api/encounters/", token), list_bar), trivial(token)],
        ),
        Comparison(
            "customer list API",
            Side("product", get("/api/v1/customers/", token)),
            [Side("hand-written SQL", get("/bench/api/customers/", token), list_bar), trivial(token)],
        ),
        Comparison(
            "encounter POST API",
            Side("product", Request("POST", "POST", "/api/v1/encounters/", json_post, body, (201,))),
            [
                Side(
                    "hand-written INSERT",
                    Request("POST", "POST", "/bench/api/encounters/create/", json_post, body, (200, 201)),
                    write_bar,
                )
            ],
        ),
        Comparison(
            "quick-log form POST",
            Side(
                "product",
                Request("POST", "POST", "/encounters/log/", frontline_form, form, (302,), location="/encounters/log/"),
            ),
            [
                Side(
                    "hand-written INSERT",
                    Request("POST", "POST", "/bench/quick-log/", frontline_form, form, (200, 201, 302, 303)),
                    write_bar,
                )
            ],
        ),
        Comparison(
            "dashboard page",
            Side("product", get("/dashboard/", manager)),
            [Side("hand-written reads", get("/bench/pages/dashboard/", manager), page_bar)],
        ),
        Comparison(
            "path page",
            Side("product", get(f"/dashboard/paths/{path_id}/", manager)),
            [Side("hand-written reads", get(f"/bench/pages/paths/{path_id}/", manager), page_bar)],
        ),
        Comparison(
            "touchpoint page",
            Side("product", get(f"/dashboard/touchpoints/{touchpoint_id}/", manager)),
            [Side("hand-written reads", get(f"/bench/pages/touchpoints/{touchpoint_id}/", manager), page_bar)],
        ),
    ]


def statistics_refresh(database_url: str) -> None:
    """ANALYZE after a write figure: its thousands of new encounters on one touchpoint, all of them
    in the last minutes, are not yet in the planner's statistics (autovacuum analyzes a table after
    a tenth of it has changed), and the touchpoint page that reads that touchpoint would be measured
    on plans made for a table without them."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def csrf_get(port: int, prepared: dict[str, Any]) -> dict[str, str]:
    """The quick-log form's CSRF cookie and token and a touchpoint it offers, as a browser gets them."""
    cookie = f"{prepared['session_cookie']}={prepared['sessions']['frontline']}"
    answer = http_request(port, Request("form", "GET", "/encounters/log/", {"Cookie": cookie}))
    page = answer.body.decode(errors="replace")
    token, touchpoint = CSRF_INPUT.search(page), TOUCHPOINT_OPTION.search(page)
    csrf_cookie = answer.cookie(prepared["csrf_cookie"])
    if answer.status != 200 or not token or not touchpoint or not csrf_cookie:
        raise SystemExit(f"The quick-log form gave {answer.status} without its CSRF token or touchpoints.")
    location = LOCATION_OPTION.search(page)
    return {
        "cookie": csrf_cookie,
        "token": token.group(1),
        "touchpoint": touchpoint.group(1),
        "location": location.group(1) if location else "",
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="small sizes and short rounds, for CI (about 3 minutes)")
    parser.add_argument(
        "--json", type=Path, help="where to write the figures (default bench/results/bench-<time>.json)"
    )
    parser.add_argument("--rounds", type=int, help="wrk rounds per URL (default 5; 2 with --smoke)")
    parser.add_argument("--seconds", type=int, help="seconds per wrk round (default 5; 2 with --smoke)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4: 2 per worker)")
    parser.add_argument("--port", type=int, default=8100, help="gunicorn's port (default 8100; the next for mail)")
    parser.add_argument("--encounters", type=int, help="encounters to add (default 100,000; 2,000 with --smoke)")
    parser.add_argument("--customers", type=int, help="customers to add (default 20,000; 500 with --smoke)")
    parser.add_argument("--only-requests", action="store_true", help="skip the other scripts (step 6)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="measure only the request figures whose name contains NAME (repeatable; e.g. --only page), "
        "with their query counts; skips the health probes and the other scripts",
    )
    parser.add_argument("--database", default=DATABASE, help=f"the throw-away database's name (default {DATABASE})")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    args = parser.parse_args()
    args.rounds = args.rounds or (2 if args.smoke else 5)
    args.seconds = args.seconds or (2 if args.smoke else 5)
    args.encounters = (2000 if args.smoke else 100_000) if args.encounters is None else args.encounters
    args.customers = (500 if args.smoke else 20_000) if args.customers is None else args.customers
    if args.rounds < 1 or args.seconds < 1 or args.connections < 1 or args.encounters < 0 or args.customers < 0:
        parser.error("--rounds, --seconds and --connections must be positive, the sizes not negative")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        parser.error("--database: lower-case letters, digits and underscores")
    return args


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk).")
    admin_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    loopback_check("DATABASE_URL", admin_url)
    loopback_check("REDIS_URL", redis_url)
    for port in (args.port, args.port + 1, args.port + 2):
        if port_in_use(port):
            raise SystemExit(f"Port {port} is in use; choose another with --port.")
    database_url = database_url_for(admin_url, args.database)
    env = run_environment(
        database_url=database_url, redis_url=redis_url, port=args.port, mail_port=args.port + 1,
        settings="bench.settings", cache_prefix="bench",
    )  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="kokemus-bench-"))
    (work / "mail").mkdir()
    processes = Processes(work)
    interrupt_handle()
    figures: list[dict[str, Any]] = []
    problems: list[str] = []
    database_made = interrupted = False
    started = time.monotonic()
    at = dt.datetime.now(dt.UTC)
    try:
        database_made = True
        if args.reuse:
            say(f"Using the database {args.database} a --keep run left ...")
        else:
            say(f"Creating the database {args.database} ...")
            database_recreate(admin_url, args.database)
            step("Migrating ...", manage("migrate_schemas", "--shared", "--verbosity", "0"), env, work)
            step("Creating the operators' site ...", manage("platform_init"), env, work)
            step("Seeding the demo company (a year of history) ...", manage("demo_seed"), env, work)
        say(f"Adding {args.encounters:,} encounters and {args.customers:,} customers with bulk SQL ...")
        prepared = inprocess(
            env, "prepare", "--encounters", str(args.encounters), "--customers", str(args.customers)
        )  # fmt: skip
        say(
            f"The demo company has {prepared['rows']['encounters']:,} encounters "
            f"and {prepared['rows']['customers']:,} customers."
        )
        if static_stale():
            step("Collecting static files ...", manage("collectstatic", "--noinput", "--verbosity", "0"), env, work)
        say(f"Prepared in {time.monotonic() - started:.0f} s.")

        say(
            f"Starting gunicorn ({WORKERS} sync workers, bench.settings) on 127.0.0.1:{args.port} "
            "and the mail catcher ..."
        )
        mail = [sys.executable, "scripts/mailcatcher.py", "--smtp-port", str(args.port + 1)]
        processes.start("mail", [*mail, "--http-port", str(args.port + 2), "--directory", str(work / "mail")], env)
        gunicorn = [str(BIN / "gunicorn"), "cxplatform.wsgi", "--bind", f"127.0.0.1:{args.port}"]
        processes.start("gunicorn", [*gunicorn, "--workers", str(WORKERS), "--timeout", "60"], env)
        wait_ready(args.port, processes)
        csrf = csrf_get(args.port, prepared)

        rounds = f"{args.rounds} x {args.seconds} s, {args.connections} connections"
        comparisons = comparisons_build(prepared, csrf)
        if args.only:
            comparisons = [item for item in comparisons if any(name in item.name for name in args.only)]
        for comparison in comparisons:
            say(f"{comparison.name}: wrk, {rounds}, alternated with {len(comparison.baselines)} baseline(s) ...")
            processes.check()
            try:
                figures += comparison_measure(comparison, args=args, work=work)
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
                figures.append(figure(comparison.name, value=None, unit="req/s", status="error", note=str(error)))
            print(f"    {figures[-1]['note'] if figures[-1]['status'] != 'ok' else 'done'}", flush=True)
            if comparison.target.request.method == "POST":
                statistics_refresh(database_url)

        say("Counting each page's statements in-process (django.test.Client) ...")
        pages = {
            "dashboard page": "/dashboard/",
            "path page": f"/dashboard/paths/{prepared['path_id']}/",
            "touchpoint page": f"/dashboard/touchpoints/{prepared['touchpoint_id']}/",
        }
        if args.only:
            pages = {name: path for name, path in pages.items() if any(item in name for item in args.only)}
        if pages:
            figures += query_figures(env, prepared["sessions"]["manager"], pages)

        # Readiness answers 503 on purpose below, and logs why; the server's log counts until then.
        before_health = {"gunicorn": (work / "gunicorn.log").stat().st_size}
        if not args.only:
            figures += health_measure(args=args, work=work, processes=processes, env=env)
        processes.stop()
        errors = log_errors(work, upto=before_health)
        for name, count in errors.items():
            problems.append(f"{name} logged {count} error lines (see {work / name}.log)")

        if not args.only_requests and not args.only:
            script_env = {key: value for key, value in env.items() if key != "DJANGO_SETTINGS_MODULE"}
            for script in SCRIPTS:
                figures += script_run(script, smoke=args.smoke, env=script_env, work=work)
    except KeyboardInterrupt:
        say("Interrupted; stopping what this run started ...")
        interrupted = True
    except SystemExit:
        say(f"Stopped; the logs of the run are in {work}")
        raise
    finally:
        script_stop()
        processes.stop()
        queue_purge(env)
        if database_made and not args.keep:
            database_recreate(admin_url, args.database, drop_only=True)
    if interrupted:
        shutil.rmtree(work, ignore_errors=True)
        return 130

    problems += [f"{item['name']}: {item['note']}" for item in figures if item["status"] == "error"]
    print()
    print(
        f"Kokemus bench{' (smoke)' if args.smoke else ''}: {os.cpu_count()} cores, {rounds}, "
        f"gunicorn {WORKERS} sync workers"
    )
    print(table(figures))
    RESULTS.mkdir(exist_ok=True)
    out = args.json or RESULTS / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "figures": figures,
                "at": at.isoformat(timespec="seconds"),
                "seconds": round(time.monotonic() - started),
                "smoke": args.smoke,
                "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                "wrk": {"rounds": args.rounds, "seconds": args.seconds, "connections": args.connections},
                "gunicorn_workers": WORKERS,
                "rows": prepared["rows"] if "prepared" in locals() else None,
                "problems": problems,
            },
            indent=2,
        )
    )
    chart(figures, out.with_suffix(".svg"))
    print(f"\nFigures written to {out} (and a chart of the ratios, {out.with_suffix('.svg').name})")
    missed = sum(1 for item in figures if item["passed"] is False)
    print(
        f"{len(figures)} figures, {missed} bars missed, {len(problems)} problems, "
        f"in {time.monotonic() - started:.0f} s."
    )
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if problems:
        print(f"Logs of the run are in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
