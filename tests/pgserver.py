"""A throwaway PostgreSQL server for the tests and the benchmarks.

`initdb` and `pg_ctl` into a temporary folder, listening on a Unix socket only (the
tests allow no network connection), with fsync and synchronous commit off since nothing
here needs to survive a crash. PostgreSQL refuses to run as root, so when the tests run
as root the server's own commands run as the `postgres` user (`runuser`).

Each test gets a fresh database copied from a template already migrated to head
(`CREATE DATABASE … TEMPLATE`, a few tens of milliseconds), owned by a login role that
is not a superuser: the organisation's owner, as in real use.

Passwords are real (scram-sha-256, as a hosted server has them) and reach libpq through
a password file (`PGPASSFILE`), never through a URL.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "postgres"
OWNER = "kentcard_owner"
PASSWORD = "owner-secret"
TEMPLATE = "kentcard_template"


def binaries() -> Path | None:
    """The folder of `initdb`, `pg_ctl` and `postgres`, or None if no server is installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return versions[0].parent if versions else None


def missing_reason() -> str | None:
    """Why a server cannot be started here, or None if it can."""
    folder = binaries()
    if folder is None:
        return "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root, and `runuser` is missing to start PostgreSQL as another user"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'kentcard[postgres]')"
    return None


@dataclass
class Server:
    folder: Path
    socket_dir: Path
    passfile: Path
    port: int | None = None  # the TLS port, when started with one (the socket uses it too)
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str, user: str = OWNER) -> str:
        """A URL with no password in it: libpq reads it from PGPASSFILE."""
        port = f"&port={self.port}" if self.port else ""
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket_dir}{port}"

    def environ(self) -> dict[str, str]:
        """What a process needs in its environment to reach this server."""
        found = {"PGPASSFILE": str(self.passfile), "PGHOST": str(self.socket_dir)}
        if self.port:
            found["PGPORT"] = str(self.port)
        return found

    def add_password(self, login: str, password: str) -> None:
        with self.passfile.open("a", encoding="utf-8") as out:
            out.write(f"*:*:*:{login}:{password}\n")

    def sql(self, statement: str, database: str = "postgres", user: str = SUPERUSER) -> str:
        """Run SQL through psql as `user`; returns what it printed (unaligned, tuples only)."""
        done = subprocess.run(
            [
                str(binaries() / "psql"),  # type: ignore[operator]
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-U",
                user,
                "-d",
                database,
                "-c",
                statement,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, **self.environ()},
            check=False,
        )
        if done.returncode != 0:
            raise PsqlError(done.stderr.strip())
        return done.stdout.strip()

    def fresh_database(self, prefix: str = "t") -> str:
        """A new database copied from the migrated template, owned by OWNER."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE} OWNER {OWNER}')
        return name

    def empty_database(self, prefix: str = "e") -> str:
        """A new database with no kentcard tables, owned by OWNER."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self.sql(f'CREATE DATABASE "{name}" OWNER {OWNER}')
        return name


class PsqlError(RuntimeError):
    """psql refused a statement (its message is the error's text)."""


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def self_signed_certificate(data: Path) -> None:
    """server.crt and server.key for `localhost`, as a hosted server has a certificate."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(data / "server.key"),
            "-out",
            str(data / "server.crt"),
        ],
        check=True,
        capture_output=True,
    )
    (data / "server.key").chmod(0o600)
    if os.geteuid() == 0:
        shutil.chown(data / "server.key", "postgres")
        shutil.chown(data / "server.crt", "postgres")


@contextmanager
def running(parent: Path | None = None, tls_port: int | None = None) -> Iterator[Server]:
    """Start a server in a new temporary folder; stop it and remove the folder afterwards.

    With `tls_port`, it also listens on 127.0.0.1 at that port with TLS on (a self-signed
    certificate for `localhost`, in the data folder as server.crt) and refuses plain TCP.
    """
    folder = Path(tempfile.mkdtemp(prefix="kentcard-pg-", dir=parent))
    data, socket_dir = folder / "data", folder / "run"
    socket_dir.mkdir()
    superuser_password = folder / "superuser-password"
    superuser_password.write_text("super-secret\n", encoding="utf-8")
    passfile = folder / "pgpass"
    passfile.write_text(
        f"*:*:*:{SUPERUSER}:super-secret\n*:*:*:{OWNER}:{PASSWORD}\n", encoding="utf-8"
    )
    passfile.chmod(0o600)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(socket_dir, "postgres")
        shutil.chown(superuser_password, "postgres")
        folder.chmod(0o755)
    bin_dir = binaries()
    assert bin_dir is not None, missing_reason()
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                f"--pwfile={superuser_password}",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    tls = ""
    if tls_port is not None:
        self_signed_certificate(data)
        with (data / "pg_hba.conf").open("r+", encoding="utf-8") as hba:
            rules = hba.read()
            hba.seek(0)
            hba.write("hostnossl all all 0.0.0.0/0 reject\n" + rules)
        tls = f"-c listen_addresses='127.0.0.1' -c port={tls_port} -c ssl=on "
    options = (tls or "-c listen_addresses='' ") + (
        f"-c unix_socket_directories='{socket_dir}' "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c max_connections=200"
    )
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "server.log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    server = Server(folder=folder, socket_dir=socket_dir, passfile=passfile, port=tls_port)
    try:
        server.sql(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{PASSWORD}'")
        yield server
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def migrate_template(server: Server) -> None:
    """Create the template database and bring it to head with kentcard's own migrations."""
    server.sql(f"CREATE DATABASE {TEMPLATE} OWNER {OWNER}")
    from kentcard.store.engine import make_engine
    from kentcard.store.migrate import upgrade

    os.environ.setdefault("PGPASSFILE", str(server.passfile))
    engine = make_engine(server.url(TEMPLATE))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
