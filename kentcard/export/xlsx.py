"""The review workbook (.xlsx): a Summary of formulas over six plain data sheets (seven
for a person who employs a PA: `pa_sheet.py`).

Data sheets hold values only (one bold, frozen header row; one row per record; real dates;
money as numbers formatted `£#,##0.00`), so `pandas.read_excel` reads each back exactly.
The Summary's totals are formulas over those sheets, so a reviewer can see where each
figure comes from and a spreadsheet program recalculates them to the app's own figures.
Text from people is written as explicit string cells (see `safety.py`); nothing here
creates a hyperlink, a comment, a hidden sheet or personal data in the file's properties.

The workbook is streamed through openpyxl's write-only mode, its public API only: each
row is written as it is appended, so a large ledger fits in memory. Every cell takes one
of a few named styles, registered once per workbook.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kentcard.core.words import uk_date
from kentcard.export import pa_sheet, summary_sheet
from kentcard.export import tables as T
from kentcard.export.book import MonthLine, ReviewBook
from kentcard.export.cells import (
    FORMATS,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT,
    MONEY_FORMAT,
    MONTH_FORMAT,
    Styles,
)
from kentcard.export.cells import lines_of as _lines
from kentcard.export.safety import header_text, is_risky, sheet_text

# Widest a column grows (in characters) before its text wraps instead: the printed columns
# of each sheet fit an A4 landscape page at 85 % of normal size or more (`print_scale`).
_WIDTH_CAP = {"Detail": 56, "Description": 26, "Note": 24, "Evidence": 34, "Invoices paid": 14,
              "What it proves": 40, "Paid by": 40, "Original name": 26, "Evidence file": 44,
              "SHA-256": 66, "Payee": 24, "Provider": 24, "Category": 16, "What": 32,
              "About": 36, "Reference": 16, "Source": 18}  # fmt: skip
_DEFAULT_CAP = 24
# Widths (in characters) of the printed columns together: an A4 landscape page inside the
# default margins holds about 114 at 100 %, so 130 prints at 88 % (measured in LibreOffice).
PRINT_WIDTH = 130
_NARROWEST = 12  # a text column is not narrowed below this to fit the page
_WIDTH_SAMPLE = 2000  # rows looked at to size a column; enough for a year, cheap for 100,000
Progress = Callable[[float], None]


def write_workbook(
    book: ReviewBook,
    target: str | IO[bytes],
    progress: Progress | None = None,
    scratch: Path | None = None,
) -> None:
    """Write the whole workbook for `book` to a path or a binary file.

    `scratch` is a private folder for the sheets' temporary files (see `sheets_kept_in`);
    without it they go to the system's temp folder, as openpyxl would put them.
    """
    with sheets_kept_in(scratch):
        _write_workbook(book, target, progress)


_TEMP_FOLDER = threading.Lock()


@contextmanager
def sheets_kept_in(folder: Path | None) -> Iterator[None]:
    """While a workbook is written, openpyxl's temporary files go to `folder`.

    A streamed (write-only) sheet writes its rows into a temporary file until the workbook
    is saved (`openpyxl.worksheet._writer.create_temporary_file`, a `NamedTemporaryFile`):
    for a big account, a hundred megabytes of names, payees and amounts. openpyxl has no
    setting for where; `tempfile.tempdir` is Python's documented default folder for every
    `tempfile` call, so it is pointed at `folder` for the length of one workbook and put
    back after. It is one setting for the whole process: the lock makes two workbooks
    written at once (in two threads) take turns, and anything else that makes a temporary
    file meanwhile gets it in the same private folder, which is removed after the export.
    """
    if folder is None:
        yield
        return
    with _TEMP_FOLDER:
        before = tempfile.tempdir
        tempfile.tempdir = str(folder)
        try:
            yield
        finally:
            tempfile.tempdir = before


def _write_workbook(book: ReviewBook, target: str | IO[bytes], progress: Progress | None) -> None:
    wb = Workbook(write_only=True)
    try:
        _fill(wb, book, progress)
        wb.save(target)
    except BaseException:
        _abandon(wb)
        raise


def _abandon(wb: Any) -> None:
    """After a failure, close each streamed sheet, quietly.

    A sheet left half-way through its rows would otherwise finish later (at the latest
    when Python exits) with a second error printed on stderr: not the one plain line a
    failure gets.
    """
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):  # the file is being abandoned: its error is moot
            ws.close()


def _fill(wb: Any, book: ReviewBook, progress: Progress | None) -> None:
    wb.properties.creator = "kentcard"
    wb.properties.lastModifiedBy = "kentcard"
    wb.properties.title = "Direct payment review"
    wb.properties.subject = "Kent Card direct payment account review"
    data = T.data_tables(book)
    counts = {t.name: len(t.rows) for t in data}
    summary = wb.create_sheet("Summary")
    styles = Styles(summary)  # one set of styles: they belong to the workbook, not a sheet
    total = sum(counts.values()) or 1
    done = 0
    # A streamed sheet writes its settings before its first row: so print set-up comes first.
    _printable(summary, book, repeat_header=False)
    employment = T.pa_table(book)
    for table in data:
        if table.name == T.EVIDENCE and employment is not None:
            _pa_sheet(wb, book, employment, styles)
        ws = wb.create_sheet(table.name)
        _printable(ws, book, repeat_header=True, area=(T.PRINTED[table.name], len(table.rows) + 2))
        _write_table(ws, table, styles, formulas=_formulas(table.name, counts))
        _totals(ws, table, styles)
        done += len(table.rows)
        if progress:
            progress(done / total)
    summary_sheet.write(summary, book, counts, styles)  # its chart refers to a data sheet


def _pa_sheet(wb: Any, book: ReviewBook, table: T.Table, styles: Styles) -> None:
    """The PA employment sheet, before Evidence, for a person who employs a PA."""
    ws = wb.create_sheet(table.name)
    _printable(ws, book, repeat_header=True)
    pa_sheet.write(ws, book, table, styles)


def _formulas(sheet: str, counts: dict[str, int]) -> dict[str, Callable[[int], str]]:
    """Columns written as formulas instead of the app's values: the month-by-month
    roll-forward, over the Money in and Money out sheets."""
    if sheet != T.BUDGET:
        return {}
    col = summary_sheet.letter
    first, last = col(T.BUDGET, "From"), col(T.BUDGET, "To")
    bf, money_in, paid_out, cf = (
        col(T.BUDGET, name)
        for name in ("Brought forward", "Money in", "Paid out", "Carried forward")
    )

    def between(sheet: str, row: int) -> str:
        amount = summary_sheet.column(sheet, "Amount", counts[sheet])
        dates = summary_sheet.column(sheet, "Date", counts[sheet])
        return f'=ROUND(SUMIFS({amount},{dates},">="&{first}{row},{dates},"<="&{last}{row}),2)'

    def gap(row: int) -> str:
        return f"ROUND({bf}{row}+{money_in}{row}-{paid_out}{row}-{cf}{row},2)"

    return {
        "Brought forward": lambda row: f"={cf}{row - 1}" if row > 2 else "",
        "Money in": lambda row: between(T.MONEY_IN, row),
        "Paid out": lambda row: between(T.MONEY_OUT, row),
        "Check": lambda row: f'=IF({gap(row)}=0,"OK",{gap(row)})',
    }


# Columns summed on each list's total row.
TOTALS = {
    T.MONEY_IN: ("Amount",),
    T.MONEY_OUT: ("Amount",),
    T.INVOICES: ("Amount", "Paid", "Outstanding"),
    T.BUDGET: ("Budget", "Spent", "Remaining", "Money in", "Paid out"),
}


def _totals(ws: Any, table: T.Table, styles: Styles) -> None:
    """A bold total row under the list: sums of its money, or how many rows it has."""
    n = len(table.rows)
    label = styles.text("Total" if table.name in TOTALS else f"Total: {n}")
    label.font = HEADER_FONT
    cells: list[Any] = [label] + [None] * (len(table.columns) - 1)
    for name in TOTALS.get(table.name, ()):
        index = table.columns.index(name)
        letter = get_column_letter(index + 1)
        cell = styles.cell(f"=ROUND(SUM({letter}2:{letter}{max(n, 1) + 1}),2)", MONEY_FORMAT)
        cell.font = HEADER_FONT
        cells[index] = cell
    ws.append(cells)


def _write_table(
    ws: Any,
    table: T.Table,
    styles: Styles,
    formulas: dict[str, Callable[[int], str]] | None = None,
) -> None:
    """One data sheet: the header, then a row of cells per record.

    `formulas` gives, for some columns, the formula for each row instead of the value (an
    empty formula keeps the value).
    """
    makers: list[Callable[[Any], Any]] = []
    wrapped = []
    for index, (column, (width, wrap)) in enumerate(
        zip(table.columns, fitted_widths(table), strict=True)
    ):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
        makers.append(_maker(styles, column, wrap))
        if wrap:
            wrapped.append((index, width))
    ws.freeze_panes = "A2"
    ws.append([_header(styles, c) for c in table.columns])
    swaps = [(table.columns.index(c), f) for c, f in (formulas or {}).items()]
    heights = ws.row_dimensions
    for row, values in enumerate(table.rows, start=2):
        if wrapped:  # spreadsheet programs do not fit a row to its wrapped text on opening
            lines = max(_lines(values[i], width) for i, width in wrapped)
            if lines > 1:
                heights[row].height = LINE_HEIGHT * lines
        cells = [make(v) for make, v in zip(makers, values, strict=True)]
        for index, formula in swaps:
            text = formula(row)
            if text:
                kind = T.kind_of(table.columns[index])
                cells[index] = styles.cell(text, MONEY_FORMAT if kind == "money" else "General")
        ws.append(cells)


def _maker(styles: Styles, column: str, wrap: bool) -> Callable[[Any], Any]:
    """A function from a value to this column's cell (or None).

    A streamed sheet writes each row out as it is appended, so a column's cells are made
    once, styled once, and refilled for every row: styling a new cell per value was most
    of the time for a large account.
    """
    kind = T.kind_of(column)
    shown = FORMATS.get(kind, "General")
    if kind == "text":
        plain, quoted = styles.text("", wrap), styles.text("=", wrap)  # quoted: quote prefix
        flagged = styles.text(T.MISSING, wrap, flagged=True)

        def text(value: Any) -> Any:
            if value is None:
                return None
            cell = flagged if value == T.MISSING else quoted if is_risky(value) else plain
            cell.value = sheet_text(value)
            cell.data_type = "s"  # even text that looks like a formula stays text
            return cell

        return text
    if kind == "month":

        def month(line: MonthLine) -> Any:
            """The month's first day shown `Nov 2026`; part of a month says which days."""
            days = f'" ({line.first.day}–{line.last.day})"' if line.partial else ""
            return styles.cell(line.first, MONTH_FORMAT + days)

        return month
    cell = styles.cell(None, shown)

    def number(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):  # a date that could not be read, kept as text
            return styles.text(value)
        cell.value = T.pounds(value) if kind == "money" else value
        return cell

    return number


