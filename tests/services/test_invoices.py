"""Invoices and allocations on a real database: status, overdue, numbers, settling, deleting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kentcard.core.dates import Month
from kentcard.core.errors import ConflictError, InputError, NotFoundError
from kentcard.core.money import Money
from kentcard.core.records import InvoiceStatus
from kentcard.services.allocations import allocate, allocations_of, unallocate
from kentcard.services.context import Context
from kentcard.services.documents import list_documents, read_document
from kentcard.services.invoices import (
    InvoiceDraft,
    add_invoice,
    delete_invoice,
    find_invoice,
    invoice_states,
)
from kentcard.services.ledger import InvoiceClaim, add_money_out, delete_money_out
from kentcard.services.summary import month_summary
from tests.conftest import TODAY
from tests.services.helpers import (
    AGENCY,
    HELPERS,
    count,
    counts,
    invoice,
    pdf_bytes,
    pdf_file,
    person,
    provider,
)


@pytest.fixture
def rid(ctx: Context) -> int:
    """One person with two providers."""
    rid = person(ctx)
    provider(ctx, rid, AGENCY)
    provider(ctx, rid, HELPERS)
    return rid


def pay(
    ctx: Context,
    rid: int,
    pence: int,
    claims: tuple[InvoiceClaim, ...] = (),
    receipts: tuple[Path, ...] = (),
    payee: str = AGENCY,
) -> int:
    return add_money_out(
        ctx,
        rid,
        date=date(2026, 11, 5),
        amount=Money(pence),
        payee=payee,
        invoices=claims,
        receipts=receipts,
    ).id


def state(ctx: Context, rid: int, invoice_id: int) -> tuple[InvoiceStatus, int, int, bool]:
    """(status, allocated, outstanding, overdue) of one invoice as of today."""
    found = [s for s in invoice_states(ctx, rid) if s.invoice.id == invoice_id]
    assert len(found) == 1
    s = found[0]
    return s.status, s.allocated.pence, s.outstanding.pence, s.overdue


def test_new_invoice_is_unpaid(ctx: Context, rid: int) -> None:
    """An invoice nothing is allocated to is unpaid with its whole amount outstanding."""
    inv = invoice(ctx, rid, "INV-1", 30_000)
    assert state(ctx, rid, inv) == (InvoiceStatus.UNPAID, 0, 30_000, False)


def test_part_paid_invoice(ctx: Context, rid: int) -> None:
    """Allocating less than the amount makes the invoice part-paid."""
    inv = invoice(ctx, rid, "INV-1", 30_000)
    allocate(ctx, pay(ctx, rid, 10_000), inv, Money(10_000))
    # outstanding = 30,000 − 10,000 = 20,000
    assert state(ctx, rid, inv) == (InvoiceStatus.PART_PAID, 10_000, 20_000, False)


def test_paid_in_two_parts(ctx: Context, rid: int) -> None:
    """A second payment allocating the rest makes the invoice paid with nothing outstanding."""
    inv = invoice(ctx, rid, "INV-1", 30_000)
    allocate(ctx, pay(ctx, rid, 10_000), inv)
    second = allocate(ctx, pay(ctx, rid, 25_000), inv)
    # amount None: min(payment free 25,000, outstanding 30,000 − 10,000 = 20,000) = 20,000
    assert second.amount == Money(20_000)
    assert state(ctx, rid, inv) == (InvoiceStatus.PAID, 30_000, 0, False)


def test_overpaid_invoice(ctx: Context, rid: int) -> None:
    """Two payments allocating more than the amount make the invoice overpaid."""
    inv = invoice(ctx, rid, "INV-1", 30_000)
    allocate(ctx, pay(ctx, rid, 20_000), inv, Money(20_000))
    allocate(ctx, pay(ctx, rid, 15_000), inv, Money(15_000))
    # allocated = 20,000 + 15,000 = 35,000; outstanding = 30,000 − 35,000 = −5,000
    assert state(ctx, rid, inv) == (InvoiceStatus.OVERPAID, 35_000, -5_000, False)


def test_allocating_to_a_fully_paid_invoice_by_default_is_a_conflict(
    ctx: Context, rid: int, db_path: Path
) -> None:
    """With no amount, a paid invoice takes nothing more: ConflictError, nothing written."""
    inv = invoice(ctx, rid, "INV-1", 30_000)
    allocate(ctx, pay(ctx, rid, 30_000), inv)
    spare = pay(ctx, rid, 5_000)
    before = counts(db_path)
    with pytest.raises(ConflictError):
        allocate(ctx, spare, inv)
    assert counts(db_path) == before


def test_default_due_date_is_thirty_days_after_issue(ctx: Context, rid: int) -> None:
    """An invoice without a due date is due 30 days after it was issued."""
    inv = add_invoice(ctx, rid, InvoiceDraft(AGENCY, "INV-1", date(2026, 10, 1), Money(30_000)))
    assert inv.due_date == date(2026, 10, 31)  # 1 Oct + 30 days
    leap = add_invoice(ctx, rid, InvoiceDraft(AGENCY, "INV-2", date(2028, 2, 15), Money(1)))
    assert leap.due_date == date(2028, 3, 16)  # 15 Feb 2028 + 30 days (29-day February)


def test_overdue_when_past_due_with_something_outstanding(ctx: Context, rid: int) -> None:
    """Overdue means due before today (2026-11-25) and not paid in full."""
    late = invoice(ctx, rid, "INV-1", 30_000, date(2026, 10, 1))  # due 31 Oct
    due_today = invoice(ctx, rid, "INV-2", 30_000, date(2026, 10, 26))  # due 25 Nov = today
    due_yesterday = invoice(ctx, rid, "INV-3", 30_000, date(2026, 10, 25))  # due 24 Nov
    paid = invoice(ctx, rid, "INV-4", 30_000, date(2026, 10, 1))
    later = invoice(ctx, rid, "INV-5", 30_000, date(2026, 10, 1), due=date(2026, 12, 1))
    part = invoice(ctx, rid, "INV-6", 30_000, date(2026, 10, 1))
    allocate(ctx, pay(ctx, rid, 30_000), paid)
    allocate(ctx, pay(ctx, rid, 29_999), part)
    assert state(ctx, rid, late)[3] is True
    assert state(ctx, rid, due_today)[3] is False
    assert state(ctx, rid, due_yesterday)[3] is True
    assert state(ctx, rid, paid)[3] is False
    assert state(ctx, rid, later)[3] is False
    # 30,000 − 29,999 = 1 penny still owed: overdue
    assert state(ctx, rid, part) == (InvoiceStatus.PART_PAID, 29_999, 1, True)
    assert date(2026, 11, 25) == TODAY


def test_duplicate_number_for_one_provider_is_refused(
    ctx: Context, rid: int, db_path: Path
) -> None:
    """The same number twice from one provider is a conflict; from another provider it is fine."""
    invoice(ctx, rid, "INV-1", 30_000)
    before = count(db_path, "invoice")
    with pytest.raises(ConflictError, match=r"^number: "):
        invoice(ctx, rid, " INV-1 ", 12_000)  # spaces around are trimmed
    with pytest.raises(ConflictError, match=r"^number: "):
        invoice(ctx, rid, "INV-1", 12_000, provider_name=AGENCY.lower())  # the same provider
    assert count(db_path, "invoice") == before
    other = add_invoice(ctx, rid, InvoiceDraft(HELPERS, "INV-1", date(2026, 11, 1), Money(12_000)))
    assert other.provider_name == HELPERS
    assert count(db_path, "invoice") == before + 1


def test_invoice_from_an_unknown_provider_is_refused(ctx: Context, rid: int, db_path: Path) -> None:
    """An invoice naming a provider that is not set up is NotFound and writes nothing."""
    before = counts(db_path)
    with pytest.raises(NotFoundError, match=r"^provider: "):
        invoice(ctx, rid, "INV-1", 30_000, provider_name="Nobody Ltd")
    assert counts(db_path) == before


def test_find_invoice_needs_the_provider_when_numbers_clash(ctx: Context, rid: int) -> None:
    """Two providers' INV-1 need the provider named; naming it finds the right one."""
    mine = invoice(ctx, rid, "INV-1", 30_000)
    theirs = invoice(ctx, rid, "INV-1", 12_000, provider_name=HELPERS)
    with pytest.raises(InputError) as caught:
        find_invoice(ctx, rid, "INV-1")
    assert caught.value.field == "provider"
    assert find_invoice(ctx, rid, "INV-1", AGENCY).id == mine
    assert find_invoice(ctx, rid, "INV-1", "helping hands").id == theirs


