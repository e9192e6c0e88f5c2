"""Statement lines and import batches: bulk reads and writes for the import path.

The SQLModel classes in `models.py` are the one declaration of the schema: the bulk writes
go through their tables, with rows as dicts keyed by column name, built here from the
values a service gives (`NewEntry`, `NewLine`). On SQLite a 100,000-line statement is a
handful of multi-row INSERTs in one transaction (see `_insert`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Date,
    Integer,
    Table,
    and_,
    cast,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.sql import column as sql_column
from sqlalchemy.sql import table as sql_table
from sqlmodel import Session, SQLModel, col

from kentcard.core.money import Money
from kentcard.core.records import Origin
from kentcard.store import audit
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

# The models' tables, for the store's own queries (store/reconcile.py reads them too).
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
    """A new import of a statement file; its id."""
    row = StatementBatchRow(
        recipient_id=recipient_id,
        imported_at=now_utc(),
        filename=filename,
        lines=lines,
        skipped=skipped,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


class NewEntry(NamedTuple):
    """An entry a statement line creates: money out when `amount` is negative (as on the
    statement), money in when positive."""

    date: date
    amount: Money
    description: str | None
    payee: str = ""  # money out: who was paid
    provider_id: int | None = None  # money out: the provider the payee is
    category: str | None = None
    source: str | None = None  # money in: kcc, contribution, refund...


class NewLine(NamedTuple):
    """A statement line to keep, and what became of it."""

    fingerprint: str
    occurrence: int
    date: date
    amount: Money
    description: str
    payee: str | None
    balance: Money | None
    state: str  # matched, created or decision
    money_out_id: int | None = None
    money_in_id: int | None = None
    replaces_line_id: int | None = None


_STATEMENT = Origin.STATEMENT.value


def add_entries(*, session: Session, recipient_id: int, entries: Sequence[NewEntry]) -> list[int]:
    """Create the entries (origin 'statement'); each one's new id, in the same order.

    The import's one audit record (`record_import`) lists them; no audit line each.
    """
    spent = [e for e in entries if e.amount.pence < 0]
    came = [e for e in entries if e.amount.pence > 0]
    if len(spent) + len(came) != len(entries):
        raise ValueError("an entry of no amount")
    out_ids = iter(
        _insert(
            session,
            MoneyOutRow,
            [
                {
                    "recipient_id": recipient_id,
                    "date": e.date,
                    "amount_pence": -e.amount.pence,
                    "payee": e.payee,
                    "provider_id": e.provider_id,
                    "category": e.category,
                    "description": e.description,
                    "origin": _STATEMENT,
                }
                for e in spent
            ],
            ids=True,
        )
    )
    in_ids = iter(
        _insert(
            session,
            MoneyInRow,
            [
                {
                    "recipient_id": recipient_id,
                    "date": e.date,
                    "amount_pence": e.amount.pence,
                    "source": e.source,
                    "note": e.description,
                    "category": e.category,
                    "origin": _STATEMENT,
                }
                for e in came
            ],
            ids=True,
        )
    )
    return [next(out_ids if e.amount.pence < 0 else in_ids) for e in entries]


def add_lines(
    *, session: Session, recipient_id: int, batch_id: int, lines: Sequence[NewLine]
) -> None:
    """Keep the batch's new lines, in the order given."""
    _insert(
        session,
        StatementLineRow,
        [
            {
                "recipient_id": recipient_id,
                "batch_id": batch_id,
                "fingerprint": line.fingerprint,
                "occurrence": line.occurrence,
                "date": line.date,
                "amount_pence": line.amount.pence,
                "description": line.description,
                "payee": line.payee,
                "balance_pence": None if line.balance is None else line.balance.pence,
                "state": line.state,
                "money_out_id": line.money_out_id,
                "money_in_id": line.money_in_id,
                "replaces_line_id": line.replaces_line_id,
            }
            for line in lines
        ],
    )


