"""The Summary sheet: who, which period, and every total as a formula over the data sheets.

Only our own formulas are written here. Text that came from people (the name, a category)
is put in its own string cell and formulas refer to that cell, so no user text is ever
spliced into a formula. Totals use SUMPRODUCT with `=` (an exact, case-insensitive match,
as the app groups categories) rather than SUMIFS, whose criteria would treat `*`, `?`, `<`
and `=` in a category name as patterns. Every range stops at a list's last row, so the
total row under each list is never counted twice.

The sheet reads top to bottom as a reviewer asks: who and when; what to query; the money
rolled forward (brought forward + received − paid out = carried forward, with a check);
the budget and each category (the parts add up to the whole, with a check); invoices,
the retained allowance (a labelled input) and a possible surplus; the support plan and how
the budget follows from it; the payments expected and received; a declaration to sign.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.pagebreak import Break

from kentcard.core import budget as rules
from kentcard.core import words
from kentcard.core.money import Money
from kentcard.core.records import Plan
from kentcard.export import tables as F
from kentcard.export.book import ReviewBook
from kentcard.export.cells import DATE_FORMAT, MONEY_FORMAT, Styles

BOLD = Font(name="Calibri", bold=True)
TITLE = Font(name="Calibri", bold=True, size=14)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_BORDER = Border(*(Side(style="thin", color="BF9000"),) * 4)
SIGN_LINE = Border(bottom=Side(style="thin", color="000000"))
SOURCES = (
    ("kcc", "Received from KCC"),
    ("contribution", "Received: your contribution"),
    ("refund", "Received: refunds from providers"),
    ("other", "Received: other"),
)
ROWS_PER_PAGE = 36  # rows of 11-point text on an A4 landscape page, with its header and footer


def letter(sheet: str, name: str) -> str:
    """The column letter of `name` on a data sheet: `B`."""
    return chr(ord("A") + F.COLUMNS[sheet].index(name))


def column(sheet: str, name: str, rows: int) -> str:
    """`'Money in'!$B$2:$B$N`: the list's cells in that column, never its total row."""
    col = letter(sheet, name)
    return f"'{sheet}'!${col}$2:${col}${max(rows, 1) + 1}"


