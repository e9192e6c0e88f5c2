"""Undo a deletion: read what deleting a record loses, then put it back through the services.

Deleting keeps nothing of the record but its audit line, so the app reads, just before it
deletes, what the record was: its values, the files that proved it and (for a payment) the
invoices it paid. Putting it back adds a new record with those values (ids are never
reused), links the same stored files again and settles the same invoices, each with its
own audit line, so the log shows the deletion and the return.
"""

from __future__ import annotations

from dataclasses import dataclass

from kentcard.core.records import Allocation, Invoice, MoneyIn, MoneyOut, Provider
from kentcard.services import allocations, documents, invoices, ledger, providers
from kentcard.services.context import Context

Record = MoneyIn | MoneyOut | Invoice | Provider
_TAGS = {MoneyIn: "money-in", MoneyOut: "money-out", Invoice: "invoice"}


@dataclass(frozen=True, slots=True)
class Removed:
    """A record about to be deleted, with what its deletion takes away with it."""

    record: Record
    document_ids: tuple[int, ...] = ()
    paid: tuple[Allocation, ...] = ()


def before_delete(ctx: Context, record: Record) -> Removed:
    """What to keep in hand so that the deletion of `record` can be undone."""
    tag = _TAGS.get(type(record))
    linked: tuple[int, ...] = ()
    if tag is not None:
        mine = f"{tag}:{record.id}"
        linked = tuple(
            d.id for d in documents.list_documents(ctx, record.recipient_id) if mine in d.links
        )
    paid = tuple(allocations.allocations_of(ctx, record.id)) if isinstance(record, MoneyOut) else ()
    return Removed(record, linked, paid)


def put_back(ctx: Context, removed: Removed) -> Record:
    """Add the record again with the same values, its files and its invoice payments."""
    record = removed.record
    if isinstance(record, Provider):
        return providers.add_provider(
            ctx,
            record.recipient_id,
            name=record.name,
            kind=record.kind,
            rate=record.rate,
            category=record.category,
        )
    if isinstance(record, MoneyIn):
        again: Record = ledger.add_money_in(
            ctx,
            record.recipient_id,
            date=record.date,
            amount=record.amount,
            source=record.source,
            reference=record.reference,
            note=record.note,
            category=record.category,
            origin=record.origin,
        )
        target = {"money_in_id": again.id}
    elif isinstance(record, MoneyOut):
        again = _payment(ctx, record, removed.paid)
        target = {"money_out_id": again.id}
    else:
        again = invoices.add_invoice(ctx, record.recipient_id, _draft(record))
        target = {"invoice_id": again.id}
    if removed.document_ids:
        documents.relink_documents(ctx, record.recipient_id, removed.document_ids, **target)
    return again


def _payment(ctx: Context, record: MoneyOut, paid: tuple[Allocation, ...]) -> MoneyOut:
    again = ledger.add_money_out(
        ctx,
        record.recipient_id,
        date=record.date,
        amount=record.amount,
        payee=record.payee,
        category=record.category,
        description=record.description,
        reference=record.reference,
        origin=record.origin,
    )
    for allocation in paid:
        allocations.allocate(ctx, again.id, allocation.invoice_id, allocation.amount)
    if record.evidence_note:
        again = ledger.explain_missing_evidence(
            ctx, record.recipient_id, again.id, record.evidence_note
        )
    return again


def _draft(invoice: Invoice) -> invoices.InvoiceDraft:
    return invoices.InvoiceDraft(
        provider=invoice.provider_name,
        number=invoice.number,
        issue_date=invoice.issue_date,
        amount=invoice.amount,
        hours_centi=invoice.hours_centi,
        rate=invoice.rate,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        due_date=invoice.due_date,
    )
