"""Editing a payment while settling invoices and adding receipts: one transaction, all or none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kentcard.core.errors import InputError, KentcardError, NotFoundError
from kentcard.core.money import Money
from kentcard.core.records import MoneyOut
from kentcard.services.allocations import allocations_of
from kentcard.services.context import Context
from kentcard.services.documents import list_documents
from kentcard.services.ledger import InvoiceClaim, add_money_out, edit_money_out, list_money_out
from tests.services.helpers import (
    AGENCY,
    audit_since,
    counts,
    invoice,
    last_audit_id,
    pdf_file,
    person,
    provider,
)


@pytest.fixture
def rid(ctx: Context) -> int:
    """A person with the agency and two of its invoices (5,000p and 6,000p), nothing paid."""
    rid = person(ctx)
    provider(ctx, rid)
    invoice(ctx, rid, "INV-1", 5_000)
    invoice(ctx, rid, "INV-2", 6_000)
    return rid


@pytest.fixture
def payment(ctx: Context, rid: int) -> MoneyOut:
    """A 10,000p payment to the agency with no invoice and no receipt yet."""
    return add_money_out(ctx, rid, date=date(2026, 11, 10), amount=Money(10_000), payee=AGENCY)


def test_edit_settles_invoices_and_attaches_receipts_in_one_call(
    ctx: Context, rid: int, payment: MoneyOut, tmp_path: Path, db_path: Path
) -> None:
    """One edit changes the payment, allocates both invoices and links the receipt, all audited."""
    mark = last_audit_id(db_path)
    edited = edit_money_out(
        ctx,
        payment.id,
        amount=Money(11_000),
        description="Four weeks of care",
        invoices=[InvoiceClaim("INV-1"), InvoiceClaim("INV-2")],
        receipts=[pdf_file(tmp_path, "till")],
    )
    assert (edited.amount.pence, edited.description) == (11_000, "Four weeks of care")
    paid = sorted(a.amount.pence for a in allocations_of(ctx, payment.id))
    assert paid == [5_000, 6_000]
    [doc] = list_documents(ctx, rid)
    assert (doc.filename, doc.links) == ("till.pdf", (f"money-out:{payment.id}",))
    actions = [(entity, action) for entity, _, action in audit_since(db_path, mark)]
    assert actions == [
        ("money_out", "update"),
        ("allocation", "create"),
        ("allocation", "create"),
        ("document", "create"),
        ("money_out", "update"),  # the receipt attached to it
    ]


def bad_receipt(tmp_path: Path) -> dict[str, Any]:
    """A good invoice and receipt, then a receipt that does not exist."""
    return {
        "invoices": [InvoiceClaim("INV-1")],
        "receipts": [pdf_file(tmp_path, "good"), tmp_path / "no-such-receipt.pdf"],
    }


def over_allocated(tmp_path: Path) -> dict[str, Any]:
    """The amount cut to 3,000p while claiming 5,000p of INV-1 from it."""
    return {
        "amount": Money(3_000),
        "invoices": [InvoiceClaim("INV-1", Money(5_000))],
        "receipts": [pdf_file(tmp_path, "good")],
    }


def second_claim_too_big(tmp_path: Path) -> dict[str, Any]:
    """INV-1 in full (5,000p) fits, then 6,000p of INV-2 goes over the 10,000p payment."""
    return {
        "invoices": [InvoiceClaim("INV-1"), InvoiceClaim("INV-2", Money(6_000))],
        "receipts": [pdf_file(tmp_path, "good")],
    }


def unknown_invoice(tmp_path: Path) -> dict[str, Any]:
    """A good claim and receipt, then an invoice number the payee never sent."""
    return {
        "invoices": [InvoiceClaim("INV-1"), InvoiceClaim("INV-404")],
        "receipts": [pdf_file(tmp_path, "good")],
    }


@pytest.mark.parametrize(
    ("extra", "error", "field"),
    [
        (bad_receipt, InputError, "receipt"),
        (over_allocated, InputError, "invoice"),
        (second_claim_too_big, InputError, "invoice"),
        (unknown_invoice, NotFoundError, "invoice"),
    ],
)
def test_refused_edit_leaves_the_payment_exactly_as_it_was(
    ctx: Context,
    rid: int,
    payment: MoneyOut,
    tmp_path: Path,
    db_path: Path,
    extra: Callable[[Path], dict[str, Any]],
    error: type[KentcardError],
    field: str,
) -> None:
    """A bad receipt or an over-allocation in an edit undoes the whole edit: no row changes."""
    before = counts(db_path)
    with pytest.raises(error) as caught:
        edit_money_out(ctx, payment.id, description="Changed", **extra(tmp_path))
    assert getattr(caught.value, "field", str(caught.value).split(":")[0]) == field
    assert counts(db_path) == before
    assert [m for m in list_money_out(ctx, rid) if m.id == payment.id] == [payment]
    assert allocations_of(ctx, payment.id) == []
    assert list_documents(ctx, rid) == []
