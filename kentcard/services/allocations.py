"""Allocating payments to invoices: one payment may settle several, one invoice be paid in parts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from kentcard.core.errors import ConflictError, InputError, NotFoundError
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money
from kentcard.core.records import Allocation, Invoice, MoneyOut
from kentcard.core.validate import require_text
from kentcard.services.context import Context
from kentcard.store import invoices as store
from kentcard.store import ledger, locks


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
        payment = ledger.money_out_record(session=session, money_out_id=money_out_id)
        try:
            invoice = store.invoice_record(session=session, invoice_id=invoice_id)
        except NotFoundError:
            invoice = None
        if invoice is None or invoice.recipient_id != payment.recipient_id:
            raise NotFoundError(f"invoice {invoice_id} does not exist")
        return _add(session, payment, invoice, amount)


def unallocate(ctx: Context, allocation_id: int) -> None:
    with ctx.db.write() as session:
        allocation = store.allocation_record(session=session, allocation_id=allocation_id)
        remove(session, allocation, None)


def allocations_of(ctx: Context, money_out_id: int) -> list[Allocation]:
    with ctx.db.read() as session:
        return store.allocations_for_money_out(session=session, money_out_id=money_out_id)


def allocate_by_number(
    session: Session, payment: MoneyOut, number: str, amount: Money | None
) -> Allocation:
    """Find the invoice by number (the payee's own first) and allocate to it."""
    wanted = require_text(number, "invoice", max_length=60)
    found = store.by_number(
        session=session,
        recipient_id=payment.recipient_id,
        number=wanted,
        provider_id=payment.provider_id,
    )
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


def _add(session: Session, payment: MoneyOut, invoice: Invoice, amount: Money | None) -> Allocation:
    # Settling an old invoice from a new payment is fine; changing a locked payment is not.
    locks.ensure_open(session=session, recipient_id=payment.recipient_id, days=[payment.date])
    if store.is_allocated(session=session, money_out_id=payment.id, invoice_id=invoice.id):
        raise ConflictError("invoice: this payment is already allocated to that invoice")
    used = sum(
        a.amount.pence
        for a in store.allocations_for_money_out(session=session, money_out_id=payment.id)
    )
    free = payment.amount.pence - used
    if amount is None:
        outstanding = (
            invoice.amount.pence
            - store.allocated_to_invoice(session=session, invoice_id=invoice.id).pence
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
    return store.add_allocation(
        session=session,
        recipient_id=payment.recipient_id,
        money_out_id=payment.id,
        invoice=invoice,
        pence=pence,
    )


def remove(session: Session, allocation: Allocation, recipient_id: int | None) -> None:
    """Delete an allocation (the payment's period must be open), with its audit line; the
    audit line names the payment's person (`recipient_id` when the payment is gone)."""
    try:
        payment: MoneyOut | None = ledger.money_out_record(
            session=session, money_out_id=allocation.money_out_id
        )
    except NotFoundError:
        payment = None
    if payment is not None:
        locks.ensure_open(session=session, recipient_id=payment.recipient_id, days=[payment.date])
        recipient_id = payment.recipient_id
    store.delete_allocation(session=session, allocation_id=allocation.id, recipient_id=recipient_id)
