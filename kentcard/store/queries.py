"""Repository reads: rows in, records out. Every function takes a keyword-only session.

Totals are computed in SQL (SUM over INTEGER pence) so a month summary reads a
handful of aggregates, never the whole ledger.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, col, select

from kentcard.core.money import Money
from kentcard.core.records import Invoice, MoneyIn, MoneyOut, Plan, Provider, Recipient
from kentcard.store import convert
from kentcard.store.models import (
    AllocationRow,
    BlobRow,
    DocumentLinkRow,
    DocumentRow,
    InvoiceRow,
    MoneyInRow,
    MoneyOutRow,
    PlanLineRow,
    PlanRow,
    ProviderRow,
    RecipientRow,
)


def recipients(*, session: Session) -> list[Recipient]:
    rows = session.exec(select(RecipientRow).order_by(col(RecipientRow.id)))
    return [convert.recipient(r) for r in rows]


def plans(*, session: Session, recipient_id: int) -> list[Plan]:
    rows = list(
        session.exec(
            select(PlanRow)
            .where(PlanRow.recipient_id == recipient_id)
            .order_by(col(PlanRow.start_date))
        )
    )
    lines: dict[int, list[PlanLineRow]] = defaultdict(list)
    if rows:
        ids = [r.id for r in rows]
        for line in session.exec(
            select(PlanLineRow)
            .where(col(PlanLineRow.plan_id).in_(ids))
            .order_by(col(PlanLineRow.id))
        ):
            lines[line.plan_id].append(line)
    return [convert.plan(r, lines[r.id or 0]) for r in rows]


def providers(*, session: Session, recipient_id: int) -> list[Provider]:
    rows = session.exec(
        select(ProviderRow)
        .where(ProviderRow.recipient_id == recipient_id)
        .order_by(func.lower(ProviderRow.name))
    )
    return [convert.provider(r) for r in rows]


def provider_row_by_name(*, session: Session, recipient_id: int, name: str) -> ProviderRow | None:
    """Case-insensitive exact name match (the same on SQLite and PostgreSQL)."""
    return session.exec(
        select(ProviderRow).where(
            ProviderRow.recipient_id == recipient_id,
            func.lower(ProviderRow.name) == name.strip().lower(),
        )
    ).first()


def _in_range(column, start: date | None, end: date | None):  # type: ignore[no-untyped-def]
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return and_(True, *conditions)


def money_in(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyIn]:
    rows = session.exec(
        select(MoneyInRow)
        .where(MoneyInRow.recipient_id == recipient_id, _in_range(MoneyInRow.date, start, end))
        .order_by(col(MoneyInRow.date), col(MoneyInRow.id))
    )
    return [convert.money_in(r) for r in rows]


def money_out(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyOut]:
    rows = session.exec(
        select(MoneyOutRow)
        .where(MoneyOutRow.recipient_id == recipient_id, _in_range(MoneyOutRow.date, start, end))
        .order_by(col(MoneyOutRow.date), col(MoneyOutRow.id))
    )
    return [convert.money_out(r) for r in rows]


def received_by_source(
    *, session: Session, recipient_id: int, start: date, end: date
) -> dict[str, Money]:
    rows = session.exec(
        select(MoneyInRow.source, func.sum(MoneyInRow.amount_pence))
        .where(MoneyInRow.recipient_id == recipient_id, _in_range(MoneyInRow.date, start, end))
        .group_by(MoneyInRow.source)
    )
    return {source: Money(int(pence or 0)) for source, pence in rows}


def spent_by_category(
    *, session: Session, recipient_id: int, start: date, end: date
) -> dict[str | None, Money]:
    """Money out less refunds, by category (None = no category), in [start, end]."""
    totals: dict[str | None, int] = defaultdict(int)
    for category, pence in session.exec(
        select(MoneyOutRow.category, func.sum(MoneyOutRow.amount_pence))
        .where(MoneyOutRow.recipient_id == recipient_id, _in_range(MoneyOutRow.date, start, end))
        .group_by(MoneyOutRow.category)
    ):
        totals[category] += int(pence or 0)
    for category, pence in session.exec(
        select(MoneyInRow.category, func.sum(MoneyInRow.amount_pence))
        .where(
            MoneyInRow.recipient_id == recipient_id,
            MoneyInRow.source == "refund",
            _in_range(MoneyInRow.date, start, end),
        )
        .group_by(MoneyInRow.category)
    ):
        totals[category] -= int(pence or 0)
    return {category: Money(pence) for category, pence in totals.items()}


def balance_on(*, session: Session, recipient_id: int, day: date) -> Money:
    """All money in up to `day` less all money out up to `day`."""
    money_in_total = session.exec(
        select(func.coalesce(func.sum(MoneyInRow.amount_pence), 0)).where(
            MoneyInRow.recipient_id == recipient_id, MoneyInRow.date <= day
        )
    ).one()
    money_out_total = session.exec(
        select(func.coalesce(func.sum(MoneyOutRow.amount_pence), 0)).where(
            MoneyOutRow.recipient_id == recipient_id, MoneyOutRow.date <= day
        )
    ).one()
    return Money(int(money_in_total) - int(money_out_total))


def invoices_with_allocated(
    *, session: Session, recipient_id: int, issued_by: date | None = None
) -> list[tuple[Invoice, Money]]:
    """Every invoice (optionally those issued by a day) with the total allocated to it."""
    allocated = (
        select(AllocationRow.invoice_id, func.sum(AllocationRow.amount_pence).label("paid"))
        .group_by(col(AllocationRow.invoice_id))
        .subquery()
    )
    statement = (
        select(InvoiceRow, ProviderRow.name, func.coalesce(allocated.c.paid, 0))
        .join(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .outerjoin(allocated, allocated.c.invoice_id == InvoiceRow.id)
        .where(InvoiceRow.recipient_id == recipient_id)
        .order_by(col(InvoiceRow.issue_date), col(InvoiceRow.id))
    )
    if issued_by is not None:
        statement = statement.where(InvoiceRow.issue_date <= issued_by)
    return [
        (convert.invoice(row, name), Money(int(paid)))
        for row, name, paid in session.exec(statement)
    ]


def allocations_for_money_out(*, session: Session, money_out_id: int) -> list[AllocationRow]:
    return list(
        session.exec(select(AllocationRow).where(AllocationRow.money_out_id == money_out_id))
    )


def allocated_to_invoice(
    *, session: Session, invoice_id: int, excluding_money_out: int | None = None
) -> Money:
    statement = select(func.coalesce(func.sum(AllocationRow.amount_pence), 0)).where(
        AllocationRow.invoice_id == invoice_id
    )
    if excluding_money_out is not None:
        statement = statement.where(AllocationRow.money_out_id != excluding_money_out)
    return Money(int(session.exec(statement).one()))


def money_out_without_evidence(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyOut]:
    """Money out with no document of its own and no allocated invoice that has one."""
    own = exists().where(col(DocumentLinkRow.money_out_id) == MoneyOutRow.id)
    via_invoice = (
        exists()
        .where(col(AllocationRow.money_out_id) == MoneyOutRow.id)
        .where(col(DocumentLinkRow.invoice_id) == AllocationRow.invoice_id)
    )
    rows = session.exec(
        select(MoneyOutRow)
        .where(
            MoneyOutRow.recipient_id == recipient_id,
            _in_range(MoneyOutRow.date, start, end),
            ~or_(own, via_invoice),
        )
        .order_by(col(MoneyOutRow.date), col(MoneyOutRow.id))
    )
    return [convert.money_out(r) for r in rows]


def document_rows(*, session: Session, recipient_id: int) -> list[tuple[DocumentRow, int, str]]:
    statement = (
        select(DocumentRow, BlobRow.size, BlobRow.media_type)
        .join(BlobRow, col(BlobRow.sha256) == DocumentRow.sha256)
        .where(DocumentRow.recipient_id == recipient_id)
        .order_by(col(DocumentRow.id))
    )
    return [(doc, size, media) for doc, size, media in session.exec(statement)]


def links_by_document(*, session: Session, document_ids: list[int]) -> dict[int, list[str]]:
    """Each document's links as readable tags: `money-out:12`, `invoice:3`, `money-in:4`."""
    out: dict[int, list[str]] = defaultdict(list)
    if not document_ids:
        return out
    for link in session.exec(
        select(DocumentLinkRow)
        .where(col(DocumentLinkRow.document_id).in_(document_ids))
        .order_by(col(DocumentLinkRow.id))
    ):
        if link.money_out_id is not None:
            out[link.document_id].append(f"money-out:{link.money_out_id}")
        elif link.invoice_id is not None:
            out[link.document_id].append(f"invoice:{link.invoice_id}")
        elif link.money_in_id is not None:
            out[link.document_id].append(f"money-in:{link.money_in_id}")
    return out
