"""Provider invoices and the allocations that pay them: single reads, lists, pages and
counts, a review period's lines, what is still owed, and adding, changing and deleting.

Every read goes through the models' tables; a write changes one row and writes its audit
line in the caller's transaction.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, case, func, or_, select
from sqlmodel import col
from sqlmodel import select as orm_select

from kentcard.core.errors import ConflictError, NotFoundError
from kentcard.core.lines import AllocationLine, InvoiceLine
from kentcard.core.money import Money
from kentcard.core.records import Allocation, Invoice
from kentcard.store import audit, convert
from kentcard.store._sql import in_range, ordered, rows, search, table
from kentcard.store.models import AllocationRow, InvoiceRow, MoneyOutRow, ProviderRow

if TYPE_CHECKING:
    from sqlmodel import Session

INV = table(InvoiceRow)
ALLOC = table(AllocationRow)
_OUT = table(MoneyOutRow)
_PROVIDER = table(ProviderRow)


# --- One invoice: read, add, change, delete --------------------------------------------------


def _row(session: Session, invoice_id: int) -> InvoiceRow:
    row = session.get(InvoiceRow, invoice_id)
    if row is None:
        raise NotFoundError(f"invoice {invoice_id} does not exist")
    return row


def _record(session: Session, row: InvoiceRow) -> Invoice:
    provider = session.get(ProviderRow, row.provider_id)
    assert provider is not None
    return convert.invoice(row, provider.name)


def invoice_record(*, session: Session, invoice_id: int) -> Invoice:
    """The invoice with this id, with its provider's name, or NotFoundError."""
    return _record(session, _row(session, invoice_id))


def by_number(
    *, session: Session, recipient_id: int, number: str, provider_id: int | None = None
) -> list[Invoice]:
    """The person's invoices with this number (from this provider, when given)."""
    statement = orm_select(InvoiceRow, ProviderRow.name).join(
        ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id
    )
    statement = statement.where(
        InvoiceRow.recipient_id == recipient_id, InvoiceRow.number == number
    )
    if provider_id is not None:
        statement = statement.where(InvoiceRow.provider_id == provider_id)
    return [convert.invoice(row, name) for row, name in session.exec(statement)]


def add_invoice(*, session: Session, recipient_id: int, provider_id: int, **values: Any) -> Invoice:
    """A new invoice (ConflictError if its provider already has that number), with its
    audit line."""
    duplicate = session.exec(
        orm_select(InvoiceRow.id).where(
            InvoiceRow.provider_id == provider_id, InvoiceRow.number == values["number"]
        )
    ).first()
    if duplicate is not None:
        raise ConflictError(
            f"number: this provider already has that invoice number (id {duplicate})"
        )
    row = InvoiceRow(recipient_id=recipient_id, provider_id=provider_id, **values)
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(
        session=session,
        entity="invoice",
        entity_id=row.id,
        action="create",
        recipient_id=recipient_id,
        after=row,
    )
    return _record(session, row)


def update_invoice(*, session: Session, invoice_id: int, **values: Any) -> Invoice:
    """Change these columns of an invoice, with one audit line: before and after."""
    row = _row(session, invoice_id)
    audit.change(
        session=session, row=row, values=values, entity="invoice", recipient_id=row.recipient_id
    )
    return _record(session, row)


def has_allocations(*, session: Session, invoice_id: int) -> bool:
    found = session.exec(
        orm_select(AllocationRow.id).where(AllocationRow.invoice_id == invoice_id)
    ).first()
    return found is not None


def delete_invoice(*, session: Session, invoice_id: int) -> None:
    """Delete an invoice, with its audit line (the values it had)."""
    row = _row(session, invoice_id)
    audit.record(
        session=session,
        entity="invoice",
        entity_id=invoice_id,
        action="delete",
        recipient_id=row.recipient_id,
        before=row,
    )
    session.delete(row)


# --- Allocations --------------------------------------------------------------------------------


def allocations_for_money_out(*, session: Session, money_out_id: int) -> list[Allocation]:
    found = session.exec(
        orm_select(AllocationRow).where(AllocationRow.money_out_id == money_out_id)
    )
    return [convert.allocation(r) for r in found]


def allocation_record(*, session: Session, allocation_id: int) -> Allocation:
    """The allocation with this id, or NotFoundError."""
    row = session.get(AllocationRow, allocation_id)
    if row is None:
        raise NotFoundError(f"allocation {allocation_id} does not exist")
    return convert.allocation(row)


def allocated_to_invoice(
    *, session: Session, invoice_id: int, excluding_money_out: int | None = None
) -> Money:
    statement = orm_select(func.coalesce(func.sum(AllocationRow.amount_pence), 0)).where(
        AllocationRow.invoice_id == invoice_id
    )
    if excluding_money_out is not None:
        statement = statement.where(AllocationRow.money_out_id != excluding_money_out)
    return Money(int(session.exec(statement).one()))


