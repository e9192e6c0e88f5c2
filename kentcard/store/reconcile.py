"""Reads and writes for reconciling statement lines with ledger entries, and the card
statement's day-end balances.

Lines come back with the entry each is tied to (kind, id, label), so the Reconcile screen
shows both sides from one query; entries come back with the line that accounts for them.
A change to a line writes its audit line in the caller's transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, literal, select, union_all, update
from sqlmodel import Session

from kentcard.core.errors import NotFoundError
from kentcard.core.records import MoneyIn, MoneyOut
from kentcard.store import _sql, audit, convert
from kentcard.store.models import MoneyInRow, MoneyOutRow, StatementBatchRow, StatementLineRow

LINE = _sql.table(StatementLineRow)
OUT = _sql.table(MoneyOutRow)
IN = _sql.table(MoneyInRow)
BATCH = _sql.table(StatementBatchRow)
ENTITY = "statement_line"


def lines(
    *,
    session: Session,
    recipient_id: int,
    batch_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Any]:
    """Lines (oldest first) with the tied entry's kind, id, date and label, if any."""
    statement = (
        select(
            LINE.c.id,
            LINE.c.batch_id,
            LINE.c.date,
            LINE.c.amount_pence,
            LINE.c.description,
            LINE.c.payee,
            LINE.c.balance_pence,
            LINE.c.state,
            LINE.c.money_out_id,
            LINE.c.money_in_id,
            LINE.c.replaces_line_id,
            func.coalesce(OUT.c.date, IN.c.date).label("entry_date"),
            func.coalesce(OUT.c.payee, IN.c.source).label("entry_label"),
        )
        .select_from(
            LINE.outerjoin(OUT, OUT.c.id == LINE.c.money_out_id).outerjoin(
                IN, IN.c.id == LINE.c.money_in_id
            )
        )
        .where(LINE.c.recipient_id == recipient_id)
        .order_by(LINE.c.date, LINE.c.id)
    )
    if batch_id is not None:
        statement = statement.where(LINE.c.batch_id == batch_id)
    if start is not None:
        statement = statement.where(LINE.c.date >= start)
    if end is not None:
        statement = statement.where(LINE.c.date <= end)
    return list(session.execute(statement))


def entries(*, session: Session, recipient_id: int, start: date, end: date) -> list[Any]:
    """Ledger entries dated in [start, end]: kind, id, date, signed pence, label, origin, line."""
    parts = []
    for table, kind, sign, label, link in (
        (OUT, "money-out", -1, OUT.c.payee, LINE.c.money_out_id),
        (IN, "money-in", 1, IN.c.source, LINE.c.money_in_id),
    ):
        tied = select(LINE.c.id).where(link == table.c.id).limit(1).scalar_subquery()
        parts.append(
            select(
                literal(kind).label("kind"),
                table.c.id,
                table.c.date,
                (table.c.amount_pence * sign).label("pence"),
                label.label("label"),
                table.c.origin,
                tied.label("line_id"),
            ).where(table.c.recipient_id == recipient_id, table.c.date.between(start, end))
        )
    both = union_all(*parts).subquery()
    return list(session.execute(select(both).order_by(both.c.date, both.c.kind, both.c.id)))


def batches(*, session: Session, recipient_id: int) -> list[Any]:
    """Import batches, newest first, with how many lines each stored and their dates."""
    stored = (
        select(
            LINE.c.batch_id,
            func.count().label("stored"),
            func.min(LINE.c.date).label("first"),
            func.max(LINE.c.date).label("last"),
        )
        .group_by(LINE.c.batch_id)
        .subquery()
    )
    statement = (
        select(
            BATCH.c.id,
            BATCH.c.imported_at,
            BATCH.c.filename,
            BATCH.c.lines,
            BATCH.c.skipped,
            func.coalesce(stored.c.stored, 0).label("stored"),
            stored.c.first,
            stored.c.last,
        )
        .select_from(BATCH.outerjoin(stored, stored.c.batch_id == BATCH.c.id))
        .where(BATCH.c.recipient_id == recipient_id)
        .order_by(BATCH.c.id.desc())
    )
    return list(session.execute(statement))


class Line(NamedTuple):
    """A stored statement line as the reconcile actions see it."""

    id: int
    recipient_id: int
    batch_id: int
    date: date
    amount_pence: int
    balance_pence: int | None
    state: str
    money_out_id: int | None
    money_in_id: int | None
    replaces_line_id: int | None


def _line(row: StatementLineRow) -> Line:
    assert row.id is not None
    return Line(
        row.id,
        row.recipient_id,
        row.batch_id,
        row.date,
        row.amount_pence,
        row.balance_pence,
        row.state,
        row.money_out_id,
        row.money_in_id,
        row.replaces_line_id,
    )


