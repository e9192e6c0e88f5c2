"""Engine and sessions: SQLite set up so that no write is lost or half-done.

Every SQLite connection gets foreign keys on, WAL, synchronous=FULL and a busy
timeout. pysqlite's own transaction handling is switched off (SQLAlchemy's
documented recipe) so that we emit BEGIN ourselves: `BEGIN IMMEDIATE` for a
write, so two processes queue on the lock instead of failing half-way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from kentcard.core.errors import KentcardError
from kentcard.core.folders import private_folder

if TYPE_CHECKING:  # the ORM is loaded by the first session, not by opening the database
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000
_WRITE = "kentcard_write"


def url_for(target: str | Path) -> str:
    """A SQLAlchemy URL for a path or a URL (anything with `://` is taken as a URL)."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().absolute()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def prepare_sqlite_file(path: Path) -> None:
    """Create the missing folders (0700) and an empty database file (0600) before SQLite does.

    SQLite would create the file with the process umask; special-category personal
    data must be readable by its owner only. A folder that is already there is left alone.
    """
    private_folder(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_RDWR | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(fd)
    # SQLite gives its -wal and -shm files the database file's own mode.


def make_engine(url: str) -> Engine:
    """Build an engine for `url`; SQLite files are created private and tuned for safety."""
    path = sqlite_path(url)
    if path is not None:
        prepare_sqlite_file(path)
    engine = create_engine(url, connect_args=_connect_args(url))
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _connect_args(url: str) -> dict[str, Any]:
    if make_url(url).get_backend_name() == "sqlite":
        return {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    return {}


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if sqlite_path(str(engine.url)) is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class StorageError(KentcardError):
    """The database could not take the write (disk full, locked too long, read-only)."""


def storage_error(error: OperationalError) -> KentcardError | OperationalError:
    """A plain message for the storage failures a person can do something about."""
    text = str(error.orig).lower()
    if "full" in text:
        return StorageError("the disk is full, so nothing was saved; free some space and try again")
    if "locked" in text or "busy" in text:
        return StorageError("another kentcard window is busy saving; nothing was saved, try again")
    if "readonly" in text or "read-only" in text:
        return StorageError("the database file cannot be written (read-only); nothing was saved")
    return error


class Database:
    """Hands out sessions: `write()` for one user action's transaction, `read()` for queries.

    `connect()` is a read transaction on a plain Core connection, for the reads in
    `store.account` that need no ORM (a command that only reports never loads it).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{_WRITE: True})

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, committed on success and rolled back on any error."""
        from sqlmodel import Session

        try:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                yield session
        except OperationalError as error:
            raise storage_error(error) from error

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
