"""Records → one pandas DataFrame per data sheet, with money as exact `Decimal` pounds.

Money stays integer pence until here; each cell is built from the pence exactly
(`Money.decimal`), so `560.00` is written as `560.00`, never via a float. Dates stay `date`.
Every frame has `object` columns so those values reach the writers unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from kentcard.core.money import Money
from kentcard.export.book import ReviewBook

MONEY_IN = "Money in"
MONEY_OUT = "Money out"
INVOICES = "Invoices"
BUDGET = "Budget by month"
EVIDENCE = "Evidence"
EXCEPTIONS = "Exceptions"
DATA_SHEETS = (MONEY_IN, MONEY_OUT, INVOICES, BUDGET, EVIDENCE, EXCEPTIONS)

COLUMNS: dict[str, tuple[str, ...]] = {
    MONEY_IN: (
        "Id", "Date", "Amount", "Source", "Category", "Reference", "Note", "Evidence", "Entered",
    ),
    MONEY_OUT: (
        "Id", "Date", "Amount", "Payee", "Category", "Description", "Reference", "Invoices paid",
        "Evidence", "Entered",
    ),
    INVOICES: (
        "Id", "Issue date", "Provider", "Number", "Amount", "Paid", "Outstanding", "Status",
        "Due date", "Overdue", "Hours", "Rate", "Service from", "Service to", "Paid by",
        "Evidence",
    ),
    BUDGET: ("Month", "Budget", "Spent", "Remaining", "Received", "Closing balance"),
    EVIDENCE: (
        "Evidence file", "Original name", "Kind", "Type", "Bytes", "SHA-256", "Linked to", "Added",
    ),
    EXCEPTIONS: ("Date", "Kind", "Detail", "Amount", "Record"),
}  # fmt: skip
MONEY_COLUMNS = frozenset(
    {"Amount", "Paid", "Outstanding", "Rate", "Budget", "Spent", "Remaining", "Received",
     "Closing balance"}
)  # fmt: skip
DATE_COLUMNS = frozenset({"Date", "Issue date", "Due date", "Service from", "Service to", "Added"})
MONTH_COLUMNS = frozenset({"Month"})
SEPARATOR = "; "


def pounds(money: Money | None) -> Decimal | None:
    """The exact amount in pounds (`Decimal('560.00')`), or None."""
    return None if money is None else money.decimal


def evidence_index(book: ReviewBook) -> dict[str, list[str]]:
    """Pack names of the documents linked to each record tag (`money-out:3` → [...])."""
    index: dict[str, list[str]] = defaultdict(list)
    for item in book.evidence:
        for tag in item.document.links:
            index[tag].append(item.pack_name)
    return index


def _joined(items: list[str]) -> str | None:
    return SEPARATOR.join(items) if items else None


def _frame(sheet: str, rows: list[list[Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(COLUMNS[sheet]), dtype=object)


def money_in_frame(book: ReviewBook) -> pd.DataFrame:
    files = evidence_index(book)
    rows = [
        [
            m.id,
            m.date,
            pounds(m.amount),
            m.source.value,
            m.category,
            m.reference,
            m.note,
            _joined(files.get(f"money-in:{m.id}", [])),
            m.origin.value,
        ]
        for m in book.money_in
    ]
    return _frame(MONEY_IN, rows)


def money_out_frame(book: ReviewBook) -> pd.DataFrame:
    """Each payment with the invoices it settles and every file that proves it."""
    numbers = {s.invoice.id: s.invoice.number for s in book.invoices}
    index = evidence_index(book)
    paid: dict[int, list[int]] = defaultdict(list)
    for allocation in book.allocations:
        paid[allocation.money_out_id].append(allocation.invoice_id)
    rows = []
    for m in book.money_out:
        invoice_ids = paid.get(m.id, [])
        files = list(index.get(f"money-out:{m.id}", []))
        for invoice_id in invoice_ids:
            files += [f for f in index.get(f"invoice:{invoice_id}", []) if f not in files]
        rows.append(
            [
                m.id,
                m.date,
                pounds(m.amount),
                m.payee,
                m.category,
                m.description,
                m.reference,
                _joined([numbers[i] for i in invoice_ids if i in numbers]),
                _joined(files),
                m.origin.value,
            ]
        )
    return _frame(MONEY_OUT, rows)


def invoices_frame(book: ReviewBook) -> pd.DataFrame:
    index = evidence_index(book)
    payers: dict[int, list[str]] = defaultdict(list)
    for allocation in book.allocations:
        payers[allocation.invoice_id].append(f"money-out:{allocation.money_out_id}")
    rows = []
    for state in book.invoices:
        inv = state.invoice
        hours = None if inv.hours_centi is None else Decimal(inv.hours_centi).scaleb(-2)
        rows.append(
            [
                inv.id,
                inv.issue_date,
                inv.provider_name,
                inv.number,
                pounds(inv.amount),
                pounds(state.allocated),
                pounds(state.outstanding),
                state.status.value,
                inv.due_date,
                "yes" if state.overdue else "no",
                hours,
                pounds(inv.rate),
                inv.period_start,
                inv.period_end,
                _joined(payers.get(inv.id, [])),
                _joined(index.get(f"invoice:{inv.id}", [])),
            ]
        )
    return _frame(INVOICES, rows)


def budget_frame(book: ReviewBook) -> pd.DataFrame:
    rows = [
        [
            line.month,
            pounds(line.budget),
            pounds(line.spent),
            pounds(line.budget - line.spent),
            pounds(line.received),
            pounds(line.balance),
        ]
        for line in book.months
    ]
    return _frame(BUDGET, rows)


def evidence_frame(book: ReviewBook) -> pd.DataFrame:
    rows = [
        [
            e.pack_name,
            e.document.filename,
            e.document.kind.value,
            e.document.media_type,
            e.document.size,
            e.document.sha256,
            _joined(list(e.document.links)),
            _added_day(e.document.added_at),
        ]
        for e in book.evidence
    ]
    return _frame(EVIDENCE, rows)


def exceptions_frame(book: ReviewBook) -> pd.DataFrame:
    rows = [[f.date, f.kind, f.message, pounds(f.amount), f.record] for f in book.exceptions]
    return _frame(EXCEPTIONS, rows)


def data_frames(book: ReviewBook) -> dict[str, pd.DataFrame]:
    """Every data sheet, in workbook order."""
    return {
        MONEY_IN: money_in_frame(book),
        MONEY_OUT: money_out_frame(book),
        INVOICES: invoices_frame(book),
        BUDGET: budget_frame(book),
        EVIDENCE: evidence_frame(book),
        EXCEPTIONS: exceptions_frame(book),
    }


def _added_day(stamp: str) -> date | str:
    """The day a document was added, from its stored UTC timestamp (text if unreadable)."""
    try:
        return date.fromisoformat(stamp[:10])
    except ValueError:
        return stamp