def _header(styles: Styles, text: str) -> Any:
    cell = styles.text(text)
    cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    text_column = T.kind_of(text) == "text"
    cell.alignment = Alignment(
        horizontal="left" if text_column else "right", vertical="top", indent=int(text_column)
    )
    return cell


def fitted_widths(table: T.Table) -> list[tuple[float, bool]]:
    """Each column's width and whether its text wraps, the printed ones narrowed so that
    together they are at most `PRINT_WIDTH`: a page prints at 85 % of normal size or more."""
    sizes = [_width(column, table.rows, index) for index, column in enumerate(table.columns)]
    printed = T.PRINTED[table.name]
    excess = sum(width for width, _ in sizes[:printed]) - PRINT_WIDTH
    text = [i for i in range(printed) if T.kind_of(table.columns[i]) == "text"]
    level = max((sizes[i][0] for i in text), default=0.0)
    while excess > 0 and level > _NARROWEST:  # lower the widest columns to one level
        level -= 0.5
        excess = sum(min(w, level) if i in text else w for i, (w, _) in enumerate(sizes[:printed]))
        excess -= PRINT_WIDTH
    for i in text:
        if sizes[i][0] > level:
            sizes[i] = (level, sizes[i][1] or _longest(table, i) > level - 2)
    return sizes