def test_claim_allocates_the_outstanding_when_payment_is_larger(ctx: Context, rid: int) -> None:
    """InvoiceClaim without an amount takes min(outstanding, payment) = the outstanding."""
    inv = invoice(ctx, rid, "INV-1", 30_000)
    allocate(ctx, pay(ctx, rid, 10_000), inv)
    out = pay(ctx, rid, 25_000, (InvoiceClaim("INV-1"),))
    # outstanding 30,000 − 10,000 = 20,000 < payment 25,000 → 20,000
    assert [a.amount.pence for a in allocations_of(ctx, out)] == [20_000]
    assert state(ctx, rid, inv) == (InvoiceStatus.PAID, 30_000, 0, False)


def test_claim_allocates_the_payment_when_it_is_smaller(ctx: Context, rid: int) -> None:
    """InvoiceClaim without an amount takes min(outstanding, payment) = the payment."""
    inv = invoice(ctx, rid, "INV-2", 30_000)
    out = pay(ctx, rid, 5_000, (InvoiceClaim("INV-2"),))
    # payment 5,000 < outstanding 30,000 → 5,000; still owed 25,000
    assert [a.amount.pence for a in allocations_of(ctx, out)] == [5_000]
    assert state(ctx, rid, inv) == (InvoiceStatus.PART_PAID, 5_000, 25_000, False)


