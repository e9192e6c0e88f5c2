"""What an export is made from: the ledger for one person and one period, already gathered.

The service fills a `ReviewBook` from the database; the writers only read it. Everything is
a core record or plain value, so the writers depend on nothing but `kentcard.core`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money
from kentcard.core.records import Allocation, Document, MoneyIn, MoneyOut, Recipient


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """A document and its file name in the pack's `evidence/` folder."""

    document: Document
    pack_name: str


@dataclass(frozen=True, slots=True)
class MonthLine:
    """One calendar month as the app's budget screen shows it."""

    month: date  # the first day of the month
    budget: Money
    spent: Money
    received: Money
    balance: Money


@dataclass(frozen=True, slots=True)
class CategoryBudget:
    """A spending category and its budget over the months covered (None = no category)."""

    category: str | None
    budget: Money


@dataclass(frozen=True, slots=True)
class ExceptionLine:
    """One thing a reviewer would query, in words."""

    date: date
    kind: str
    message: str
    record: str | None
    amount: Money | None


@dataclass(frozen=True, slots=True)
class ReviewBook:
    """The ledger for one person and one period, ready to be written in any format."""

    person: Recipient
    start: date
    end: date
    balance_on: date  # the end of the period, or today if that is earlier
    opening_balance: Money  # the balance on the day before `start`
    retained: Money
    money_in: tuple[MoneyIn, ...]
    money_out: tuple[MoneyOut, ...]
    invoices: tuple[InvoiceState, ...]
    allocations: tuple[Allocation, ...]
    evidence: tuple[EvidenceFile, ...]
    months: tuple[MonthLine, ...]
    categories: tuple[CategoryBudget, ...]
    exceptions: tuple[ExceptionLine, ...]
    exception_kinds: tuple[tuple[str, str], ...]  # (kind, what it means in words), in order

    @property
    def title(self) -> str:
        return f"kentcard-review_{self.start.isoformat()}_{self.end.isoformat()}"
