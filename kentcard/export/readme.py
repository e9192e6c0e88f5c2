"""The README a reviewer reads first, in the evidence pack and beside the CSV files.

It leads with the key figures (as the app works them out), then says what each sheet or
file holds. Lines end CRLF: Notepad on older Windows shows nothing else as line breaks.
"""

from __future__ import annotations

from kentcard.core.money import Money, format_money
from kentcard.core.words import uk_date
from kentcard.export.book import ReviewBook

KCC_LINE = "KCC direct payments: 0300 041 3600."
# What each list holds, in the order a reviewer meets them (workbook sheet = CSV file).
LISTS = (
    ("Exceptions", "exceptions.csv",
     "everything a reviewer may want to ask about: payments with no receipt (and any reason "
     "given), late or missing payments, overdue invoices, months overspent, a balance below "
     "zero, entries dated after the as-at date"),
    ("Money in", "money-in.csv", "every payment onto the card: KCC, your contribution, refunds"),
    ("Money out", "money-out.csv",
     "every payment from the card, the invoices it paid and the files that prove it "
     "(MISSING where there is none)"),
    ("Invoices", "invoices.csv", "the providers' invoices: paid, still to pay, overdue"),
    ("Budget by month", "budget-by-month.csv",
     "each month's budget, spending and balance: brought forward + money in - paid out = "
     "carried forward"),
    ("Evidence", "evidence.csv", "every receipt, invoice and other file, and what it proves"),
)  # fmt: skip


PA_LIST = (
    "PA employment",
    "each PA's payslips in the period: hours by kind from the timesheets, pay, deductions, "
    "employer's costs, the card payment of the wage and what is due to HMRC; then the "
    "employer's liability insurance and any days without it",
)


def sheets(book: ReviewBook) -> list[tuple[str, str, str]]:
    """The workbook's data sheets in order, with what each holds: PA employment (before
    Evidence) only for a person who employs a PA."""
    found = list(LISTS)
    if book.employment is not None:
        found.insert(len(found) - 1, (PA_LIST[0], "", PA_LIST[1]))
    return found


def _shown(value: Money | str | int) -> str:
    return format_money(value) if isinstance(value, Money) else str(value)


def key_figures(book: ReviewBook) -> list[str]:
    """`Brought forward ..... £312.40`, one line per figure, counts only where not zero."""
    shown = [f for f in book.figures if not (isinstance(f.value, int) and f.value == 0)]
    width = max(len(f.label) for f in shown) + 2
    return [f"  {f.label + ':':<{width}}{_shown(f.value)}" for f in shown]


def _lines(book: ReviewBook, intro: list[str], lists: list[str], tail: list[str]) -> str:
    text = [
        intro[0],
        "",
        *key_figures(book),
        "",
        *intro[1:],
        "",
        *lists,
        "",
        *tail,
        "",
        KCC_LINE,
        "",
    ]
    return "\r\n".join(text)


def pack_readme(book: ReviewBook, example: str | None) -> str:
    """The pack's README: figures, the workbook's sheets, then the evidence folder."""
    lists = [f"  {book.title}.xlsx", "      The review workbook. 'Summary' gives the figures"
             " above as formulas over the other sheets:"]  # fmt: skip
    lists += [f"      - {sheet}: {what}" for sheet, _, what in sheets(book)]
    documents = [
        "      Every receipt, invoice and other document linked to a payment or invoice in"
    ]
    if book.employment is not None:
        documents = [
            "      Every receipt, invoice, payslip, signed timesheet, PA's contract, insurance",
            "      certificate and other document linked to a payment, invoice or PA record in",
        ]
    lists += [
        "",
        f"  evidence/  ({len(book.evidence)} files)",
        *documents,
        "      the workbook, named DATE_WHO_WHAT"
        + (f", for example {example}." if example else "."),
        "      The 'Evidence' column of 'Money out' names the files that prove each payment.",
    ]
    tail = [
        "To check that a file is the one recorded, compare its SHA-256 with the 'Evidence'",
        "sheet's SHA-256 column (Windows: certutil -hashfile FILE SHA256;",
        "macOS: shasum -a 256 FILE; Linux: sha256sum FILE).",
    ]
    return _lines(book, _intro(book, "evidence pack"), lists, tail)


def csv_readme(book: ReviewBook) -> str:
    """The CSV folder's README: figures (also in summary.csv), then what each file holds."""
    lists = ["  summary.csv: the figures above, one per line"]
    lists += [f"  {name}: {what}" for _, name, what in LISTS]
    tail = [
        "Amounts are in pounds with two decimals; dates are YYYY-MM-DD. Text that could",
        "start a spreadsheet formula begins with an apostrophe.",
    ]
    return _lines(book, _intro(book, "CSV files"), lists, tail)


def _intro(book: ReviewBook, what: str) -> list[str]:
    return [
        f"Direct payment review - {what}",
        f"The figures are worked out as at {uk_date(book.as_at)}: the end of the period, or "
        "the day this was made if that is earlier. Anything dated later is in no figure.",
        "",
        "What is here",
    ]