def _line_row(session: Session, line_id: int) -> StatementLineRow:
    row = session.get(StatementLineRow, line_id)
    if row is None:
        raise NotFoundError(f"statement line {line_id} does not exist")
    return row


def line(*, session: Session, line_id: int) -> Line:
    """The statement line with this id, or NotFoundError."""
    return _line(_line_row(session, line_id))


def update_line(*, session: Session, line_id: int, event: str, entry: str, **values: Any) -> Line:
    """Change these columns of a line, with one audit line naming the event and the entry."""
    row = _line_row(session, line_id)
    audit.change(
        session=session,
        row=row,
        values=values,
        entity=ENTITY,
        recipient_id=row.recipient_id,
        extra={"event": event, "entry": entry},
    )
    return _line(row)


def entry(*, session: Session, kind: str, entry_id: int) -> MoneyOut | MoneyIn:
    """The money-out or money-in with this id, or NotFoundError."""
    if kind == "money-out":
        out_row = session.get(MoneyOutRow, entry_id)
        if out_row is not None:
            return convert.money_out(out_row)
    else:
        in_row = session.get(MoneyInRow, entry_id)
        if in_row is not None:
            return convert.money_in(in_row)
    raise NotFoundError(f"{kind}:{entry_id} does not exist")


def line_tied_to(*, session: Session, kind: str, entry_id: int) -> int | None:
    """The id of the statement line that accounts for this entry, if one does."""
    link = LINE.c.money_out_id if kind == "money-out" else LINE.c.money_in_id
    found = session.execute(select(LINE.c.id).where(link == entry_id).limit(1)).scalar()
    return None if found is None else int(found)


def undecided_up_to(*, session: Session, recipient_id: int, to: date) -> tuple[int, date | None]:
    """How many lines dated up to `to` still need a decision, and the first one's date."""
    count, first = session.execute(
        select(func.count(), func.min(LINE.c.date)).where(
            LINE.c.recipient_id == recipient_id, LINE.c.state == "decision", LINE.c.date <= to
        )
    ).one()
    return int(count), first


def batch_lines_from(*, session: Session, batch_id: int, start: date) -> list[Any]:
    """One import's lines dated from `start` that carry a running balance: id, date,
    amount and balance (pence)."""
    return list(
        session.execute(
            select(
                LINE.c.id,
                LINE.c.date,
                LINE.c.amount_pence.label("amount"),
                LINE.c.balance_pence.label("balance"),
            )
            .where(
                LINE.c.batch_id == batch_id,
                LINE.c.date >= start,
                LINE.c.balance_pence.is_not(None),
            )
            .order_by(LINE.c.date, LINE.c.id)  # PostgreSQL keeps no insertion order
        )
    )


def move_balances(*, session: Session, line_ids: list[int], delta: int) -> None:
    """Add `delta` pence to the running balance of each of these lines."""
    if line_ids and delta:
        session.execute(
            update(LINE)
            .where(LINE.c.id.in_(line_ids))
            .values(balance_pence=LINE.c.balance_pence + delta)
        )


# --- The card statement's day-end balances ---------------------------------------------------


def day_end_balances(
    *, connection: Connection, recipient_id: int, start: date, end: date
) -> list[tuple[date, int]]:
    """The card statement's balance at the end of each day in [start, end] that has one.

    A line replaced by a later download's, and a later download's line still waiting to
    replace one, are two versions of one payment: only the one in the ledger counts.
    """
    c = LINE.c
    statement = (
        select(c.date, c.amount_pence, c.balance_pence)
        .where(
            c.recipient_id == recipient_id,
            c.balance_pence.is_not(None),
            c.state != "replaced",
            (c.replaces_line_id.is_(None)) | (c.state != "decision"),
            c.date.between(start, end),
        )
        .order_by(c.date, c.id)
    )
    days: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for day, pence, balance in connection.execute(statement):
        days[str(day)[:10]].append((int(pence), int(balance)))
    return [(date.fromisoformat(day), _day_end(lines)) for day, lines in days.items()]


def _day_end(lines: list[tuple[int, int]]) -> int:
    """The balance after a day's lines (amount, balance after), whatever their order.

    The day's first line is the one whose balance before it is no other line's balance
    after; the day ends at that balance plus the day's amounts. Should the lines not
    single one out (a data error, or a day that ends where it began), the last stored
    line's balance is taken.
    """
    after = Counter(balance for _, balance in lines)
    firsts = {balance - pence for pence, balance in lines if after[balance - pence] == 0}
    if len(firsts) == 1:
        return firsts.pop() + sum(pence for pence, _ in lines)
    return lines[-1][1]
