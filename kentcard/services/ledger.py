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
from kentcard.store import account, audit, convert, locks, queries
from kentcard.store import documents as store_documents
from kentcard.store import statements as store_statements
from kentcard.store.models import MoneyInRow, MoneyOutRow

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
    row = MoneyInRow(
        recipient_id=recipient_id,
        date=check_date_range(date),
        amount_pence=_amount(amount),
        source=source.value,
        reference=_text("reference", reference),
        note=_text("note", note),
        category=_text("category", category),
        origin=origin.value,
    )
    with ctx.db.write() as session:
        account.recipient(connection=session.connection(), recipient_id=recipient_id)
        _ensure_open(session, row)
        session.add(row)
        session.flush()
        assert row.id is not None
        audit.record(
            session=session,
            entity="money_in",
            entity_id=row.id,
            action="create",
            recipient_id=recipient_id,
            after=row,
        )
        return convert.money_in(row)


def edit_money_in(ctx: Context, money_in_id: int, **changes: Any) -> MoneyIn:
    """Change any of: date, amount, source, reference, note, category."""
    with ctx.db.write() as session:
        row = _get(session, MoneyInRow, money_in_id, "money-in")
        _ensure_open(session, row)
        before = MoneyInRow.model_validate(row.model_dump())
        for key, value in changes.items():
            if key == "date":
                row.date = check_date_range(value)
            elif key == "amount":
                row.amount_pence = _amount(value)
            elif key == "source":
                row.source = parse_choice(str(value), Source, "source").value
            elif key in ("reference", "note", "category"):
                setattr(row, key, _text(key, value))
            else:
                raise InputError(key, "cannot be changed on a money-in")
        _ensure_open(session, row)
        session.add(row)
        audit.record(
            session=session,
            entity="money_in",
            entity_id=money_in_id,
            action="update",
            recipient_id=row.recipient_id,
            before=before,
            after=row,
        )
        return convert.money_in(row)


def delete_money_in(ctx: Context, money_in_id: int) -> None:
    with ctx.db.write() as session:
        row = _get(session, MoneyInRow, money_in_id, "money-in")
        _ensure_open(session, row)
        store_statements.forget_entry(session=session, money_in_id=money_in_id)
        store_documents.unlink_all(session=session, target="money_in_id", target_id=money_in_id)
        audit.record(
            session=session,
            entity="money_in",
            entity_id=money_in_id,
            action="delete",
            recipient_id=row.recipient_id,
            before=row,
        )
        session.delete(row)


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
    row = MoneyOutRow(
        recipient_id=recipient_id,
        date=check_date_range(date),
        amount_pence=_amount(amount),
        payee=clean_payee,
        category=_text("category", category),
        description=_text("description", description),
        reference=_text("reference", reference),
        origin=origin.value,
    )
    with ctx.db.write() as session:
        account.recipient(connection=session.connection(), recipient_id=recipient_id)
        provider = queries.provider_row_by_name(
            session=session, recipient_id=recipient_id, name=clean_payee
        )
        if provider is not None:
            row.provider_id = provider.id
            row.payee = provider.name
            row.category = row.category or provider.category
        _ensure_open(session, row)
        session.add(row)
        session.flush()
        assert row.id is not None
        audit.record(
            session=session,
            entity="money_out",
            entity_id=row.id,
            action="create",
            recipient_id=recipient_id,
            after=row,
        )
        _settle_and_attach(session, row, invoices, uploads)
        return convert.money_out(row)


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
        row = _get(session, MoneyOutRow, money_out_id, "money-out")
        _ensure_open(session, row)
        before = MoneyOutRow.model_validate(row.model_dump())
        for key, value in changes.items():
            if key == "date":
                row.date = check_date_range(value)
            elif key == "amount":
                row.amount_pence = _amount(value)
            elif key == "payee":
                row.payee = require_text(value, "payee", max_length=_TEXT_LIMITS["payee"])
                provider = queries.provider_row_by_name(
                    session=session, recipient_id=row.recipient_id, name=row.payee
                )
                row.provider_id = None if provider is None else provider.id
            elif key in ("category", "description", "reference"):
                setattr(row, key, _text(key, value))
            else:
                raise InputError(key, "cannot be changed on a money-out")
        allocated = sum(
            a.amount_pence
            for a in queries.allocations_for_money_out(session=session, money_out_id=money_out_id)
        )
        if allocated > row.amount_pence:
            raise InputError("amount", "is less than what this payment already settles on invoices")
        _ensure_open(session, row)
        session.add(row)
        audit.record(
            session=session,
            entity="money_out",
            entity_id=money_out_id,
            action="update",
            recipient_id=row.recipient_id,
            before=before,
            after=row,
        )
        _settle_and_attach(session, row, invoices, uploads)
        return convert.money_out(row)


def delete_money_out(ctx: Context, money_out_id: int) -> None:
    """Delete a payment and its allocations; its receipts stay in the database, unlinked."""
    with ctx.db.write() as session:
        row = _get(session, MoneyOutRow, money_out_id, "money-out")
        _ensure_open(session, row)
        store_statements.forget_entry(session=session, money_out_id=money_out_id)
        for allocation in queries.allocations_for_money_out(
            session=session, money_out_id=money_out_id
        ):
            allocations.remove(session, allocation, row.recipient_id)
        store_documents.unlink_all(session=session, target="money_out_id", target_id=money_out_id)
        audit.record(
            session=session,
            entity="money_out",
            entity_id=money_out_id,
            action="delete",
            recipient_id=row.recipient_id,
            before=row,
        )
        session.delete(row)


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
        row = session.get(MoneyOutRow, money_out_id)
        if row is None or row.recipient_id != recipient_id:
            raise NotFoundError(f"money-out {money_out_id} does not exist")
        if row.evidence_note == text:
            return convert.money_out(row)
        before = MoneyOutRow.model_validate(row.model_dump())
        row.evidence_note = text
        session.add(row)
        audit.record(
            session=session,
            entity="money_out",
            entity_id=money_out_id,
            action="update",
            recipient_id=row.recipient_id,
            before=before,
            after=row,
            extra={"event": "evidence explained" if text else "evidence explanation cleared"},
        )
        return convert.money_out(row)


def list_money_in(
    ctx: Context, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyIn]:
    with ctx.db.read() as session:
        return queries.money_in(session=session, recipient_id=recipient_id, start=start, end=end)


def list_money_out(
    ctx: Context, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyOut]:
    with ctx.db.read() as session:
        return queries.money_out(session=session, recipient_id=recipient_id, start=start, end=end)


def _settle_and_attach(
    session: Session, row: MoneyOutRow, claims: Sequence[InvoiceClaim], uploads: list[Upload]
) -> None:
    """Allocate the payment to each claimed invoice and link its receipts, in the caller's
    transaction (files were read before it began)."""
    assert row.id is not None
    for claim in claims:
        allocations.allocate_by_number(session, row, claim.number, claim.amount)
    store_uploads(
        session=session,
        recipient_id=row.recipient_id,
        uploads=uploads,
        kind=DocumentKind.RECEIPT,
        target="money_out_id",
        target_id=row.id,
    )


def _ensure_open(session: Session, row: MoneyInRow | MoneyOutRow) -> None:
    """The one lock check for an entry, before and after a change to it."""
    locks.ensure_open(session=session, recipient_id=row.recipient_id, days=[row.date])


def _get(session: Session, table: type[Any], record_id: int, label: str) -> Any:
    row = session.get(table, record_id)
    if row is None:
        raise NotFoundError(f"{label} {record_id} does not exist")
    return row
