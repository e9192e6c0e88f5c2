"""Statement lines and import batches: bulk reads and writes for the import path.

The import path writes with SQLAlchemy Core `insert()` and executemany (never one ORM
object per line), so a 100,000-line statement is a handful of statements in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import func, insert, select, text, update
from sqlmodel import Session, col

from kentcard.store.audit import now_utc
from kentcard.store.models import (
    AuditRow,
    MoneyInRow,
    MoneyOutRow,
    ProviderRow,
    StatementBatchRow,
    StatementLineRow,
    StatementMappingRow,
)

LINE = StatementLineRow.__table__  # type: ignore[attr-defined]
OUT = MoneyOutRow.__table__  # type: ignore[attr-defined]
IN = MoneyInRow.__table__  # type: ignore[attr-defined]
AUDIT = AuditRow.__table__  # type: ignore[attr-defined]
BATCH = StatementBatchRow.__table__  # type: ignore[attr-defined]


def seen_keys(
    *, session: Session, recipient_id: int, start: date, end: date
) -> set[tuple[str, int]]:
    """(fingerprint, occurrence) of every line already stored for these dates."""
    rows = session.execute(
        select(LINE.c.fingerprint, LINE.c.occurrence).where(
            LINE.c.recipient_id == recipient_id, LINE.c.date.between(start, end)
        )
    )
    return {(fp, occ) for fp, occ in rows}


class StoredLine(NamedTuple):
    """A stored statement line and the entry it is tied to ("money-out:12")."""

    id: int
    date: date
    amount_pence: int
    description: str
    payee: str | None
    entry: str


def lines_with_keys(
    *, session: Session, recipient_id: int, start: date, end: date, keys: set[tuple[str, int]]
) -> list[StoredLine]:
    """The stored lines tied to an entry, dated in [start, end], whose (fingerprint,
    occurrence) is in `keys`."""
    rows = session.execute(
        select(
            LINE.c.id,
            LINE.c.date,
            LINE.c.amount_pence,
            LINE.c.description,
            LINE.c.payee,
            LINE.c.money_out_id,
            LINE.c.money_in_id,
            LINE.c.fingerprint,
            LINE.c.occurrence,
        )
        .where(LINE.c.recipient_id == recipient_id, LINE.c.date.between(start, end))
        .order_by(LINE.c.date, LINE.c.id)
    )
    return [
        StoredLine(
            r.id,
            r.date,
            r.amount_pence,
            r.description,
            r.payee,
            f"money-out:{r.money_out_id}"
            if r.money_out_id is not None
            else f"money-in:{r.money_in_id}",
        )
        for r in rows
        if (r.fingerprint, r.occurrence) in keys
        and (r.money_out_id is not None or r.money_in_id is not None)
    ]


def unlinked_entries(
    *, session: Session, recipient_id: int, start: date, end: date
) -> list[tuple[str, int, date, int, str]]:
    """Ledger entries in [start, end] no statement line accounts for yet, opening
    balances apart.

    Each is (kind, id, date, signed pence, label); money out is negative.
    """
    out: list[tuple[str, int, date, int, str]] = []
    for table, kind, sign, label in (
        (OUT, "money-out", -1, OUT.c.payee),
        (IN, "money-in", 1, IN.c.source),
    ):
        link = LINE.c.money_out_id if kind == "money-out" else LINE.c.money_in_id
        taken = select(link).where(link.is_not(None), LINE.c.recipient_id == recipient_id)
        where = [
            table.c.recipient_id == recipient_id,
            table.c.date.between(start, end),
            table.c.id.not_in(taken),
        ]
        if table is IN:  # an opening balance is not money that came in on a statement
            where.append(IN.c.source != "opening")
        rows = session.execute(
            select(table.c.id, table.c.date, table.c.amount_pence, label).where(*where)
        )
        out += [(kind, i, d, sign * pence, str(text)) for i, d, pence, text in rows]
    return out


def providers_by_name(
    *, session: Session, recipient_id: int
) -> dict[str, tuple[int, str, str | None]]:
    rows = session.execute(
        select(ProviderRow.id, ProviderRow.name, ProviderRow.category).where(  # type: ignore[call-overload]
            ProviderRow.recipient_id == recipient_id
        )
    )
    return {name.casefold(): (pid, name, category) for pid, name, category in rows}


def add_batch(
    *, session: Session, recipient_id: int, filename: str, lines: int, skipped: int
) -> int:
    result = session.execute(
        insert(BATCH).returning(BATCH.c.id),
        {
            "recipient_id": recipient_id,
            "imported_at": now_utc(),
            "filename": filename,
            "lines": lines,
            "skipped": skipped,
        },
    )
    return int(result.scalar_one())


# Column order of the tuples the bulk helpers below take (dates as ISO text).
OUT_COLUMNS: tuple[str, ...] = ("recipient_id", "date", "amount_pence", "payee", "provider_id")
OUT_COLUMNS += ("category", "description", "reference", "origin", "evidence_note")
IN_COLUMNS: tuple[str, ...] = ("recipient_id", "date", "amount_pence", "source", "reference")
IN_COLUMNS += ("note", "category", "origin")
LINE_COLUMNS: tuple[str, ...] = ("recipient_id", "batch_id", "fingerprint", "occurrence", "date")
LINE_COLUMNS += ("amount_pence", "description", "payee", "balance_pence", "state")
LINE_COLUMNS += ("money_out_id", "money_in_id", "replaces_line_id")
AUDIT_COLUMNS = ("at", "recipient_id", "entity", "entity_id", "action", "detail")
_DATES = frozenset({"date"})
BIG_CACHE_KIB = -65536  # negative: KiB, so 64 MB at most, only while inserting


def insert_rows(
    *, session: Session, table: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows (tuples in `columns` order, dates as ISO text), in order.

    On SQLite the tuples go straight to the DBAPI cursor of the session's connection (in
    its transaction), a few thousand rows per INSERT: SQLAlchemy's per-row parameter
    processing costs more than SQLite's own work for 100,000 rows. Other databases get a
    Core insert.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        dated = [i for i, name in enumerate(columns) if name in _DATES]
        records = []
        for row in rows:
            record = dict(zip(columns, row, strict=True))
            for i in dated:
                record[columns[i]] = date.fromisoformat(row[i])
            records.append(record)
        connection.execute(insert(table), records)
        return
    driver = connection.connection.driver_connection
    cursor = driver.cursor()  # type: ignore[union-attr]
    # A bigger page cache for the insert: a 100,000-line statement's unique fingerprint
    # index outgrows SQLite's default 2 MB and would be written out page by page.
    (cache,) = cursor.execute("PRAGMA cache_size").fetchone()
    try:
        if len(rows) > 10_000:
            cursor.execute(f"PRAGMA cache_size={BIG_CACHE_KIB}")
        limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
        for sql, params in _multi_row_inserts(table.name, columns, rows, min(limit, 32766)):
            cursor.execute(sql, params)
    finally:
        cursor.execute(f"PRAGMA cache_size={int(cache)}")
        cursor.close()


def _multi_row_inserts(
    name: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]], variables: int
) -> Iterator[tuple[str, list[Any]]]:
    """INSERTs of many rows each (`VALUES (...), (...)`), as many as `variables` allows.

    One statement per row (executemany) pays SQLite's per-statement work (AUTOINCREMENT's
    sequence, the foreign key counter, a reset) 100,000 times; a few thousand rows per
    statement insert the same rows in the same order, in about half the time.
    """
    width = len(columns)
    per = max(1, variables // width)
    one = "(" + ", ".join("?" * width) + ")"
    head = f"INSERT INTO {name} ({', '.join(columns)}) VALUES "
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        if set(map(len, chunk)) != {width}:
            raise ValueError(f"a row for {name} does not have {width} values")
        yield head + ", ".join([one] * len(chunk)), list(chain.from_iterable(chunk))


def insert_returning_ids(
    *, session: Session, table: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[int]:
    """Insert many rows and return their new ids, in order.

    On SQLite the write transaction holds the database lock (BEGIN IMMEDIATE), so the next
    ids are known: they are given explicitly and the rows go in one plain executemany.
    Past ids are never reused (AUTOINCREMENT's sqlite_sequence is read too). Other
    databases use INSERT ... RETURNING.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "sqlite":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        for record in records:
            record["date"] = date.fromisoformat(record["date"])
        result = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), records
        )
        return [int(i) for i in result.scalars()]
    used = int(
        session.execute(
            text(
                f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = :name), 0), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0))"
            ),
            {"name": table.name},
        ).scalar_one()
    )
    ids = range(used + 1, used + 1 + len(rows))
    insert_rows(
        session=session,
        table=table,
        columns=("id", *columns),
        rows=[(i, *row) for i, row in zip(ids, rows, strict=True)],
    )
    return list(ids)