def is_allocated(*, session: Session, money_out_id: int, invoice_id: int) -> bool:
    found = session.exec(
        orm_select(AllocationRow.id).where(
            AllocationRow.money_out_id == money_out_id, AllocationRow.invoice_id == invoice_id
        )
    ).first()
    return found is not None


def add_allocation(
    *, session: Session, recipient_id: int, money_out_id: int, invoice: Invoice, pence: int
) -> Allocation:
    """Pay `pence` of an invoice from a payment, with its audit line (naming the invoice)."""
    row = AllocationRow(money_out_id=money_out_id, invoice_id=invoice.id, amount_pence=pence)
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(
        session=session,
        entity="allocation",
        entity_id=row.id,
        action="create",
        recipient_id=recipient_id,
        after=row,
        extra={"invoice": invoice.number, "provider": invoice.provider_name},
    )
    return convert.allocation(row)


def delete_allocation(*, session: Session, allocation_id: int, recipient_id: int | None) -> None:
    """Delete an allocation, with its audit line (the values it had)."""
    row = session.get(AllocationRow, allocation_id)
    if row is None:
        raise NotFoundError(f"allocation {allocation_id} does not exist")
    audit.record(
        session=session,
        entity="allocation",
        entity_id=allocation_id,
        action="delete",
        recipient_id=recipient_id,
        before=row,
    )
    session.delete(row)
    session.flush()


# --- Lists and sums -----------------------------------------------------------------------------


