"""A locked, reviewed period: no entry in it changes through any service until unlocked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kentcard.core.errors import ConflictError, InputError
from kentcard.core.money import Money
from kentcard.core.records import Frequency, Source
from kentcard.services import allocations, documents, history, invoices, ledger, period_lock
from kentcard.services.context import Context
from kentcard.services.plans import set_plan
from tests.services.helpers import counts, invoice, pdf_file, person, provider

LOCKED = date(2026, 10, 31)
INSIDE = date(2026, 10, 20)
AFTER = date(2026, 11, 5)


@pytest.fixture
def rid(ctx: Context) -> int:
    return person(ctx)


def locked(ctx: Context, rid: int) -> None:
    period_lock.lock_period(ctx, rid, LOCKED, "reviewed by KCC")


def test_money_in_and_out_in_a_locked_period_cannot_change(
    ctx: Context, rid: int, db_path: Path
) -> None:
    """Add, edit and delete of money in/out in the locked period are refused; nothing moves."""
    out = ledger.add_money_out(ctx, rid, date=INSIDE, amount=Money(1000), payee="Shop")
    paid = ledger.add_money_in(ctx, rid, date=INSIDE, amount=Money(5000), source=Source.KCC)
    locked(ctx, rid)
    before = counts(db_path)
    attempts = [
        lambda: ledger.add_money_out(ctx, rid, date=INSIDE, amount=Money(1), payee="X"),
        lambda: ledger.add_money_in(ctx, rid, date=INSIDE, amount=Money(1), source=Source.KCC),
        lambda: ledger.edit_money_out(ctx, out.id, amount=Money(999)),
        lambda: ledger.edit_money_in(ctx, paid.id, note="changed"),
        lambda: ledger.delete_money_out(ctx, out.id),
        lambda: ledger.delete_money_in(ctx, paid.id),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError, match="kentcard unlock --from 2026-10-20"):
            attempt()
    assert counts(db_path) == before
    assert ledger.list_money_out(ctx, rid)[0].amount == Money(1000)


def test_an_entry_cannot_be_moved_into_a_locked_period(ctx: Context, rid: int) -> None:
    """Changing an open entry's date to a locked day is refused too."""
    out = ledger.add_money_out(ctx, rid, date=AFTER, amount=Money(1000), payee="Shop")
    locked(ctx, rid)
    with pytest.raises(ConflictError, match="2026-10-20 is in a reviewed period"):
        ledger.edit_money_out(ctx, out.id, date=INSIDE)
    assert ledger.list_money_out(ctx, rid)[0].date == AFTER


def test_entries_after_the_lock_still_change(ctx: Context, rid: int) -> None:
    """The day after the lock is open: add, edit and delete work."""
    locked(ctx, rid)
    out = ledger.add_money_out(ctx, rid, date=date(2026, 11, 1), amount=Money(1000), payee="S")
    ledger.edit_money_out(ctx, out.id, amount=Money(1200))
    ledger.delete_money_out(ctx, out.id)
    assert ledger.list_money_out(ctx, rid) == []


def test_evidence_can_still_be_attached_in_a_locked_period(
    ctx: Context, rid: int, tmp_path: Path
) -> None:
    """A receipt can be attached to a locked payment: evidence is never locked out."""
    out = ledger.add_money_out(ctx, rid, date=INSIDE, amount=Money(1000), payee="Shop")
    locked(ctx, rid)
    document = documents.attach_document(ctx, pdf_file(tmp_path), money_out_id=out.id)
    assert document.links == (f"money-out:{out.id}",)


def test_invoices_and_allocations_in_a_locked_period_cannot_change(
    ctx: Context, rid: int, db_path: Path
) -> None:
    """Invoices dated in the period, and allocations of locked payments, are refused."""
    provider(ctx, rid)
    inv = invoice(ctx, rid, "INV-1", 5000, issued=date(2026, 10, 1))
    out = ledger.add_money_out(ctx, rid, date=INSIDE, amount=Money(5000), payee="Kent Care Agency")
    locked(ctx, rid)
    before = counts(db_path)
    with pytest.raises(ConflictError):
        invoice(ctx, rid, "INV-2", 100, issued=INSIDE)
    with pytest.raises(ConflictError):
        invoices.edit_invoice(ctx, inv, amount=Money(4000))
    with pytest.raises(ConflictError):
        invoices.delete_invoice(ctx, inv)
    with pytest.raises(ConflictError):
        allocations.allocate(ctx, out.id, inv)
    assert counts(db_path) == before


