"""Provider invoices: add, change, delete, and their status."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any

from kentcard.core.dates import check_date_range
from kentcard.core.errors import ConflictError, InputError, NotFoundError
from kentcard.core.invoices import DEFAULT_PAYMENT_TERMS, InvoiceState
from kentcard.core.money import Money, check_payment
from kentcard.core.records import DocumentKind, Invoice
from kentcard.core.validate import clean_text, require_text
from kentcard.services.context import Context
from kentcard.services.documents import read_files, store_uploads
from kentcard.store import documents as store_documents
from kentcard.store import invoices as store
from kentcard.store import locks, providers


@dataclass(frozen=True, slots=True)
class InvoiceDraft:
    provider: str
    number: str
    issue_date: date
    amount: Money
    hours_centi: int | None = None
    rate: Money | None = None
    period_start: date | None = None
    period_end: date | None = None
    due_date: date | None = None


def _check(draft: InvoiceDraft) -> None:
    check_date_range(draft.issue_date, "date")
    check_payment(draft.amount, "amount")
    if (draft.hours_centi is None) != (draft.rate is None):
        raise InputError(
            "hours" if draft.hours_centi is None else "rate", "give hours and rate together"
        )
    if draft.rate is not None and draft.rate.pence < 0:
        raise InputError("rate", "cannot be negative")
    if (draft.period_start is None) != (draft.period_end is None):
        raise InputError(
            "period-start" if draft.period_start is None else "period-end",
            "give the start and end of the service period together",
        )
    if draft.period_start and draft.period_end and draft.period_end < draft.period_start:
        raise InputError("period-end", "is before the period's start")
    if draft.due_date is not None and draft.due_date < draft.issue_date:
        raise InputError("due", "is before the invoice date")


def add_invoice(
    ctx: Context, recipient_id: int, draft: InvoiceDraft, file: str | os.PathLike[str] | None = None
) -> Invoice:
    """Record a provider's invoice, with its PDF or photo if given."""
    _check(draft)
    number = require_text(draft.number, "number", max_length=60)
    uploads = read_files([file] if file is not None else [], "file")
    with ctx.db.write() as session:
        locks.ensure_open(session=session, recipient_id=recipient_id, days=[draft.issue_date])
        provider = providers.by_name(
            session=session, recipient_id=recipient_id, name=draft.provider
        )
        if provider is None:
            raise NotFoundError(
                f"provider: “{draft.provider}” is not one of this person's providers; "
                "add it first with kentcard provider add NAME"
            )
        invoice = store.add_invoice(
            session=session,
            recipient_id=recipient_id,
            provider_id=provider.id,
            number=number,
            issue_date=draft.issue_date,
            period_start=draft.period_start,
            period_end=draft.period_end,
            hours_centi=draft.hours_centi,
            rate_pence=None if draft.rate is None else draft.rate.pence,
            amount_pence=draft.amount.pence,
            due_date=draft.due_date or draft.issue_date + DEFAULT_PAYMENT_TERMS,
        )
        store_uploads(
            session=session,
            recipient_id=recipient_id,
            uploads=uploads,
            kind=DocumentKind.INVOICE,
            target="invoice_id",
            target_id=invoice.id,
        )
        return invoice


def edit_invoice(ctx: Context, invoice_id: int, **changes: Any) -> Invoice:
    """Change any of: number, issue_date, amount, due_date, hours_centi, rate, period_*."""
    with ctx.db.write() as session:
        invoice = store.invoice_record(session=session, invoice_id=invoice_id)
        locks.ensure_open(
            session=session,
            recipient_id=invoice.recipient_id,
            days=[invoice.issue_date, changes.get("issue_date")],
        )
        current = InvoiceDraft(
            invoice.provider_name,
            invoice.number,
            invoice.issue_date,
            invoice.amount,
            invoice.hours_centi,
            invoice.rate,
            invoice.period_start,
            invoice.period_end,
            invoice.due_date,
        )
        values = {name: getattr(current, name) for name in InvoiceDraft.__dataclass_fields__}
        unknown = (set(changes) - set(values)) | ({"provider"} & set(changes))
        if unknown:
            raise InputError(sorted(unknown)[0], "cannot be changed on an invoice")
        values.update(changes)
        draft = InvoiceDraft(**values)
        _check(draft)
        return store.update_invoice(
            session=session,
            invoice_id=invoice_id,
            number=require_text(draft.number, "number", max_length=60),
            issue_date=draft.issue_date,
            amount_pence=draft.amount.pence,
            due_date=draft.due_date or draft.issue_date + DEFAULT_PAYMENT_TERMS,
            hours_centi=draft.hours_centi,
            rate_pence=None if draft.rate is None else draft.rate.pence,
            period_start=draft.period_start,
            period_end=draft.period_end,
        )


def delete_invoice(ctx: Context, invoice_id: int) -> None:
    """Delete an invoice no payment is allocated to; its document stays in the database."""
    with ctx.db.write() as session:
        invoice = store.invoice_record(session=session, invoice_id=invoice_id)
        locks.ensure_open(
            session=session, recipient_id=invoice.recipient_id, days=[invoice.issue_date]
        )
        if store.has_allocations(session=session, invoice_id=invoice_id):
            raise ConflictError(
                "invoice: payments are allocated to it; remove those allocations first"
            )
        store_documents.unlink_all(session=session, target="invoice_id", target_id=invoice_id)
        store.delete_invoice(session=session, invoice_id=invoice_id)


def invoice_states(
    ctx: Context, recipient_id: int, today: date | None = None
) -> list[InvoiceState]:
    """Every invoice with what has been paid against it and its status as of today."""
    day = today or ctx.today()
    with ctx.db.read() as session:
        pairs = store.invoices_with_allocated(session=session, recipient_id=recipient_id)
    return [InvoiceState(invoice, allocated, day) for invoice, allocated in pairs]


def find_invoice(
    ctx: Context, recipient_id: int, number: str, provider: str | None = None
) -> Invoice:
    """An invoice by its number (and provider, when two providers use the same number)."""
    number = require_text(number, "invoice", max_length=60)
    provider = clean_text(provider, "provider", max_length=120)
    matches = [
        s.invoice
        for s in invoice_states(ctx, recipient_id)
        if s.invoice.number == number.strip()
        and (provider is None or s.invoice.provider_name.casefold() == provider.strip().casefold())
    ]
    if not matches:
        raise NotFoundError("invoice: no invoice with that number")
    if len(matches) > 1:
        raise InputError(
            "provider", "several providers have an invoice with that number; name the provider"
        )
    return matches[0]
