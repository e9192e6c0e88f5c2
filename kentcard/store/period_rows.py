"""Bulk reads for one person and one review period: plain Core queries, one pass per table.

A review or an export reads a whole period at once (100,000 payments on a large account):
no ORM object per row, one query per table, and the month-by-month totals in one grouped
query. Rows come back as the light tuples of `kentcard.core.lines`.

The queries name the columns they read on lightweight Core tables, not on the SQLModel
classes, so these reads never build the ORM models (a test checks each column against
`kentcard.store.models`, which defines the schema). They take a session or a connection.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    String,
    TableClause,
    cast,
    column,
    exists,
    func,
    literal,
    or_,
    select,
    table,
    union_all,
)

from kentcard.core.dates import Month
from kentcard.core.lines import AllocationLine, DocumentLine, InvoiceLine, MoneyOutLine
from kentcard.core.money import Money
from kentcard.core.records import MoneyIn, Origin, Source

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _table(name: str, *columns: str) -> TableClause:
    """Table `name` with these columns, typed as the models type them (text unless listed)."""
    return table(name, *(column(c, _TYPES.get(c, String)) for c in columns))


_TYPES: dict[str, Any] = {
    **dict.fromkeys(("date", "issue_date", "due_date", "period_start", "period_end"), Date),
    **dict.fromkeys(
        ("id", "recipient_id", "provider_id", "amount_pence", "hours_centi", "rate_pence",
         "money_out_id", "money_in_id", "invoice_id", "document_id", "size"),
        Integer,
    ),
}  # fmt: skip
OUT = _table(
    "money_out", "id", "recipient_id", "date", "amount_pence", "payee", "category",
    "description", "reference", "origin", "evidence_note",
)  # fmt: skip
IN = _table(
    "money_in", "id", "recipient_id", "date", "amount_pence", "source", "reference", "note",
    "category", "origin",
)  # fmt: skip
INV = _table(
    "invoice", "id", "recipient_id", "provider_id", "number", "issue_date", "amount_pence",
    "due_date", "hours_centi", "rate_pence", "period_start", "period_end",
)  # fmt: skip
ALLOC = _table("allocation", "id", "money_out_id", "invoice_id", "amount_pence")
LINK = _table("document_link", "id", "document_id", "money_out_id", "money_in_id", "invoice_id")
DOC = _table("document", "id", "recipient_id", "sha256", "filename", "kind", "added_at")
BLOB = _table("blob", "sha256", "size", "media_type")
PROVIDER = _table("provider", "id", "name")
TABLES = (OUT, IN, INV, ALLOC, LINK, DOC, BLOB, PROVIDER)


def _rows(session: Session | Connection, statement: Any) -> list[Any]:
    connection = session if isinstance(session, Connection) else session.connection()
    # All at once: fetching row by row costs SQLAlchemy a call chain per row.
    return list(connection.execute(statement).all())


def money_out_lines(
    *, session: Session | Connection, recipient_id: int, start: date, end: date
) -> list[MoneyOutLine]:
    """Payments dated in [start, end], by date, each with whether evidence proves it and
    the person's explanation of why it has none (if they gave one)."""
    own = exists().where(LINK.c.money_out_id == OUT.c.id)
    via_invoice = (
        exists()
        .where(ALLOC.c.money_out_id == OUT.c.id)
        .where(LINK.c.invoice_id == ALLOC.c.invoice_id)
    )
    c = OUT.c
    statement = (
        select(
            c.id, c.date, c.amount_pence, c.payee, c.category, c.description, c.reference,
            c.origin, or_(own, via_invoice), c.evidence_note,
        )
        .where(c.recipient_id == recipient_id, c.date >= start, c.date <= end)
        .order_by(c.date, c.id)
    )  # fmt: skip
    make = MoneyOutLine._make
    return [make(row) for row in _rows(session, statement)]


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
        for i, day, p, s, ref, note, cat, origin in _rows(session, statement)
    ]


def invoice_lines(
    *, session: Session | Connection, recipient_id: int, issued_by: date
) -> list[InvoiceLine]:
    """Invoices issued up to `issued_by`, by issue date, with their provider's name."""
    c = INV.c
    statement = (
        select(
            c.id, PROVIDER.c.name, c.number, c.issue_date, c.amount_pence, c.due_date,
            c.hours_centi, c.rate_pence, c.period_start, c.period_end,
        )
        .join(PROVIDER, PROVIDER.c.id == c.provider_id)
        .where(c.recipient_id == recipient_id, c.issue_date <= issued_by)
        .order_by(c.issue_date, c.id)
    )  # fmt: skip
    make = InvoiceLine._make
    return [make(row) for row in _rows(session, statement)]


def allocation_lines(
    *, session: Session | Connection, recipient_id: int, paid_by: date
) -> list[AllocationLine]:
    """Allocations of this person's payments dated up to `paid_by`, in the order made."""
    statement = (
        select(
            ALLOC.c.id, ALLOC.c.money_out_id, ALLOC.c.invoice_id, ALLOC.c.amount_pence, OUT.c.date
        )
        .join(OUT, OUT.c.id == ALLOC.c.money_out_id)
        .where(OUT.c.recipient_id == recipient_id, OUT.c.date <= paid_by)
        .order_by(ALLOC.c.id)
    )
    make = AllocationLine._make
    return [make(row) for row in _rows(session, statement)]


def document_lines(*, session: Session | Connection, recipient_id: int) -> list[DocumentLine]:
    """Every stored document of this person with its links, in one joined query."""
    d = DOC.c
    statement = (
        select(
            d.id, d.sha256, d.filename, BLOB.c.media_type, BLOB.c.size, d.kind, d.added_at,
            LINK.c.money_out_id, LINK.c.money_in_id, LINK.c.invoice_id,
        )
        .join(BLOB, BLOB.c.sha256 == d.sha256)
        .outerjoin(LINK, LINK.c.document_id == d.id)
        .where(d.recipient_id == recipient_id)
        .order_by(d.id, LINK.c.id)
    )  # fmt: skip
    found: dict[int, tuple[tuple[Any, ...], list[str]]] = {}
    for *head, out_id, in_id, invoice_id in _rows(session, statement):
        _, links = found.setdefault(head[0], (tuple(head), []))
        if out_id is not None:
            links.append(f"money-out:{out_id}")
        elif invoice_id is not None:
            links.append(f"invoice:{invoice_id}")
        elif in_id is not None:
            links.append(f"money-in:{in_id}")
    return [DocumentLine._make((*head, tuple(links))) for head, links in found.values()]


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


def _month_of(column: Any) -> Any:
    # Dates are ISO text on SQLite and cast to ISO text on PostgreSQL: 'YYYY-MM' is the prefix.
    return func.substr(cast(column, String), 1, 7)


def month_totals(
    *, session: Session | Connection, recipient_id: int, start: date, end: date
) -> MonthTotals:
    """Per calendar month, what was paid out and received by source in [start, end]: ONE
    grouped query however long the period."""
    parts = []
    for source, kind in ((OUT, literal("out")), (IN, IN.c.source)):
        month = _month_of(source.c.date)
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
    for text, kind, pence in _rows(session, union_all(*parts)):
        totals.add(Month(int(text[:4]), int(text[5:7])), kind, int(pence or 0))
    return totals