class Rows:
    """Rows of the Summary sheet, numbered as they are added so formulas can refer back."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.rows: list[list[Any]] = []
        self.breaks: list[int] = []
        self.page_start = 1
        self.carried = 0  # the row of the carried-forward balance

    def add(self, *cells: Any) -> int:
        self.rows.append(list(cells))
        return len(self.rows)

    def block(self, size: int) -> None:
        """A block of `size` rows comes next: start a new page first if it would not fit."""
        used = len(self.rows) + 1 - self.page_start
        if used + size > ROWS_PER_PAGE and used > 0:
            self.breaks.append(len(self.rows))
            self.page_start = len(self.rows) + 1
        elif self.rows:
            self.add()

    def label(self, text: str, bold: bool = False, wrap: bool = False) -> Any:
        cell = self.styles.text(text, wrap=wrap)
        if bold:
            cell.font = BOLD
        return cell

    def money(self, value: Money | str, bold: bool = False) -> Any:
        """A money cell: an amount the app worked out, or one of our formulas."""
        shown = value.decimal if isinstance(value, Money) else value
        cell = self.styles.cell(shown, MONEY_FORMAT)
        if bold:
            cell.font = BOLD
        return cell

    def check(self, gap: str) -> Any:
        """`OK` when the formula `gap` is zero, else the difference."""
        cell = self.styles.cell(f'=IF({gap}=0,"OK",{gap})', MONEY_FORMAT)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="right")
        return cell

    def heading(self, *texts: str) -> int:
        """A bold row; the cells after the first sit over numbers (right)."""
        cells = [self.label(t, bold=True) for t in texts]
        for cell in cells[1:]:
            cell.alignment = Alignment(horizontal="right", wrap_text=True)
        return self.add(*cells)


def write(ws: Any, book: ReviewBook, counts: dict[str, int], styles: Styles) -> None:
    """Fill the Summary; `counts` is the number of rows written on each data sheet."""
    for col, width in zip("ABCDEFG", (52, 15, 15, 15, 15, 15, 15), strict=True):
        ws.column_dimensions[col].width = width
    rows = Rows(styles)
    _identity(rows, book)
    _findings_block(rows, book, counts)
    _money_block(rows, book, counts)
    _budget_block(rows, counts)
    _category_block(rows, book, counts)
    _surplus_block(rows, book, counts)
    _plan_block(rows, book)
    _declaration(rows, book)
    for cells in rows.rows:
        ws.append(cells)
    for row in rows.breaks:
        ws.row_breaks.append(Break(id=row))
    ws.row_breaks.append(Break(id=len(rows.rows)))  # the chart on a page of its own
    _chart(ws, counts[F.BUDGET], f"A{len(rows.rows) + 2}")


def _identity(rows: Rows, book: ReviewBook) -> None:
    recipient = book.recipient
    title = rows.add(rows.label("Direct payment review"))
    rows.rows[title - 1][0].font = TITLE
    rows.add(rows.label("Person"), rows.label(recipient.name))
    rows.add(rows.label("KCC reference"), rows.label(recipient.kcc_ref or "not recorded"))
    rows.add(rows.label("Kent Card ending"), rows.label(recipient.card_last4 or "not recorded"))
    rows.add(
        rows.label("Period"),
        rows.styles.cell(book.start, DATE_FORMAT),
        rows.label("to"),
        rows.styles.cell(book.end, DATE_FORMAT),
    )
    rows.add(
        rows.label("Figures as at"),
        rows.styles.cell(book.as_at, DATE_FORMAT),
        rows.label("the end of the period, or the day this was made if that is earlier"),
    )
    rows.add(rows.label("Card statement"), rows.label(book.statement_status))


def _findings_block(rows: Rows, book: ReviewBook, counts: dict[str, int]) -> None:
    kinds = column(F.FINDINGS, "What", counts[F.FINDINGS])
    rows.block(len(book.finding_kinds) + 2)
    rows.heading("What a reviewer would query (listed on the Exceptions sheet)", "Count")
    first = len(rows.rows) + 1
    for words_ in book.finding_kinds:
        row = len(rows.rows) + 1
        count = rows.styles.cell(f"=SUMPRODUCT(--({kinds}=$A${row}))", "0")
        rows.add(rows.label(words_), count)
    last = len(rows.rows)
    total = rows.styles.cell(f"=SUM(B{first}:B{last})", "0")
    total.font = BOLD
    rows.add(rows.label("Total", bold=True), total)


def _money_block(rows: Rows, book: ReviewBook, counts: dict[str, int]) -> None:
    n_in, n_out, n_budget = counts[F.MONEY_IN], counts[F.MONEY_OUT], counts[F.BUDGET]
    amount_in = column(F.MONEY_IN, "Amount", n_in)
    source = column(F.MONEY_IN, "Source", n_in)
    has_opening = any(m.source.value == "opening" for m in book.money_in)
    rows.block(11 + has_opening)
    as_at = words.uk_date(book.as_at)
    rows.heading(f"Money in and out, {words.uk_date(book.start)} to {as_at}", "Amount")
    brought = rows.add(
        rows.label(f"Brought forward: the balance on {words.uk_date(book.start - timedelta(1))}"),
        rows.money(book.opening_balance),
    )
    sums = []
    kinds = [(words.source_words(s), text) for s, text in SOURCES]
    if has_opening:
        kinds.append((words.source_words("opening"), "Opening balance entered in the period"))
    for name, text in kinds:  # `name` is the app's own word for a source, never user text
        row = len(rows.rows) + 1
        total = f'=ROUND(SUMPRODUCT(({source}="{name}")*{amount_in}),2)'
        rows.add(rows.label(text), rows.money(total))
        sums.append(f"B{row}")
    paid = rows.add(
        rows.label("Paid out from the card"),
        rows.money(f"=ROUND(SUM({column(F.MONEY_OUT, 'Amount', n_out)}),2)"),
    )
    carried = rows.add(
        rows.label(f"Carried forward on {as_at}", bold=True),
        rows.money(f"=ROUND(B{brought}+{'+'.join(sums)}-B{paid},2)", bold=True),
        rows.label("brought forward + received − paid out"),
    )
    rows.carried = carried
    app = rows.add(
        rows.label(f"Card balance on {as_at} in these records"), rows.money(book.closing_balance)
    )
    rows.add(
        rows.label("Check"),
        rows.check(f"ROUND(B{carried}-B{app},2)"),
        rows.label("OK when carried forward equals the balance"),
    )
    checks = column(F.BUDGET, "Check", n_budget)
    rows.add(
        rows.label("Check, month by month"),
        rows.check(f'{max(n_budget, 1)}-COUNTIF({checks},"OK")'),
        rows.label("OK when every month on 'Budget by month' rolls forward"),
    )


def _budget_block(rows: Rows, counts: dict[str, int]) -> None:
    n = counts[F.BUDGET]
    rows.block(4)
    rows.heading("Budget for the period (see 'Budget by month')", "Amount")
    first = rows.add(
        rows.label("Budget"), rows.money(f"=ROUND(SUM({column(F.BUDGET, 'Budget', n)}),2)")
    )
    rows.add(
        rows.label("Spent (paid out less refunds)"),
        rows.money(f"=ROUND(SUM({column(F.BUDGET, 'Spent', n)}),2)"),
    )
    rows.add(rows.label("Remaining"), rows.money(f"=ROUND(B{first}-B{first + 1},2)"))


def _category_block(rows: Rows, book: ReviewBook, counts: dict[str, int]) -> None:
    n_out, n_in, n_budget = counts[F.MONEY_OUT], counts[F.MONEY_IN], counts[F.BUDGET]
    out_amount = column(F.MONEY_OUT, "Amount", n_out)
    out_category = column(F.MONEY_OUT, "Category", n_out)
    in_amount = column(F.MONEY_IN, "Amount", n_in)
    in_source = column(F.MONEY_IN, "Source", n_in)
    in_category = column(F.MONEY_IN, "Category", n_in)
    refund = words.source_words("refund")
    lines = list(book.categories)
    budget = sum(line.budget.pence for line in lines)
    total_budget = sum(m.budget.pence for m in book.months)
    rows.block(len(lines) + 4 + (budget != total_budget))
    rows.heading("Spent by category", "Budget", "Spent", "Remaining")
    first = len(rows.rows) + 1
    for line in lines:
        row = len(rows.rows) + 1
        match = '""' if line.category is None else f"$A${row}"
        spent = (
            f"=ROUND(SUMPRODUCT(({out_category}={match})*{out_amount})"
            f'-SUMPRODUCT(({in_source}="{refund}")*({in_category}={match})*{in_amount}),2)'
        )
        rows.add(
            rows.label(line.category or "No category"),
            rows.money(line.budget),
            rows.money(spent),
            rows.money(f"=ROUND(B{row}-C{row},2)"),
        )
    if budget != total_budget:  # the plan's lines do not add up to its payment
        row = len(rows.rows) + 1
        rows.add(
            rows.label(words.NOT_IN_A_LINE),
            rows.money(Money(total_budget - budget)),
            rows.money(Money(0)),
            rows.money(f"=ROUND(B{row}-C{row},2)"),
        )
    last = len(rows.rows)
    total = rows.add(
        rows.label("Total", bold=True),
        *(rows.money(f"=ROUND(SUM({c}{first}:{c}{last}),2)", bold=True) for c in "BCD"),
    )
    period = column(F.BUDGET, "Budget", n_budget)
    spent_all = column(F.BUDGET, "Spent", n_budget)
    rows.add(
        rows.label("Check"),
        rows.check(f"ROUND(ABS(B{total}-SUM({period}))+ABS(C{total}-SUM({spent_all})),2)"),
    )


def _surplus_block(rows: Rows, book: ReviewBook, counts: dict[str, int]) -> None:
    owed_col = column(F.INVOICES, "Outstanding", counts[F.INVOICES])
    plan = _plan_on(book)
    rows.block(7)
    as_at = words.uk_date(book.as_at)
    rows.heading("Invoices, retained allowance and possible surplus", "Amount")
    owed = rows.add(
        rows.label(f"Invoices still to pay on {as_at}"),
        rows.money(f'=ROUND(SUMIFS({owed_col},{owed_col},">0"),2)'),
    )
    weeks_cell = rows.styles.cell(book.recipient.retained_weeks, "0")
    weeks_cell.fill, weeks_cell.border = INPUT_FILL, INPUT_BORDER
    weeks = rows.add(
        rows.label("Weeks of budget the council lets you keep"),
        weeks_cell,
        rows.label("a figure you may change: the allowance and surplus follow it"),
    )
    factor = rules.WEEK_FACTOR[plan.frequency] if plan else None
    per_period = rows.add(
        rows.label(f"Each payment of the plan in force on {as_at}"),
        rows.money(plan.per_period if plan else Money(0)),
        rows.label(words.FREQUENCY_WORDS[plan.frequency.value].lower() if plan else ""),
    )
    retained = rows.add(
        rows.label("Retained allowance"),
        rows.money(
            f"=ROUND(B{weeks}*B{per_period}*{factor.numerator}/{factor.denominator},2)"
            if factor
            else Money(0)
        ),
        rows.label("weeks × the weekly budget"),
    )
    rows.add(
        rows.label("Possible surplus", bold=True),
        rows.money(f"=MAX(0,ROUND(B{rows.carried}-B{owed}-B{retained},2))", bold=True),
        rows.label("balance − invoices to pay − retained allowance, if above zero"),
    )


def _plan_on(book: ReviewBook) -> Plan | None:
    found = rules.plan_on(book.plans, book.as_at)
    earlier = [p for p in book.plans if p.start <= book.as_at]
    return found or (earlier[-1] if earlier else None)


def _plan_block(rows: Rows, book: ReviewBook) -> None:
    plans = list(book.plans)
    size = 5 + sum(2 + len(p.lines) for p in plans) + len(book.expected)
    rows.block(min(size, ROWS_PER_PAGE))
    rows.heading("The support plan", "From", "To", "KCC pays", "You pay", "Each payment")
    for plan in plans:
        row = len(rows.rows) + 1
        rows.add(
            rows.label(f"{words.FREQUENCY_WORDS[plan.frequency.value]}", bold=True),
            rows.styles.cell(plan.start, DATE_FORMAT),
            rows.styles.cell(plan.end, DATE_FORMAT) if plan.end else rows.label("no end"),
            rows.money(plan.council),
            rows.money(plan.contribution),
            rows.money(f"=ROUND(D{row}+E{row},2)"),
        )
        for line in plan.lines:
            rows.add(rows.label(f"    {line.category}"), None, None, None, None,
                     rows.money(line.amount))  # fmt: skip
        factor = rules.MONTH_FACTOR[plan.frequency]
        rule = "the payment" if factor == 1 else (
            f"the payment × {factor.numerator} ÷ {factor.denominator}"
        )  # fmt: skip
        month = f"=ROUND(F{row}*{factor.numerator}/{factor.denominator},2)"
        rows.add(rows.label(f"    Budget for a month: {rule}"), *[None] * 4, rows.money(month))
    if not plans:
        rows.add(rows.label("No support plan recorded for this period"))
    rows.add(rows.label("A part month, or a month the plan changed in, shares the budget by days."))
    rows.add()
    rows.heading(
        f"Payments due {words.uk_date(book.start)} to {words.uk_date(book.as_at)}",
        "Due (number)",
        "Due",
        "Received (number)",
        "Received",
    )
    for due in book.expected:
        rows.add(
            rows.label(due.who),
            rows.styles.cell(due.due_count, "0"),
            rows.money(due.due),
            rows.styles.cell(due.received_count, "0"),
            rows.money(due.received),
        )
    if not book.expected:
        rows.add(rows.label("No payments were due in the period"))


def _declaration(rows: Rows, book: ReviewBook) -> None:
    rows.block(6)
    rows.heading("Declaration")
    rows.add(rows.label("I confirm these records are complete and correct."))
    rows.add(rows.label("Name"), rows.label(book.recipient.name))
    for what in ("Signature", "Date"):
        line = [rows.styles.cell(None) for _ in range(3)]
        for cell in line:
            cell.border = SIGN_LINE
        rows.add(rows.label(what), *line)


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
    chart.width, chart.height = 24, 9  # centimetres: about the width of columns A to D
    ws.add_chart(chart, anchor)
