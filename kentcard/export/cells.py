"""The workbook's cells: named styles registered once per workbook, and cells that take them.

Text is always an explicit string cell, never a formula, an error value or a link
(`safety.py`); numbers, dates and our own formulas take a style for their format.
"""

from __future__ import annotations

import textwrap
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

from kentcard.export.safety import is_risky, sheet_text

MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mmm yyyy"
HOURS_FORMAT = "0.00"
FORMATS = {
    "money": MONEY_FORMAT, "date": DATE_FORMAT, "month": MONTH_FORMAT, "number": "0",
    "hours": HOURS_FORMAT,
}  # fmt: skip


class Styles:
    """The workbook's cell styles, each a named style registered once and taken by name.

    `ws` is any sheet of the workbook: cells made here may be appended to any of its sheets.
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.names: set[str] = set()

    def style(
        self,
        number_format: str = "General",
        wrap: bool = False,
        flagged: bool = False,
    ) -> str:
        """The name of the style for cells of that format; `flagged`: bold on a light red
        fill, for what a reviewer must not miss."""
        name = f"kentcard {number_format}{' wrap' if wrap else ''}{' flag' if flagged else ''}"
        if name not in self.names:
            text = number_format == "General"
            style = NamedStyle(name=name, number_format=number_format)
            style.font = FLAG_FONT if flagged else BODY_FONT
            if flagged:
                style.fill = FLAG_FILL
            style.alignment = Alignment(
                horizontal="left" if text else None,  # an indent needs an explicit side
                vertical="top",
                wrap_text=wrap or None,
                indent=1 if text else 0,  # text clear of the amount beside it
            )
            self.ws.parent.add_named_style(style)
            self.names.add(name)
        return name

    def cell(self, value: Any, number_format: str = "General", wrap: bool = False) -> Any:
        """A cell holding a number, a date or one of our own formulas."""
        cell = WriteOnlyCell(self.ws, value)
        cell.style = self.style(number_format, wrap)
        return cell

    def text(self, value: str, wrap: bool = False, flagged: bool = False) -> Any:
        """A string cell that can never be a formula, an error value or a link; text a
        spreadsheet could read as a formula also gets the quote prefix."""
        cell = WriteOnlyCell(self.ws)
        cell.value = sheet_text(value)
        cell.data_type = "s"
        cell.style = self.style("General", wrap, flagged)
        if is_risky(value):
            cell.quotePrefix = True
        return cell


FONT = "Calibri"  # the workbook's body font; LibreOffice shows its metric twin, Carlito
BODY_FONT = Font(name=FONT)
HEADER_FONT = Font(name=FONT, bold=True)
FLAG_FONT = Font(name=FONT, bold=True, color="9C0006")
FLAG_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))


LINE_HEIGHT = 14.5  # points per line of 11-point Calibri
_LINES: dict[tuple[str, float], int] = {}


def lines_of(text: Any, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide.

    A column's width is counted in widths of the digit 0. Capitals and digits are about
    that wide, small letters about a sixth narrower, spaces and punctuation about half:
    so a column fits more characters of ordinary text than of a file name or a number.
    """
    if not isinstance(text, str) or (len(text) < width - 1 and "\n" not in text):
        return 1  # fits whatever its letters are
    key = (text, width)
    found = _LINES.get(key)
    if found is None:
        found = _wrapped_lines(text, width)
        if len(_LINES) > 10_000:
            _LINES.clear()
        _LINES[key] = found
    return found


def _wrapped_lines(text: str, width: float) -> int:
    n = len(text)
    # Counted by dropping each class of letter (in C) and measuring what went.
    small = n - len(text.translate(_NO_SMALL))
    narrow = n - len(text.translate(_NO_NARROW))
    units = (n - 0.18 * small - 0.5 * narrow) or 1.0
    fits = max(1, int((width - 1) * n / units))
    if n <= fits and "\n" not in text:
        return 1
    return sum(
        len(textwrap.wrap(part, width=fits, break_long_words=True)) or 1
        for part in text.splitlines() or [""]
    )


_NARROW = " .,;:'!|()-_/"  # about half the width of a digit
_NO_NARROW = str.maketrans("", "", _NARROW)
_NO_SMALL = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")  # about a sixth narrower