def audit_rows(
    entity: str,
    ids: Sequence[int],
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    recipient_id: int,
    extra: dict[str, Any],
) -> list[tuple[Any, ...]]:
    """Audit lines (AUDIT_COLUMNS order) for entries created in bulk, as `audit.record` writes."""
    at = now_utc()
    details = creation_details(
        ("id", *columns), [(i, *row) for i, row in zip(ids, rows, strict=True)], extra
    )
    return [
        (at, recipient_id, entity, entity_id, "create", detail)
        for entity_id, detail in zip(ids, details, strict=True)
    ]


def creation_details(
    keys: Sequence[str], rows: Sequence[Sequence[Any]], extra: dict[str, Any]
) -> list[str]:
    """The audit detail of each created row: the very text `audit.record` writes for it.

    That is `json.dumps({"before": None, "after": row, **extra}, sort_keys=True, default=str)`.
    The keys are the same on every row, so the text around the values is worked out once
    and the values are encoded a column at a time (a test holds the two ways equal).
    """
    if not rows:
        return []
    order = sorted(range(len(keys)), key=keys.__getitem__)
    head, tail = _around_after(extra)
    pairs = ", ".join(_json_str(keys[i]).replace("%", "%%") + ": %s" for i in order)
    template = head.replace("%", "%%") + "{" + pairs + "}" + tail.replace("%", "%%")
    columns = list(zip(*rows, strict=True))
    texts = [_json_column(columns[i]) for i in order]
    return [template % values for values in zip(*texts, strict=True)]


