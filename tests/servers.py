"""Real PostgreSQL clusters and PgBouncer started by a test, in a temporary directory, removed after.

A test that needs a server binary skips when it is missing, with the reason, unless
KOKEMUS_REQUIRE_SERVERS=1 is set (CI sets it): then a missing binary fails the test.

PostgreSQL refuses to run as root; started as root, the servers run as the system
user `postgres` (Debian's PostgreSQL packages create it), which gets the directory.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.waiting import wait_until


def _postgres_bin() -> Path:
    """KOKEMUS_POSTGRES_BIN, else the newest of Debian's /usr/lib/postgresql/<version>/bin."""
    if os.environ.get("KOKEMUS_POSTGRES_BIN"):
        return Path(os.environ["KOKEMUS_POSTGRES_BIN"])
    versions = [path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    versions.sort(key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    return versions[-1] if versions else Path("/usr/lib/postgresql/15/bin")


POSTGRES_BIN = _postgres_bin()
START_TIMEOUT = 60.0


def servers_required() -> bool:
    return os.environ.get("KOKEMUS_REQUIRE_SERVERS") == "1"


def binary_require(path: Path | str, *, why: str) -> str:
    """The binary's path; skip (or fail, when KOKEMUS_REQUIRE_SERVERS=1) when it is missing."""
    found = str(path) if Path(path).is_file() and os.access(path, os.X_OK) else shutil.which(str(path))
    if found:
        return found
    message = f"{path} is not installed: {why}"
    if servers_required():
        pytest.fail(f"{message} (KOKEMUS_REQUIRE_SERVERS=1)")
    pytest.skip(message)


def port_free_pick(ports: Iterable[int]) -> int:
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {ports}")


def _server_user() -> str | None:
    """The user servers run as: ourselves, or `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("running as root and there is no `postgres` user to run PostgreSQL and PgBouncer as")
    return "postgres"


def server_command(command: list[str]) -> list[str]:
    user = _server_user()
    return ["runuser", "-u", user, "--", *command] if user else command


def server_directory(prefix: str) -> Path:
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    user = _server_user()
    if user:
        shutil.chown(directory, user=user, group=None)
        directory.chmod(0o700)
    return directory


def run(command: list[str], *, timeout: float = 120.0, **kwargs: object) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_connection(dsn: str, *, timeout: float = START_TIMEOUT) -> None:
    def connects() -> bool:
        with psycopg.connect(dsn, connect_timeout=2):
            return True

    wait_until(
        connects,
        timeout=timeout,
        interval=0.2,
        message=f"a server to accept connections at {dsn}",
        ignoring=(psycopg.OperationalError,),
    )


@dataclass
class PostgresCluster:
    """One PostgreSQL server of our own: `initdb`, or a copy of another made with `pg_basebackup -R`."""

    data_dir: Path
    port: int

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}.log"

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    @classmethod
    def primary_init(cls, *, root: Path, port: int, settings: dict[str, str]) -> "PostgresCluster":
        binary_require(POSTGRES_BIN / "initdb", why="a test PostgreSQL cluster needs initdb")
        cluster = cls(data_dir=root / f"primary-{port}", port=port)
        run(
            server_command(
                [
                    str(POSTGRES_BIN / "initdb"),
                    "-D",
                    str(cluster.data_dir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        )
        cluster.start(settings)
        return cluster

    @classmethod
    def replica_of(
        cls, primary: "PostgresCluster", *, root: Path, port: int, settings: dict[str, str]
    ) -> "PostgresCluster":
        binary_require(POSTGRES_BIN / "pg_basebackup", why="a test replica needs pg_basebackup")
        cluster = cls(data_dir=root / f"replica-{port}", port=port)
        # -R writes standby.signal and primary_conninfo: the copy starts as a streaming standby;
        # -c fast asks for an immediate checkpoint instead of waiting for a spread one (minutes).
        basebackup = [str(POSTGRES_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port)]
        run(
            server_command(
                [*basebackup, "-U", "postgres", "-D", str(cluster.data_dir), "-R", "-X", "stream", "-c", "fast"]
            )
        )
        cluster.start(settings)
        return cluster

    def start(self, settings: dict[str, str]) -> None:
        options = " ".join(
            f"-c {name}={value}"
            for name, value in {
                "port": str(self.port),
                "listen_addresses": "127.0.0.1",
                "unix_socket_directories": str(self.data_dir.parent),
                "fsync": "off",
                "full_page_writes": "off",
                **settings,
            }.items()
        )
        run(
            server_command(
                [
                    str(POSTGRES_BIN / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_path),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    str(int(START_TIMEOUT)),
                    "start",
                ]
            )
        )
        wait_for_connection(self.dsn())

    def stop(self) -> None:
        subprocess.run(
            server_command([str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            timeout=60,
            check=False,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def execute(self, sql: str, *, database: str = "postgres") -> list[tuple]:
        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []


@dataclass
class PgBouncer:
    """A PgBouncer of our own in front of a PostgreSQL server, in `pool_mode`, with trust authentication."""

    directory: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @classmethod
    def start(cls, *, port: int, server_host: str, server_port: int, pool_mode: str, pool_size: int) -> "PgBouncer":
        binary = binary_require(
            "pgbouncer", why="the connection-pooling tests need PgBouncer (apt-get install pgbouncer)"
        )
        bouncer = cls(directory=server_directory("kokemus-pgbouncer-"), port=port)
        config = bouncer.directory / "pgbouncer.ini"
        userlist = bouncer.directory / "userlist.txt"
        userlist.write_text('"postgres" ""\n')
        config.write_text(
            "[databases]\n"
            f"* = host={server_host} port={server_port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {userlist}\n"
            f"pool_mode = {pool_mode}\ndefault_pool_size = {pool_size}\nmax_client_conn = 200\n"
            # psycopg sends these at connect; PgBouncer must let them through, not refuse the client.
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {bouncer.directory / 'pgbouncer.log'}\npidfile = {bouncer.pid_path}\n"
        )
        for path in (config, userlist):
            if os.geteuid() == 0:
                shutil.chown(path, user="postgres")
        run(server_command([binary, "-d", str(config)]))
        wait_for_connection(bouncer.dsn("postgres"))
        return bouncer

    @property
    def pid_path(self) -> Path:
        return self.directory / "pgbouncer.pid"

    def log(self) -> str:
        path = self.directory / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        try:
            if self.pid_path.exists():
                pid = int(self.pid_path.read_text().strip())
                try:
                    os.kill(pid, 15)
                except ProcessLookupError:
                    pass
                wait_until(lambda: not _process_alive(pid), timeout=10, message=f"pgbouncer (pid {pid}) to stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
