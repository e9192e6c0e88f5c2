"""The Summary sheet: who, which period, and every total as a formula over the data sheets.

Only our own formulas are written here. Text that came from people (the name, a category)
is put in its own string cell and formulas refer to that cell, so no user text is ever
spliced into a formula. Category totals use SUMPRODUCT with `=` (an exact, case-insensitive
match, as the app groups categories) rather than SUMIFS, whose criteria would treat `*`,
`?`, `<` and `=` in a category name as patterns.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.styles import Alignment, Font

from kentcard.core.money import Money
from kentcard.export import tables as F
from kentcard.export.book import ReviewBook

if TYPE_CHECKING:
    from kentcard.export.xlsx import Styles

MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(name="Calibri", bold=True)
TITLE = Font(name="Calibri", bold=True, size=14)
SOURCES = (
    ("kcc", "Received from KCC"),
    ("contribution", "Received: your contribution"),
    ("refund", "Received: refunds from providers"),
    ("other", "Received: other"),
)


def column(sheet: str, name: str, rows: int | None = None) -> str:
    """`'Money in'!$C:$C`, or with `rows` the bounded range `'Money in'!$C$2:$C$N`."""
    letter = chr(ord("A") + F.COLUMNS[sheet].index(name))
    if rows is None:
        return f"'{sheet}'!${letter}:${letter}"
    return f"'{sheet}'!${letter}$2:${letter}${max(rows, 1) + 1}"


class Rows:
    """Rows of the Summary sheet, numbered as they are added so formulas can refer back."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.rows: list[list[Any]] = []

    def add(self, *cells: Any) -> int:
        self.rows.append(list(cells))
        return len(self.rows)

    def label(self, text: str, bold: bool = False) -> Any:
        cell = self.styles.text(text)
        if bold:
            cell.font = BOLD
        return cell

    def money(self, value: Money | str) -> Any:
        """A money cell: an amount the app worked out, or one of our formulas."""
        shown = value.decimal if isinstance(value, Money) else value
        return self.styles.cell(shown, MONEY_FORMAT)

    def heading(self, *texts: str, over_numbers: int = 3) -> int:
        """A bold row; the `over_numbers` cells after the first sit over numbers (right)."""
        cells = [self.label(t, bold=True) for t in texts]
        for cell in cells[1 : 1 + over_numbers]:
            cell.alignment = Alignment(horizontal="right")
        return self.add(*cells)


