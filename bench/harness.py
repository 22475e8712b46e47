"""What the benchmark commands share: a throw-away database on the machine's PostgreSQL, the
product's production environment for it, the processes a run starts (each in its own session,
stopped on exit and on Ctrl-C), and the setup steps logged to a file.

Used by bench/load.py (locust against the product) and bench/run.py (the figures of issue 11).
Imports nothing of Django, so that a run can prepare the database before anything reads settings.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = Path(__file__).resolve().parent / "results"
HOST = "demo.localhost"
LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}
SETUP_TIMEOUT = 900
READY_TIMEOUT = 90


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def port_free() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def loopback_check(name: str, url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK and not host.startswith("/") and not host.startswith("127."):
        raise SystemExit(f"{name} must point to this machine (loopback or a Unix socket), not {host!r}.")


def database_url_for(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def database_recreate(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(database_url_for(admin_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


class Processes:
    """What this run started, each in its own session, so that only this script signals it."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        self.running.append((name, process, log))
        return process

    def check(self) -> None:
        for name, process, _log in self.running:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with code {process.returncode}; see {self.logs / name}.log")

    def stop(self, only: str | None = None) -> None:
        """Stop every process this run started (or only the one named `only`), its whole group."""
        for entry in list(reversed(self.running)):
            name, process, log = entry
            if only is not None and name != only:
                continue
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    say(f"{name} did not stop in 20 s; killing it")
            try:
                os.killpg(process.pid, signal.SIGKILL)  # what is left of its group: pool processes, workers
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
            log.close()
            self.running.remove(entry)


def step(title: str, command: list[str], env: dict[str, str], logs: Path) -> None:
    say(title)
    with (logs / "setup.log").open("ab") as log:
        code = subprocess.run(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=SETUP_TIMEOUT, check=False
        ).returncode
    if code != 0:
        raise SystemExit(f"`{' '.join(command[1:])}` failed with exit code {code}; see {logs / 'setup.log'}")


def static_stale() -> bool:
    """Whether collectstatic must run: compressing every file takes minutes on a busy machine, so
    it is skipped while the manifest is newer than the project's static files and the requirements."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [ROOT / "static", *ROOT.glob("apps/*/static"), ROOT / ".venv" / ".requirements.sha256"]
    newest = max(
        (path.stat().st_mtime for source in sources if source.exists() for path in [source, *source.rglob("*")]),
        default=0.0,
    )
    return newest > manifest.stat().st_mtime


def run_environment(
    *,
    database_url: str,
    redis_url: str,
    port: int,
    mail_port: int,
    settings: str = "cxplatform.settings.production",
    cache_prefix: str = "bench",
) -> dict[str, str]:
    """The product's production environment on loopback: plain http, a random SECRET_KEY."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": ".localhost,localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "BASE_DOMAIN": "localhost",
        "SITE_SCHEME": "http",
        "SITE_PORT": str(port),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"{cache_prefix}{os.getpid()}",
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }


def manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def wait_ready(port: int, processes: Processes, *, host: str = HOST, path: str = "/accounts/login/") -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    while time.monotonic() < deadline:
        processes.check()
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a fixed loopback URL
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer in {READY_TIMEOUT} s; see {processes.logs / 'gunicorn.log'}")


def log_errors(
    logs: Path, names: tuple[str, ...] = ("gunicorn", "worker", "beat", "mail"), *, upto: dict[str, int] | None = None
) -> dict[str, int]:
    """Errors the server side logged (a 500's traceback, a failed task), by process; `upto` reads
    only the first so many bytes of the named logs."""
    counts = {}
    for name in names:
        path = logs / f"{name}.log"
        if path.exists():
            text = path.read_bytes()[: (upto or {}).get(name)].decode(errors="replace")
            counts[name] = sum(1 for line in text.splitlines() if "ERROR" in line or line.startswith("Traceback"))
    return {name: count for name, count in counts.items() if count}


def interrupt(signum: int, frame: object) -> None:
    """Ctrl-C and SIGTERM stop the run through the same clean-up, which a second one does not cut short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def interrupt_handle() -> None:
    """Set here as well, since a shell starts a background job with SIGINT ignored."""
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def queue_purge(env: dict[str, str]) -> None:
    """Tasks still queued (a beat tick at the end) would meet a dropped database in the next worker on this Redis."""
    subprocess.run(
        [str(BIN / "celery"), "-A", "cxplatform", "purge", "-f"], cwd=ROOT, env=env, capture_output=True, check=False
    )