def _around_after(extra: dict[str, Any]) -> tuple[str, str]:
    """The detail's text before and after the "after" object."""
    marker = "\x00after\x00"
    while True:
        text = json.dumps({"before": None, "after": marker, **extra}, sort_keys=True, default=str)
        parts = text.split(json.dumps(marker))
        if len(parts) == 2:
            return parts[0], parts[1]
        marker += "\x00"  # the extra holds the marker's text too: make it longer


def _json_column(values: Sequence[Any]) -> list[str]:
    """Each value of one column as JSON text; a column of one plain type in one C-level pass."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return list(map(_json_str, values))
    if kinds == {int}:
        return list(map(int.__repr__, values))
    if kinds == {type(None)}:
        return ["null"] * len(values)
    if kinds == {str, type(None)}:
        return ["null" if value is None else _json_str(value) for value in values]
    return list(map(_json_value, values))


_json_str = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


def _json_value(value: Any) -> str:
    """One value exactly as `json.dumps(..., default=str)` writes it inside an object."""
    kind = type(value)
    if kind is str:
        return _json_str(value)  # type: ignore[no-any-return]
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return json.dumps(value, sort_keys=True, default=str)


def forget_entry(
    *, session: Session, money_out_id: int | None = None, money_in_id: int | None = None
) -> None:
    """The person deleted an entry: its statement lines stay, marked deleted, never re-created."""
    column = LINE.c.money_out_id if money_out_id is not None else LINE.c.money_in_id
    target = money_out_id if money_out_id is not None else money_in_id
    session.execute(
        update(LINE)
        .where(column == target)
        .values(state="deleted", money_out_id=None, money_in_id=None)
    )


def lines_page(
    *, session: Session, recipient_id: int, start: date | None, end: date | None
) -> list[StatementLineRow]:
    statement = select(StatementLineRow).where(StatementLineRow.recipient_id == recipient_id)  # type: ignore[arg-type]
    if start is not None:
        statement = statement.where(StatementLineRow.date >= start)  # type: ignore[arg-type]
    if end is not None:
        statement = statement.where(StatementLineRow.date <= end)  # type: ignore[arg-type]
    return list(
        session.scalars(statement.order_by(col(StatementLineRow.date), col(StatementLineRow.id)))
    )


def mapping_for(*, session: Session, recipient_id: int, provider: str) -> dict[str, str] | None:
    row = session.scalars(
        select(StatementMappingRow).where(
            StatementMappingRow.recipient_id == recipient_id,  # type: ignore[arg-type]
            func.lower(StatementMappingRow.provider) == provider.casefold(),
        )
    ).first()
    return None if row is None else dict(json.loads(row.mapping))


def save_mapping(
    *, session: Session, recipient_id: int, provider: str, mapping: dict[str, str]
) -> None:
    row = session.scalars(
        select(StatementMappingRow).where(
            StatementMappingRow.recipient_id == recipient_id,  # type: ignore[arg-type]
            func.lower(StatementMappingRow.provider) == provider.casefold(),
        )
    ).first()
    if row is None:
        row = StatementMappingRow(
            recipient_id=recipient_id, provider=provider, mapping="{}", saved_at=""
        )
    row.mapping = json.dumps(mapping, sort_keys=True)
    row.saved_at = now_utc()
    session.add(row)
