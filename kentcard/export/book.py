"""What an export is made from: the ledger for one person and one period, already gathered.

The service fills a `ReviewBook` from the database; the writers only read it. Everything is
a core record, a light core line (`kentcard.core.lines`: plain values, money in pence) or a
plain value, so the writers depend on nothing but `kentcard.core`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from kentcard.core.lines import AllocationLine, DocumentLine, InvoiceLine, MoneyOutLine
from kentcard.core.money import Money
from kentcard.core.records import MoneyIn, Recipient


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
    spent: Money
    received: Money
    balance: Money

    @property
    def partial(self) -> bool:
        return "(" in self.label


@dataclass(frozen=True, slots=True)
class CategoryBudget:
    """A spending category and its budget over the days covered (None = no category)."""

    category: str | None
    budget: Money


class ExceptionLine(NamedTuple):
    """One thing a reviewer would query, in words."""

    date: date
    kind: str  # the review's kind (a str enum) or its text
    message: str
    record: str | None
    amount: Money | None


@dataclass(frozen=True, slots=True)
class ReviewBook:
    """The ledger for one person and one period, ready to be written in any format."""

    person: Recipient
    start: date
    end: date
    today: date  # for "overdue"
    balance_on: date  # the end of the period, or today if that is earlier
    opening_balance: Money  # the balance on the day before `start`
    retained: Money
    money_in: Sequence[MoneyIn]
    money_out: Sequence[MoneyOutLine]
    invoices: Sequence[InvoiceLine]
    paid: Mapping[int, int]  # pence paid against each invoice by `balance_on`
    allocations: Sequence[AllocationLine]
    evidence: Sequence[EvidenceFile]
    months: Sequence[MonthLine]
    categories: Sequence[CategoryBudget]
    exceptions: Sequence[ExceptionLine]
    exception_kinds: Sequence[tuple[str, str]]  # (kind, what it means in words), in order

    @property
    def title(self) -> str:
        return f"kentcard-review_{self.start.isoformat()}_{self.end.isoformat()}"
