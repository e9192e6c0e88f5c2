"""Allocating payments to invoices: one payment may settle several, one invoice be paid in parts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from kentcard.core.errors import ConflictError, InputError, NotFoundError
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money
from kentcard.core.records import Allocation
from kentcard.core.validate import require_text
from kentcard.services.context import Context
from kentcard.store import audit, convert, locks, queries
from kentcard.store.models import AllocationRow, InvoiceRow, MoneyOutRow, ProviderRow


def matching_invoices(
    open_oldest_first: Sequence[InvoiceState], amount: Money
) -> list[InvoiceState]:
    """The invoices a payment of `amount` settles exactly, to propose in a form: the oldest one
    whose outstanding amount equals it, or else the oldest few whose outstanding amounts add up
    to it; none when nothing matches to the penny (then a person chooses)."""
    if amount.pence <= 0:
        return []
    for state in open_oldest_first:
        if state.outstanding == amount:
            return [state]
    running = 0
    for count, state in enumerate(open_oldest_first, start=1):
        running += state.outstanding.pence
        if running == amount.pence:
            return list(open_oldest_first[:count])
        if running > amount.pence:
            break
    return []


def allocate(
    ctx: Context, money_out_id: int, invoice_id: int, amount: Money | None = None
) -> Allocation:
    """Settle (part of) an invoice from a payment; amount None = as much as both allow."""
    with ctx.db.write() as session:
        payment = session.get(MoneyOutRow, money_out_id)
        if payment is None:
            raise NotFoundError(f"money-out {money_out_id} does not exist")
        invoice = session.get(InvoiceRow, invoice_id)
        if invoice is None or invoice.recipient_id != payment.recipient_id:
            raise NotFoundError(f"invoice {invoice_id} does not exist")
        return convert.allocation(_add(session, payment, invoice, amount))


def unallocate(ctx: Context, allocation_id: int) -> None:
    with ctx.db.write() as session:
        row = session.get(AllocationRow, allocation_id)
        if row is None:
            raise NotFoundError(f"allocation {allocation_id} does not exist")
        payment = session.get(MoneyOutRow, row.money_out_id)
        remove(session, row, payment.recipient_id if payment else None)


def allocations_of(ctx: Context, money_out_id: int) -> list[Allocation]:
    with ctx.db.read() as session:
        rows = queries.allocations_for_money_out(session=session, money_out_id=money_out_id)
        return [convert.allocation(r) for r in rows]


def allocate_by_number(
    session: Session, payment: MoneyOutRow, number: str, amount: Money | None
) -> AllocationRow:
    """Find the invoice by number (the payee's own first) and allocate to it."""
    wanted = require_text(number, "invoice", max_length=60)
    statement = select(InvoiceRow).where(
        InvoiceRow.recipient_id == payment.recipient_id, InvoiceRow.number == wanted
    )
    if payment.provider_id is not None:
        statement = statement.where(InvoiceRow.provider_id == payment.provider_id)
    found = session.exec(statement).all()
    if not found:
        raise NotFoundError(
            "invoice: no invoice with that number"
            + (" from this payee" if payment.provider_id is not None else "")
        )
    if len(found) > 1:
        raise InputError(
            "invoice",
            "several providers have an invoice with that number; "
            "log the payment with the provider's exact name as payee",
        )
    return _add(session, payment, found[0], amount)


def _add(
    session: Session, payment: MoneyOutRow, invoice: InvoiceRow, amount: Money | None
) -> AllocationRow:
    assert payment.id is not None and invoice.id is not None
    # Settling an old invoice from a new payment is fine; changing a locked payment is not.
    locks.ensure_open(session=session, recipient_id=payment.recipient_id, days=[payment.date])
    already = session.exec(
        select(AllocationRow).where(
            AllocationRow.money_out_id == payment.id, AllocationRow.invoice_id == invoice.id
        )
    ).first()
    if already is not None:
        raise ConflictError("invoice: this payment is already allocated to that invoice")
    used = sum(
        a.amount_pence
        for a in queries.allocations_for_money_out(session=session, money_out_id=payment.id)
    )
    free = payment.amount_pence - used
    if amount is None:
        outstanding = (
            invoice.amount_pence
            - queries.allocated_to_invoice(session=session, invoice_id=invoice.id).pence
        )
        pence = min(free, outstanding)
        if outstanding <= 0:
            raise ConflictError("invoice: that invoice is already paid in full")
    else:
        pence = amount.pence
        if pence <= 0:
            raise InputError("invoice", "the amount allocated must be more than £0.00")
    if pence > free or pence <= 0:
        raise InputError("invoice", "allocations add up to more than the payment")
    row = AllocationRow(money_out_id=payment.id, invoice_id=invoice.id, amount_pence=pence)
    session.add(row)
    session.flush()
    assert row.id is not None
    provider = session.get(ProviderRow, invoice.provider_id)
    audit.record(
        session=session,
        entity="allocation",
        entity_id=row.id,
        action="create",
        recipient_id=payment.recipient_id,
        after=row,
        extra={"invoice": invoice.number, "provider": provider.name if provider else None},
    )
    return row


def remove(session: Session, row: AllocationRow, recipient_id: int | None) -> None:
    assert row.id is not None
    payment = session.get(MoneyOutRow, row.money_out_id)
    if payment is not None:
        locks.ensure_open(session=session, recipient_id=payment.recipient_id, days=[payment.date])
    audit.record(
        session=session,
        entity="allocation",
        entity_id=row.id,
        action="delete",
        recipient_id=recipient_id,
        before=row,
    )
    session.delete(row)
    session.flush()
