"""Money in and money out: single entries, lists, pages and counts, a review period's
lines, sums by source, category and month, and adding, changing and deleting entries.

Every read goes through the models' tables. The bulk reads for a review period
(`money_out_lines`, `money_in_records`, `month_totals`) are plain Core queries that build
no ORM object per row (100,000 payments on a large account), and the month-by-month totals
are ONE grouped query however long the period. The sums are over INTEGER pence.
A write changes one entry and writes its audit line in the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, exists, func, literal, or_, select, union_all
from sqlmodel import col
from sqlmodel import select as orm_select

from kentcard.core.dates import Month
from kentcard.core.errors import NotFoundError
from kentcard.core.lines import MoneyOutLine
from kentcard.core.money import Money
from kentcard.core.records import MoneyIn, MoneyOut, Origin, Source
from kentcard.store import audit, convert
from kentcard.store._sql import in_range, month_of, ordered, rows, search, table
from kentcard.store.models import (
    AllocationRow,
    DocumentLinkRow,
    MoneyInRow,
    MoneyOutRow,
    StatementLineRow,
)

if TYPE_CHECKING:
    from sqlmodel import Session

OUT = table(MoneyOutRow)
IN = table(MoneyInRow)
_ALLOC = table(AllocationRow)
_LINK = table(DocumentLinkRow)
_LINE = table(StatementLineRow)


# --- One entry: read, add, change, delete ----------------------------------------------------


def _row(session: Session, kind: type[Any], entry_id: int, label: str) -> Any:
    row = session.get(kind, entry_id)
    if row is None:
        raise NotFoundError(f"{label} {entry_id} does not exist")
    return row


def money_in_record(*, session: Session, money_in_id: int) -> MoneyIn:
    """The money-in with this id, or NotFoundError."""
    return convert.money_in(_row(session, MoneyInRow, money_in_id, "money-in"))


def money_out_record(*, session: Session, money_out_id: int) -> MoneyOut:
    """The money-out with this id, or NotFoundError."""
    return convert.money_out(_row(session, MoneyOutRow, money_out_id, "money-out"))


def _add(session: Session, row: Any, entity: str, extra: dict[str, Any] | None) -> Any:
    return audit.insert(session=session, row=row, entity=entity, extra=extra)


def _update(
    session: Session,
    kind: type[Any],
    entry_id: int,
    label: str,
    values: dict[str, Any],
    extra: dict[str, Any] | None,
) -> Any:
    row = _row(session, kind, entry_id, label)
    audit.change(
        session=session,
        row=row,
        values=values,
        entity=kind.__tablename__,
        recipient_id=row.recipient_id,
        extra=extra,
    )
    return row


def _delete(session: Session, kind: type[Any], entry_id: int, label: str) -> None:
    audit.remove(
        session=session, row=_row(session, kind, entry_id, label), entity=kind.__tablename__
    )


def add_money_in(
    *,
    session: Session,
    recipient_id: int,
    date: date,
    amount_pence: int,
    source: Source,
    reference: str | None = None,
    note: str | None = None,
    category: str | None = None,
    origin: Origin = Origin.MANUAL,
    extra: dict[str, Any] | None = None,
) -> MoneyIn:
    """A new money-in, with its audit line (with `extra` in it, if given)."""
    row = MoneyInRow(
        recipient_id=recipient_id,
        date=date,
        amount_pence=amount_pence,
        source=source.value,
        reference=reference,
        note=note,
        category=category,
        origin=origin.value,
    )
    return convert.money_in(_add(session, row, "money_in", extra))


def update_money_in(
    *, session: Session, money_in_id: int, extra: dict[str, Any] | None = None, **values: Any
) -> MoneyIn:
    """Change these columns of a money-in, with one audit line: before and after."""
    row = _update(session, MoneyInRow, money_in_id, "money-in", values, extra)
    return convert.money_in(row)


def delete_money_in(*, session: Session, money_in_id: int) -> None:
    """Delete a money-in, with its audit line (the values it had)."""
    _delete(session, MoneyInRow, money_in_id, "money-in")


def add_money_out(
    *,
    session: Session,
    recipient_id: int,
    date: date,
    amount_pence: int,
    payee: str,
    provider_id: int | None = None,
    category: str | None = None,
    description: str | None = None,
    reference: str | None = None,
    origin: Origin = Origin.MANUAL,
    extra: dict[str, Any] | None = None,
) -> MoneyOut:
    """A new money-out, with its audit line (with `extra` in it, if given)."""
    row = MoneyOutRow(
        recipient_id=recipient_id,
        date=date,
        amount_pence=amount_pence,
        payee=payee,
        provider_id=provider_id,
        category=category,
        description=description,
        reference=reference,
        origin=origin.value,
    )
    return convert.money_out(_add(session, row, "money_out", extra))


def update_money_out(
    *, session: Session, money_out_id: int, extra: dict[str, Any] | None = None, **values: Any
) -> MoneyOut:
    """Change these columns of a money-out, with one audit line: before and after."""
    row = _update(session, MoneyOutRow, money_out_id, "money-out", values, extra)
    return convert.money_out(row)


def delete_money_out(*, session: Session, money_out_id: int) -> None:
    """Delete a money-out, with its audit line (the values it had)."""
    _delete(session, MoneyOutRow, money_out_id, "money-out")


# --- Lists ------------------------------------------------------------------------------------


def money_in(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyIn]:
    found = session.exec(
        orm_select(MoneyInRow)
        .where(MoneyInRow.recipient_id == recipient_id, in_range(MoneyInRow.date, start, end))
        .order_by(col(MoneyInRow.date), col(MoneyInRow.id))
    )
    return [convert.money_in(r) for r in found]


def money_out(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyOut]:
    found = session.exec(
        orm_select(MoneyOutRow)
        .where(MoneyOutRow.recipient_id == recipient_id, in_range(MoneyOutRow.date, start, end))
        .order_by(col(MoneyOutRow.date), col(MoneyOutRow.id))
    )
    return [convert.money_out(r) for r in found]


def _has_evidence() -> Any:
    """True for a money-out with its own document or an allocated invoice that has one."""
    own = exists().where(_LINK.c.money_out_id == OUT.c.id)
    via_invoice = (
        exists()
        .where(_ALLOC.c.money_out_id == OUT.c.id)
        .where(_LINK.c.invoice_id == _ALLOC.c.invoice_id)
    )
    return or_(own, via_invoice)


# --- A review period: plain Core reads -------------------------------------------------------


def money_out_lines(
    *, session: Session | Connection, recipient_id: int, start: date, end: date
) -> list[MoneyOutLine]:
    """Payments dated in [start, end], by date, each with whether evidence proves it and
    the person's explanation of why it has none (if they gave one)."""
    c = OUT.c
    statement = (
        select(
            c.id, c.date, c.amount_pence, c.payee, c.category, c.description, c.reference,
            c.origin, _has_evidence(), c.evidence_note,
        )
        .where(c.recipient_id == recipient_id, c.date >= start, c.date <= end)
        .order_by(c.date, c.id)
    )  # fmt: skip
    make = MoneyOutLine._make
    return [make(row) for row in rows(session, statement)]