def invoices_with_allocated(
    *, session: Session, recipient_id: int, issued_by: date | None = None
) -> list[tuple[Invoice, Money]]:
    """Every invoice (optionally those issued by a day) with what was paid against it.

    With `issued_by`, only payments dated up to that day count: the state of the
    invoices as it stood then.
    """
    # Only this person's allocations: summing every allocation in the database first
    # cost seconds on a database of many accounts.
    theirs = orm_select(InvoiceRow.id).where(InvoiceRow.recipient_id == recipient_id)
    paid = orm_select(
        AllocationRow.invoice_id, func.sum(AllocationRow.amount_pence).label("paid")
    ).where(col(AllocationRow.invoice_id).in_(theirs))
    if issued_by is not None:
        paid = paid.join(MoneyOutRow, col(MoneyOutRow.id) == AllocationRow.money_out_id).where(
            MoneyOutRow.date <= issued_by
        )
    allocated = paid.group_by(col(AllocationRow.invoice_id)).subquery()
    statement = (
        orm_select(InvoiceRow, ProviderRow.name, func.coalesce(allocated.c.paid, 0))
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


def _paid_by(day: date) -> Any:
    """What payments dated up to `day` allocated to the invoice of the row."""
    return (
        select(func.coalesce(func.sum(ALLOC.c.amount_pence), 0))
        .select_from(ALLOC.join(_OUT, _OUT.c.id == ALLOC.c.money_out_id))
        .where(ALLOC.c.invoice_id == INV.c.id, _OUT.c.date <= day)
        .scalar_subquery()
    )


def outstanding_total(*, connection: Connection, recipient_id: int, day: date) -> Money:
    """What is still owed on invoices issued by `day`, counting payments made by then.

    An overpaid invoice does not offset another. Summed in SQL, so a summary reads one
    number however many invoices there are.
    """
    owed = INV.c.amount_pence - _paid_by(day)
    statement = select(func.coalesce(func.sum(case((owed > 0, owed), else_=0)), 0)).where(
        INV.c.recipient_id == recipient_id, INV.c.issue_date <= day
    )
    return Money(int(connection.execute(statement).scalar_one()))


def invoices_to_review(
    *, session: Session, recipient_id: int, day: date, issued_from: date | None = None
) -> list[tuple[InvoiceLine, int]]:
    """Invoices issued by `day` that still had something to pay on `day`, and (with
    `issued_from`) every invoice issued in [issued_from, day]: each with the pence paid
    against it by payments dated up to `day`, by issue date.

    What a review can say about invoices comes from these alone (overdue, overpaid, hours ×
    rate, the total owed), so the tens of thousands settled long ago stay in the database.
    An allocation always joins a payment and an invoice of the same person (the allocation
    service checks), so what was paid is summed by invoice, through the allocation index.
    """
    owing = INV.c.amount_pence > _paid_by(day)
    c = INV.c
    statement = (
        select(
            c.id, _PROVIDER.c.name, c.number, c.issue_date, c.amount_pence, c.due_date,
            c.hours_centi, c.rate_pence, c.period_start, c.period_end, _paid_by(day),
        )
        .join(_PROVIDER, _PROVIDER.c.id == c.provider_id)
        .where(
            c.recipient_id == recipient_id,
            c.issue_date <= day,
            owing if issued_from is None else or_(c.issue_date >= issued_from, owing),
        )
        .order_by(c.issue_date, c.id)
    )  # fmt: skip
    make = InvoiceLine._make
    return [(make(row[:-1]), int(row[-1])) for row in rows(session, statement)]


def invoice_lines(
    *, session: Session | Connection, recipient_id: int, issued_by: date
) -> list[InvoiceLine]:
    """Invoices issued up to `issued_by`, by issue date, with their provider's name."""
    c = INV.c
    statement = (
        select(
            c.id, _PROVIDER.c.name, c.number, c.issue_date, c.amount_pence, c.due_date,
            c.hours_centi, c.rate_pence, c.period_start, c.period_end,
        )
        .join(_PROVIDER, _PROVIDER.c.id == c.provider_id)
        .where(c.recipient_id == recipient_id, c.issue_date <= issued_by)
        .order_by(c.issue_date, c.id)
    )  # fmt: skip
    make = InvoiceLine._make
    return [make(row) for row in rows(session, statement)]


def allocation_lines(
    *, session: Session | Connection, recipient_id: int, paid_by: date
) -> list[AllocationLine]:
    """Allocations of this person's payments dated up to `paid_by`, in the order made."""
    statement = (
        select(
            ALLOC.c.id, ALLOC.c.money_out_id, ALLOC.c.invoice_id, ALLOC.c.amount_pence, _OUT.c.date
        )
        .join(_OUT, _OUT.c.id == ALLOC.c.money_out_id)
        .where(_OUT.c.recipient_id == recipient_id, _OUT.c.date <= paid_by)
        .order_by(ALLOC.c.id)
    )
    make = AllocationLine._make
    return [make(row) for row in rows(session, statement)]


# --- Paged reads for the terminal app's tables -----------------------------------------------


def _invoice_paid() -> Any:
    """What is allocated to the invoice of the row, summed through the allocation index.

    A correlated subquery, not a join on every allocation grouped by invoice: grouping the
    whole table cost seconds on a database of many accounts, and a page sorted by date
    sums the allocations of its own rows only.
    """
    return (
        orm_select(func.coalesce(func.sum(AllocationRow.amount_pence), 0))
        .where(AllocationRow.invoice_id == InvoiceRow.id)
        .correlate(InvoiceRow)
        .scalar_subquery()
    )


def _invoice_where(recipient_id: int, text, start, end, status, today):  # type: ignore[no-untyped-def]
    """Invoices filtered in SQL, by status too (what is allocated compared with the amount)."""
    paid = _invoice_paid()
    amount = col(InvoiceRow.amount_pence)
    by_status = {
        "unpaid": paid <= 0,
        "part-paid": and_(paid > 0, paid < amount),
        "paid": paid == amount,
        "overpaid": paid > amount,
        "overdue": and_(col(InvoiceRow.due_date) < today, paid < amount),
        "open": paid < amount,
    }
    conditions = [
        InvoiceRow.recipient_id == recipient_id,
        in_range(InvoiceRow.issue_date, start, end),
        search(text, col(InvoiceRow.number), col(ProviderRow.name)),
    ]
    if status is not None:
        conditions.append(by_status[status])
    return and_(*conditions)


def invoice_page(
    *,
    session: Session,
    recipient_id: int,
    offset: int,
    limit: int,
    today: date,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
    provider_id: int | None = None,
    due_from: date | None = None,
    sort: str = "date",
    descending: bool = True,
) -> list[tuple[Invoice, Money]]:
    """One page of invoices with what is allocated to each; status one of unpaid, ..., open;
    with `due_from`, only those due on that day or later."""
    where = _invoice_where(recipient_id, text, start, end, status, today)
    columns = {
        "date": col(InvoiceRow.issue_date),
        "amount": col(InvoiceRow.amount_pence),
        "provider": func.lower(ProviderRow.name),
        "number": col(InvoiceRow.number),
        "due": col(InvoiceRow.due_date),
        "outstanding": col(InvoiceRow.amount_pence) - _invoice_paid(),
    }
    statement = (
        orm_select(InvoiceRow, ProviderRow.name, _invoice_paid())
        .join(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .where(where)
    )
    if provider_id is not None:
        statement = statement.where(InvoiceRow.provider_id == provider_id)
    if due_from is not None:
        statement = statement.where(col(InvoiceRow.due_date) >= due_from)
    statement = ordered(statement, columns, sort, descending, col(InvoiceRow.id))
    found = session.exec(statement.offset(offset).limit(limit))
    return [(convert.invoice(row, name), Money(int(done))) for row, name, done in found]


def invoice_with_allocated(
    *, session: Session, recipient_id: int, invoice_id: int
) -> tuple[Invoice, Money] | None:
    """One of the person's invoices with all that is allocated to it (None if there is none)."""
    statement = (
        orm_select(InvoiceRow, ProviderRow.name, _invoice_paid())
        .join(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .where(InvoiceRow.recipient_id == recipient_id, InvoiceRow.id == invoice_id)
    )
    found = session.exec(statement).first()
    if found is None:
        return None
    row, name, paid = found
    return convert.invoice(row, name), Money(int(paid))


def invoice_count(
    *,
    session: Session,
    recipient_id: int,
    today: date,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
) -> int:
    where = _invoice_where(recipient_id, text, start, end, status, today)
    statement = (
        orm_select(func.count())
        .select_from(InvoiceRow)
        .join(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .where(where)
    )
    return int(session.exec(statement).one())
