"""PAYE owed to HMRC: per tax month (the 6th to the 5th) or, for an employer paying
quarterly, per quarter (6 April – 5 July, …), the income tax, employee and employer National
Insurance on the payslips paid in it, less the Employment Allowance still unused in the tax
year when it is claimed; due by the 22nd of the month after the period ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kentcard.core.employment.rates import RateTable, thresholds
from kentcard.core.employment.records import (
    EmployerDetails,
    EmploymentFinding,
    FindingKind,
    HmrcFrequency,
    HmrcPayment,
    Payslip,
)
from kentcard.core.employment.words import date_words, period_words
from kentcard.core.money import Money, format_money


def tax_year_of(day: date) -> int:
    """The year the tax year containing `day` starts in (5 April 2026 is in 2025/26)."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


def tax_month_of(day: date) -> int:
    """1 for 6 April – 5 May, …, 12 for 6 March – 5 April."""
    return (day.month - (4 if day.day >= 6 else 5)) % 12 + 1


def tax_month_start(tax_year: int, month: int) -> date:
    calendar_month = month + 3
    return date(tax_year + (calendar_month > 12), (calendar_month - 1) % 12 + 1, 6)


@dataclass(frozen=True, slots=True)
class HmrcPeriod:
    """A tax month (`quarterly` False) or quarter of a tax year."""

    tax_year: int
    number: int
    quarterly: bool

    @property
    def first_month(self) -> int:
        return 3 * self.number - 2 if self.quarterly else self.number

    @property
    def start(self) -> date:
        return tax_month_start(self.tax_year, self.first_month)

    @property
    def end(self) -> date:
        last = self.first_month + (2 if self.quarterly else 0)
        if last == 12:
            return date(self.tax_year + 1, 4, 5)
        return tax_month_start(self.tax_year, last + 1) - timedelta(days=1)

    def words(self) -> str:
        what = "quarter" if self.quarterly else "tax month"
        return f"the {what} {period_words(self.start, self.end)}"


def period_of(day: date, quarterly: bool) -> HmrcPeriod:
    month = tax_month_of(day)
    return HmrcPeriod(tax_year_of(day), (month - 1) // 3 + 1 if quarterly else month, quarterly)


@dataclass(frozen=True, slots=True)
class PayeDue:
    """What the payslips paid in a period owe HMRC, and when (pence)."""

    period: HmrcPeriod
    tax: int
    employee_ni: int
    employer_ni: int
    allowance: int  # Employment Allowance set against the employer NI
    due: date

    @property
    def amount(self) -> int:
        return self.tax + self.employee_ni + self.employer_ni - self.allowance


def paye_due(
    payslips: Sequence[Payslip], details: EmployerDetails, table: RateTable | None = None
) -> list[PayeDue]:
    """Per period with payslips, in order, the PAYE owed; the allowance is used up in
    order through each tax year for which it is claimed."""
    quarterly = details.hmrc_frequency is HmrcFrequency.QUARTERLY
    by_period: dict[HmrcPeriod, list[Payslip]] = {}
    for slip in payslips:
        by_period.setdefault(period_of(slip.paid_on, quarterly), []).append(slip)
    unused: dict[int, int] = {}
    result = []
    for period in sorted(by_period, key=lambda p: (p.tax_year, p.number)):
        slips = by_period[period]
        employer_ni = sum(s.employer_ni.pence for s in slips)
        if period.tax_year in details.allowance_years and period.tax_year not in unused:
            allowance = thresholds(period.start, table).employment_allowance
            unused[period.tax_year] = allowance.pence
        used = min(employer_ni, unused.get(period.tax_year, 0))
        if period.tax_year in unused:
            unused[period.tax_year] -= used
        day = thresholds(period.end, table).hmrc_payment_day
        result.append(
            PayeDue(
                period=period,
                tax=sum(s.tax.pence for s in slips),
                employee_ni=sum(s.employee_ni.pence for s in slips),
                employer_ni=employer_ni,
                allowance=used,
                due=date(period.end.year, period.end.month, day),
            )
        )
    return result


def _finding(owed: PayeDue, on_time: int, paid: int) -> EmploymentFinding:
    parts = (
        f"income tax {format_money(Money(owed.tax))}, the PAs' National Insurance "
        f"{format_money(Money(owed.employee_ni))}, employer's National Insurance "
        f"{format_money(Money(owed.employer_ni))}"
    )
    if owed.allowance:
        parts += f", less {format_money(Money(owed.allowance))} of Employment Allowance"
    still, late = owed.amount - paid, paid - on_time
    later = f" and {format_money(Money(late))} after it" if late else ""
    if still > 0:
        end = f", so {format_money(Money(still))} is still to pay."
    else:
        end = ". HMRC may charge interest on PAYE paid late."
    message = (
        f"PAYE for {owed.period.words()} came to {format_money(Money(owed.amount))} ({parts}). "
        f"It was due to HMRC by {date_words(owed.due)}; {format_money(Money(on_time))} was paid "
        f"for it by then{later}{end}"
    )
    return EmploymentFinding(
        kind=FindingKind.HMRC_DUE,
        day=owed.due,
        message=message,
        about=f"PAYE for {owed.period.words()}",
        amount=Money(still if still > 0 else owed.amount - on_time),
    )


def check_hmrc(
    payslips: Sequence[Payslip],
    details: EmployerDetails,
    payments: Sequence[HmrcPayment],
    today: date,
    table: RateTable | None = None,
) -> list[EmploymentFinding]:
    """`hmrc-due`: a period's PAYE not covered by payments for it made by its due day,
    once that day is before `today`."""
    found = []
    for owed in paye_due(payslips, details, table):
        if owed.amount <= 0 or owed.due >= today:
            continue
        period = owed.period
        mine = [p for p in payments if (p.tax_year, p.period) == (period.tax_year, period.number)]
        on_time = sum(p.amount.pence for p in mine if p.paid_on <= owed.due)
        if on_time < owed.amount:
            found.append(_finding(owed, on_time, sum(p.amount.pence for p in mine)))
    return found