def write(ws: Any, book: ReviewBook, counts: dict[str, int], styles: Styles) -> None:
    """Fill the Summary; `counts` is the number of rows written on each data sheet."""
    for letter, width in zip("ABCD", (50, 16, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    rows = Rows(styles)
    title = rows.add(rows.label("Direct payment review"))
    rows.rows[title - 1][0].font = TITLE
    rows.add()
    rows.add(rows.label("Person"), rows.label(book.person.name))
    rows.add(rows.label("KCC reference"), rows.label(book.person.kcc_ref or "not recorded"))
    rows.add(rows.label("Period from"), styles.cell(book.start, DATE_FORMAT))
    rows.add(rows.label("Period to"), styles.cell(book.end, DATE_FORMAT))
    day = rows.add(
        rows.label("Balances worked out on (end of period, or today)"),
        styles.cell(book.balance_on, DATE_FORMAT),
    )
    rows.add()
    _money_block(rows, book, f"$B${day}")
    rows.add()
    _budget_block(rows)
    rows.add()
    _category_block(rows, book, counts)
    rows.add()
    _exception_block(rows, book)
    for row in rows.rows:
        ws.append(row)
    _chart(ws, counts[F.BUDGET], f"A{len(rows.rows) + 2}")


def _money_block(rows: Rows, book: ReviewBook, day: str) -> None:
    mi, mo, inv = F.MONEY_IN, F.MONEY_OUT, F.INVOICES
    rows.heading("Money in the period", "Amount")
    opening = rows.add(
        rows.label(f"Opening balance on {book.start - timedelta(days=1)}"),
        rows.money(book.opening_balance),
    )
    received = {}
    for source, words in SOURCES:
        received[source] = rows.add(
            rows.label(words),
            rows.money(
                f'=ROUND(SUMIFS({column(mi, "Amount")},{column(mi, "Source")},"{source}"),2)'
            ),
        )
    if any(m.source.value == "opening" for m in book.money_in):
        rows.add(
            rows.label("Opening balance entered in the period"),
            rows.money(
                f'=ROUND(SUMIFS({column(mi, "Amount")},{column(mi, "Source")},"opening"),2)'
            ),
        )
    paid = rows.add(
        rows.label("Paid out from the card"),
        rows.money(f"=ROUND(SUM({column(mo, 'Amount')}),2)"),
    )
    rows.add(
        rows.label("Spent (paid out less refunds)"),
        rows.money(f"=ROUND(B{paid}-B{received['refund']},2)"),
    )
    closing = rows.add(
        rows.label(f"Closing balance on {book.balance_on}"),
        rows.money(
            f'=ROUND(B{opening}+SUMIFS({column(mi, "Amount")},{column(mi, "Date")},"<="&{day})'
            f'-SUMIFS({column(mo, "Amount")},{column(mo, "Date")},"<="&{day}),2)'
        ),
    )
    owed = rows.add(
        rows.label(f"Invoices not yet paid on {book.balance_on}"),
        rows.money(
            f'=ROUND(SUMIFS({column(inv, "Outstanding")},{column(inv, "Issue date")},"<="&{day},'
            f'{column(inv, "Outstanding")},">0"),2)'
        ),
    )
    retained = rows.add(
        rows.label(f"Retained allowance ({book.person.retained_weeks} weeks of budget)"),
        rows.money(book.retained),
    )
    rows.add(
        rows.label("Possible surplus (KCC may ask for it back)"),
        rows.money(f"=MAX(0,ROUND(B{closing}-B{owed}-B{retained},2))"),
    )


def _budget_block(rows: Rows) -> None:
    budget = column(F.BUDGET, "Budget")
    spent = column(F.BUDGET, "Spent")
    rows.heading("Budget for the period", "Amount")
    first = rows.add(rows.label("Budget"), rows.money(f"=ROUND(SUM({budget}),2)"))
    rows.add(rows.label("Spent"), rows.money(f"=ROUND(SUM({spent}),2)"))
    rows.add(rows.label("Remaining"), rows.money(f"=ROUND(B{first}-B{first + 1},2)"))


def _category_block(rows: Rows, book: ReviewBook, counts: dict[str, int]) -> None:
    n_out, n_in = counts[F.MONEY_OUT], counts[F.MONEY_IN]
    out_amount = column(F.MONEY_OUT, "Amount", n_out)
    out_category = column(F.MONEY_OUT, "Category", n_out)
    in_amount = column(F.MONEY_IN, "Amount", n_in)
    in_source = column(F.MONEY_IN, "Source", n_in)
    in_category = column(F.MONEY_IN, "Category", n_in)
    rows.heading("Spent by category", "Budget", "Spent", "Remaining")
    for line in book.categories:
        row = len(rows.rows) + 1
        match = '""' if line.category is None else f"$A${row}"
        spent = (
            f"=ROUND(SUMPRODUCT(({out_category}={match})*{out_amount})"
            f'-SUMPRODUCT(({in_source}="refund")*({in_category}={match})*{in_amount}),2)'
        )
        rows.add(
            rows.label(line.category or "No category"),
            rows.money(line.budget),
            rows.money(spent),
            rows.money(f"=ROUND(B{row}-C{row},2)"),
        )


def _exception_block(rows: Rows, book: ReviewBook) -> None:
    kinds = column(F.EXCEPTIONS, "Kind")
    heading = rows.heading("What a reviewer would query", "Count", "Kind", over_numbers=0)
    rows.rows[heading - 1][1].alignment = Alignment(horizontal="center")
    first = len(rows.rows) + 1
    for kind, words in book.exception_kinds:
        count = rows.styles.cell(f'=COUNTIF({kinds},"{kind}")', "0")
        count.alignment = Alignment(horizontal="center")
        rows.add(rows.label(words), count, rows.label(kind))
    last = len(rows.rows)
    total = rows.styles.cell(f"=SUM(B{first}:B{max(first, last)})", "0")
    total.alignment, total.font = Alignment(horizontal="center"), BOLD
    rows.add(rows.label("Total", bold=True), total)


def _chart(ws: Any, months: int, anchor: str) -> None:
    """Budget against spending, one pair of bars per month, under the figures."""
    sheet = ws.parent[F.BUDGET]
    chart = BarChart()
    chart.type = "col"
    chart.title = "Budget and spending by month"
    chart.y_axis.numFmt = "£#,##0"
    chart.y_axis.majorGridlines = None
    # Labels as the cells show them: `Nov 2026`, or `Nov 2026 (1–15)` for part of a month.
    chart.x_axis.numFmt = NumFmt(formatCode="mmm yyyy", sourceLinked=True)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(
        Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=months + 1), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=months + 1))
    chart.width, chart.height = 22, 8  # centimetres: the width of columns A to D
    ws.add_chart(chart, anchor)