def test_an_old_invoice_can_be_paid_from_a_new_payment(ctx: Context, rid: int) -> None:
    """Paying a locked-period invoice from an open-period payment is allowed."""
    provider(ctx, rid)
    inv = invoice(ctx, rid, "INV-1", 5000, issued=date(2026, 10, 1))
    locked(ctx, rid)
    out = ledger.add_money_out(ctx, rid, date=AFTER, amount=Money(5000), payee="Kent Care Agency")
    assert allocations.allocate(ctx, out.id, inv).amount == Money(5000)


def test_a_plan_change_reaching_a_locked_month_is_refused(ctx: Context, rid: int) -> None:
    """A plan starting in a month that is (partly) locked would change its budget: refused."""
    period_lock.lock_period(ctx, rid, date(2026, 11, 10))
    with pytest.raises(ConflictError, match="start: 2026-11-01 is in a reviewed period"):
        set_plan(ctx, rid, start=date(2026, 11, 20), frequency=Frequency.MONTHLY, council=Money(1))
    set_plan(ctx, rid, start=date(2026, 12, 1), frequency=Frequency.MONTHLY, council=Money(1))


def test_unlock_with_a_reason_opens_the_days_from_that_date(ctx: Context, rid: int) -> None:
    """Unlocking from a date opens it and later days; earlier days stay locked."""
    out = ledger.add_money_out(ctx, rid, date=INSIDE, amount=Money(1000), payee="Shop")
    locked(ctx, rid)
    lock = period_lock.unlock_period(ctx, rid, date(2026, 10, 15), "KCC asked for a correction")
    assert lock is not None and lock.locked_to == date(2026, 10, 14)
    ledger.edit_money_out(ctx, out.id, amount=Money(1100))
    with pytest.raises(ConflictError):
        ledger.add_money_out(ctx, rid, date=date(2026, 10, 14), amount=Money(1), payee="X")


def test_lock_rules(ctx: Context, rid: int) -> None:
    """A lock cannot be in the future or shrink; an unlock needs a reason and something locked."""
    with pytest.raises(InputError, match="to: is in the future"):
        period_lock.lock_period(ctx, rid, date(2026, 12, 1))
    locked(ctx, rid)
    with pytest.raises(ConflictError, match="already locked up to 2026-10-31"):
        period_lock.lock_period(ctx, rid, date(2026, 10, 1))
    with pytest.raises(InputError, match="reason: is required"):
        period_lock.unlock_period(ctx, rid, date(2026, 10, 1), " ")
    with pytest.raises(ConflictError, match="nothing from 2026-11-01 on is locked"):
        period_lock.unlock_period(ctx, rid, date(2026, 11, 1), "why")


def test_lock_unlock_and_changes_are_in_the_audit_log(ctx: Context, rid: int) -> None:
    """The history of a lock shows lock and unlock; a payment's history shows each change."""
    out = ledger.add_money_out(ctx, rid, date=INSIDE, amount=Money(1000), payee="Shop")
    ledger.edit_money_out(ctx, out.id, amount=Money(1500))
    locked(ctx, rid)
    period_lock.unlock_period(ctx, rid, date(2026, 10, 1), "correction")
    lock_history = history.record_history(ctx, f"period-lock:{rid}")
    assert [(c.action, c.detail.get("event")) for c in lock_history] == [
        ("create", "lock"),
        ("update", "unlock"),
    ]
    assert lock_history[1].changed["locked_to"] == ("2026-10-31", "2026-09-30")
    changes = history.record_history(ctx, f"money-out:{out.id}")
    assert [c.action for c in changes] == ["create", "update"]
    assert changes[1].changed == {"amount_pence": (1000, 1500)}