def _longest(table: T.Table, index: int) -> int:
    values = (r[index] for r in table.rows[:_WIDTH_SAMPLE])
    return max((len(str(v)) for v in values if v is not None), default=0)


def _width(column: str, rows: Any, index: int) -> tuple[float, bool]:
    """A column wide enough for its header and most of its values, wrapping past a cap."""
    cap = _WIDTH_CAP.get(column, _DEFAULT_CAP)
    kind = T.kind_of(column)
    if kind == "money":
        return max(12, len(column) + 3), False
    if kind == "month":  # `Nov 2026`, or `Nov 2026 (16–30)` for part of a month
        return (19 if any(r[index].partial for r in rows) else 11.5), False
    if kind == "date":
        return max(11.5, len(column) + 3), False
    longest = max((len(str(r[index])) for r in rows[:_WIDTH_SAMPLE] if r[index] is not None),
                  default=0)  # fmt: skip
    width = max(len(column) + 3, min(longest, cap) + 2, 6)
    return width, longest > cap


def _printable(
    ws: Any, book: ReviewBook, repeat_header: bool, area: tuple[int, int] | None = None
) -> None:
    """Landscape A4, fitted to the page width, header row on every page; who, which
    period and when printed on every page. With `area` (columns, rows), only the first
    that many columns print (the technical ones after them do not)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = repeat_header
    if repeat_header:
        ws.print_title_rows = "1:1"
    if area:
        ws.print_area = f"A1:{get_column_letter(area[0])}{area[1]}"
    recipient = book.recipient
    who = f"KCC ref. {recipient.kcc_ref or 'not recorded'}"
    if recipient.card_last4:
        who += f", card ending {recipient.card_last4}"
    ws.oddHeader.left.text = header_text(recipient.name)
    ws.oddHeader.center.text = f"Direct payment review {uk_date(book.start)} to {uk_date(book.end)}"
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.left.text = header_text(
        f"{who}. Figures as at {uk_date(book.as_at)}, made {uk_date(book.today)}", limit=120
    )
    ws.oddFooter.right.text = "Page &P of &N"
    ws.page_margins.top = 0.8
