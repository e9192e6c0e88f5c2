"""The review workbook (.xlsx): a Summary of formulas over six plain data sheets.

Data sheets hold values only (one bold, frozen header row; one row per record; real dates;
money as numbers formatted `£#,##0.00`), so `pandas.read_excel` reads each back exactly.
The Summary's totals are formulas over those sheets, so a reviewer can see where each
figure comes from and a spreadsheet program recalculates them to the app's own figures.
Text from people is written as explicit string cells (see `safety.py`); nothing here
creates a hyperlink, a comment, a hidden sheet or personal data in the file's properties.
The workbook is streamed (openpyxl write-only mode) so a large ledger fits in memory.
"""

from __future__ import annotations

import textwrap
from copy import copy
from datetime import date
from decimal import Decimal
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kentcard.export import frames as F
from kentcard.export import summary_sheet
from kentcard.export.book import ReviewBook
from kentcard.export.safety import header_text, is_risky, sheet_text

MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "mmm yyyy"
HOURS_FORMAT = "0.00"
# Widest a column grows (in characters) before its text wraps instead.
_WIDTH_CAP = {"Detail": 60, "Description": 30, "Note": 30, "Evidence": 50, "Invoices paid": 20,
              "Linked to": 24, "Paid by": 24, "Original name": 30, "Evidence file": 50,
              "SHA-256": 66}  # fmt: skip
LINE_HEIGHT = 15  # points per line of 11-point text
_DEFAULT_CAP = 28
_WIDTH_SAMPLE = 2000  # rows looked at to size a column; enough for a year, cheap for 100,000


class Styles:
    """One template cell style per kind of cell, copied onto each new cell (fast)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.cache: dict[tuple[str, bool, bool], Any] = {}

    def style(self, number_format: str = "General", wrap: bool = False, quote: bool = False) -> Any:
        key = (number_format, wrap, quote)
        if key not in self.cache:
            cell = WriteOnlyCell(self.ws)
            cell.number_format = number_format
            indent = 1 if number_format == "General" else 0  # text clear of the amount beside it
            cell.alignment = Alignment(
                horizontal="left" if indent else None,  # indent needs an explicit side
                vertical="top",
                wrap_text=wrap or None,
                indent=indent,
            )
            if quote:
                cell.quotePrefix = True
            self.cache[key] = cell._style
        return self.cache[key]

    def cell(self, value: Any, number_format: str = "General", wrap: bool = False) -> Any:
        cell = WriteOnlyCell(self.ws, value)
        cell._style = copy(self.style(number_format, wrap))
        return cell

    def text(self, value: str, wrap: bool = False) -> Any:
        """A string cell that can never be a formula, an error value or a link."""
        cell = WriteOnlyCell(self.ws)
        cell._value = sheet_text(value)
        cell.data_type = "s"
        cell._style = copy(self.style("General", wrap, quote=is_risky(value)))
        return cell


FONT = "Calibri"  # the workbook's body font; LibreOffice shows its metric twin, Carlito
HEADER_FONT = Font(name=FONT, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))


def write_workbook(book: ReviewBook, target: str | IO[bytes]) -> None:
    """Write the whole workbook for `book` to a path or a binary file."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "kentcard"
    wb.properties.lastModifiedBy = "kentcard"
    wb.properties.title = "Direct payment review"
    wb.properties.subject = "Kent Card direct payment account review"
    data = F.data_frames(book)
    summary = wb.create_sheet("Summary")
    sheets = {name: wb.create_sheet(name) for name in F.DATA_SHEETS}
    # A streamed sheet writes its settings before its first row: so print set-up comes first.
    for name, ws in sheets.items():
        _printable(ws, book, repeat_header=True)
        _write_table(ws, data[name])
    _printable(summary, book, repeat_header=False)
    summary_sheet.write(summary, book, data, Styles(summary))
    wb.save(target)


def _write_table(ws: Any, frame: pd.DataFrame) -> None:
    styles = Styles(ws)
    kinds, widths, wrapped = [], [], []
    for index, column in enumerate(frame.columns, start=1):
        width, wrap = _width(column, frame[column])
        ws.column_dimensions[get_column_letter(index)].width = width
        kinds.append(_number_format(column))
        widths.append(width if wrap else 0)
        if wrap:
            wrapped.append(index - 1)
    ws.freeze_panes = "A2"
    ws.append([_header(styles, str(c)) for c in frame.columns])
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        if wrapped:
            _fit_height(ws, row, [(values[i], widths[i]) for i in wrapped])
        ws.append(
            [_value(styles, v, k, w > 0) for v, k, w in zip(values, kinds, widths, strict=True)]
        )


def _fit_height(ws: Any, row: int, texts: list[tuple[Any, float]]) -> None:
    """Make a row tall enough for its wrapped text: spreadsheet programs do not always do it."""
    lines = 1
    for text, width in texts:
        if isinstance(text, str) and len(text) > width - 2:
            lines = max(lines, len(textwrap.wrap(text, width=int(width) - 2)) or 1)
    if lines > 1:
        ws.row_dimensions[row].height = LINE_HEIGHT * lines


def _header(styles: Styles, text: str) -> Any:
    cell = styles.text(text)
    cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    text_column = text in _INDENTED
    cell.alignment = Alignment(
        horizontal="left" if text_column else "right", vertical="top", indent=int(text_column)
    )
    return cell


def _value(styles: Styles, value: Any, number_format: str, wrap: bool) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return styles.text(value, wrap)
    if isinstance(value, Decimal | date):
        return styles.cell(value, number_format)
    return styles.cell(value, "0")  # ids, byte counts: whole numbers, top-aligned like the rest


_INDENTED = frozenset(
    c for cols in F.COLUMNS.values() for c in cols
    if c not in F.MONEY_COLUMNS | F.DATE_COLUMNS | F.MONTH_COLUMNS | {"Id", "Bytes", "Hours"}
)  # fmt: skip


def _number_format(column: str) -> str:
    if column in F.MONEY_COLUMNS:
        return MONEY_FORMAT
    if column in F.MONTH_COLUMNS:
        return MONTH_FORMAT
    if column in F.DATE_COLUMNS:
        return DATE_FORMAT
    return HOURS_FORMAT if column == "Hours" else "General"


def _width(column: str, values: pd.Series) -> tuple[float, bool]:
    """A column wide enough for its header and most of its values, wrapping past a cap."""
    cap = _WIDTH_CAP.get(column, _DEFAULT_CAP)
    if column in F.MONEY_COLUMNS:
        return max(13, len(column) + 3), False
    if column in F.DATE_COLUMNS or column in F.MONTH_COLUMNS:
        return max(11.5, len(column) + 3), False
    sample = values.head(_WIDTH_SAMPLE).dropna().astype(str)
    longest = int(sample.str.len().max()) if len(sample) else 0
    width = max(len(column) + 3, min(longest, cap) + 2, 6)
    return width, longest > cap


def _printable(ws: Any, book: ReviewBook, repeat_header: bool) -> None:
    """Landscape A4, fitted to the page width, header row on every page, who and when on top."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = repeat_header
    if repeat_header:
        ws.print_title_rows = "1:1"
    ws.oddHeader.left.text = header_text(book.person.name)
    ws.oddHeader.center.text = f"Direct payment review {book.start} to {book.end}"
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.right.text = "Page &P of &N"
    ws.page_margins.top = 0.8
