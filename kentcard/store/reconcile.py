"""Reads and row look-ups for reconciling statement lines with ledger entries.

Lines come back with the entry each is tied to (kind, id, label), so the Reconcile screen
shows both sides from one query; entries come back with the line that accounts for them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, literal, select, union_all, update
from sqlmodel import Session

from kentcard.core.errors import NotFoundError
from kentcard.store.models import MoneyInRow, MoneyOutRow, StatementLineRow
from kentcard.store.statements import BATCH, IN, LINE, OUT


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


def line_row(*, session: Session, line_id: int) -> StatementLineRow:
    row = session.get(StatementLineRow, line_id)
    if row is None:
        raise NotFoundError(f"statement line {line_id} does not exist")
    return row


def entry_row(*, session: Session, kind: str, entry_id: int) -> MoneyOutRow | MoneyInRow:
    row: MoneyOutRow | MoneyInRow | None = (
        session.get(MoneyOutRow, entry_id)
        if kind == "money-out"
        else session.get(MoneyInRow, entry_id)
    )
    if row is None:
        raise NotFoundError(f"{kind}:{entry_id} does not exist")
    return row


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
            ).where(
                LINE.c.batch_id == batch_id,
                LINE.c.date >= start,
                LINE.c.balance_pence.is_not(None),
            )
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
