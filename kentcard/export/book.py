"""What an export is made from: the ledger for one recipient and one period, already gathered.

The service fills a `ReviewBook` from the database; the writers only read it. Everything is
a core record, a light core line (`kentcard.core.lines`: plain values, money in pence) or a
plain value, so the writers depend on nothing but `kentcard.core`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from kentcard.core.employment.records import Insurance, Payslip, WagePayment
from kentcard.core.lines import AllocationLine, DocumentLine, InvoiceLine, MoneyOutLine
from kentcard.core.money import Money
from kentcard.core.records import MoneyIn, Plan, Recipient


class EvidenceFile(NamedTuple):
    """A document and its file name in the pack's `evidence/` folder."""

    document: DocumentLine
    pack_name: str


class MonthLine(NamedTuple):
    """The period's days of one calendar month, as the budget screen would show them."""

    first: date  # the first day covered (the 1st unless the period starts mid-month)
    last: date  # the last day covered
    label: str  # `Nov 2026`, or `Nov 2026 (1–15)` for part of a month
    budget: Money  # prorated by days for part of a month
    spent: Money  # paid out less refunds
    received: Money  # every money in, an opening balance entered in the month too
    paid_out: Money
    balance: Money  # at the end of `last`, or the as-at date if earlier

    @property
    def partial(self) -> bool:
        return "(" in self.label


@dataclass(frozen=True, slots=True)
class CategoryBudget:
    """A spending category and its budget over the days covered (None = no category)."""

    category: str | None
    budget: Money


class FindingLine(NamedTuple):
    """One thing a reviewer would query, in words."""

    date: date
    kind: str  # what kind of thing, in words ("Payments with no receipt or invoice attached")
    message: str
    about: str | None  # the record in words ("Payment 20 May 2026, Bright Homecare, £651.00")
    amount: Money | None


class Expected(NamedTuple):
    """Payments the plan says were due in the period (up to the as-at date), and what came."""

    who: str  # "KCC" or "Your contribution"
    due_count: int
    due: Money
    received_count: int
    received: Money


class Figure(NamedTuple):
    """A key figure as the app worked it out, for the CSV summary and the pack's README."""

    label: str
    value: Money | str | int


class PayslipLine(NamedTuple):
    """A PA's payslip in the period, with the time on its period's timesheet lines by kind."""

    payslip: Payslip
    pa: str  # the PA's name
    work_minutes: int  # care and other paid time: the kinds that count for the minimum wage
    sleep_in_minutes: int  # asleep on a sleep-in
    holiday_minutes: int
    sick_minutes: int
    card: WagePayment | None  # the card payment of the net wage linked to it, if any
    leave_year: tuple[date, date]  # the PA's leave year holding the period's last day
    holiday_taken: int  # minutes of holiday in that leave year up to the period's last day
    holiday_left: int  # minutes allowed by then less those taken (below zero when over)


@dataclass(frozen=True, slots=True)
class EmploymentPart:
    """The person's records as the employer of PAs, for the period."""

    payslips: Sequence[PayslipLine]  # paid in the period, or for days in it
    insurances: Sequence[Insurance]  # employer's liability policies in force in the period
    uncovered: Sequence[tuple[date, date]]  # runs of days with a PA employed and no cover
    certificates: Mapping[int, str]  # an insurance's id → its certificate's pack name
    about: Mapping[str, str]  # each employment record a document proves, in words, by tag


@dataclass(frozen=True, slots=True)
class ReviewBook:
    """The ledger for one recipient and one period, ready to be written in any format."""

    recipient: Recipient
    start: date
    end: date
    today: date
    as_at: date  # every figure is worked out on this day: the period's end, or today
    opening_balance: Money  # the balance on the day before `start`
    closing_balance: Money  # the balance on `as_at`, as the app works it out
    outstanding: Money  # still owed on invoices on `as_at`
    retained: Money
    weekly_budget: Money  # of the plan in force on `as_at` (the retained allowance's unit)
    plans: Sequence[Plan]  # the plans in force at some time in the period
    expected: Sequence[Expected]
    statement_status: str  # how the card statement reconciles, in words
    money_in: Sequence[MoneyIn]
    money_out: Sequence[MoneyOutLine]
    invoices: Sequence[InvoiceLine]
    paid: Mapping[int, int]  # pence paid against each invoice by `as_at`
    allocations: Sequence[AllocationLine]
    evidence: Sequence[EvidenceFile]
    months: Sequence[MonthLine]
    categories: Sequence[CategoryBudget]
    findings: Sequence[FindingLine]
    finding_kinds: Sequence[str]  # every kind of finding in words, in order
    figures: Sequence[Figure]  # the key figures, for files without formulas
    employment: EmploymentPart | None = None  # None when the person employs no PA

    @property
    def title(self) -> str:
        return f"kentcard-review_{self.start.isoformat()}_{self.end.isoformat()}"
