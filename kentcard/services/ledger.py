"""Money in and money out: add, change, delete, each one transaction with its audit line."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from kentcard.core.dates import check_date_range
from kentcard.core.errors import InputError, NotFoundError
from kentcard.core.money import Money, check_payment
from kentcard.core.records import DocumentKind, MoneyIn, MoneyOut, Origin, Source
from kentcard.core.validate import clean_text, parse_choice, require_text
from kentcard.services import allocations
from kentcard.services.context import Context
from kentcard.services.documents import read_files, store_uploads
from kentcard.services.intake import Upload
from kentcard.store import documents as store_documents
from kentcard.store import invoices as store_invoices
from kentcard.store import ledger as store
from kentcard.store import locks, providers, recipients
from kentcard.store import statements as store_statements

_TEXT_LIMITS = {"reference": 80, "note": 500, "description": 500, "category": 60, "payee": 120}


@dataclass(frozen=True, slots=True)
class InvoiceClaim:
    """Pay this invoice (by number) from a money-out; amount None = what is outstanding."""

    number: str
    amount: Money | None = None


def _amount(amount: Money) -> int:
    return check_payment(amount, "amount").pence


def _text(field: str, value: str | None) -> str | None:
    return clean_text(value, field, max_length=_TEXT_LIMITS[field])


def add_money_in(
    ctx: Context,
    recipient_id: int,
    *,
    date: date,
    amount: Money,
    source: Source,
    reference: str | None = None,
    note: str | None = None,
    category: str | None = None,
    origin: Origin = Origin.MANUAL,
) -> MoneyIn:
    day = check_date_range(date)
    pence = _amount(amount)
    clean_reference = _text("reference", reference)
    clean_note = _text("note", note)
    clean_category = _text("category", category)
    with ctx.db.write() as session:
        recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
        _ensure_open(session, recipient_id, day)
        return store.add_money_in(
            session=session,
            recipient_id=recipient_id,
            date=day,
            amount_pence=pence,
            source=source,
            reference=clean_reference,
            note=clean_note,
            category=clean_category,
            origin=origin,
        )


def edit_money_in(ctx: Context, money_in_id: int, **changes: Any) -> MoneyIn:
    """Change any of: date, amount, source, reference, note, category."""
    with ctx.db.write() as session:
        entry = store.money_in_record(session=session, money_in_id=money_in_id)
        _ensure_open(session, entry.recipient_id, entry.date)
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "date":
                values["date"] = check_date_range(value)
            elif key == "amount":
                values["amount_pence"] = _amount(value)
            elif key == "source":
                values["source"] = parse_choice(str(value), Source, "source").value
            elif key in ("reference", "note", "category"):
                values[key] = _text(key, value)
            else:
                raise InputError(key, "cannot be changed on a money-in")
        _ensure_open(session, entry.recipient_id, values.get("date", entry.date))
        return store.update_money_in(session=session, money_in_id=money_in_id, **values)


def delete_money_in(ctx: Context, money_in_id: int) -> None:
    with ctx.db.write() as session:
        entry = store.money_in_record(session=session, money_in_id=money_in_id)
        _ensure_open(session, entry.recipient_id, entry.date)
        store_statements.forget_entry(session=session, money_in_id=money_in_id)
        store_documents.unlink_all(session=session, target="money_in_id", target_id=money_in_id)
        store.delete_money_in(session=session, money_in_id=money_in_id)


def add_money_out(
    ctx: Context,
    recipient_id: int,
    *,
    date: date,
    amount: Money,
    payee: str,
    category: str | None = None,
    description: str | None = None,
    reference: str | None = None,
    invoices: Sequence[InvoiceClaim] = (),
    receipts: Sequence[str | os.PathLike[str]] = (),
    origin: Origin = Origin.MANUAL,
) -> MoneyOut:
    """Log a payment, settle invoices from it and attach its receipts, all or nothing."""
    uploads = read_files(receipts, "receipt")
    clean_payee = require_text(payee, "payee", max_length=_TEXT_LIMITS["payee"])
    day = check_date_range(date)
    pence = _amount(amount)
    clean_category = _text("category", category)
    clean_description = _text("description", description)
    clean_reference = _text("reference", reference)
    with ctx.db.write() as session:
        recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
        provider = providers.by_name(session=session, recipient_id=recipient_id, name=clean_payee)
        if provider is not None:
            clean_payee = provider.name
            clean_category = clean_category or provider.category
        _ensure_open(session, recipient_id, day)
        payment = store.add_money_out(
            session=session,
            recipient_id=recipient_id,
            date=day,
            amount_pence=pence,
            payee=clean_payee,
            provider_id=None if provider is None else provider.id,
            category=clean_category,
            description=clean_description,
            reference=clean_reference,
            origin=origin,
        )
        _settle_and_attach(session, payment, invoices, uploads)
        return payment


def edit_money_out(
    ctx: Context,
    money_out_id: int,
    *,
    invoices: Sequence[InvoiceClaim] = (),
    receipts: Sequence[str | os.PathLike[str]] = (),
    **changes: Any,
) -> MoneyOut:
    """Change any of: date, amount, payee, category, description, reference; settle more
    invoices from it and attach more receipts. One transaction: all of it or none."""
    uploads = read_files(receipts, "receipt")
    with ctx.db.write() as session:
        entry = store.money_out_record(session=session, money_out_id=money_out_id)
        _ensure_open(session, entry.recipient_id, entry.date)
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "date":
                values["date"] = check_date_range(value)
            elif key == "amount":
                values["amount_pence"] = _amount(value)
            elif key == "payee":
                values["payee"] = require_text(value, "payee", max_length=_TEXT_LIMITS["payee"])
                provider = providers.by_name(
                    session=session, recipient_id=entry.recipient_id, name=values["payee"]
                )
                values["provider_id"] = None if provider is None else provider.id
            elif key in ("category", "description", "reference"):
                values[key] = _text(key, value)
            else:
                raise InputError(key, "cannot be changed on a money-out")
        allocated = sum(
            a.amount.pence
            for a in store_invoices.allocations_for_money_out(
                session=session, money_out_id=money_out_id
            )
        )
        if allocated > values.get("amount_pence", entry.amount.pence):
            raise InputError("amount", "is less than what this payment already settles on invoices")
        _ensure_open(session, entry.recipient_id, values.get("date", entry.date))
        payment = store.update_money_out(session=session, money_out_id=money_out_id, **values)
        _settle_and_attach(session, payment, invoices, uploads)
        return payment


def delete_money_out(ctx: Context, money_out_id: int) -> None:
    """Delete a payment and its allocations; its receipts stay in the database, unlinked."""
    with ctx.db.write() as session:
        entry = store.money_out_record(session=session, money_out_id=money_out_id)
        _ensure_open(session, entry.recipient_id, entry.date)
        store_statements.forget_entry(session=session, money_out_id=money_out_id)
        for allocation in store_invoices.allocations_for_money_out(
            session=session, money_out_id=money_out_id
        ):
            allocations.remove(session, allocation, entry.recipient_id)
        store_documents.unlink_all(session=session, target="money_out_id", target_id=money_out_id)
        store.delete_money_out(session=session, money_out_id=money_out_id)


EVIDENCE_NOTE_LIMIT = 200


def explain_missing_evidence(
    ctx: Context, recipient_id: int, money_out_id: int, note: str | None
) -> MoneyOut:
    """Say why a payment has no receipt ("the lunch club gives no receipts"); empty text or
    None clears what was said. At most 200 characters, refused as `reason`.

    Allowed in a locked, reviewed period, as attaching evidence is: it explains the payment
    without changing it. A change is one audit line on the payment; the same words again
    write nothing. A payment of someone else is not found.
    """
    text = clean_text(note, "reason", max_length=EVIDENCE_NOTE_LIMIT)
    with ctx.db.write() as session:
        try:
            entry = store.money_out_record(session=session, money_out_id=money_out_id)
        except NotFoundError:
            entry = None
        if entry is None or entry.recipient_id != recipient_id:
            raise NotFoundError(f"money-out {money_out_id} does not exist")
        if entry.evidence_note == text:
            return entry
        return store.update_money_out(
            session=session,
            money_out_id=money_out_id,
            evidence_note=text,
            extra={"event": "evidence explained" if text else "evidence explanation cleared"},
        )


def list_money_in(
    ctx: Context, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyIn]:
    with ctx.db.read() as session:
        return store.money_in(session=session, recipient_id=recipient_id, start=start, end=end)


def list_money_out(
    ctx: Context, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyOut]:
    with ctx.db.read() as session:
        return store.money_out(session=session, recipient_id=recipient_id, start=start, end=end)


def _settle_and_attach(
    session: Session, payment: MoneyOut, claims: Sequence[InvoiceClaim], uploads: list[Upload]
) -> None:
    """Allocate the payment to each claimed invoice and link its receipts, in the caller's
    transaction (files were read before it began)."""
    for claim in claims:
        allocations.allocate_by_number(session, payment, claim.number, claim.amount)
    store_uploads(
        session=session,
        recipient_id=payment.recipient_id,
        uploads=uploads,
        kind=DocumentKind.RECEIPT,
        target="money_out_id",
        target_id=payment.id,
    )


def _ensure_open(session: Session, recipient_id: int, day: date) -> None:
    """The one lock check for an entry, before and after a change to it."""
    locks.ensure_open(session=session, recipient_id=recipient_id, days=[day])
