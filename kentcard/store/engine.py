"""Engine and sessions: SQLite or PostgreSQL, set up so that no write is lost or half-done.

Every SQLite connection gets foreign keys on, WAL, synchronous=FULL and a busy
timeout. pysqlite's own transaction handling is switched off (SQLAlchemy's
documented recipe) so that we emit BEGIN ourselves: `BEGIN IMMEDIATE` for a
write, so two processes queue on the lock instead of failing half-way.

On PostgreSQL (an organisation's server) the same promise is kept the same way: every
write transaction first takes one transaction-scoped advisory lock, so writers queue as
they do on SQLite and none can lose a race half-way; transactions are READ COMMITTED
whatever the server's default, so a read after the lock sees every earlier write and no
write can fail a serialisation check (SERIALIZABLE's way of refusing a race). The password never
travels in the URL: libpq reads it from a password file (PGPASSFILE, ~/.pgpass), or the
person is asked for it (`password_prompt`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from kentcard.core.errors import KentcardError
from kentcard.core.folders import private_folder

if TYPE_CHECKING:  # the ORM is loaded by the first session, not by opening the database
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000
_WRITE = "kentcard_write"
_READ_ONLY = "kentcard_read_only"


def url_for(target: str | Path) -> str:
    """A SQLAlchemy URL for a path or a URL (anything with `://` is taken as a URL).

    `postgresql://` and `postgres://` mean PostgreSQL through psycopg (version 3). A URL
    with a password in it is refused: a command line and its history are readable by others.
    """
    text = str(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().absolute()}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        text = f"postgresql+psycopg://{rest}"
    try:
        parsed = make_url(text)
    except Exception:
        raise DatabaseAddressError(
            "--db: this is not a database address kentcard can read"
        ) from None
    if parsed.password is not None:
        raise DatabaseAddressError(
            "--db: a password does not belong in the address (others can read a command "
            "line); put it in a password file (PGPASSFILE) or let kentcard ask for it"
        )
    return text


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


READ_ONLY = (
    "the database is read-only here (its file or its folder cannot be written), "
    "so nothing was saved"
)


def prepare_sqlite_file(path: Path) -> None:
    """Create the missing folders (0700) and an empty database file (0600) before SQLite does.

    SQLite would create the file with the process umask; special-category personal
    data must be readable by its owner only. A folder that is already there is left alone,
    and a file that is already there is not opened for writing (it may be read-only).
    """
    if path.exists() and not path.is_symlink():
        return
    private_folder(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except PermissionError:
        raise StorageError(
            "there is no database file yet and its folder cannot be written, "
            "so none can be made there"
        ) from None
    os.close(fd)
    # SQLite gives its -wal and -shm files the database file's own mode.


def cannot_write(path: Path) -> bool:
    """True when this user can read the database but not write it: SQLite needs to write
    both the file and its folder (where the -wal and -shm files go)."""
    if not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK))


def read_only_uri(path: Path) -> str:
    """A SQLite URI that reads `path` and writes nothing.

    When this user can write the file and its folder, that is plain `mode=ro`. When they
    cannot, SQLite could not make the -shm index a WAL database is read through, nor tidy
    up after itself, so the file is read as `immutable` (the file as it is, no locks, no
    side files), unless committed changes still wait in a -wal file: then it is read
    through the -shm index that the writer left, or refused.
    """
    uri = f"{path.absolute().as_uri()}?mode=ro"
    if not cannot_write(path):
        return uri
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return uri + "&immutable=1"
    if path.with_name(path.name + "-shm").exists():
        return uri
    raise StorageError(
        "the database cannot be written here and holds changes not yet merged into its "
        "file; open it once where its file and folder can be written"
    )


def make_engine(url: str, password_prompt: Callable[[], str] | None = None) -> Engine:
    """Build an engine for `url`; SQLite files are created private and tuned for safety.

    A SQLite file this user cannot write (or whose folder they cannot write) is opened
    read-only: reads work, and `Database.write` refuses with one plain message.

    On PostgreSQL, when the server wants a password that no password file holds,
    `password_prompt` is asked once (the command line asks at the terminal); without one
    the connection fails with the server's reason.
    """
    if is_postgresql(url):
        return _postgresql_engine(url, password_prompt)
    path = sqlite_path(url)
    options: dict[str, Any] = {}
    read_only = False
    if path is not None:
        prepare_sqlite_file(path)
        read_only = cannot_write(path)
    if path is not None and read_only:
        uri = read_only_uri(path)
        options["creator"] = lambda: sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
    engine = create_engine(url, connect_args=_connect_args(url), **options)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, read_only)
    if read_only:
        engine = engine.execution_options(**{_READ_ONLY: True})
    return engine


def _postgresql_engine(url: str, password_prompt: Callable[[], str] | None) -> Engine:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseAddressError(
            "--db: PostgreSQL needs the psycopg package: pip install 'kentcard[postgres]'"
        ) from None
    engine = create_engine(url, isolation_level="READ COMMITTED", pool_pre_ping=False)
    asked: list[str] = []

    @event.listens_for(engine, "do_connect")
    def _with_password(_dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        dbapi = engine.dialect.dbapi
        assert dbapi is not None
        if asked:
            cparams["password"] = asked[0]
        try:
            return dbapi.connect(*cargs, **cparams)
        except dbapi.OperationalError as error:
            if asked or password_prompt is None or not _wants_password(str(error)):
                hint = NO_PASSWORD_HINT if _wants_password(str(error)) else ""
                raise StorageError(
                    f"cannot connect to the database: {_reason(error)}{hint}"
                ) from None
        asked.append(password_prompt())
        cparams["password"] = asked[0]
        try:
            return dbapi.connect(*cargs, **cparams)
        except dbapi.OperationalError as error:
            asked.clear()  # a mistyped password is asked for again next time
            raise StorageError(f"cannot connect to the database: {_reason(error)}") from None

    @event.listens_for(engine, "begin")
    def _queue_writers(connection: Any) -> None:
        if connection.get_execution_options().get(_WRITE, False):
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_MS}ms'")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    return engine


# The one advisory lock every kentcard write transaction takes on PostgreSQL ("kentcard"
# spelt as a number, so it is unlikely to clash with another program's own lock).
WRITE_LOCK_KEY = 0x6B656E7463617264


NO_PASSWORD_HINT = (
    " (put the password in a password file named by PGPASSFILE, or run kentcard at a "
    "terminal to be asked for it)"
)


def _reason(error: Exception) -> str:
    """libpq's own reason, without the socket or host preamble (it never holds a password)."""
    text = " ".join(str(error).split())
    for marker in ("FATAL:", "failed:"):
        if marker in text:
            text = text.rsplit(marker, 1)[1].strip()
            break
    return text or type(error).__name__


