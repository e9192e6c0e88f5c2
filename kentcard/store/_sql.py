"""Pieces the per-kind store modules share to build their queries: running a Core
statement for plain rows, date ranges, text search, sorting, and the month of a date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Connection, String, Table, and_, cast, func, or_
from sqlalchemy.sql import visitors

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def table(model: Any) -> Table:
    """The Core table a SQLModel class declares: the one declaration of its columns."""
    found: Table = model.__table__
    return found


def connection_of(session: Session | Connection) -> Connection:
    return session if isinstance(session, Connection) else session.connection()


def rows(session: Session | Connection, statement: Any) -> list[Any]:
    """Every row of a Core statement as plain tuples, all at once: fetching row by row
    costs SQLAlchemy a call chain per row."""
    return list(connection_of(session).execute(statement).all())


def in_range(column: Any, start: date | None, end: date | None) -> Any:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return and_(True, *conditions)


def anything() -> Any:
    return and_(True)


def search(text: str | None, *columns: Any) -> Any:
    """Any of `columns` contains `text`, ignoring case (ilike: the same on PostgreSQL)."""
    if not text or not text.strip():
        return and_(True)
    pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern += "%"
    return or_(*(c.ilike(pattern, escape="\\") for c in columns))


def ordered(
    statement: Any, sort_columns: dict[str, Any], sort: str, descending: bool, id_column: Any
) -> Any:
    column = sort_columns.get(sort, id_column)
    first = column.desc() if descending else column.asc()
    if may_be_null(column):  # SQLite's order on both: empty first going up, last going down
        first = first.nulls_last() if descending else first.nulls_first()
    return statement.order_by(first, id_column.desc() if descending else id_column.asc())


def may_be_null(expression: Any) -> bool:
    """Whether a sort key is or is built from a column that may be NULL.

    SQLite sorts NULL before every value, PostgreSQL after, so such keys say where NULLs
    go. Keys that cannot be NULL are left as they are: PostgreSQL walks an index backwards
    only for its own NULL order.
    """
    found = getattr(expression, "expression", expression)
    return any(isinstance(part, Column) and part.nullable for part in visitors.iterate(found))


def month_of(column: Any) -> Any:
    """'YYYY-MM' of a date column: dates are ISO text on SQLite and cast to ISO text on
    PostgreSQL, so the month is the first seven characters on both."""
    return func.substr(cast(column, String), 1, 7)


def day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
