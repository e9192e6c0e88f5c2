"""Every connection is set up for safety, and the database file is private."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from kentcard.services.context import Context
from kentcard.store.engine import Database, make_engine, url_for
from kentcard.store.migrate import upgrade
from kentcard.store.models import MoneyOutRow


def test_connection_pragmas(ctx: Context) -> None:
    """Foreign keys on, WAL, synchronous=FULL and a busy timeout on every connection."""
    with ctx.db.read() as session:
        raw = session.connection()
        assert raw.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert raw.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert raw.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert raw.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_database_file_and_folder_are_private(tmp_path: Path) -> None:
    """The file is created 0600 and its new folder 0700, whatever the umask."""
    old = os.umask(0o022)
    try:
        path = tmp_path / "new" / "k.sqlite3"
        engine = make_engine(url_for(path))
        upgrade(engine)
        engine.dispose()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_foreign_keys_are_enforced(ctx: Context) -> None:
    """A money-out pointing at a recipient that does not exist is refused by the database."""
    with pytest.raises(IntegrityError), ctx.db.write() as session:
        session.add(
            MoneyOutRow(recipient_id=999, date=date(2026, 1, 1), amount_pence=100, payee="X")
        )
        session.flush()


def test_money_columns_refuse_bad_values(ctx: Context, db_path: Path) -> None:
    """CHECK constraints refuse a zero amount even when code is bypassed."""
    with sqlite3.connect(db_path) as raw:
        raw.execute("INSERT INTO recipient (name, retained_weeks, created_at) VALUES ('A', 8, 'x')")
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute(
                "INSERT INTO money_out (recipient_id, date, amount_pence, payee, origin) "
                "VALUES (1, '2026-01-01', 0, 'X', 'manual')"
            )


def test_write_transactions_take_the_lock_at_once(ctx: Context, db_path: Path) -> None:
    """A write begins IMMEDIATE: while one is open, another connection cannot start writing."""
    other = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
    with ctx.db.write() as session:
        session.connection()  # the transaction (and its write lock) starts here
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_two_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """Two threads writing at once both succeed: the busy timeout queues them."""
    engine = make_engine(url_for(tmp_path / "k.sqlite3"))
    upgrade(engine)
    db = Database(engine)
    with db.write() as session:
        session.connection().exec_driver_sql(
            "INSERT INTO recipient (name, retained_weeks, created_at) VALUES ('A', 8, 'x')"
        )
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(50):
                with db.write() as session:
                    session.connection().exec_driver_sql(
                        "INSERT INTO money_in (recipient_id, date, amount_pence, source, origin) "
                        "VALUES (1, '2026-01-01', 100, 'kcc', 'manual')"
                    )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.read() as session:
        count = session.connection().exec_driver_sql("SELECT count(*) FROM money_in").scalar()
    engine.dispose()
    assert errors == []
    assert count == 100
