"""The PA employment sheet: a row per payslip, a total row of formulas, notes, then the
employer's liability insurance block.

It is written only for a person who employs a PA. Nineteen columns do not fit one page
at a readable size, so the sheet prints two pages wide, each with the PA and the pay
period repeated on the left: first the hours and the payslip down to the net pay, then
the employer's costs, the card payment, HMRC and holiday.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from kentcard.export import tables as T
from kentcard.export.book import ReviewBook
from kentcard.export.cells import (
    FORMATS,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT,
    MONEY_FORMAT,
    Styles,
)
from kentcard.export.cells import lines_of as _lines

COLUMNS = T.COLUMNS[T.PA_EMPLOYMENT]
KEPT = 4  # the PA and the pay period, printed at the left of both pages
PAGE_BREAK = COLUMNS.index("Net") + 1  # the first page ends with the net pay
HMRC_PARTS = ("Tax", "Employee NI", "Employer NI")
NOT_SUMMED = frozenset(  # running figures already
    {"Holiday taken in leave year (hours)", "Holiday left in leave year (hours)"}
)
COVER_FORMAT = "£#,##0"  # cover is in whole pounds: £5,000,000
# Where the insurance block's columns go: the insurer and policy under the PA and the
# period, the certificate's name across the hours (its text runs on into the empty cells
# beside it), cover and premium under two money columns of the first page.
INSURANCE_AT = {"Insurer": 0, "Policy": 1, "From": 2, "Renewal": 3, "Certificate": 4,
                "Cover": PAGE_BREAK - 2, "Premium": PAGE_BREAK - 1}  # fmt: skip
# Widths in characters (of the digit 0). An A4 landscape page with the margins below
# holds about 110 at 100 % (measured in LibreOffice); each printed page is about 127 wide,
# so prints at about 86 % (less only when totals run to six figures of pounds).
WIDTHS = {"text": 12.0, "date": 10.5, "hours": 7.5, "money": 10.5}
WIDER = {"Holiday taken in leave year (hours)": 10.0, "Holiday left in leave year (hours)": 10.0}
SIDE_MARGIN = 0.4  # inches
PAGE_UNITS = 110.0
NOTES_AT = KEPT  # notes start after the repeated columns, so no page cuts them short
NOTES = (
    "Hours: the PA's timesheet lines dated in the pay period.",
    "Care and other: care, travel, waiting, training, waking nights, time woken on a sleep-in.",
    "HMRC due = tax + employee NI + employer NI.",
    "Holiday taken: the PA's holiday hours from the start of their leave year to the period's end;",
    "holiday left: the hours allowed by then (5.6 weeks pro rata, or 12.07 % accrued) less those.",
)


def widths(table: T.Table, insurance: list[tuple[Any, ...]]) -> list[float]:
    """Each column's width: money wide enough for its largest amount (and the total)."""
    found = [WIDER.get(c, WIDTHS.get(T.kind_of(c), WIDTHS["text"])) for c in COLUMNS]
    for index, column in enumerate(COLUMNS):
        if T.kind_of(column) == "money":
            amounts = [r[index] for r in table.rows if isinstance(r[index], int)]
            total = sum(amounts)
            found[index] = max(found[index], len(f"£{T.pounds(total):,.2f}") + 1.5)
    cover_at = INSURANCE_AT["Cover"]
    for row in insurance:
        cover = row[T.INSURANCE_COLUMNS.index("Cover")]
        if cover is not None:
            found[cover_at] = max(found[cover_at], len(f"£{cover // 100:,}") + 1.5)
    names = [r[0] for r in table.rows] + [r[0] for r in insurance]
    found[0] = max(found[0], min(20.0, max((len(n) + 2 for n in names), default=0)))
    return found


def printable(ws: Any, table: T.Table, insurance: list[tuple[Any, ...]]) -> list[float]:
    """Column widths and page set-up (before the first row is written): two pages wide at
    one scale, the PA and the period on both, the header row on every page."""
    sizes = widths(table, insurance)
    for index, width in enumerate(sizes):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    first = sum(sizes[:PAGE_BREAK])
    second = sum(sizes[:KEPT]) + sum(sizes[PAGE_BREAK:])
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.page_setup.fitToWidth = 0
    ws.page_setup.scale = max(10, min(100, int(PAGE_UNITS * 100 / max(first, second))))
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.print_title_cols = f"A:{get_column_letter(KEPT)}"
    ws.col_breaks.append(Break(id=PAGE_BREAK))
    ws.page_setup.pageOrder = "overThenDown"  # both halves of each row's page together
    ws.freeze_panes = f"{get_column_letter(KEPT + 1)}2"
    return sizes


# A4 landscape is 595 points high; the top and bottom margins take 0.8 and 1 inch. A row
# is reckoned at 15 points a line, as Excel shows 11-point Calibri (LibreOffice a little
# less), so a block meant to stay on one page may start a page early, never late.
PAGE_POINTS = 595.0 - 72 * (0.8 + 1.0)
ROW_POINTS = 15.0