def _wants_password(message: str) -> bool:
    text = message.lower()
    return "no password supplied" in text or "password authentication failed" in text


def login_of(engine: Engine) -> str | None:
    """The PostgreSQL login this engine connects as (None on SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        found = current_login(connection)
        connection.rollback()
    return found


def current_login(connection: Connection) -> str:
    """The PostgreSQL login a connection is made as."""
    return str(connection.exec_driver_sql("SELECT current_user").scalar())


def is_read_only(engine: Engine) -> bool:
    """Whether `make_engine` opened this database read-only."""
    return bool(engine.get_execution_options().get(_READ_ONLY, False))


def _connect_args(url: str) -> dict[str, Any]:
    if make_url(url).get_backend_name() == "sqlite":
        return {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    return {}


def _configure_sqlite(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if sqlite_path(str(engine.url)) is not None and not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class StorageError(KentcardError):
    """The database could not take the write (disk full, locked too long, read-only)."""


class DatabaseAddressError(KentcardError):
    """The --db address cannot be used (a password in it, a missing driver, not an address)."""


def storage_error(error: DBAPIError) -> KentcardError | DBAPIError:
    """A plain message for the storage failures a person can do something about.

    PostgreSQL refusing a write for lack of rights (SQLSTATE 42501: a viewer writing, an
    editor writing for a person not assigned to them) is left as it is here:
    `Database.write` words it for the login (store/org.refusal)."""
    text = str(error.orig).lower()
    if "lock timeout" in text or "canceling statement due to lock timeout" in text:
        return StorageError("another member of staff is busy saving; nothing was saved, try again")
    if "full" in text:
        return StorageError("the disk is full, so nothing was saved; free some space and try again")
    if "locked" in text or "busy" in text:
        return StorageError("another kentcard window is busy saving; nothing was saved, try again")
    if "readonly" in text or "read-only" in text:
        return StorageError(READ_ONLY)
    return error


INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL: permission denied, or a row-level policy


class Database:
    """Hands out sessions: `write()` for one user action's transaction, `read()` for queries.

    `connect()` is a read transaction on a plain Core connection, for the store's Core reads
    (a person, their plans, a month's sums) that need no ORM session.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{_WRITE: True})
        self.refused_write = False  # a write was asked of a read-only database

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def read_only(self) -> bool:
        return is_read_only(self.engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, committed on success and rolled back on any error."""
        from sqlmodel import Session

        if self.read_only:
            self.refused_write = True
            raise StorageError(READ_ONLY)
        try:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                yield session
        except OperationalError as error:
            raise storage_error(error) from error
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            raise StorageError(self._refusal(str(error.orig))) from error

    def _refusal(self, message: str) -> str:
        """One plain line for PostgreSQL refusing a write for lack of rights."""
        from kentcard.store.org import refusal

        try:
            with self.engine.connect() as connection:
                said = refusal(connection, message)
                connection.rollback()
        except DBAPIError:
            return "your login may not make this change; nothing was saved"
        return said

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
