"""Invoice status, what is still owed, when it is overdue, and hours × rate (DESIGN §2)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentcard.core.invoices import InvoiceState, hours_times_rate, status_of
from kentcard.core.money import Money
from kentcard.core.records import Invoice, InvoiceStatus

DUE = date(2026, 11, 20)


def invoice(
    amount: int = 56_000,
    *,
    due: date = DUE,
    hours_centi: int | None = None,
    rate: int | None = None,
) -> Invoice:
    """An invoice from provider 1; amounts in pence."""
    return Invoice(
        id=1,
        recipient_id=1,
        provider_id=1,
        provider_name="Bluebell Care",
        number="INV-001",
        issue_date=date(2026, 10, 21),
        amount=Money(amount),
        due_date=due,
        hours_centi=hours_centi,
        rate=None if rate is None else Money(rate),
    )


# --- status_of --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allocated", "status"),
    [
        (0, InvoiceStatus.UNPAID),
        (1, InvoiceStatus.PART_PAID),
        (55_999, InvoiceStatus.PART_PAID),
        (56_000, InvoiceStatus.PAID),
        (56_001, InvoiceStatus.OVERPAID),
    ],
)
def test_status_of(allocated: int, status: InvoiceStatus) -> None:
    """A £560.00 invoice is unpaid, part-paid, paid or overpaid by what is allocated to it."""
    assert status_of(Money(56_000), Money(allocated)) is status


# --- InvoiceState -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allocated", "outstanding"),
    [
        (0, 56_000),
        (20_000, 56_000 - 20_000),  # 36000
        (56_000, 0),
        (60_000, 56_000 - 60_000),  # -4000: overpaid by £40.00
    ],
)
def test_outstanding_is_amount_minus_allocated(allocated: int, outstanding: int) -> None:
    """Outstanding = amount − allocated, negative when overpaid."""
    state = InvoiceState(invoice(56_000), Money(allocated), date(2026, 11, 1))
    assert state.outstanding == Money(outstanding)


def test_state_status_follows_allocation() -> None:
    """InvoiceState.status gives part-paid for £200 of £560 and overpaid for £600 of £560."""
    today = date(2026, 11, 1)
    assert InvoiceState(invoice(), Money(20_000), today).status is InvoiceStatus.PART_PAID
    assert InvoiceState(invoice(), Money(60_000), today).status is InvoiceStatus.OVERPAID


@pytest.mark.parametrize(
    ("allocated", "today", "overdue"),
    [
        (0, date(2026, 11, 19), False),  # before due
        (0, DUE, False),  # due today is not overdue
        (0, date(2026, 11, 21), True),  # past due, all owed
        (20_000, date(2026, 11, 21), True),  # past due, part-paid
        (56_000, date(2026, 11, 21), False),  # past due but paid
        (60_000, date(2026, 11, 21), False),  # past due but overpaid
    ],
)
def test_overdue_only_when_past_due_and_owed(allocated: int, today: date, overdue: bool) -> None:
    """Overdue needs both: the due date has passed and something is still outstanding."""
    assert InvoiceState(invoice(), Money(allocated), today).overdue is overdue


# --- hours × rate -----------------------------------------------------------------------------


def test_whole_hours_times_rate() -> None:
    """20 hours × £28.00 = £560.00."""
    assert hours_times_rate(2_000, Money(2_800)) == Money(20 * 2_800)  # 56000 pence


def test_part_hours_times_rate_rounds_half_up() -> None:
    """7.5 hours × £28.33 = £212.475, rounded half-up to £212.48."""
    exact = Fraction(750 * 2_833, 100)  # 2124750/100 = 21247.5 pence
    assert exact == Fraction(42_495, 2)
    assert hours_times_rate(750, Money(2_833)) == Money(21_248)


def test_part_hours_times_rate_rounds_down_below_half() -> None:
    """7.25 hours × £10.01 = £72.5725, rounded to £72.57."""
    assert Fraction(725 * 1_001, 100) == Fraction(725_725, 100)  # 7257.25 pence
    assert hours_times_rate(725, Money(1_001)) == Money(7_257)


@given(hours=st.integers(0, 10_000), rate=st.integers(0, 10**7))
def test_whole_hours_times_rate_is_exact(hours: int, rate: int) -> None:
    """For whole hours, hours × rate is exact: no rounding happens."""
    assert hours_times_rate(hours * 100, Money(rate)) == Money(hours * rate)


def test_hours_mismatch_false_when_amount_matches() -> None:
    """20 h × £28.00 on a £560.00 invoice is no mismatch."""
    state = InvoiceState(invoice(56_000, hours_centi=2_000, rate=2_800), Money(0), DUE)
    assert state.hours_mismatch is False


def test_hours_mismatch_true_when_amount_differs() -> None:
    """20 h × £28.00 on a £560.01 invoice is a mismatch."""
    state = InvoiceState(invoice(56_001, hours_centi=2_000, rate=2_800), Money(0), DUE)
    assert state.hours_mismatch is True


def test_hours_mismatch_uses_rounded_product() -> None:
    """7.5 h × £28.33 matches £212.48 (the half-up penny) but not £212.47."""
    good = InvoiceState(invoice(21_248, hours_centi=750, rate=2_833), Money(0), DUE)
    bad = InvoiceState(invoice(21_247, hours_centi=750, rate=2_833), Money(0), DUE)
    assert good.hours_mismatch is False
    assert bad.hours_mismatch is True


@pytest.mark.parametrize(("hours_centi", "rate"), [(None, 2_800), (2_000, None), (None, None)])
def test_no_mismatch_without_both_hours_and_rate(hours_centi: int | None, rate: int | None) -> None:
    """Without both hours and a rate there is nothing to compare, so no mismatch."""
    state = InvoiceState(invoice(1, hours_centi=hours_centi, rate=rate), Money(0), DUE)
    assert state.hours_mismatch is False
