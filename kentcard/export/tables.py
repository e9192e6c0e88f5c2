"""The data sheets as plain tables: a header and rows of cell values, the same for every format.

Values are what the cell holds: text, `date`, whole numbers, hours as `Decimal`, and money
as integer pence (the writers turn pence into exact `Decimal` pounds, or `560.00` text, at
the cell: never via a float). Column kinds say which is which. Rows are built straight
from the book with no DataFrame in between: for 100,000 payments that is most of the time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from kentcard.core import words
from kentcard.core.employment.words import period_words
from kentcard.core.invoices import status_of
from kentcard.core.money import Money
from kentcard.export.book import ReviewBook

MONEY_IN = "Money in"
MONEY_OUT = "Money out"
INVOICES = "Invoices"
BUDGET = "Budget by month"
EVIDENCE = "Evidence"
# The sheet that lists the findings is titled "Exceptions", the word councils use.
FINDINGS = "Exceptions"
DATA_SHEETS = (FINDINGS, MONEY_IN, MONEY_OUT, INVOICES, BUDGET, EVIDENCE)
# Written before Evidence, only for a person who employs a PA (`pa_table`).
PA_EMPLOYMENT = "PA employment"

# Each sheet's columns: the ones a reviewer reads (printed, fitting an A4 landscape page),
# then the technical ones after them, outside the print area (`PRINTED` says how many).
COLUMNS: dict[str, tuple[str, ...]] = {
    MONEY_IN: ("Date", "Amount", "Source", "Category", "Reference", "Note", "Evidence", "Entered"),
    MONEY_OUT: (
        "Date", "Amount", "Payee", "Category", "Description", "Invoices paid", "Evidence",
        "Entered", "Reference",
    ),
    INVOICES: (
        "Issue date", "Provider", "Number", "Amount", "Paid", "Outstanding", "Status", "Due date",
        "Overdue", "Evidence", "Hours", "Rate", "Service from", "Service to", "Paid by",
    ),
    BUDGET: (
        "Month", "Budget", "Spent", "Remaining", "Brought forward", "Money in", "Paid out",
        "Carried forward", "Check", "From", "To",
    ),
    EVIDENCE: (
        "Evidence file", "What it proves", "Kind", "Original name", "Added", "Type", "Bytes",
        "SHA-256",
    ),
    FINDINGS: ("Date", "What", "Detail", "Amount", "About"),
    PA_EMPLOYMENT: (
        "PA", "Period from", "Period to", "Pay date", "Care and other hours",
        "Sleep-in hours", "Holiday hours", "Sick hours", "Gross", "Tax", "Employee NI",
        "Employee pension", "Net", "Employer NI", "Employer pension", "Card payment",
        "Card paid on", "HMRC due", "Holiday taken in leave year (hours)",
        "Holiday left in leave year (hours)",
    ),
}  # fmt: skip
PRINTED = {
    MONEY_IN: 8, MONEY_OUT: 8, INVOICES: 10, BUDGET: 9, EVIDENCE: 5, FINDINGS: 5,
    PA_EMPLOYMENT: 20,
}  # fmt: skip
# The PA employment sheet's employer's liability insurance block, under its list.
INSURANCE_COLUMNS = (
    "Insurer", "Policy", "From", "Renewal", "Cover", "Premium", "Certificate",
)  # fmt: skip
NOT_LINKED = "not linked"  # a payslip no card payment is linked to
NONE_ATTACHED = "none attached"  # a policy with no certificate
MONEY_COLUMNS = frozenset(
    {"Amount", "Paid", "Outstanding", "Rate", "Budget", "Spent", "Remaining", "Brought forward",
     "Money in", "Paid out", "Carried forward", "Gross", "Tax", "Employee NI",
     "Employee pension", "Net", "Employer NI", "Employer pension", "Card payment", "HMRC due",
     "Cover", "Premium"}
)  # fmt: skip
DATE_COLUMNS = frozenset(
    {"Date", "Issue date", "Due date", "Service from", "Service to", "Added", "From", "To",
     "Period from", "Period to", "Pay date", "Card paid on", "Renewal"}
)  # fmt: skip
MONTH_COLUMNS = frozenset({"Month"})
NUMBER_COLUMNS = frozenset({"Bytes"})
HOURS_COLUMNS = frozenset(
    {"Hours", "Care and other hours", "Sleep-in hours", "Holiday hours", "Sick hours",
     "Holiday taken in leave year (hours)", "Holiday left in leave year (hours)"}
)  # fmt: skip
SEPARATOR = "; "
MISSING = "MISSING"  # a payment nothing proves (highlighted in the workbook)
OK = "OK"  # a check that holds
STATUS_WORDS = {
    "unpaid": "Unpaid",
    "part-paid": "Part paid",
    "paid": "Paid",
    "overpaid": "Overpaid",
}


class Table(NamedTuple):
    """One data sheet: its name, its header and its rows (an iterable read once)."""

    name: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]


def kind_of(column: str) -> str:
    """`money`, `date`, `month`, `number`, `hours` or `text`: how a writer shows the column."""
    if column in MONEY_COLUMNS:
        return "money"
    if column in MONTH_COLUMNS:
        return "month"
    if column in DATE_COLUMNS:
        return "date"
    if column in HOURS_COLUMNS:
        return "hours"
    return "number" if column in NUMBER_COLUMNS else "text"


def pounds(pence: int) -> Decimal:
    """Exact pounds from pence: `56000` → `Decimal('560.00')`."""
    return Decimal(pence).scaleb(-2)


def hours(minutes: int) -> Decimal:
    """Hours to two decimals, rounded half up, from whole minutes: `450` → `Decimal('7.50')`."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _pence(money: Money | None) -> int | None:
    return None if money is None else money.pence