def record_import(
    *,
    session: Session,
    batch_id: int,
    sha256: str,
    counts: dict[str, int],
    entry_ids: dict[str, list[int]],
) -> None:
    """The import's one audit record, in the caller's transaction.

    Entity `statement_batch` (shown as `statement-import:N`), action `create`; its detail
    holds the batch row ("after"), the file's SHA-256, the counts of lines matched, created,
    waiting, already imported and skipped, and the ids of every entry it created
    (`money_out_ids`, `money_in_ids`). Each created entry also keeps its statement line's
    link to it, so `import_origin` finds this record from the entry in one query.
    """
    batch = session.get(StatementBatchRow, batch_id)
    assert batch is not None
    extra: dict[str, Any] = {"sha256": sha256, **counts}
    for table in (OUT, IN):
        extra[_ids_key(table.name)] = list(entry_ids.get(table.name, ()))
    audit.record(
        session=session,
        entity=BATCH.name,
        entity_id=batch_id,
        action="create",
        recipient_id=batch.recipient_id,
        after=batch,
        extra=extra,
    )


def _ids_key(table: str) -> str:
    """Where an import's audit record lists the ids it created of `table`."""
    return f"{table}_ids"


class ImportOrigin(NamedTuple):
    """The import a record came from: its batch, when, which file, and the line."""

    batch_id: int
    at: str
    filename: str
    sha256: str | None
    line_id: int | None


def import_origin(*, session: Session, entity: str, entity_id: int) -> ImportOrigin | None:
    """The import that created this money out or money in, or read this statement line;
    None for anything else, or an entry an import did not create."""
    if entity == LINE.name:
        found = session.execute(
            select(LINE.c.id, LINE.c.batch_id, AUDIT.c.at, AUDIT.c.detail)
            .join(AUDIT, _batch_record(LINE.c.batch_id))
            .where(LINE.c.id == entity_id)
        ).first()
        return None if found is None else _origin(*found)
    if entity not in (OUT.name, IN.name):
        return None
    # One query: the line that created it (while it is still tied to it), and its batch.
    link = LINE.c.money_out_id if entity == OUT.name else LINE.c.money_in_id
    for line_id, batch_id, at, detail in session.execute(
        select(LINE.c.id, LINE.c.batch_id, AUDIT.c.at, AUDIT.c.detail)
        .join(AUDIT, _batch_record(LINE.c.batch_id))
        .where(link == entity_id, LINE.c.state == "created")
    ):
        if entity_id in json.loads(detail).get(_ids_key(entity), ()):
            return _origin(line_id, batch_id, at, detail)
    # Its line was untied or replaced since: the batch's record still lists it.
    listed, value = _listed_ids(session, _ids_key(entity))
    found = session.execute(
        select(AUDIT.c.entity_id, AUDIT.c.at, AUDIT.c.detail)
        .select_from(AUDIT.join(listed, true()))
        .where(
            AUDIT.c.entity == BATCH.name,
            AUDIT.c.action == "create",
            value == entity_id,
        )
        .limit(1)
    ).first()
    return None if found is None else _origin(None, *found)


def _listed_ids(session: Session, key: str) -> tuple[Any, Any]:
    """The ids an audit record's detail lists under `key`, as a table to join each record
    to, and its value as an integer: SQLite's json_each, PostgreSQL's
    json_array_elements_text (the detail is JSON text on both)."""
    if session.get_bind().dialect.name == "postgresql":
        elements = cast(AUDIT.c.detail, JSON)[key]
        listed = func.json_array_elements_text(elements).table_valued("value")
        return listed, cast(listed.c.value, Integer)
    listed = func.json_each(AUDIT.c.detail, f"$.{key}").table_valued("value")
    return listed, listed.c.value


def _batch_record(batch_id: Any) -> Any:
    return and_(
        AUDIT.c.entity == BATCH.name,
        AUDIT.c.entity_id == batch_id,
        AUDIT.c.action == "create",
    )


def _origin(line_id: int | None, batch_id: int, at: str, detail: str) -> ImportOrigin:
    values = json.loads(detail)
    after = values.get("after") or {}
    return ImportOrigin(batch_id, at, str(after.get("filename", "")), values.get("sha256"), line_id)


# The bulk path. Rows are dicts keyed by the model's column names; `_insert` writes them
# through the model's table. `_orm_insert` is the plain way, one ORM object per row, that
# tests/services/test_statement_bulk.py holds it equal to.

BIG_CACHE_KIB = -65536  # negative: KiB, so 64 MB at most, only while inserting


