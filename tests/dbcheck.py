"""Reading a test's database directly, whichever it is: a SQLite file or a PostgreSQL URL.

The tests check what a command wrote (or did not write) by counting rows themselves, not
through kentcard's own reads. This goes through SQLAlchemy, so the same check runs on both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text

from kentcard.store.engine import url_for

# The tables whose row counts say whether a command wrote anything.
WRITTEN = ("recipient", "plan", "money_in", "money_out", "invoice", "allocation", "blob", "audit")


def rows(db: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows `sql` returns on the database `db` (a SQLite path or a PostgreSQL URL)."""
    engine = create_engine(url_for(db))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def count(db: str, table: str) -> int:
    [(found,)] = rows(db, f"SELECT count(*) FROM {table}")
    return int(found)


def counts(db: str, tables: tuple[str, ...] = WRITTEN) -> dict[str, int]:
    """The number of rows in each of `tables`."""
    return {table: count(db, table) for table in tables}