def evidence_index(book: ReviewBook) -> dict[str, list[str]]:
    """Pack names of the documents linked to each record tag (`money-out:3` → [...])."""
    index: dict[str, list[str]] = defaultdict(list)
    for item in book.evidence:
        for tag in item.document.links:
            index[tag].append(item.pack_name)
    return index


def _joined(items: list[str]) -> str | None:
    return SEPARATOR.join(items) if items else None


def money_in_rows(book: ReviewBook, index: dict[str, list[str]]) -> list[tuple[Any, ...]]:
    return [
        (
            m.date, m.amount.pence, words.source_words(m.source.value), m.category, m.reference,
            m.note, _joined(index.get(f"money-in:{m.id}", [])), words.origin_words(m.origin.value),
        )
        for m in book.money_in
    ]  # fmt: skip


def evidence_cell(files: list[str], note: str | None) -> str:
    """The files that prove a payment; `MISSING` when none does, or the reason given why."""
    if files:
        return SEPARATOR.join(files)
    return f"No receipt. Reason given: {note}" if note else MISSING


def money_out_rows(book: ReviewBook, index: dict[str, list[str]]) -> Iterator[tuple[Any, ...]]:
    """Each payment with the invoices it settles and every file that proves it."""
    numbers = {i.id: i.number for i in book.invoices}
    paid: dict[int, list[int]] = defaultdict(list)
    for allocation in book.allocations:
        paid[allocation.money_out_id].append(allocation.invoice_id)
    for m in book.money_out:
        invoice_ids = paid.get(m.id)
        files = index.get(f"money-out:{m.id}", [])
        settles = None
        if invoice_ids:
            files = list(files)
            for invoice_id in invoice_ids:
                files += [f for f in index.get(f"invoice:{invoice_id}", []) if f not in files]
            settles = _joined([numbers[i] for i in invoice_ids if i in numbers])
        yield (
            m.date, m.pence, m.payee, m.category, m.description, settles,
            evidence_cell(files, m.evidence_note), words.origin_words(m.origin),
            m.reference,
        )  # fmt: skip


def invoice_rows(book: ReviewBook, index: dict[str, list[str]]) -> Iterator[tuple[Any, ...]]:
    payers: dict[int, list[str]] = defaultdict(list)
    names = {i.id: i.provider_name for i in book.invoices}
    for a in book.allocations:
        payers[a.invoice_id].append(
            words.payment_words(a.paid_on, names.get(a.invoice_id, ""), a.pence)
        )
    for inv in book.invoices:
        paid = book.paid.get(inv.id, 0)
        owed = inv.pence - paid
        yield (
            inv.issue_date, inv.provider_name, inv.number, inv.pence, paid, owed,
            STATUS_WORDS[status_of(Money(inv.pence), Money(paid)).value], inv.due_date,
            "Yes" if inv.due_date < book.as_at and owed > 0 else "No",
            _joined(index.get(f"invoice:{inv.id}", [])),
            None if inv.hours_centi is None else Decimal(inv.hours_centi).scaleb(-2),
            inv.rate_pence, inv.period_start, inv.period_end, _joined(payers.get(inv.id, [])),
        )  # fmt: skip