def _insert(
    session: Session, model: type[SQLModel], rows: list[dict[str, Any]], *, ids: bool = False
) -> list[int]:
    """Insert the rows, in order; their new ids when `ids` (else an empty list).

    On SQLite the values go straight to the DBAPI cursor of the session's connection (in
    its transaction), a few thousand rows per INSERT: SQLAlchemy's per-row parameter
    processing costs more than SQLite's own work for 100,000 rows. The write transaction
    holds the database lock (BEGIN IMMEDIATE), so the next ids are known and given
    explicitly; past ids are never reused (AUTOINCREMENT's sqlite_sequence is read too).
    Other databases get a Core insert (with RETURNING for the ids).
    """
    if not rows:
        return []
    table: Table = model.__table__  # type: ignore[attr-defined]
    names = list(rows[0])
    columns = [table.c[name] for name in names]  # a name the model lacks is a KeyError
    if set(map(len, rows)) != {len(names)}:
        raise ValueError(f"the rows for {table.name} do not all have the same columns")
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        if not ids:
            connection.execute(insert(table), rows)
            return []
        result = connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        return [int(i) for i in result.scalars()]
    values = [list(map(itemgetter(name), rows)) for name in names]
    days = _IsoDays()
    for i, column in enumerate(columns):
        if isinstance(column.type, Date):  # as ISO text, as SQLAlchemy's SQLite Date stores
            values[i] = list(map(days.__getitem__, values[i]))
    new_ids: list[int] = []
    if ids:
        used = session.execute(
            select(
                func.max(
                    func.coalesce(
                        select(_SEQUENCE.c.seq)
                        .where(_SEQUENCE.c.name == table.name)
                        .scalar_subquery(),
                        0,
                    ),
                    func.coalesce(select(func.max(table.c.id)).scalar_subquery(), 0),
                )
            )
        ).scalar_one()
        new_ids = list(range(int(used) + 1, int(used) + 1 + len(rows)))
        columns.insert(0, table.c.id)
        values.insert(0, new_ids)
    _write_many(connection, table, columns, list(zip(*values, strict=True)))
    return new_ids


_SEQUENCE = sql_table("sqlite_sequence", sql_column("name"), sql_column("seq"))  # SQLite's own


class _IsoDays(dict[date, str]):
    """ISO text of each date, worked out once per day (a statement has many lines a day)."""

    def __missing__(self, day: date) -> str:
        self[day] = text = day.isoformat()
        return text


def _write_many(
    connection: Connection, table: Table, columns: list[Column[Any]], rows: list[tuple[Any, ...]]
) -> None:
    driver = connection.connection.driver_connection
    cursor = driver.cursor()  # type: ignore[union-attr]
    # A bigger page cache for the insert: a 100,000-line statement's unique fingerprint
    # index outgrows SQLite's default 2 MB and would be written out page by page.
    (cache,) = cursor.execute("PRAGMA cache_size").fetchone()
    try:
        if len(rows) > 10_000:
            cursor.execute(f"PRAGMA cache_size={BIG_CACHE_KIB}")
        limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
        quote = connection.dialect.identifier_preparer
        head = f"INSERT INTO {quote.format_table(table)} "
        head += "(" + ", ".join(quote.format_column(c) for c in columns) + ") VALUES "
        for sql, params in _multi_row_inserts(head, len(columns), rows, min(limit, 32766)):
            cursor.execute(sql, params)
    finally:
        cursor.execute(f"PRAGMA cache_size={int(cache)}")
        cursor.close()


def _multi_row_inserts(
    head: str, width: int, rows: Sequence[tuple[Any, ...]], variables: int
) -> Iterator[tuple[str, list[Any]]]:
    """INSERTs of many rows each (`VALUES (...), (...)`), as many as `variables` allows.

    One statement per row (executemany) pays SQLite's per-statement work (AUTOINCREMENT's
    sequence, the foreign key counter, a reset) 100,000 times; a few thousand rows per
    statement insert the same rows in the same order, in about half the time.
    """
    per = max(1, variables // width)
    one = "(" + ", ".join("?" * width) + ")"
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        yield head + ", ".join([one] * len(chunk)), list(chain.from_iterable(chunk))


def _orm_insert(
    session: Session, model: type[SQLModel], rows: list[dict[str, Any]], *, ids: bool = False
) -> list[int]:
    """The plain way `_insert` stands in for: one ORM object per row, flushed in order."""
    made = [model(**row) for row in rows]
    session.add_all(made)
    session.flush()
    return [int(row.id) for row in made] if ids else []  # type: ignore[attr-defined]


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
