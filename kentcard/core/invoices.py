"""Invoice status: what is still owed, and whether it is late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from kentcard.core.money import Money, round_half_up
from kentcard.core.records import Invoice, InvoiceStatus

DEFAULT_PAYMENT_TERMS = timedelta(days=30)


def status_of(amount: Money, allocated: Money) -> InvoiceStatus:
    if allocated.pence <= 0:
        return InvoiceStatus.UNPAID
    if allocated.pence < amount.pence:
        return InvoiceStatus.PART_PAID
    if allocated.pence == amount.pence:
        return InvoiceStatus.PAID
    return InvoiceStatus.OVERPAID


def hours_times_rate(hours_centi: int, rate: Money) -> Money:
    """Hours (in hundredths) × hourly rate, rounded half-up to the penny."""
    return Money(round_half_up(Fraction(hours_centi * rate.pence, 100)))


def hours_mismatch(hours_centi: int | None, rate_pence: int | None, amount_pence: int) -> bool:
    """True when hours × rate is given and does not equal the amount charged.

    The same rule as `InvoiceState.hours_mismatch`, on plain numbers (a review of 50,000
    invoices checks them all); hours and rates are never negative, so half-up is +50 // 100.
    """
    if hours_centi is None or rate_pence is None:
        return False
    product = hours_centi * rate_pence
    whole = (product + 50) // 100 if product >= 0 else round_half_up(Fraction(product, 100))
    return whole != amount_pence


@dataclass(frozen=True, slots=True)
class InvoiceState:
    """An invoice with what has been paid against it, as of a day."""

    invoice: Invoice
    allocated: Money
    today: date

    @property
    def outstanding(self) -> Money:
        return self.invoice.amount - self.allocated

    @property
    def status(self) -> InvoiceStatus:
        return status_of(self.invoice.amount, self.allocated)

    @property
    def overdue(self) -> bool:
        return self.invoice.due_date < self.today and self.outstanding.pence > 0

    @property
    def hours_mismatch(self) -> bool:
        """True when hours × rate is given and does not equal the amount charged."""
        inv = self.invoice
        if inv.hours_centi is None or inv.rate is None:
            return False
        return hours_times_rate(inv.hours_centi, inv.rate) != inv.amount