def budget_rows(book: ReviewBook) -> list[tuple[Any, ...]]:
    """Each month of the period; the `Month` value is the line (shown as its first day).

    Brought forward + money in − paid out = carried forward, month by month, and `Check`
    says whether that holds against the balance the app works out (the workbook writes the
    roll-forward as formulas over the Money in and Money out sheets).
    """
    rows = []
    brought = book.opening_balance.pence
    for line in book.months:
        gap = brought + line.received.pence - line.paid_out.pence - line.balance.pence
        rows.append(
            (
                line, line.budget.pence, line.spent.pence, (line.budget - line.spent).pence,
                brought, line.received.pence, line.paid_out.pence, line.balance.pence,
                OK if gap == 0 else pounds(gap), line.first, line.last,
            )
        )  # fmt: skip
        brought = line.balance.pence
    return rows


def evidence_rows(book: ReviewBook, proves: dict[str, str]) -> list[tuple[Any, ...]]:
    return [
        (
            e.pack_name, _joined([proves[t] for t in e.document.links if t in proves]),
            words.DOCUMENT_KIND_WORDS.get(e.document.kind, e.document.kind), e.document.filename,
            added_day(e.document.added_at), e.document.media_type, e.document.size,
            e.document.sha256,
        )
        for e in book.evidence
    ]  # fmt: skip


def record_words(book: ReviewBook) -> dict[str, str]:
    """Each exported record's tag (`money-out:9`) in words: what a document proves."""
    found = {
        f"money-out:{m.id}": words.payment_words(m.date, m.payee, m.pence) for m in book.money_out
    }
    found.update(
        (f"invoice:{i.id}", words.invoice_words(i.number, i.provider_name)) for i in book.invoices
    )
    found.update(
        (f"money-in:{m.id}", words.money_in_words(m.date, m.source.value, m.amount.pence))
        for m in book.money_in
    )
    if book.employment is not None:
        found.update(book.employment.about)
    return found


def finding_rows(book: ReviewBook) -> Iterator[tuple[Any, ...]]:
    for f in book.findings:
        yield (f.date, f.kind, f.message, _pence(f.amount), f.about)


def data_tables(book: ReviewBook) -> list[Table]:
    """Every data sheet, in workbook order."""
    index = evidence_index(book)
    parts = {
        MONEY_IN: money_in_rows(book, index),
        MONEY_OUT: list(money_out_rows(book, index)),
        INVOICES: list(invoice_rows(book, index)),
        BUDGET: budget_rows(book),
        EVIDENCE: evidence_rows(book, record_words(book)),
        FINDINGS: list(finding_rows(book)),
    }
    return [Table(name, COLUMNS[name], parts[name]) for name in DATA_SHEETS]


def pa_table(book: ReviewBook) -> Table | None:
    """The PA employment sheet's list: a row per payslip paid in the period or for days in
    it (None for a person who employs no PA). HMRC due is tax + employee NI + employer NI."""
    if book.employment is None:
        return None
    rows = []
    for line in book.employment.payslips:
        s = line.payslip
        card = line.card
        rows.append(
            (
                line.pa, s.period_start, s.period_end, s.paid_on, hours(line.work_minutes),
                hours(line.sleep_in_minutes), hours(line.holiday_minutes),
                hours(line.sick_minutes), s.gross.pence, s.tax.pence, s.employee_ni.pence,
                s.employee_pension.pence, s.net.pence, s.employer_ni.pence,
                s.employer_pension.pence, NOT_LINKED if card is None else card.amount.pence,
                None if card is None else card.day,
                s.tax.pence + s.employee_ni.pence + s.employer_ni.pence,
                hours(line.holiday_taken), hours(line.holiday_left),
            )
        )  # fmt: skip
    return Table(PA_EMPLOYMENT, COLUMNS[PA_EMPLOYMENT], rows)


def insurance_rows(book: ReviewBook) -> list[tuple[Any, ...]]:
    """The employer's liability policies in force in the period (`INSURANCE_COLUMNS`)."""
    if book.employment is None:
        return []
    part = book.employment
    return [
        (
            i.insurer, i.policy or None, i.start, i.renewal, _pence(i.cover), _pence(i.premium),
            part.certificates.get(i.id, NONE_ATTACHED),
        )
        for i in part.insurances
    ]  # fmt: skip


def uncovered_words(book: ReviewBook) -> list[str]:
    """A line for each run of days in the period with a PA employed and no policy in force."""
    if book.employment is None:
        return []
    return [
        f"No employer's liability insurance recorded for {period_words(first, last)}"
        for first, last in book.employment.uncovered
    ]


def added_day(stamp: str) -> date | str:
    """The day a document was added, from its stored UTC timestamp (text if unreadable)."""
    try:
        return date.fromisoformat(stamp[:10])
    except ValueError:
        return stamp