def test_one_payment_settles_several_invoices(ctx: Context, rid: int) -> None:
    """One payment can pay two invoices in full and a third in part."""
    a = invoice(ctx, rid, "A-1", 10_000)
    b = invoice(ctx, rid, "A-2", 20_000)
    c = invoice(ctx, rid, "A-3", 30_000)
    claims = (InvoiceClaim("A-1"), InvoiceClaim("A-2"), InvoiceClaim("A-3"))
    out = pay(ctx, rid, 45_000, claims)
    # 10,000 + 20,000 leaves 45,000 − 30,000 = 15,000 for A-3
    assert sorted(a_.amount.pence for a_ in allocations_of(ctx, out)) == [10_000, 15_000, 20_000]
    assert state(ctx, rid, a)[0] is InvoiceStatus.PAID
    assert state(ctx, rid, b)[0] is InvoiceStatus.PAID
    assert state(ctx, rid, c) == (InvoiceStatus.PART_PAID, 15_000, 15_000, False)


def test_claims_adding_up_to_more_than_the_payment_write_nothing(
    ctx: Context, rid: int, db_path: Path
) -> None:
    """Claims of 6,000 + 5,000 on a 10,000 payment are refused, and no row of any kind is added."""
    invoice(ctx, rid, "INV-1", 6_000)
    invoice(ctx, rid, "INV-2", 5_000)
    before = counts(db_path)
    claims = (InvoiceClaim("INV-1", Money(6_000)), InvoiceClaim("INV-2", Money(5_000)))
    with pytest.raises(InputError) as caught:
        pay(ctx, rid, 10_000, claims)  # 6,000 + 5,000 = 11,000 > 10,000
    assert caught.value.field == "invoice"
    assert counts(db_path) == before


def test_allocate_beyond_what_is_left_of_a_payment_is_refused(
    ctx: Context, rid: int, db_path: Path
) -> None:
    """A payment with 4,000 left cannot allocate 5,000 more; nothing is written."""
    invoice(ctx, rid, "INV-1", 6_000)
    second = invoice(ctx, rid, "INV-2", 5_000)
    out = pay(ctx, rid, 10_000, (InvoiceClaim("INV-1"),))  # 6,000 used, 4,000 left
    before = counts(db_path)
    with pytest.raises(InputError) as caught:
        allocate(ctx, out, second, Money(5_000))
    assert caught.value.field == "invoice"
    assert counts(db_path) == before
    assert allocate(ctx, out, second, Money(4_000)).amount == Money(4_000)  # exactly what is left


def test_deleting_an_invoice_with_allocations_is_refused(
    ctx: Context, rid: int, db_path: Path
) -> None:
    """An invoice a payment is allocated to cannot be deleted until the allocation is removed."""
    inv = invoice(ctx, rid, "INV-1", 30_000)
    allocation = allocate(ctx, pay(ctx, rid, 10_000), inv)
    before = counts(db_path)
    with pytest.raises(ConflictError, match=r"^invoice: "):
        delete_invoice(ctx, inv)
    assert counts(db_path) == before
    unallocate(ctx, allocation.id)
    delete_invoice(ctx, inv)
    assert count(db_path, "invoice") == before["invoice"] - 1


def test_deleting_a_payment_unpays_its_invoice_and_keeps_its_receipt(
    ctx: Context, rid: int, tmp_path: Path, db_path: Path
) -> None:
    """Deleting a money-out removes its allocations; its receipt stays stored, unlinked."""
    inv = invoice(ctx, rid, "INV-1", 30_000)
    out = pay(ctx, rid, 30_000, (InvoiceClaim("INV-1"),), (pdf_file(tmp_path, "till-slip"),))
    assert state(ctx, rid, inv)[0] is InvoiceStatus.PAID
    [doc] = list_documents(ctx, rid)
    assert doc.links == (f"money-out:{out}",)
    delete_money_out(ctx, out)
    assert state(ctx, rid, inv) == (InvoiceStatus.UNPAID, 0, 30_000, False)
    assert count(db_path, "allocation") == 0
    [kept] = list_documents(ctx, rid)
    assert kept.id == doc.id and kept.links == ()
    assert read_document(ctx, doc.id)[1] == pdf_bytes("till-slip")
    # the invoice is owed again in November's summary: 30,000
    assert month_summary(ctx, rid, Month(2026, 11)).outstanding_invoices == Money(30_000)


def test_allocating_to_another_persons_invoice_is_not_found(ctx: Context, rid: int) -> None:
    """A payment cannot settle an invoice that belongs to someone else."""
    other = person(ctx, "Bob Jones")
    provider(ctx, other, AGENCY)
    theirs = invoice(ctx, other, "INV-9", 10_000)
    with pytest.raises(NotFoundError):
        allocate(ctx, pay(ctx, rid, 10_000), theirs)