class Rows:
    """Appends rows to a streamed sheet, counting them, so a tall row can be sized first;
    and follows where printed pages end, so a block can start a page of its own."""

    def __init__(self, ws: Any, page: float) -> None:
        self.ws = ws
        self.count = 0
        self.page = page  # sheet points a page holds below the repeated header row
        self.used = 0.0  # points on the page being filled

    def add(self, cells: list[Any], lines: int = 1) -> int:
        self.count += 1
        if lines > 1:
            self.ws.row_dimensions[self.count].height = LINE_HEIGHT * lines
        self.ws.append(cells)
        if self.count > 1:  # the header row is on every page
            self.fill(ROW_POINTS * lines)
        return self.count

    def fill(self, points: float) -> None:
        self.used = points if self.used + points > self.page else self.used + points

    def keep_together(self, lines: int) -> None:
        """Start a new page here unless the next `lines` rows fit on this one."""
        if self.used + ROW_POINTS * lines > self.page and self.used > 0:
            self.ws.row_breaks.append(Break(id=self.count))
            self.used = 0.0


def write(ws: Any, book: ReviewBook, table: T.Table, styles: Styles) -> None:
    """The whole sheet; the page set-up shared with the other sheets is already made."""
    insurance = T.insurance_rows(book)
    sizes = printable(ws, table, insurance)
    header = max(2, max(_lines(c, w) for c, w in zip(COLUMNS, sizes, strict=True)))
    rows = Rows(ws, PAGE_POINTS * 100 / ws.page_setup.scale - LINE_HEIGHT * header)
    rows.add([_header(styles, c) for c in COLUMNS], lines=header)
    hmrc = [get_column_letter(COLUMNS.index(c) + 1) for c in HMRC_PARTS]
    due = COLUMNS.index("HMRC due")
    for values in table.rows:
        row = rows.count + 1
        cells = [_cell(styles, c, v) for c, v in zip(COLUMNS, values, strict=True)]
        cells[due] = styles.cell(f"=ROUND({'+'.join(f'{c}{row}' for c in hmrc)},2)", MONEY_FORMAT)
        rows.add(cells, lines=_lines(values[0], sizes[0]))
    if not table.rows:  # a PA employed, no payslip yet: the total row sums this one
        rows.add([styles.text("No payslip for the period")])
    rows.add(_totals(table, styles))
    rows.add([])
    for note in NOTES:
        rows.add([None] * NOTES_AT + [styles.text(note)])
    _insurance(rows, book, insurance, styles, sizes)


def _header(styles: Styles, text: str, wrap: bool = True) -> Any:
    cell = styles.text(text)
    cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    words = T.kind_of(text) == "text"
    cell.alignment = Alignment(
        horizontal="left" if words else "right", vertical="top", wrap_text=wrap, indent=int(words)
    )
    return cell


def _cell(styles: Styles, column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = T.kind_of(column)
    if isinstance(value, str):
        return styles.text(value, wrap=kind == "text")
    if kind == "money":
        return styles.cell(T.pounds(value), MONEY_FORMAT)
    return styles.cell(value, FORMATS.get(kind, "General"))


def _totals(table: T.Table, styles: Styles) -> list[Any]:
    """Sums of the hours and money columns (ranges stop above this row)."""
    last = max(len(table.rows), 1) + 1
    label = styles.text("Total")
    label.font = HEADER_FONT
    cells: list[Any] = [label] + [None] * (len(COLUMNS) - 1)
    for index, column in enumerate(COLUMNS):
        kind = T.kind_of(column)
        if kind not in ("money", "hours") or column in NOT_SUMMED:
            continue
        letter = get_column_letter(index + 1)
        shown = MONEY_FORMAT if kind == "money" else FORMATS["hours"]
        cell = styles.cell(f"=ROUND(SUM({letter}2:{letter}{last}),2)", shown)
        cell.font = HEADER_FONT
        cells[index] = cell
    return cells


def _insurance(
    rows: Rows,
    book: ReviewBook,
    policies: list[tuple[Any, ...]],
    styles: Styles,
    sizes: list[float],
) -> None:
    """The employer's liability policies in force in the period, and any days without, on
    one page (a new one when they would not fit under the list)."""
    heights = [max(_lines(v[0], sizes[0]), _lines(v[1], sizes[1])) for v in policies] or [1]
    gaps = T.uncovered_words(book)
    rows.add([])
    rows.keep_together(2 + sum(heights) + len(gaps))
    title = styles.text("Employer's liability insurance")
    title.font = HEADER_FONT
    rows.add([title])
    width = max(INSURANCE_AT.values()) + 1
    header: list[Any] = [None] * width
    for column, at in INSURANCE_AT.items():
        header[at] = _header(styles, column, wrap=False)
    rows.add(header)
    for values, lines in zip(policies, heights, strict=False):
        cells: list[Any] = [None] * width
        for column, value in zip(T.INSURANCE_COLUMNS, values, strict=True):
            at = INSURANCE_AT[column]
            if column == "Cover" and value is not None:
                cells[at] = styles.cell(T.pounds(value), COVER_FORMAT)
            elif column == "Certificate":
                cells[at] = styles.text(value)  # runs on into the empty cells beside it
            else:
                cells[at] = _cell(styles, column, value)
        rows.add(cells, lines=lines)
    if not policies:
        rows.add([styles.text("No policy recorded for the period")])
    for line in gaps:
        gap: list[Any] = [styles.text("No cover", flagged=True)] + [None] * (NOTES_AT - 1)
        rows.add([*gap, styles.text(line, flagged=True)])