def money_in_records(*, session: Session | Connection, recipient_id: int) -> list[MoneyIn]:
    """Every money-in of the person (a few a month): the expected-payment check pairs them all."""
    c = IN.c
    statement = (
        select(c.id, c.date, c.amount_pence, c.source, c.reference, c.note, c.category, c.origin)
        .where(c.recipient_id == recipient_id)
        .order_by(c.date, c.id)
    )
    return [
        MoneyIn(i, recipient_id, day, Money(p), Source(s), ref, note, cat, Origin(origin))
        for i, day, p, s, ref, note, cat, origin in rows(session, statement)
    ]


class MonthTotals:
    """Pence per calendar month: paid out, and received by source."""

    def __init__(self) -> None:
        self.out: dict[Month, int] = defaultdict(int)
        self.received: dict[Month, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.net: dict[Month, int] = defaultdict(int)  # in − out

    def add(self, month: Month, kind: str, pence: int) -> None:
        if kind == "out":
            self.out[month] += pence
        else:
            self.received[month][kind] += pence
        self.net[month] += -pence if kind == "out" else pence


def _month(text: str) -> Month:
    return Month(int(text[:4]), int(text[5:7]))


def month_totals(
    *, session: Session | Connection, recipient_id: int, start: date, end: date
) -> MonthTotals:
    """Per calendar month, what was paid out and received by source in [start, end]: ONE
    grouped query however long the period."""
    parts = []
    for source, kind in ((OUT, literal("out")), (IN, IN.c.source)):
        month = month_of(source.c.date)
        parts.append(
            select(month, kind, func.sum(source.c.amount_pence))
            .where(
                source.c.recipient_id == recipient_id,
                source.c.date >= start,
                source.c.date <= end,
            )
            .group_by(month, kind)
        )
    totals = MonthTotals()
    for text, kind, pence in rows(session, union_all(*parts)):
        totals.add(_month(text), kind, int(pence or 0))
    return totals


# --- Sums -------------------------------------------------------------------------------------


def received_by_source(
    *, connection: Connection, recipient_id: int, start: date, end: date
) -> dict[str, Money]:
    """Money in by source, in [start, end]."""
    c = IN.c
    statement = (
        select(c.source, func.sum(c.amount_pence))
        .where(c.recipient_id == recipient_id, c.date.between(start, end))
        .group_by(c.source)
    )
    return {source: Money(int(pence or 0)) for source, pence in connection.execute(statement)}


def _refunds(recipient_id: int, start: date, end: date) -> Any:
    c = IN.c
    return and_(c.recipient_id == recipient_id, c.source == "refund", c.date.between(start, end))


def spent_by_category(
    *, connection: Connection, recipient_id: int, start: date, end: date
) -> dict[str | None, Money]:
    """Money out less refunds, by category (None = no category), in [start, end]."""
    spent = (
        select(OUT.c.category, func.sum(OUT.c.amount_pence))
        .where(OUT.c.recipient_id == recipient_id, OUT.c.date.between(start, end))
        .group_by(OUT.c.category)
    )
    refunded = (
        select(IN.c.category, func.sum(IN.c.amount_pence))
        .where(_refunds(recipient_id, start, end))
        .group_by(IN.c.category)
    )
    totals: dict[str | None, int] = defaultdict(int)
    for category, pence in connection.execute(spent):
        totals[category] += int(pence or 0)
    for category, pence in connection.execute(refunded):
        totals[category] -= int(pence or 0)
    return {category: Money(pence) for category, pence in totals.items()}


def balance_on(*, connection: Connection, recipient_id: int, day: date) -> Money:
    """All money in up to `day` less all money out up to `day`: one query."""

    def up_to(source: Any) -> Any:
        return (
            select(func.coalesce(func.sum(source.c.amount_pence), 0))
            .where(source.c.recipient_id == recipient_id, source.c.date <= day)
            .scalar_subquery()
        )

    found = connection.execute(select(up_to(IN) - up_to(OUT)))
    return Money(int(found.scalar_one()))


def ledger_movements(
    *, connection: Connection, recipient_id: int, end: date
) -> list[tuple[date, int]]:
    """Net pence per day up to `end` (money in less money out), oldest first.

    An entry tied to a statement line counts on the line's date, so a payment logged a
    day after the card took it is not a difference between the two.
    """
    parts = []
    for source, link, sign in ((IN, _LINE.c.money_in_id, 1), (OUT, _LINE.c.money_out_id, -1)):
        line_day = (
            select(_LINE.c.date)
            .where(link == source.c.id)
            .order_by(_LINE.c.id)
            .limit(1)
            .scalar_subquery()
        )
        parts.append(
            select(
                func.coalesce(line_day, source.c.date).label("day"),
                (source.c.amount_pence * sign).label("pence"),
            ).where(source.c.recipient_id == recipient_id)
        )
    both = union_all(*parts).subquery()
    statement = (
        select(both.c.day, func.sum(both.c.pence))
        .where(both.c.day <= end)
        .group_by(both.c.day)
        .order_by(both.c.day)
    )
    return [
        (date.fromisoformat(str(day)[:10]), int(pence))
        for day, pence in connection.execute(statement)
    ]


def spent_by_month_and_category(
    *, connection: Connection, recipient_id: int, start: date, end: date
) -> dict[Month, dict[str | None, int]]:
    """Pence spent (money out less refunds) per month and category (None = no category)."""
    out_month, in_month = month_of(OUT.c.date), month_of(IN.c.date)
    spent = (
        select(out_month, OUT.c.category, func.sum(OUT.c.amount_pence))
        .where(OUT.c.recipient_id == recipient_id, OUT.c.date.between(start, end))
        .group_by(out_month, OUT.c.category)
    )
    refunded = (
        select(in_month, IN.c.category, func.sum(IN.c.amount_pence))
        .where(_refunds(recipient_id, start, end))
        .group_by(in_month, IN.c.category)
    )
    totals: dict[Month, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    for month, category, pence in connection.execute(spent):
        totals[_month(month)][category] += int(pence or 0)
    for month, category, pence in connection.execute(refunded):
        totals[_month(month)][category] -= int(pence or 0)
    return totals


# --- Paged reads for the terminal app's tables -----------------------------------------------
# A table of 100,000 rows is read one page at a time: a filter, a sort and a COUNT, all in SQL.


def _money_out_where(recipient_id: int, text, start, end, category):  # type: ignore[no-untyped-def]
    conditions = [
        MoneyOutRow.recipient_id == recipient_id,
        in_range(MoneyOutRow.date, start, end),
        search(
            text,
            col(MoneyOutRow.payee),
            col(MoneyOutRow.description),
            col(MoneyOutRow.reference),
            col(MoneyOutRow.category),
        ),
    ]
    if category is not None:
        conditions.append(func.lower(MoneyOutRow.category) == category.lower())
    return and_(*conditions)


def money_out_page(
    *,
    session: Session,
    recipient_id: int,
    offset: int,
    limit: int,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    category: str | None = None,
    sort: str = "date",
    descending: bool = True,
) -> list[tuple[MoneyOut, bool]]:
    """One page of money out, each with whether it has evidence."""
    columns = {
        "date": col(MoneyOutRow.date),
        "amount": col(MoneyOutRow.amount_pence),
        "payee": func.lower(MoneyOutRow.payee),
        "category": func.lower(MoneyOutRow.category),
    }
    statement = orm_select(MoneyOutRow, _has_evidence()).where(
        _money_out_where(recipient_id, text, start, end, category)
    )
    statement = ordered(statement, columns, sort, descending, col(MoneyOutRow.id))
    found = session.exec(statement.offset(offset).limit(limit))
    return [(convert.money_out(row), bool(evidenced)) for row, evidenced in found]


def money_out_count(
    *,
    session: Session,
    recipient_id: int,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    category: str | None = None,
) -> int:
    statement = orm_select(func.count()).where(
        _money_out_where(recipient_id, text, start, end, category)
    )
    return int(session.exec(statement).one())


def _money_in_where(recipient_id: int, text, start, end, source):  # type: ignore[no-untyped-def]
    conditions = [
        MoneyInRow.recipient_id == recipient_id,
        in_range(MoneyInRow.date, start, end),
        search(text, col(MoneyInRow.reference), col(MoneyInRow.note), col(MoneyInRow.category)),
    ]
    if source is not None:
        conditions.append(MoneyInRow.source == source)
    return and_(*conditions)


def money_in_page(
    *,
    session: Session,
    recipient_id: int,
    offset: int,
    limit: int,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    source: str | None = None,
    sort: str = "date",
    descending: bool = True,
) -> list[MoneyIn]:
    columns = {
        "date": col(MoneyInRow.date),
        "amount": col(MoneyInRow.amount_pence),
        "source": col(MoneyInRow.source),
        "reference": func.lower(MoneyInRow.reference),
    }
    statement = orm_select(MoneyInRow).where(
        _money_in_where(recipient_id, text, start, end, source)
    )
    statement = ordered(statement, columns, sort, descending, col(MoneyInRow.id))
    return [convert.money_in(r) for r in session.exec(statement.offset(offset).limit(limit))]


def money_in_count(
    *,
    session: Session,
    recipient_id: int,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    source: str | None = None,
) -> int:
    statement = orm_select(func.count()).where(
        _money_in_where(recipient_id, text, start, end, source)
    )
    return int(session.exec(statement).one())
